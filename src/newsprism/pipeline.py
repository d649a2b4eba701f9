"""The pipeline, wired in one place: read -> clean -> annotate -> align -> extract -> compose.

The CLI, the evaluation harness and (later) the service call these functions; none of
them holds analysis logic of its own.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.config import DEFAULT_CONFIG, Config
from newsprism.errors import NewsprismError
from newsprism.model import Article, Brief, ReadResult, Skip, Story, content_id

if TYPE_CHECKING:
    import numpy as np

    from newsprism.divergence import Quantity
    from newsprism.entities import RosterEvidence
    from newsprism.model import FramingProfile, Quote
    from newsprism.nlp import ParsedParagraph
    from newsprism.timeline import ArticleTimes

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


class StageError(NewsprismError):
    """A pipeline stage failed; the message names the stage."""

    def __init__(self, stage: str, error: Exception) -> None:
        super().__init__(f"stage {stage!r} failed: {error}")
        self.stage = stage


@dataclass
class Timings:
    """Wall time per stage, for the benchmark and ``--verbose`` runs."""

    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, stage: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        except NewsprismError:
            raise
        except Exception as error:
            raise StageError(stage, error) from error
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


def read(paths: Sequence[str | Path]) -> ReadResult:
    """Read files and folders into uncleaned articles and recorded skips."""
    from newsprism.ingest import read_paths

    return read_paths(paths)


def embed_threads() -> int:
    """Threads for the embedder while spaCy holds one core."""
    return max(1, (os.cpu_count() or 2) - 1)


def warm_up(config: Config = DEFAULT_CONFIG) -> None:
    """Load every model now (servers and benchmarks call this once)."""
    from newsprism.embed import get_embedder
    from newsprism.nlp import warm_up as nlp_warm_up

    nlp_warm_up(config.spacy_model)
    get_embedder(config.embedder, threads=embed_threads()).warm_up()
    get_embedder(config.embedder).warm_up()


@dataclass(frozen=True)
class ArticleAnnotation:
    """What annotation found in one cleaned article: the reusable part of a brief.

    A store keeps these so that when a story grows only its new articles go through spaCy
    and MiniLM. ``embeddings`` has one row per alignment candidate of this article
    (:func:`newsprism.align.candidates` of the article alone), encoded as one chunk, so the
    rows do not depend on which other articles share the story. ``quotes``,
    ``quantities``, ``framing``, ``times`` (timeline expressions) and ``roster`` (entity
    evidence), the per-article extractions, are ``None`` until :func:`with_extractions`
    fills them.
    """

    article: Article  # cleaned, with sentences
    paragraphs: tuple[ParsedParagraph, ...]
    embeddings: np.ndarray
    quotes: tuple[Quote, ...] | None = None
    quantities: tuple[Quantity, ...] | None = None
    framing: FramingProfile | None = None
    times: ArticleTimes | None = None
    roster: RosterEvidence | None = None


def candidate_texts(article: Article) -> list[str]:
    """The texts of one article's alignment candidates: what its embedding chunk encodes."""
    from newsprism import align as align_stage

    return [c.sentence.text for c in align_stage.candidates([article])]


def embed_candidates(
    article: Article, config: Config = DEFAULT_CONFIG, *, threads: int | None = None
) -> np.ndarray:
    """One annotated article's ``ArticleAnnotation.embeddings``, encoded as one chunk
    (with ``threads`` threads; default: the embedder's own setting)."""
    from newsprism.embed import get_embedder

    embedder = get_embedder(config.embedder, threads=threads)
    return embedder.encode(candidate_texts(article), config.batch_size)


def annotate_articles(
    cleaned: Sequence[Article],
    config: Config = DEFAULT_CONFIG,
    *,
    timings: Timings | None = None,
    progress: Progress | None = None,
) -> tuple[ArticleAnnotation, ...]:
    """spaCy annotation and MiniLM embedding of cleaned articles, one record per article."""
    from concurrent.futures import ThreadPoolExecutor

    timings = timings or Timings()
    note = progress or (lambda _stage: None)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
        annotations, pending = annotate_pending(cleaned, config, pool, timings=timings)
        note("embed")
        return timings.run(
            "embed",
            lambda: tuple(
                replace(a, embeddings=pending[a.article.id]()) for a in annotations
            ),
        )


