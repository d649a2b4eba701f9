"""A read-only, index-based view of one parsed spaCy doc, for feature-heavy loops.

Every ``doc[i]``, ``for token in doc``, ``token.head`` or ``token.children`` creates a
new ``Token`` object, and every ``token.lemma_`` looks a string up in the vocabulary.
The attribution models (:mod:`newsprism.attribution`) and the quote extractor
(:mod:`newsprism.quotes`) ask for the same few attributes of the same tokens many times
over (each cue candidate, each content candidate of each cue); reading them once per
doc into plain lists (one ``Doc.to_array`` call) and working with token indices makes
extraction several times cheaper and gives exactly the same values.

Views are kept for the last few hundred docs asked about (by identity): an article's
paragraphs are handled one doc at a time, several times over.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Docs whose views are kept: an article's paragraphs are each one doc, and quote
#: extraction goes over all of them more than once (a few hundred views are a few MB).
_KEEP = 256
_VIEWS: dict[int, DocView] = {}
_LOCK = threading.Lock()
#: Strings of the hashes seen (a hash names the same string in every vocabulary).
_STRINGS: dict[int, str] = {}
_MAX_STRINGS = 200_000


class DocView:
    """Token attributes of one doc as lists indexed by token position.

    ``lemma`` is the lower-cased lemma (what every feature uses); ``head`` the absolute
    index of the head; ``children`` each token's children in order, as
    ``Token.children`` yields them; ``sentences`` the ``Doc.sents`` spans, and ``sent``
    each token's ``(start, end)`` sentence bounds.
    """

    __slots__ = (
        "_edges",
        "_subtrees",
        "_tokens",
        "children",
        "dep",
        "doc",
        "ent",
        "head",
        "idx",
        "is_punct",
        "is_space",
        "lemma",
        "lower",
        "n",
        "pos",
        "sent",
        "sentences",
        "tag",
        "text",
        "ws",
    )

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import (
            DEP,
            ENT_TYPE,
            HEAD,
            IDX,
            IS_PUNCT,
            IS_SPACE,
            LEMMA,
            LOWER,
            ORTH,
            POS,
            SPACY,
            TAG,
        )
        from spacy.parts_of_speech import NAMES

        self.doc = doc
        n = self.n = len(doc)
        columns = (
            doc.to_array([ORTH, LOWER, LEMMA, DEP, TAG, ENT_TYPE]).T.tolist() if n else [[]] * 6
        )
        self.text, self.lower, lemma, self.dep, self.tag, self.ent = (
            _strings(doc, column) for column in columns
        )
        self.lemma = [word.lower() for word in lemma]
        rest = (
            doc.to_array([POS, HEAD, IS_PUNCT, IS_SPACE, SPACY, IDX]).astype("int64").T.tolist()
            if n
            else [[]] * 6
        )
        pos, relative, punct, space, spacy_ws, self.idx = rest
        self.pos = [NAMES[p] for p in pos]
        self.is_punct = [bool(v) for v in punct]
        self.is_space = [bool(v) for v in space]
        self.ws = [" " if v else "" for v in spacy_ws]
        self.head = [i + r for i, r in enumerate(relative)]
        self.children: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(self.head):
            if h != i:
                self.children[h].append(i)
        self.sentences: list[Span] = list(doc.sents)
        self.sent: list[tuple[int, int]] = [(0, n)] * n
        for sentence in self.sentences:
            bounds = (sentence.start, sentence.end)
            for i in range(sentence.start, sentence.end):
                self.sent[i] = bounds
        self._tokens: list[Token] | None = None
        self._subtrees: dict[int, list[int]] = {}
        self._edges: dict[int, tuple[int, int]] = {}

    @property
    def tokens(self) -> list[Token]:
        """The doc's tokens (made once, on first use)."""
        if self._tokens is None:
            self._tokens = list(self.doc)
        return self._tokens

    def rights(self, i: int) -> list[int]:
        """Children after the token, in order (``Token.rights``)."""
        return [c for c in self.children[i] if c > i]

    def subtree(self, i: int) -> list[int]:
        """The token and its descendants, in ``Token.subtree`` order (kept per token)."""
        found = self._subtrees.get(i)
        if found is None:
            found = []
            for child in self.children[i]:
                if child < i:
                    found.extend(self.subtree(child))
            found.append(i)
            for child in self.children[i]:
                if child > i:
                    found.extend(self.subtree(child))
            self._subtrees[i] = found
        return found

    def edges(self, i: int) -> tuple[int, int]:
        """``(left_edge.i, right_edge.i)`` as the parser set them (kept per token)."""
        found = self._edges.get(i)
        if found is None:
            token = self.doc[i]
            found = self._edges[i] = (token.left_edge.i, token.right_edge.i)
        return found

    def as_tokens(self, pieces: list[list[int]]) -> list[list[Token]]:
        """Index pieces as lists of ``Token`` objects."""
        tokens = self.tokens
        return [[tokens[i] for i in piece] for piece in pieces]


def _strings(doc: Doc, hashes: list[int]) -> list[str]:
    store = doc.vocab.strings
    out = []
    for key in hashes:
        text = _STRINGS.get(key)
        if text is None:
            if len(_STRINGS) >= _MAX_STRINGS:
                _STRINGS.clear()
            text = _STRINGS[key] = store[key] if key else ""
        out.append(text)
    return out


def doc_view(doc: Doc) -> DocView:
    """The view of a doc, made on first use and kept for the last few docs."""
    view = _VIEWS.get(id(doc))
    if view is not None and view.doc is doc:  # the view holds the doc: its id is not reused
        return view
    view = DocView(doc)
    with _LOCK:  # briefs run on several threads in the service
        while len(_VIEWS) >= _KEEP:
            _VIEWS.pop(next(iter(_VIEWS)), None)
        _VIEWS[id(doc)] = view
    return view


__all__ = ["DocView", "doc_view"]
