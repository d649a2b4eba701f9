"""Reported speech: who said, thought or found what, learnt from annotated news.

News writing attributes far more than it quotes: "Ryabkov said that a pledge ... were
requirements", "according to the council, the budget was balanced", "Sherman repeated
the US threat to impose sanctions", "polls show Clinton ahead". The cue words are many
and ambiguous ("called" attributes in "called the plan reckless", not in "called a
meeting"), so they are not hand-listed; three small linear models over the dependency
parse decide instead, trained on the PolNeAR train split (Newell, Margolin & Ruths,
LREC 2018: every attribution of 919 US news articles, with cue, source and content
spans; see ``../shared/data/polnear``):

1. the **cue model** scores each token outside a quotation as the head of an
   attribution cue, from its lemma, part of speech, dependency relation, the relations
   of its children, the kind of its subject and its neighbours
   (:func:`cue_features`);
2. the **content model** picks the content span of a cue among structural candidates
   (:func:`content_candidates`: the clausal complement, the infinitive complement, the
   object and what follows it, the object of its preposition, the rest of the sentence
   around "according to", the sentence before the source ...), each scored from the cue
   and the shape and edges of the candidate
   (:func:`content_features`);
3. the **accept model** decides on the attribution as a whole (cue and chosen content
   together: both probabilities, the rule that proposed the content, the cue lemma,
   the content's edges; :func:`accept_features`), trained on out-of-fold scores of the
   other two. Cues down to a low cue probability are put to it, so a doubtful cue with
   a clean clause is kept and a sure cue without a fitting content is dropped.

The weights live in ``newsprism/data/attribution.json.gz`` (feature name -> weight,
no article text), written by :func:`newsprism.eval.quote_model.train_attribution_model`
(``newsprism eval quotes-train``). Inference is a sum of weights and a logistic
function, so nothing heavier than the spaCy parse runs at extraction time.

Speakers are not decided here: :mod:`newsprism.quotes` resolves the source token this
module returns (the cue's subject, the object of "according to", the possessor of a
noun cue) to a named person or organisation.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.docview import DocView, doc_view
from newsprism.errors import ModelMissingError

if TYPE_CHECKING:
    from spacy.tokens import Token

logger = logging.getLogger(__name__)

MODEL_FILE = "attribution.json.gz"
"""The trained weights (gzip-compressed JSON), in ``newsprism/data``."""

#: Parts of speech a cue head can have ("said", "claims", "according", ":").
CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADP", "ADJ", "PUNCT", "PROPN"})

#: Dependents that are not part of a clause's content (adjuncts, subjects, markers).
_ADJUNCT_DEPS = frozenset(
    {
        "advmod",
        "npadvmod",
        "advcl",
        "agent",
        "prt",
        "neg",
        "aux",
        "auxpass",
        "nsubj",
        "nsubjpass",
        "expl",
        "dative",
        "intj",
        "dep",
        "attr",
        "acomp",
        "mark",
        "punct",
        "cc",
        "conj",
        "parataxis",
    }
)
#: Prepositions that open a time or place adjunct rather than content ("said in a statement").
_ADJUNCT_PREPS = frozenset(
    {"in", "on", "at", "during", "after", "before", "since", "while", "through", "via", "from"}
)
#: Dependents continuing an object into the content ("urged voters to ...", "called X a Y").
_OBJECT_RIGHT_DEPS = frozenset({"dobj", "prep", "oprd", "xcomp", "ccomp", "dative", "acomp"})

Pieces = list[list["Token"]]
IndexPieces = list[list[int]]
"""Pieces as token indices into their doc (what the feature functions work on)."""


# --------------------------------------------------------------------------------------
# Features
#
# The features read token attributes through a :class:`~newsprism.docview.DocView` of
# the doc (plain lists by token index): a cue candidate's features, and each content
# candidate's, look at the same tokens again and again, and spaCy makes a new ``Token``
# object on every ``doc[i]``, ``.head`` and ``.children``. The public functions take
# and give ``Token`` objects as before; the ``_``-functions work on indices.


def subject_kind(token: Token) -> str:
    """What performs the cue: an entity label, a pronoun, a noun, or nothing."""
    return _subject_kind(doc_view(token.doc), token.i)


def _subject_kind(view: DocView, i: int) -> str:
    for child in view.children[i]:
        if view.dep[child] in {"nsubj", "nsubjpass"}:
            if view.ent[child]:
                return "ent:" + view.ent[child]
            if view.pos[child] == "PRON":
                return "pron:" + view.lower[child]
            return "noun:" + view.lemma[child]
    return "none"


def cue_features(token: Token) -> dict[str, float]:
    """Binary features of a token as a possible cue head (names map to weights)."""
    return _cue_features(doc_view(token.doc), token.i)


def _cue_features(view: DocView, i: int) -> dict[str, float]:
    lemma, pos, dep, tag = view.lemma[i], view.pos[i], view.dep[i], view.tag[i]
    head = view.head[i]
    head_lemma = view.lemma[head]
    subject = _subject_kind(view, i)
    prev_word = view.lower[i - 1] if i > 0 else "<s>"
    next_word = view.lower[i + 1] if i + 1 < view.n else "</s>"
    features = {
        "lem=" + lemma: 1.0,
        "pos=" + pos: 1.0,
        "dep=" + dep: 1.0,
        "tag=" + tag: 1.0,
        f"lem|pos={lemma}|{pos}": 1.0,
        f"lem|dep={lemma}|{dep}": 1.0,
        "subj=" + subject: 1.0,
        f"lem|subj={lemma}|{subject.split(':')[0]}": 1.0,
        "head=" + head_lemma: 1.0,
        "headdep=" + view.dep[head]: 1.0,
        "prev=" + prev_word: 1.0,
        "next=" + next_word: 1.0,
        f"lem|next={lemma}|{next_word}": 1.0,
    }
    if view.ent[i]:
        features["ent=" + view.ent[i]] = 1.0
    for child in view.children[i]:
        child_dep = view.dep[child]
        features["child=" + child_dep] = 1.0
        features[f"lem|child={lemma}|{child_dep}"] = 1.0
        if child_dep == "prep":
            features[f"lem|prep={lemma}|{view.lower[child]}"] = 1.0
        elif child_dep in {"dobj", "nsubj", "nsubjpass", "attr", "poss"}:
            features[f"lem|{child_dep}={lemma}|{view.lemma[child]}"] = 1.0
        elif child_dep == "ccomp":
            marker = next(
                (view.lower[g] for g in view.children[child] if view.dep[g] == "mark"), "-"
            )
            features[f"lem|ccomp_mark={lemma}|{marker}"] = 1.0
    if pos in {"ADP", "PUNCT"} or dep in {"prep", "pobj", "dobj"}:
        features[f"lem|head={lemma}|{head_lemma}"] = 1.0
    features.update(_cue_context(view, i, lemma, subject, prev_word))
    return features


def sentence_bounds(token: Token) -> tuple[int, int]:
    """``(start, end)`` token indices of the token's sentence.

    ``Token.sent`` walks the parse on every call, and the features ask for it for every
    token and every candidate; the doc view keeps every token's bounds instead.
    """
    return doc_view(token.doc).sent[token.i]


#: Dependents whose combination tells a cue frame ("said that ...", "is expected to").
_FRAME_DEPS = frozenset(
    {"ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "poss", "prep", "agent", "auxpass"}
    | {"neg", "acl", "relcl", "dative"}
)


def _cue_context(
    view: DocView, i: int, lemma: str, subject: str, prev_word: str
) -> dict[str, float]:
    """Conjunctions of the lemma with its frame, tag, subject and left word.

    A lemma alone is ambiguous ("called" a meeting / called it a disaster); the set of
    its dependents, its full subject kind and its auxiliaries ("is expected") separate
    the senses better than each feature alone.
    """
    children = view.children[i]
    frame = sorted({view.dep[c] for c in children if view.dep[c] in _FRAME_DEPS})
    start, end = view.sent[i]
    position = (i - start) / max(1, end - start)
    head = view.head[i]
    features = {
        f"lem|frame={lemma}|{'+'.join(frame)}": 1.0,
        f"lem|tag={lemma}|{view.tag[i]}": 1.0,
        f"dep|headdep={view.dep[i]}|{view.dep[head]}": 1.0,
        f"lem|headlem={lemma}|{view.lemma[head]}": 1.0,
        f"lem|subjfull={lemma}|{subject}": 1.0,
        f"lem|prev={lemma}|{prev_word}": 1.0,
        f"pos|sentpos={view.pos[i]}|{int(position * 4)}": 1.0,
    }
    if i + 1 == end or (i + 2 == end and view.is_punct[i + 1]):
        features["sentfinal"] = 1.0
    for child in children:
        if view.dep[child] in {"aux", "auxpass", "neg"}:
            features[f"lem|aux={lemma}|{view.lemma[child]}"] = 1.0
    return features


def content_features(
    cue: Token, name: str, pieces: Pieces, names: Iterable[str]
) -> dict[str, float]:
    """Features of one content candidate of a cue (``name`` says which rule made it)."""
    indices = [[t.i for t in piece] for piece in pieces]
    return content_features_at(doc_view(cue.doc), cue.i, name, indices, names)


def content_features_at(
    view: DocView, cue: int, name: str, pieces: IndexPieces, names: Iterable[str]
) -> dict[str, float]:
    """:func:`content_features` of the token at index ``cue``, pieces as token indices."""
    lemma = view.lemma[cue]
    first = pieces[0][0]
    size = sum(len(piece) for piece in pieces)
    features = {
        "n=" + name: 1.0,
        f"n|lem={name}|{lemma}": 1.0,
        f"n|dep={name}|{view.dep[cue]}": 1.0,
        f"n|pos={name}|{view.pos[cue]}": 1.0,
        f"n|first={name}|{view.lower[first]}": 1.0,
        f"n|firstpos={name}|{view.pos[first]}": 1.0,
        f"n|len={name}|{min(size // 5, 8)}": 1.0,
        f"n|before={name}|{first < cue}": 1.0,
        f"n|pieces={name}|{len(pieces)}": 1.0,
    }
    for other in names:
        if other != name:
            features[f"n|has={name}|{other}"] = 1.0
    for child in view.children[cue]:
        features[f"n|child={name}|{view.dep[child]}"] = 1.0
    features.update(_boundary_features(view, cue, name, pieces))
    return features


#: Dependents inside a candidate that often mark where PolNeAR's content stops.
_INNER_DEPS = frozenset({"relcl", "advcl", "appos", "conj", "ccomp", "xcomp"})
_QUOTE_MARKS = frozenset({'"', "“", "”", "''"})


def _boundary_features(
    view: DocView, cue: int, name: str, pieces: IndexPieces
) -> dict[str, float]:
    """The edges and inner shape of a candidate: its last word, the words around it,
    commas and clauses inside it, whether it ends the sentence.

    The rules propose nested spans ("that he will support the nominee" with or without
    ", even as he has taken shots at ..."); what tells them apart is what the longer one
    takes in and where each one stops.
    """
    is_punct, text, dep, head = view.is_punct, view.text, view.dep, view.head
    inside = [t for piece in pieces for t in piece]
    ids = set(inside)
    words = [t for t in pieces[-1] if not is_punct[t]] or pieces[-1]
    last = words[-1]
    end = pieces[-1][-1]
    following = view.lower[end + 1] if end + 1 < view.n else "</s>"
    start = pieces[0][0]
    preceding = view.lower[start - 1] if start > 0 else "<s>"
    size = len(inside)
    sentence_end = view.sent[cue][1]
    ends_sentence = end + 1 >= sentence_end or (end + 2 >= sentence_end and is_punct[end + 1])
    low = min(inside)
    several_sentences = max(inside) >= view.sent[low][1]
    features = {
        f"n|last={name}|{view.lower[last]}": 1.0,
        f"n|lastpos={name}|{view.pos[last]}": 1.0,
        f"n|next={name}|{following}": 1.0,
        f"n|prev={name}|{preceding}": 1.0,
        f"n|lemdep={name}|{view.lemma[cue]}|{dep[cue]}": 1.0,
        f"n|commas={name}|{min(sum(text[t] == ',' for t in inside), 3)}": 1.0,
        f"n|sents={name}|{several_sentences}": 1.0,
        f"n|sentend={name}|{ends_sentence}": 1.0,
        f"n|lenb={name}|{min(size // 3, 12)}": 1.0,
    }
    for t in inside:
        if dep[t] in _INNER_DEPS and (head[t] == cue or (t > cue and head[t] in ids)):
            features[f"n|inside={name}|{dep[t]}"] = 1.0
    if any(text[t] in _QUOTE_MARKS for t in inside):
        features[f"n|quote={name}"] = 1.0
    return features


# --------------------------------------------------------------------------------------
# Content candidates


def _right_of_object(view: DocView, cue: int) -> list[int]:
    """The object and the dependents continuing it, up to an adjunct or a clause break."""
    taken: list[int] = []
    for child in view.rights(cue):
        child_dep = view.dep[child]
        if child_dep in _OBJECT_RIGHT_DEPS:
            if child_dep == "prep" and view.lower[child] in _ADJUNCT_PREPS and taken:
                break
            taken.append(child)
        elif taken and child_dep in {"punct", "cc", "conj", "advcl", "npadvmod", "advmod"}:
            break
    return [t for child in taken for t in view.subtree(child)]


def _according_to(view: DocView, cue: int) -> IndexPieces:
    """The sentence around "according to X" (before and after the phrase)."""
    start, end = view.sent[cue]
    phrase = view.subtree(cue) if view.head[cue] != cue else [cue]
    lo = min(phrase)
    hi = max(phrase)
    pieces = []
    if lo > start:
        pieces.append(list(range(start, lo)))
    if hi + 1 < end:
        pieces.append(list(range(hi + 1, end)))
    return pieces


def content_candidates(cue: Token) -> dict[str, Pieces]:
    """Candidate content spans of a cue, by the rule that proposes them.

    Each candidate is a list of token pieces (one piece, except "according to" in the
    middle of a sentence). Candidates overlap; :func:`choose_content` picks one.
    """
    view = doc_view(cue.doc)
    return {
        name: view.as_tokens(pieces)
        for name, pieces in content_candidates_at(view, cue.i).items()
    }


def content_candidates_at(view: DocView, cue: int) -> dict[str, IndexPieces]:
    """:func:`content_candidates` of the token at index ``cue``, as token indices."""
    out: dict[str, IndexPieces] = {}
    if view.lower[cue] == "according":
        out["according"] = _according_to(view, cue)
        return {k: [p for p in v if p] for k, v in out.items() if any(v)}
    dep, subtree = view.dep, view.subtree
    children = view.children[cue]
    clauses = [c for c in children if dep[c] == "ccomp"]
    if clauses:
        out["ccomp"] = [list(subtree(c)) for c in clauses]
        right = [c for c in clauses if c > cue]
        if right:
            out["ccomp_right"] = [list(subtree(right[0]))]
    infinitives = [c for c in children if dep[c] == "xcomp"]
    if infinitives:
        out["xcomp"] = [list(subtree(infinitives[0]))]
    objects = [c for c in children if dep[c] == "dobj"]
    if objects:
        out["dobj"] = [list(subtree(objects[0]))]
        continued = _right_of_object(view, cue)
        if continued:
            out["dobj_right"] = [continued]
    preps = [c for c in children if dep[c] == "prep" and c > cue]
    for number, prep in enumerate(preps[:3], 1):
        objects_of = [g for g in view.children[prep] if dep[g] in {"pobj", "pcomp"}]
        if objects_of:
            out["prep_obj" if number == 1 else f"prep_obj{number}"] = [
                list(subtree(objects_of[0]))
            ]
    for child in children:
        if dep[child] in {"advcl", "attr", "acomp", "oprd"} and child > cue:
            out["right_" + dep[child]] = [list(subtree(child))]
    passive = [c for c in children if dep[c] == "nsubjpass"]
    if passive:
        out["nsubjpass"] = [list(subtree(passive[0]))] + (
            [list(subtree(infinitives[0]))] if infinitives else []
        )
    right = [c for c in view.rights(cue) if dep[c] not in _ADJUNCT_DEPS]
    if right:
        out["right_all"] = [[t for c in right for t in subtree(c)]]
    head = view.head[cue]
    if dep[cue] in {"parataxis", "ccomp", "advcl"} and head != cue:
        drop = set(subtree(cue))
        rest = [t for t in subtree(head) if t not in drop]
        if rest:
            out["head_clause"] = [rest]
    after = list(range(cue + 1, view.sent[cue][1]))
    if after:
        out["sent_after"] = [after]
    before = _before_source(view, cue)
    if before:
        out["sent_before"] = [before]
    if view.pos[cue] == "NOUN":
        for child in children:
            if dep[child] in {"acl", "ccomp", "relcl"} and child > cue:
                out["noun_clause"] = [list(subtree(child))]
                break
    trimmed: dict[str, IndexPieces] = {}
    for name, pieces in out.items():
        cut = [_trim_adjuncts(view, _first_line(view, piece, cue)) for piece in pieces]
        if cut != pieces and all(cut):
            trimmed[name + "~t"] = cut
    out.update(trimmed)
    return {k: [p for p in v if p] for k, v in out.items() if any(v)}


def _before_source(view: DocView, cue: int) -> list[int]:
    """The sentence up to the cue's subject ("Sanders will stay in the race, his aide
    told reporters"), when the parse did not make it the cue's clausal complement."""
    subjects = [c for c in view.children[cue] if view.dep[c] in {"nsubj", "nsubjpass"}]
    left = min([cue] + [view.edges(c)[0] for c in subjects])
    before = list(range(view.sent[cue][0], left))
    while before and (
        view.is_punct[before[-1]] or view.is_space[before[-1]] or view.dep[before[-1]] == "cc"
    ):
        before.pop()
    return before if len(before) >= 2 else []


