"""A pool of Ray actors: clustering signals of new articles, annotations of stored ones."""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Self

from newsprism.errors import NewsprismError

if TYPE_CHECKING:
    from newsprism.cluster import ClusterConfig
    from newsprism.config import Config
    from newsprism.model import Article
    from newsprism.store import PreparedArticle

logger = logging.getLogger(__name__)

#: Groups in flight per worker: one running, one queued, so no worker waits for the
#: driver between groups and the driver holds few results it cannot commit yet.
IN_FLIGHT_PER_WORKER = 2


def ray_missing_message() -> str:
    return (
        "Ray is not installed: pip install 'newsprism[scale]' (or pip install ray), "
        "or ingest without --ray"
    )


class _Worker:
    """One Ray actor: loads the models once, then takes group after group."""

    def __init__(self, threads: int) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.threads = threads

    def warm_up(self, cluster_config: ClusterConfig) -> None:
        """Load the models now (while the driver reads and cleans)."""
        from newsprism.embed import get_embedder
        from newsprism.nlp import load_spacy

        load_spacy(cluster_config.spacy_model, parse=False)
        if cluster_config.dense_weight > 0:
            get_embedder(cluster_config.embedder, threads=self.threads).warm_up()

    def prepare(
        self, articles: Sequence[Article], cluster_config: ClusterConfig
    ) -> list[PreparedArticle]:
        from newsprism.store import prepare_signals

        return prepare_signals(articles, cluster_config, threads=self.threads)

    def annotate(self, articles: Sequence[Article], config: Config) -> list[tuple[str, Any]]:
        from newsprism.store import annotation_rows

        return annotation_rows(articles, config)


class RayPool:
    """Ray actors that compute an ingest's clustering signals and stored articles'
    annotations.

    Pass it to :meth:`newsprism.store.Store.ingest_articles` (or ``ingest_paths``) as
    ``preparer``, and to :meth:`newsprism.store.Store.annotate` as ``annotator``. Use it as a context manager: on exit the actors are stopped, and a Ray
    runtime this object started is shut down (one it joined is left running).

    Args:
        workers: actors to start (default: the cluster's CPUs, at least one).
        address: a running Ray cluster to join (``"auto"``, ``"ray://host:10001"``);
            default: start a local Ray with ``workers`` CPUs (or the machine's cores).
        threads_per_worker: each actor's CPUs, and its embedder's threads.
        cluster_config: the configuration whose models the actors load at once (default:
            the store's default); ``map`` takes the one an ingest uses.

    Raises:
        NewsprismError: Ray is not installed, or could not start or connect.
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        address: str | None = None,
        threads_per_worker: int = 1,
        cluster_config: ClusterConfig | None = None,
    ) -> None:
        from newsprism.cluster import DEFAULT_CLUSTER_CONFIG

        cluster_config = cluster_config or DEFAULT_CLUSTER_CONFIG
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be positive, got {workers}")
        if threads_per_worker < 1:
            raise ValueError(f"threads_per_worker must be positive, got {threads_per_worker}")
        try:
            import ray
        except ImportError:
            raise NewsprismError(ray_missing_message()) from None
        self._ray = ray
        self._owns_runtime = False
        if not ray.is_initialized():
            env = {"env_vars": {"HF_HUB_OFFLINE": "1"}}
            try:
                if address:
                    ray.init(address=address, runtime_env=env, log_to_driver=False)
                else:
                    cpus = (workers or os.cpu_count() or 1) * threads_per_worker
                    ray.init(
                        num_cpus=cpus,
                        include_dashboard=False,
                        runtime_env=env,
                        log_to_driver=False,
                    )
            except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ...
                where = f"the Ray cluster at {address}" if address else "a local Ray runtime"
                raise NewsprismError(
                    f"could not start or join {where} ({exc}); check the address, or "
                    "ingest without --ray"
                ) from exc
            self._owns_runtime = True
        available = int(ray.cluster_resources().get("CPU", 1))
        count = workers or max(1, available // threads_per_worker)
        actor: Any = ray.remote(num_cpus=threads_per_worker)(_Worker)
        self._actors: list[Any] = [actor.remote(threads_per_worker) for _ in range(count)]
        self._warming = [a.warm_up.remote(cluster_config) for a in self._actors]
        logger.info("Ray: %d worker(s), %d thread(s) each", count, threads_per_worker)

    @property
    def workers(self) -> int:
        return len(self._actors)

    def map(
        self, groups: Sequence[Sequence[Article]], cluster_config: ClusterConfig
    ) -> Iterator[list[PreparedArticle]]:
        """Each group's clustering signals (:func:`newsprism.store.prepare_signals`), in
        the groups' order, as workers finish them (the ingest's ``preparer``)."""
        self._ray.get(self._warming)  # a model missing on a worker fails here, first
        return self._ordered("prepare", groups, cluster_config)

    def map_annotations(
        self, groups: Sequence[Sequence[Article]], config: Config
    ) -> Iterator[list[tuple[str, Any]]]:
        """Each group's encoded annotations (:func:`newsprism.store.annotation_rows`), in
        the groups' order, as workers finish them (:meth:`Store.annotate`'s ``annotator``)."""
        return self._ordered("annotate", groups, config)

    def _ordered(
        self, method: str, groups: Sequence[Sequence[Article]], config: Any
    ) -> Iterator[Any]:
        """Groups go to the workers in turn, at most :data:`IN_FLIGHT_PER_WORKER` each at a
        time; results come back in the groups' order. A worker's error is raised here, as
        the error it raised (Ray's task error is also an instance of the original class).
        """
        ray = self._ray
        config_ref = ray.put(config)
        pending: deque[Any] = deque()
        limit = IN_FLIGHT_PER_WORKER * len(self._actors)
        for index, group in enumerate(groups):
            actor = self._actors[index % len(self._actors)]
            pending.append(getattr(actor, method).remote(list(group), config_ref))
            if len(pending) >= limit:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._owns_runtime and self._ray.is_initialized():
            self._ray.shutdown()
            self._owns_runtime = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
