"""The index view of a parsed doc must give exactly what spaCy's Token API gives.

Quote extraction and the attribution features read token attributes through
``newsprism.docview``; any difference from ``Token`` (a lemma not lower-cased, a child
out of order, a subtree in another order, a sentence bound off by one) would change the
features and so the quotes. The docs are parsed with the project's spaCy model,
including a paragraph with several sentences, quotation marks, a newline and an entity.
"""

from __future__ import annotations

import pytest

from newsprism.docview import DocView, doc_view

TEXTS = [
    (
        "Ryabkov said that a pledge not to expand NATO eastwards was a requirement. "
        "\u201cWe are not hopeful,\u201d he told reporters in Geneva on Monday."
    ),
    (
        "According to the council, the budget, which was approved in March, was balanced.\n"
        "Polls show Clinton ahead;  the campaign declined to comment."
    ),
    "",
]


@pytest.fixture(scope="module")
def docs():
    from newsprism.nlp import load_spacy

    return [load_spacy()(text) for text in TEXTS]


def _expected(token) -> tuple:
    return (
        token.text,
        token.lower_,
        token.lemma_.lower(),
        token.pos_,
        token.dep_,
        token.tag_,
        token.ent_type_,
        token.whitespace_,
        token.idx,
        token.is_punct,
        token.is_space,
        token.head.i,
        [c.i for c in token.children],
        [c.i for c in token.rights],
        [t.i for t in token.subtree],
        (token.left_edge.i, token.right_edge.i),
        (token.sent.start, token.sent.end),
    )


def _got(view: DocView, i: int) -> tuple:
    return (
        view.text[i],
        view.lower[i],
        view.lemma[i],
        view.pos[i],
        view.dep[i],
        view.tag[i],
        view.ent[i],
        view.ws[i],
        view.idx[i],
        view.is_punct[i],
        view.is_space[i],
        view.head[i],
        view.children[i],
        view.rights(i),
        view.subtree(i),
        view.edges(i),
        view.sent[i],
    )


def test_every_attribute_matches_the_token_api(docs) -> None:
    for doc in docs:
        view = DocView(doc)
        assert view.n == len(doc)
        for token in doc:
            assert _got(view, token.i) == _expected(token), token.text
            assert type(view.is_punct[token.i]) is bool  # features print it as True/False


def test_sentences_and_tokens_are_the_docs_own(docs) -> None:
    doc = docs[0]
    view = DocView(doc)
    assert [(s.start, s.end) for s in view.sentences] == [(s.start, s.end) for s in doc.sents]
    assert len(view.sentences) == 2
    assert view.tokens == list(doc)
    assert view.as_tokens([[0, 1]])[0] == [doc[0], doc[1]]
    assert DocView(docs[2]).sentences == [] and DocView(docs[2]).tokens == []


def test_a_view_is_made_once_per_doc(docs) -> None:
    first = doc_view(docs[1])
    assert doc_view(docs[1]) is first
    assert doc_view(docs[0]) is not first
    assert doc_view(docs[0]).doc is docs[0]