#: Trailing dependents that PolNeAR leaves out of a content: adverbial clauses
#: ("..., adding"), time and place phrases ("in a tweet Sunday"), and clauses set off by
#: a comma ("Mr. Sanders, who also held a rally ...").
_TRAILING_DEPS = frozenset({"advcl", "npadvmod", "prep", "relcl", "acl", "appos", "conj", "cc"})


def _first_line(view: DocView, piece: list[int], cue: int) -> list[int]:
    """The part of a piece on the cue's line (a headline runs into the body on a newline)."""
    text, ws = view.text, view.ws
    lines: list[list[int]] = [[]]
    for t in piece:
        if "\n" in text[t] or (t > 0 and "\n" in ws[t - 1]):
            lines.append([])
        if "\n" not in text[t]:
            lines[-1].append(t)
    lines = [line for line in lines if line]
    if len(lines) <= 1:
        return piece
    return min(lines, key=lambda line: min(abs(t - cue) for t in line))


def _trim_adjuncts(view: DocView, piece: list[int]) -> list[int]:
    """Drop trailing adjunct subtrees (set off by a comma, or time/place phrases).

    Repeatedly: the widest subtree that ends the piece (punctuation aside), starts after
    its first token, and is an adverbial clause, a time or place phrase, or any
    trailing dependent set off by a comma, is cut.
    """
    is_punct, dep = view.is_punct, view.dep
    kept = list(piece)
    while True:
        words = [t for t in kept if not is_punct[t]]
        if len(words) < 2:
            return kept
        first, last = kept[0], words[-1]
        cut = None
        for t in words[1:]:
            if dep[t] not in _TRAILING_DEPS:
                continue
            left_edge, right_edge = view.edges(t)
            if right_edge < last:
                continue
            start = left_edge
            if start <= first:
                continue
            comma = view.text[start - 1] in {",", "—", "–", "(", ";"}
            timeish = dep[t] == "npadvmod" or (dep[t] == "prep" and view.lower[t] in _ADJUNCT_PREPS)
            if comma or timeish or dep[t] == "advcl":
                start -= 1 if comma else 0
                cut = start if cut is None else min(cut, start)
        if cut is None or cut <= first:
            return kept
        shorter = [t for t in kept if t < cut]
        if not any(not is_punct[t] for t in shorter):
            return kept
        kept = shorter

