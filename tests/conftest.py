"""Shared fixtures: hand-built records (no models) and the location of ../shared/data."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from newsprism.claims import Member
from newsprism.model import Article, Sentence, Span, content_id

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (expected ../shared beside the repo)")
    return path


@lru_cache(maxsize=128)
def claim_member(outlet: str, text: str) -> Member:
    """The first sentence of a one-article story, parsed as a claims.Member."""
    from newsprism.claims import sentence_tokens
    from newsprism.nlp import annotate

    article = Article(id=content_id(outlet, text), outlet=outlet, text=text)
    annotation = annotate([article])
    annotated = annotation.articles[0]
    sentence = annotated.sentences[0]
    parsed = sentence_tokens(annotated, annotation.docs[annotated.id], sentence)
    assert parsed is not None
    return Member(annotated, sentence, parsed[0], parsed[1])


def make_article(outlet: str, sentences: list[str], *, title: str | None = None) -> Article:
    """An annotated article whose sentences are the given strings, one paragraph each."""
    text = "\n\n".join(sentences)
    article_id = content_id(outlet, text)
    spans = []
    offset = 0
    for index, sentence in enumerate(sentences):
        spans.append(
            Sentence(
                span=Span(article_id, offset, offset + len(sentence)),
                text=sentence,
                paragraph=index,
            )
        )
        offset += len(sentence) + 2
    return Article(id=article_id, outlet=outlet, text=text, title=title, sentences=tuple(spans))


@pytest.fixture(scope="session")
def raw_seed_annotation():
    """The seed files as read (uncleaned, raw text as the article text), annotated once.

    Extractors are tested on raw seeds too: they must hold up with boilerplate present.
    """
    from newsprism.nlp import annotate

    seeds = shared_path("seeds")
    articles = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        articles.append(Article(id=content_id(path.name, text), outlet=path.stem, text=text))
    return annotate(articles)