def with_extractions(annotation: ArticleAnnotation) -> ArticleAnnotation:
    """The annotation with its article's per-article extractions made (once)."""
    from newsprism.divergence import extract_quantities
    from newsprism.entities import roster_evidence
    from newsprism.framing import framing_profile
    from newsprism.quotes import LEDGER_REPORTED, extract_quotes
    from newsprism.timeline import article_times

    article, paragraphs = annotation.article, annotation.paragraphs
    quotes = annotation.quotes if annotation.quotes is not None else extract_quotes(
        article, paragraphs, indirect=LEDGER_REPORTED
    )
    return replace(
        annotation,
        quotes=quotes,
        quantities=annotation.quantities
        if annotation.quantities is not None
        else extract_quantities(article, paragraphs),
        framing=annotation.framing
        if annotation.framing is not None
        else framing_profile(article, paragraphs, quotes=quotes),
        times=annotation.times
        if annotation.times is not None
        else article_times(article, paragraphs),
        roster=annotation.roster
        if annotation.roster is not None
        else roster_evidence(article.id, paragraphs),
    )


def build_story(
    articles: Sequence[Article],
    config: Config = DEFAULT_CONFIG,
    *,
    skipped: Iterable[Skip] = (),
    timings: Timings | None = None,
    progress: Progress | None = None,
) -> tuple[Story, Brief]:
    """Clean, annotate, align and extract one story, and compose its brief."""
    from concurrent.futures import ThreadPoolExecutor

    from newsprism.clean import clean_articles

    timings = timings or Timings()
    note = progress or (lambda _stage: None)

    note("clean")
    cleaned = timings.run("clean", clean_articles, articles)
    cleaned = tuple(a for a in cleaned if a.text.strip())
    note("annotate")
    # The stages that need only the parses run while the vectors come in.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
        annotations, pending = annotate_pending(cleaned, config, pool, timings=timings)
        return story_from_annotations(
            annotations, config, skipped=skipped, timings=timings, progress=note,
            pending=pending,
        )