# --------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class LinearModel:
    """A logistic model over named binary features."""

    weights: Mapping[str, float]
    bias: float

    def probability(self, features: Mapping[str, float]) -> float:
        # the same terms in the same order as a generator over ``items()``, iterated in C
        terms = map(operator.mul, map(self.weights.get, features, repeat(0.0)), features.values())
        score = self.bias + sum(terms)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def to_dict(self) -> dict[str, Any]:
        return {"bias": self.bias, "weights": dict(self.weights)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]))


@dataclass(frozen=True)
class AttributionModel:
    """The cue and content models, their thresholds, and how they were trained.

    ``threshold`` is the least cue probability of an attribution; ``min_content`` the
    least probability of its chosen content. A cue the model is unsure of is kept when
    its content fits well, and a sure cue is dropped when no candidate fits (tuned
    together on a held-out slice of the train split: each alone trades precision for
    recall, the pair gains on both).
    """

    cue: LinearModel
    content: LinearModel
    threshold: float
    about: Mapping[str, Any]
    min_content: float = 0.0
    accept: LinearModel | None = None
    accept_threshold: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        out = {
            "about": dict(self.about),
            "threshold": self.threshold,
            "min_content": self.min_content,
            "cue": self.cue.to_dict(),
            "content": self.content.to_dict(),
        }
        if self.accept is not None:
            out["accept"] = self.accept.to_dict()
            out["accept_threshold"] = self.accept_threshold
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AttributionModel:
        accept = data.get("accept")
        return cls(
            LinearModel.from_dict(data["cue"]),
            LinearModel.from_dict(data["content"]),
            float(data["threshold"]),
            dict(data.get("about", {})),
            float(data.get("min_content", 0.0)),
            LinearModel.from_dict(accept) if accept is not None else None,
            float(data.get("accept_threshold", 0.5)),
        )

    def save(self, path: str | Path) -> None:
        """Write the model as gzip-compressed JSON (byte-identical for the same model)."""
        payload = (json.dumps(self.to_dict(), sort_keys=True) + "\n").encode("utf-8")
        Path(path).write_bytes(gzip.compress(payload, mtime=0))

    @classmethod
    def load(cls, path: str | Path) -> AttributionModel:
        return cls.from_dict(json.loads(gzip.decompress(Path(path).read_bytes())))


