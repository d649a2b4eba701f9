"""Background jobs with an id and progress, for work that outlives an HTTP request.

The service runs ingestion here: a request submits a job and gets its id at once, and
the page polls the job's progress. One worker thread runs the jobs in submission order,
so there is never more than one writer to the store at a time (SQLite allows one), while
request threads keep reading.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

logger = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed"]


class JobProgress:
    """What a running job reports: its stage and ``done`` of ``total`` units of work.

    Handed to the job's function, which calls it from the worker thread while readers
    take snapshots from request threads; a lock keeps each snapshot consistent.
    """

    def __init__(self, job: _JobRecord, lock: threading.Lock) -> None:
        self._job = job
        self._lock = lock

    def stage(self, name: str, total: int = 0) -> None:
        """Start a new stage (``total`` units, 0 when unknown)."""
        with self._lock:
            self._job.stage, self._job.done, self._job.total = name, 0, total

    def __call__(self, done: int, total: int) -> None:
        """Report ``done`` of ``total`` units of the current stage (a store progress hook)."""
        with self._lock:
            self._job.done, self._job.total = done, total


@dataclass
class _JobRecord:
    """Mutable state of one job, guarded by the manager's lock; callers only see copies."""

    id: str
    kind: str
    state: JobState = "queued"
    stage: str = "queued"
    done: int = 0
    total: int = 0
    created: str = ""
    started: str | None = None
    finished: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """A snapshot of a job, safe to hand to a request thread."""

    id: str
    kind: str
    state: JobState
    stage: str
    done: int
    total: int
    created: str
    started: str | None
    finished: str | None
    result: dict[str, Any] | None
    error: str | None


JobFunction = Callable[[JobProgress], dict[str, Any]]
"""The work of a job: gets a progress reporter, returns a JSON-ready result."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class JobManager:
    """Runs submitted functions one at a time on a worker thread and tracks them by id.

    Args:
        keep: how many finished jobs to remember (oldest finished ones are forgotten).
        before_each: called on the worker thread before every job (e.g. wait until the
            models are loaded); an exception fails the job with its message.
        nice: scheduling niceness added to the worker thread (and so to the threads it
            starts), on Linux: ingestion yields the CPU to request threads, so reads stay
            fast while it runs. 0 leaves the priority alone.
    """

    def __init__(
        self,
        *,
        keep: int = 200,
        before_each: Callable[[], None] | None = None,
        nice: int = 0,
    ) -> None:
        self._nice = nice
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, _JobRecord] = OrderedDict()
        self._keep = keep
        self._before_each = before_each
        self._pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="newsprism-job", initializer=self._lower_priority
        )

    def submit(self, kind: str, work: JobFunction, *, cleanup: Callable[[], None] | None = None) -> Job:
        """Queue ``work`` and return its snapshot at once (state ``queued``).

        ``cleanup`` runs after the job however it ends (e.g. removes uploaded files).
        """
        record = _JobRecord(id=uuid.uuid4().hex, kind=kind, created=_now())
        with self._lock:
            self._jobs[record.id] = record
            self._forget_old()
        self._pool.submit(self._run, record, work, cleanup)
        return self._snapshot(record)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            record = self._jobs.get(job_id)
            return self._snapshot_locked(record) if record else None

    def active(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return sum(1 for r in self._jobs.values() if r.state in ("queued", "running"))

    def shutdown(self) -> None:
        """Stop taking jobs; queued ones are cancelled, a running one finishes on its own.

        The store commits as it goes, so a job cut short by the process exiting loses
        nothing that was committed, and re-running it resumes.
        """
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, record: _JobRecord, work: JobFunction, cleanup: Callable[[], None] | None) -> None:
        with self._lock:
            record.state, record.stage, record.started = "running", "starting", _now()
        try:
            if self._before_each is not None:
                self._before_each()
            result = work(JobProgress(record, self._lock))
        except Exception as error:  # a failed job is reported to its poller, not raised
            logger.exception("job %s (%s) failed", record.id, record.kind)
            with self._lock:
                record.state, record.error, record.finished = "failed", str(error), _now()
        else:
            with self._lock:
                record.state, record.result, record.finished = "done", result, _now()
                record.stage = "done"
        finally:
            if cleanup is not None:
                try:
                    cleanup()
                except Exception:
                    logger.exception("cleanup of job %s failed", record.id)

    def _lower_priority(self) -> None:
        if not self._nice or not hasattr(os, "setpriority"):
            return
        try:  # on Linux a thread is a task: this lowers only the worker (and its children)
            current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), current + self._nice)
        except OSError as error:
            logger.info("could not lower the job thread's priority: %s", error)

    def _forget_old(self) -> None:
        finished = [k for k, r in self._jobs.items() if r.state in ("done", "failed")]
        for key in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[key]

    def _snapshot(self, record: _JobRecord) -> Job:
        with self._lock:
            return self._snapshot_locked(record)

    @staticmethod
    def _snapshot_locked(record: _JobRecord) -> Job:
        copy = replace(record)
        return Job(
            id=copy.id,
            kind=copy.kind,
            state=copy.state,
            stage=copy.stage,
            done=copy.done,
            total=copy.total,
            created=copy.created,
            started=copy.started,
            finished=copy.finished,
            result=copy.result,
            error=copy.error,
        )