def story_from_annotations(
    annotations: Sequence[ArticleAnnotation],
    config: Config = DEFAULT_CONFIG,
    *,
    skipped: Iterable[Skip] = (),
    timings: Timings | None = None,
    progress: Progress | None = None,
    pending: Mapping[str, Callable[[], np.ndarray]] | None = None,
    quote_scores: Mapping[tuple[tuple[str, int], tuple[str, int]], float] | None = None,
) -> tuple[Story, Brief]:
    """Align, extract and compose a story from its articles' annotations.

    No model runs here (quotes and quantities are extracted from the parses unless the
    annotations carry them), so a stored story is re-briefed from cached annotations.
    ``pending`` maps the id of an article whose embeddings are still being computed
    (elsewhere) to a function that waits for them: quotes and entities, which do not
    need them, run first. ``quote_scores``: the quote match scores made ahead
    (:func:`newsprism.quotes.quote_match_scores` over every article pair), as a store
    keeps them.
    """
    import numpy as np

    from newsprism import align as align_stage
    from newsprism import compose
    from newsprism.claims import ClaimFindings, claim_divergences, sentence_similarity
    from newsprism.divergence import (
        age_divergences,
        extract_quantities,
        quantity_divergences,
        same_fact_quantity_divergences,
    )
    from newsprism.entities import build_roster
    from newsprism.event_days import weekday_divergences
    from newsprism.framing import framing_profiles
    from newsprism.novelty import novel_anchors
    from newsprism.omissions import omission_matrix
    from newsprism.quotes import LEDGER_REPORTED, extract_quotes, group_quotes
    from newsprism.timeline import build_timeline

    timings = timings or Timings()
    note = progress or (lambda _stage: None)
    annotated = tuple(a.article for a in annotations)
    docs = {a.article.id: a.paragraphs for a in annotations}
    note("quotes")

    def _quotes() -> Any:
        by_article = {
            a.article.id: a.quotes
            if a.quotes is not None
            else extract_quotes(a.article, a.paragraphs, indirect=LEDGER_REPORTED)
            for a in annotations
        }
        outlets = {a.id: a.outlet for a in annotated}
        return by_article, group_quotes(by_article, outlets, scores=quote_scores)

    quotes_by_article, quote_groups = timings.run("quotes", _quotes)
    note("entities")
    all_quotes = [q for qs in quotes_by_article.values() for q in qs]
    evidence = {a.article.id: a.roster for a in annotations if a.roster is not None}
    entities = timings.run(
        "entities", build_roster, annotated, all_quotes, docs=docs, evidence=evidence
    )
    cands = align_stage.candidates(annotated)
    # What needs no embedding runs first: a new article's vectors come in meanwhile.
    words = timings.run("align", align_stage.lexical, annotated, cands)
    note("divergences")

    def _unaligned() -> Any:
        quantities = {
            a.article.id: a.quantities
            if a.quantities is not None
            else extract_quantities(a.article, a.paragraphs)
            for a in annotations
        }
        return quantities, quantity_divergences(annotated, quantities), age_divergences(
            annotated, docs
        )

    quantities, compared, ages = timings.run("divergences", _unaligned)
    if all(a.framing is not None for a in annotations):  # per-article profiles, stored
        framing = tuple(a.framing for a in annotations if a.framing is not None)
    else:
        framing = timings.run(
            "framing", framing_profiles, annotated, docs, quotes=quotes_by_article
        )
    note("timeline")
    times = {a.article.id: a.times for a in annotations if a.times is not None}
    timeline = timings.run("timeline", build_timeline, annotated, docs, times=times)
    novel = timings.run("compose", novel_anchors, annotated, quantities, docs)
    findings = ClaimFindings(annotated, docs, entities)
    waiting = pending or {}
    if waiting:  # the sentences' claim findings, while the vectors are still coming
        timings.run("divergences", findings.prefill, cands)
    rows = [
        timings.run("embed", waiting[a.article.id]) if a.article.id in waiting else a.embeddings
        for a in annotations
    ]
    rows = [r for r in rows if len(r)]
    embeddings = np.vstack(rows) if rows else np.zeros((0, 384), np.float32)
    note("align")
    alignment = timings.run(
        "align",
        align_stage.align,
        annotated,
        embeddings,
        cands,
        threshold=config.align_threshold,
        words=words,
    )
    note("divergences")

    def _divergences() -> Any:
        claims = claim_divergences(
            annotated, docs, alignment, entities=entities, findings=findings
        )
        numeric = same_fact_quantity_divergences(
            compared, annotated, quantities, sentence_similarity(alignment)
        )
        days = weekday_divergences(annotated, docs, alignment, entities=entities)
        return numeric + ages + days + claims

    divergences = timings.run("divergences", _divergences)
    note("compose")

    def _compose() -> tuple[Any, Any, Any, Any]:
        ranked = compose.score_points(alignment)
        selected = compose.select(
            alignment, ranked, words=config.words, redundancy_threshold=config.redundancy_threshold
        )
        unique = compose.unique_reports(
            annotated,
            ranked,
            per_outlet=config.max_unique_per_outlet,
            alignment=alignment,
            novel=novel,
        )
        omissions = omission_matrix(
            annotated,
            ranked,
            alignment,
            threshold=config.align_threshold,
            redundancy_threshold=config.redundancy_threshold,
        )
        return ranked, selected, unique, omissions

    ranked, selected, unique, omissions = timings.run("compose", _compose)
    story = Story(
        articles=annotated,
        points=ranked,
        quotes=quote_groups,
        entities=entities,
        divergences=divergences,
        timeline=timeline,
        skipped=tuple(skipped),
        omissions=omissions,
        framing=framing,
    )
    brief = Brief(
        story=story,
        points=selected,
        unique=unique,
        words=config.words,
        meta={"timings": {k: round(v, 4) for k, v in timings.seconds.items()}},
    )
    return story, brief