@lru_cache(maxsize=1)
def load_model() -> AttributionModel:
    """The packaged model (read once)."""
    resource = resources.files("newsprism").joinpath("data", MODEL_FILE)
    try:
        data = json.loads(gzip.decompress(resource.read_bytes()))
    except FileNotFoundError as exc:
        raise ModelMissingError(
            f"The attribution model (newsprism/data/{MODEL_FILE})",
            "newsprism eval quotes-train ../shared/data/polnear/polnear_train.jsonl",
        ) from exc
    return AttributionModel.from_dict(data)


# --------------------------------------------------------------------------------------
# Finding reported speech in one parsed paragraph


@dataclass(frozen=True)
class Reported:
    """One attribution found in a paragraph (token indices into the paragraph's doc).

    ``pieces`` are ``(first token, last token)`` index pairs of the content; ``score``
    is the cue probability times the content probability, used to settle overlaps.
    """

    cue: int
    pieces: tuple[tuple[int, int], ...]
    rule: str
    cue_probability: float
    score: float


def choose_content(model: AttributionModel, cue: Token) -> tuple[str, Pieces, float] | None:
    """The best-scoring content candidate of a cue: ``(rule, pieces, probability)``."""
    view = doc_view(cue.doc)
    chosen = _choose_content(model, view, cue.i)
    if chosen is None:
        return None
    name, pieces, probability = chosen
    return name, view.as_tokens(pieces), probability


