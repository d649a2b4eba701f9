"""The brief's stages that need only the parses run while the vectors come in: the vectors
and the brief must not depend on which thread made them or when they were asked for."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from newsprism.clean import clean_articles
from newsprism.config import DEFAULT_CONFIG
from newsprism.pipeline import (
    annotate_articles,
    annotate_pending,
    build_story,
    embed_candidates,
    read,
    story_from_annotations,
)
from newsprism.render import brief_to_dict

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-story"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample():
    articles = read([SAMPLE]).articles
    return articles, tuple(a for a in clean_articles(articles) if a.text.strip())


def _without_meta(brief) -> dict:
    doc = brief_to_dict(brief)
    doc.pop("meta")
    return doc


@pytest.mark.parametrize("queue", ["running", "held"])
def test_waiters_return_each_articles_own_chunk_in_any_order(sample, queue: str) -> None:
    """"held": the pool is busy until the first call, which must then stop the queue
    (every chunk is made by its own call, with every thread) rather than wait behind it."""
    _articles, cleaned = sample
    release = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        if queue == "held":
            blocker = pool.submit(release.wait, 60)
        annotations, pending = annotate_pending(cleaned, DEFAULT_CONFIG, pool)
        assert all(len(a.embeddings) == 0 for a in annotations)  # not in yet
        order = [annotations[-1], *annotations[:-1]]  # the last article first
        got = {a.article.id: pending[a.article.id]() for a in order}
        if queue == "held":
            assert not blocker.done()  # no call waited behind the held queue
        release.set()
    for annotation in annotations:
        vectors = got[annotation.article.id]
        assert vectors.shape[1] == 384
        assert vectors.shape[0] > 0
        assert np.array_equal(vectors, embed_candidates(annotation.article, DEFAULT_CONFIG))
        assert pending[annotation.article.id]() is vectors  # made once


def test_overlapped_build_equals_the_sequential_one(sample) -> None:
    articles, cleaned = sample
    _story, overlapped = build_story(articles)
    _story, sequential = story_from_annotations(annotate_articles(cleaned))
    assert _without_meta(overlapped) == _without_meta(sequential)
    assert overlapped.points  # a real brief, not two empty ones