def annotate_pending(
    cleaned: Sequence[Article],
    config: Config,
    pool: Executor,
    *,
    timings: Timings | None = None,
) -> tuple[tuple[ArticleAnnotation, ...], dict[str, Callable[[], np.ndarray]]]:
    """spaCy annotation of cleaned articles, with their embeddings still coming in.

    spaCy runs on one core; each article's alignment candidates are queued for MiniLM on
    ``pool`` (on the other core) as soon as spaCy has split it, so the caller can go on
    with every stage that needs only the parses while the vectors come in.

    Returns:
        The annotations, with empty ``embeddings``, and for each article a function that
        returns its vectors. The first call cancels every chunk not yet started (their
        vectors are then made by their own call, at once and with every thread) and
        waits for a started one: once the caller needs vectors, no core idles behind a
        queue. Each chunk (one article's sentences) is always encoded on its own, so its
        vectors do not depend on which thread made them (int8 activation scales are set
        per batch) and a brief comes out the same on every run.
    """
    import numpy as np
    from threadpoolctl import threadpool_limits

    from newsprism.embed import DIMENSION
    from newsprism.nlp import annotate

    timings = timings or Timings()
    futures: dict[str, Future[np.ndarray]] = {}

    def queue(article: Article) -> None:
        futures[article.id] = pool.submit(
            embed_candidates, article, config, threads=embed_threads()
        )

    with threadpool_limits(limits=1, user_api="blas"):  # spaCy on one core
        annotation = timings.run(
            "annotate",
            annotate,
            cleaned,
            model=config.spacy_model,
            batch_size=config.spacy_batch_size,
            on_article=queue,
        )

    def waiter(article: Article) -> Callable[[], np.ndarray]:
        done: list[np.ndarray] = []

        def wait() -> np.ndarray:
            if not done:
                for future in futures.values():  # the queue stops here
                    future.cancel()
                future = futures[article.id]
                done.append(
                    embed_candidates(article, config) if future.cancelled() else future.result()
                )
            return done[0]

        return wait

    empty = np.zeros((0, DIMENSION), np.float32)  # until the vectors are in
    return (
        tuple(ArticleAnnotation(a, annotation.docs[a.id], empty) for a in annotation.articles),
        {a.id: waiter(a) for a in annotation.articles},
    )


def brief_paths(
    paths: Sequence[str | Path],
    config: Config = DEFAULT_CONFIG,
    *,
    progress: Progress | None = None,
) -> Brief:
    """Read the given files/folders as one story and compose its brief."""
    timings = Timings()
    result = timings.run("read", read, paths)
    if not result.articles:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in result.skipped[:5]) or "no files"
        raise NewsprismError(f"no usable article in {', '.join(map(str, paths))} ({reasons})")
    _story, brief = build_story(
        result.articles, config, skipped=result.skipped, timings=timings, progress=progress
    )
    return brief


def summary_text(brief: Brief, words: int) -> str:
    """The brief's points as plain text of at most ``words`` words (for ROUGE)."""
    out: list[str] = []
    used = 0
    for point in brief.points:
        n = len(point.text.split())
        if used + n > words:
            continue
        out.append(point.text)
        used += n
    return "\n".join(out)


def articles_from_documents(
    documents: Sequence[dict[str, Any]], story_id: str = ""
) -> list[Article]:
    """Articles from the shared multi-document schema's ``documents[]`` items."""
    from newsprism.ingest.jsonfmt import read_record

    return list(read_record({"documents": list(documents)}, story_id or "story").articles)


def summarize_documents(
    documents: Sequence[dict[str, Any]], words: int, config: Config = DEFAULT_CONFIG
) -> str:
    """A plain extractive summary of a story given as shared-schema documents."""
    articles = articles_from_documents(documents)
    if not articles:
        return ""
    _story, brief = build_story(articles, config.with_overrides(words=words))
    return summary_text(brief, words)


def story_id(articles: Sequence[Article]) -> str:
    return content_id(*sorted(a.id for a in articles))