def _choose_content(
    model: AttributionModel, view: DocView, cue: int
) -> tuple[str, IndexPieces, float] | None:
    candidates = content_candidates_at(view, cue)
    if not candidates:
        return None
    names = list(candidates)
    scored = [
        (model.content.probability(content_features_at(view, cue, n, candidates[n], names)), n)
        for n in names
    ]
    probability, name = max(scored, key=lambda pair: (pair[0], -names.index(pair[1])))
    return name, candidates[name], probability


def _logit(probability: float) -> float:
    clipped = min(max(probability, 1e-6), 1.0 - 1e-6)
    return math.log(clipped / (1.0 - clipped))


def accept_features(
    cue: Token, rule: str, pieces: Pieces, cue_probability: float, content_probability: float
) -> dict[str, float]:
    """Features of a whole attribution (cue and chosen content) for the accept model.

    The cue and content models are each trained on their own question (is this token a
    cue? which candidate is the content?); whether the pair as a whole is an attribution
    depends on both at once: a doubtful cue with a clean clausal complement is usually
    one, a sure cue whose best candidate is "the rest of the sentence" often is not.
    """
    base, _, trimmed = rule.partition("~")
    size = sum(len(piece) for piece in pieces)
    lemma = cue.lemma_.lower()
    doc = cue.doc
    first = pieces[0][0]
    end = pieces[-1][-1].i
    subject = subject_kind(cue)
    return {
        "cue_logit": _logit(cue_probability),
        "content_logit": _logit(content_probability),
        f"cue_b={int(cue_probability * 10)}": 1.0,
        f"content_b={int(content_probability * 10)}": 1.0,
        "rule=" + base: 1.0,
        f"rule|trim={base}|{bool(trimmed)}": 1.0,
        "lem=" + lemma: 1.0,
        f"lem|rule={lemma}|{base}": 1.0,
        f"lem|dep={lemma}|{cue.dep_}": 1.0,
        "dep=" + cue.dep_: 1.0,
        "pos=" + cue.pos_: 1.0,
        f"len={min(size // 3, 10)}": 1.0,
        "subj=" + subject.split(":")[0]: 1.0,
        "subjfull=" + subject: 1.0,
        "first=" + first.lower_: 1.0,
        "next=" + (doc[end + 1].lower_ if end + 1 < len(doc) else "</s>"): 1.0,
        f"pieces={len(pieces)}": 1.0,
        f"before={first.i < cue.i}": 1.0,
    }


@dataclass(frozen=True)
class Candidate:
    """A cue token above the cue threshold, with its chosen content and probabilities."""

    token: Token
    rule: str
    pieces: Pieces
    cue_probability: float
    content_probability: float

    def accept_features(self) -> dict[str, float]:
        """This candidate's row for the accept model (:func:`accept_features`)."""
        return accept_features(
            self.token, self.rule, self.pieces, self.cue_probability, self.content_probability
        )


def candidates(
    model: AttributionModel, tokens: Iterable[Token], *, threshold: float | None = None
) -> Iterable[Candidate]:
    """Each token whose cue probability reaches the threshold, with its best content."""
    cut = model.threshold if threshold is None else threshold
    for token in tokens:
        view, i = doc_view(token.doc), token.i
        if view.pos[i] not in CUE_POS or view.is_space[i]:
            continue
        probability = model.cue.probability(_cue_features(view, i))
        if probability < cut:
            continue
        chosen = _choose_content(model, view, i)
        if chosen is None:
            continue
        rule, pieces, content_probability = chosen
        if content_probability < model.min_content:
            continue
        yield Candidate(token, rule, view.as_tokens(pieces), probability, content_probability)


def find_reported(
    model: AttributionModel, tokens: Sequence[Token], *, threshold: float | None = None
) -> list[Reported]:
    """Attributions whose cue is among ``tokens`` (the caller leaves out quoted words).

    Args:
        model: the trained model (:func:`load_model`).
        tokens: candidate cue tokens of one doc.
        threshold: minimum cue probability; the model's own by default.

    Returns:
        One :class:`Reported` per cue above the threshold whose best content candidate
        has at least the model's ``min_content`` probability and, when the model has
        an accept model, whose attribution it accepts; best score first (the accept
        probability, else cue times content probability). Overlaps are not settled.
    """
    out: list[Reported] = []
    for found in candidates(model, tokens, threshold=threshold):
        score = found.cue_probability * found.content_probability
        if model.accept is not None:
            score = model.accept.probability(found.accept_features())
            if score < model.accept_threshold:
                continue
        ranges = tuple(
            (min(t.i for t in piece), max(t.i for t in piece))
            for piece in found.pieces
            if any(not t.is_space for t in piece)
        )
        if ranges:
            out.append(Reported(found.token.i, ranges, found.rule, found.cue_probability, score))
    out.sort(key=lambda r: -r.score)
    return out


# --------------------------------------------------------------------------------------
# Training (scikit-learn; used by newsprism.eval.quote_model)


FeatureRows = list[dict[str, float]]
#: Overlap with the gold content (share of the longer span) that counts as a match.
MATCH = 0.5
#: How far below the best candidate's overlap a candidate may be and still be positive.
BEST_MARGIN = 0.05
#: Rows a feature must occur in to get a weight.
MIN_COUNT = 3


def fit_linear(
    rows: FeatureRows, labels: Sequence[bool], *, c: float = 1.0, min_count: int = MIN_COUNT
) -> LinearModel:
    """L2-regularised logistic regression (liblinear) over named binary features.

    Features seen in fewer than ``min_count`` rows are left out (they carry little
    evidence and would make the weights file large), and weights smaller than 1e-4 in
    magnitude are dropped.
    """
    from collections import Counter

    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(name for row in rows for name in row)
    kept = [{k: v for k, v in row.items() if counts[k] >= min_count} for row in rows]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(kept)
    matrix.indices = matrix.indices.astype(np.int32)
    matrix.indptr = matrix.indptr.astype(np.int32)
    model = LogisticRegression(C=c, max_iter=3000, solver="liblinear")
    model.fit(matrix, np.asarray(labels, dtype=bool))
    names = vectorizer.get_feature_names_out()
    weights = {str(n): round(float(w), 4) for n, w in zip(names, model.coef_[0], strict=True)}
    return LinearModel(
        {k: w for k, w in weights.items() if abs(w) >= 1e-4}, float(model.intercept_[0])
    )


def training_rows(
    cue_tokens: Iterable[Token],
    gold_content: Callable[[Token], Callable[[Pieces], float] | None],
) -> tuple[FeatureRows, list[bool], FeatureRows, list[bool]]:
    """Feature rows for both models from candidate cue tokens and the gold.

    Args:
        cue_tokens: every candidate cue token of the training text (outside quotations).
        gold_content: for a token, ``None`` when it heads no gold cue, else a function
            giving the overlap (0..1) of a candidate content (token pieces) with the
            gold content. A candidate is a positive example when its overlap is at
            least :data:`MATCH` and within :data:`BEST_MARGIN` of the best candidate's,
            so that the model learns the tightest fitting span, not any that overlaps.

    Returns:
        ``(cue rows, cue labels, content rows, content labels)``.
    """
    cue_rows: FeatureRows = []
    cue_labels: list[bool] = []
    content_rows: FeatureRows = []
    content_labels: list[bool] = []
    for token in cue_tokens:
        if token.pos_ not in CUE_POS or token.is_space:
            continue
        matches = gold_content(token)
        cue_rows.append(cue_features(token))
        cue_labels.append(matches is not None)
        if matches is None:
            continue
        candidates = content_candidates(token)
        names = list(candidates)
        scores = {name: matches(pieces) for name, pieces in candidates.items()}
        best = max(scores.values(), default=0.0)
        for name, pieces in candidates.items():
            content_rows.append(content_features(token, name, pieces, names))
            content_labels.append(scores[name] >= MATCH and scores[name] >= best - BEST_MARGIN)
    return cue_rows, cue_labels, content_rows, content_labels


__all__ = [
    "CUE_POS",
    "MODEL_FILE",
    "AttributionModel",
    "Candidate",
    "LinearModel",
    "Reported",
    "accept_features",
    "candidates",
    "choose_content",
    "content_candidates",
    "content_candidates_at",
    "content_features",
    "content_features_at",
    "cue_features",
    "find_reported",
    "fit_linear",
    "load_model",
    "training_rows",
]
