"""Framing profile of each article: what it spends its words on and how it tells them.

A profile is a comparison across the story's articles, never a verdict on an outlet. It
has four parts, each cited span by span:

* **aspects**: the share of the article's words spent on each aspect of a story
  (:data:`ASPECTS`: diplomacy, military, economy and sanctions, humanitarian and voices
  from the ground, history and background, domestic politics, law and justice, and for
  news beyond a diplomatic crisis, after the IPTC Media Topics top level: infrastructure
  and transport, disaster and emergency, health, environment and climate, science and
  technology, sport). Each sentence goes to one aspect, or to none. Two assigners are
  implemented: a lexicon of lemmas per aspect (:data:`ASPECT_LEXICON`, the default;
  lemmas common outside their aspect, :data:`WEAK_LEMMAS`, count half, and weak
  evidence pointing two ways assigns nothing) and the
  MiniLM cosine to short aspect descriptions (:data:`ASPECT_DESCRIPTIONS`).
  ``benchmarks/framing_aspects.py`` measures both against hand labels of the 155 seed
  sentences (one annotator): lexicon sentence accuracy 0.73, macro-F1 0.59 (0.73 / 0.54
  with the first seven aspects and no weights); embeddings 0.59 / 0.52; labelling every
  sentence "diplomacy" 0.68 / 0.16 (``benchmarks/results/framing_aspects.json``). The
  lexicon is the default: better on the labels and no model to run. Caveat: the first
  seven aspects were written with the seed story in view, and 155 sentences of one
  story are a small test; the shares are a rough guide, which is why every share cites
  its sentences. On the sample story (a bridge closure, ``examples/sample-story``) the
  first seven alone gave "diplomacy" up to 48% of an article (a council meeting); now
  infrastructure and transport takes 62-80% of each article.
* **attributions**: the reporting verbs the article uses, with their stance class
  (:data:`newsprism.lexicons.REPORTING_VERBS`: "said" neutral, "insisted" emphatic,
  "claimed" doubting, "admitted" conceding, ...).
* **terms**: evaluative adjectives and adverbs in the article's own voice (outside
  quotation marks; mean subjectivity over the word's senses >= :data:`TERM_SUBJECTIVITY`
  in the Pattern lexicon of :mod:`newsprism.lexicons`; epistemic words such as "likely"
  hedge rather than evaluate and are left out), and loaded terms
  (:data:`newsprism.lexicons.LOADED_TERMS`) anywhere, flagged ``quoted`` when they are
  someone else's words.
* **markers** of opinion rather than reporting, outside quotations: an
  "Analysis"/"Opinion"/"Comment" section heading or byline, first-person commentary
  ("told me", "we are back in a world..."), stance adverbials ("of course",
  "hopefully", "perhaps"; :data:`STANCE_ADVERBIALS`, after Biber's stance adverbials),
  and rhetorical questions (a question in the article's own voice).

Quotation marks are read per paragraph (curly marks by balance, straight marks by parity),
and direct quotes found by :mod:`newsprism.quotes` count as quoted too.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from newsprism.lexicons import LOADED_TERMS, adjective_entry, reporting_class
from newsprism.model import (
    Article,
    AspectShare,
    FramingItem,
    FramingProfile,
    Quote,
    Sentence,
    Span,
)

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

TERM_SUBJECTIVITY = 0.75  # mean over the word's senses in the Pattern lexicon
#: Epistemic adjectives hedge a claim rather than evaluate: not counted as evaluative.
EPISTEMIC = frozenset(
    {"likely", "unlikely", "possible", "impossible", "probable", "certain", "sure", "clear"}
    | {"own", "only", "willing", "able", "striking"}  # determiner-like, modal, idiom parts
)
ASPECT_FLOOR = 0.3  # embedding assigner: below this cosine a sentence has no aspect


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Aspect -> lemmas (lower case) that signal it. A sentence goes to the aspect with most hits.
ASPECT_LEXICON: dict[str, frozenset[str]] = {
    "diplomacy": _words(
        "talk negotiation negotiate negotiator meeting meet summit diplomat diplomacy "
        "diplomatic minister ministry proposal propose demand guarantee concession agreement "
        "agree treaty deal envoy delegation counterpart dialogue breakthrough progress "
        "alliance ally embassy ambassador accord pledge compromise mediation "
        "membership expansion statement discussion discuss"
    ),
    "military": _words(
        "troop soldier army military force tank artillery missile weapon invasion invade "
        "attack war warfare build-up buildup border exercise deployment deploy battalion "
        "escalation armed strike bomb bombing combat fighter warship jet drone nuclear "
        "armour armor rocket defence defense offensive shelling airstrike conflict "
        "escalate de-escalate barracks"
    ),
    "economy and sanctions": _words(
        "sanction economy economic financial finance bank banking trade export import "
        "pipeline gas oil energy price market cost tax budget dollar euro inflation "
        "investment investor company business industry tariff currency stock fund "
        "revenue debt"
    ),
    "humanitarian and voices from the ground": _words(
        "civilian resident refugee victim family child woman villager hospital humanitarian "
        "casualty die dead death killed injure injured wound trench home house neighbour "
        "neighbor fear hope mother father daughter son survivor shelter evacuate frontline"
    ),
    "history and background": _words(
        "history historical annexation annex century decade past former previously "
        "ago since soviet collapse revolution ousting era legacy tradition cold"
    ),
    "domestic politics": _words(
        "election vote voter candidate campaign party democrat democratic republican "
        "parliament congress senate lawmaker poll primary caucus legislature governor "
        "mayor opposition nomination ballot council councillor"
    ),
    "law and justice": _words(
        "court judge trial charge prosecutor police arrest investigation lawsuit convict "
        "jury verdict sentence crime criminal suspect lawyer attorney indictment prison"
    ),
    # general news beyond a diplomatic crisis (after the IPTC Media Topics top level)
    "infrastructure and transport": _words(
        "bridge road traffic ferry rail railway train bus airport flight driver commuter "
        "journey detour diversion congestion motorway highway tunnel pier repair engineer "
        "construction infrastructure passenger crossing sailing transport vehicle"
    ),
    "disaster and emergency": _words(
        "earthquake quake aftershock tsunami flood flooding hurricane storm cyclone typhoon "
        "wildfire blaze fire explosion blast crash collapse accident rescue rescuer "
        "emergency disaster debris magnitude landslide derail"
    ),
    "health": _words(
        "health doctor nurse patient disease virus vaccine vaccination infection outbreak "
        "pandemic epidemic illness treatment medical medicine cancer symptom"
    ),
    "environment and climate": _words(
        "climate emission carbon pollution environment environmental warming weather "
        "temperature rain drought heatwave wildlife species forest renewable"
    ),
    "science and technology": _words(
        "scientist research researcher technology software internet computer digital "
        "satellite space robot laboratory"
    ),
    "sport": _words(
        "match team player coach season championship tournament cup olympic medal stadium "
        "goal striker midfielder athlete"
    ),
}

#: Lemmas common outside their aspect: each counts half, and when weak lemmas alone
#: point to two aspects equally the sentence gets none ("The council will hold a
#: meeting": diplomacy or local politics?).
WEAK_LEMMAS: frozenset[str] = _words(
    "meeting meet council statement discussion discuss progress demand propose proposal "
    "agree agreement deal membership expansion pledge "
    "force border exercise conflict deploy deployment "
    "cost price market company business fund "
    "family child woman home house fear hope mother father daughter son "
    "since former previously past decade century "
    "party vote "
    "charge sentence "
    "road journey crossing vehicle fire collapse crash "
    "space goal season"
)
MIN_ASPECT_SCORE = 0.5

#: Aspect -> short descriptions, for the embedding assigner.
ASPECT_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "diplomacy": (
        "Diplomats and officials held talks, negotiations and meetings.",
        "The two sides discussed proposals, demands, guarantees and concessions.",
        "The negotiators made no progress toward an agreement.",
    ),
    "military": (
        "Troops, tanks and weapons are massed near the border.",
        "Fears of an invasion, an attack or a war.",
        "Soldiers, armed forces, military exercises and deployments.",
    ),
    "economy and sanctions": (
        "Sanctions and economic costs were threatened.",
        "Markets, trade, banks, energy pipelines and prices.",
        "Financial and economic consequences for the country.",
    ),
    "humanitarian and voices from the ground": (
        "Ordinary people, residents and civilians describe their lives.",
        "Victims, refugees and casualties suffer.",
        "A local person said he doubts anything will change.",
    ),
    "history and background": (
        "Events of past years and decades as background.",
        "The history of the conflict since it began years ago.",
        "What happened after the end of the Cold War.",
    ),
    "domestic politics": (
        "Elections, candidates, voters, parties and campaigns.",
        "Lawmakers, parliament and congress vote on legislation.",
    ),
    "law and justice": (
        "Courts, judges, trials, charges and investigations.",
        "Police arrested suspects and prosecutors filed charges.",
    ),
    "infrastructure and transport": (
        "A bridge or road was closed and traffic diverted.",
        "Trains, ferries, buses and flights carry passengers.",
    ),
    "disaster and emergency": (
        "An earthquake, flood, storm or fire struck.",
        "Rescuers searched the debris after the explosion.",
    ),
    "health": (
        "Doctors and nurses treat patients in hospital.",
        "A virus outbreak spread and vaccines were given.",
    ),
    "environment and climate": (
        "Climate change, emissions and pollution.",
        "Drought, heatwaves and the weather.",
    ),
    "science and technology": (
        "Scientists published research.",
        "Software, computers, the internet and satellites.",
    ),
    "sport": (
        "The team won the match and the championship.",
        "Players and coaches in the tournament.",
    ),
}
ASPECTS: tuple[str, ...] = tuple(ASPECT_LEXICON)

#: Stance adverbials of opinion (after Biber et al.'s stance adverbials), lower case.
STANCE_ADVERBIALS: frozenset[str] = frozenset(
    {
        "of course",
        "clearly",
        "obviously",
        "surely",
        "hopefully",
        "perhaps",
        "arguably",
        "undoubtedly",
        "frankly",
        "sadly",
        "fortunately",
        "unfortunately",
        "ironically",
        "inevitably",
        "admittedly",
        "certainly",
        "no doubt",
        "in reality",
        "in truth",
        "to be sure",
        "alarmingly",
        "worryingly",
        "tellingly",
        "predictably",
        "curiously",
        "remarkably",
        "thankfully",
    }
)
OPINION_SECTIONS = re.compile(
    r"^\s*(analysis|opinion|comment|commentary|editorial|column|perspective|viewpoint|"
    r"view|op-ed|explainer|fact check)\b",
    re.IGNORECASE,
)
LISTENERS = frozenset({"reporter", "journalist", "press", "audience", "agency", "broadcaster"})
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "our", "ours", "us"})
_STANCE_PATTERN = re.compile(
    r"\b("
    + "|".join(sorted((re.escape(s) for s in STANCE_ADVERBIALS), key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_LOADED_PHRASES = sorted((t for t in LOADED_TERMS if " " in t or "-" in t), key=len, reverse=True)
_LOADED_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(t) for t in _LOADED_PHRASES) + r")\b", re.IGNORECASE
)

Method = Literal["lexicon", "embedding"]


# ------------------------------------------------------------------------------ quotation


def quoted_mask(text: str) -> list[bool]:
    """Per character of a paragraph: inside double quotation marks?

    Curly marks count by balance; straight marks by parity. A paragraph that opens a
    quotation and never closes it (the news convention for a quote that goes on in the
    next paragraph) is quoted to its end.
    """
    mask = [False] * len(text)
    depth = 0
    straight = False
    for i, ch in enumerate(text):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == '"':
            straight = not straight
        mask[i] = depth > 0 or straight or ch in '“”"'
    return mask


class _Quoted:
    """Whether a character offset of an article is inside a quotation."""

    def __init__(self, article: Article, quotes: Sequence[Quote] = ()) -> None:
        from newsprism.nlp import paragraphs

        self._mask = [False] * len(article.text)
        for offset, para in paragraphs(article.text):
            for i, inside in enumerate(quoted_mask(para)):
                self._mask[offset + i] = inside
        for quote in quotes:
            if quote.direct and quote.span.article_id == article.id:
                for i in range(quote.span.start, min(quote.span.end, len(self._mask))):
                    self._mask[i] = True

    def __call__(self, start: int, end: int | None = None) -> bool:
        end = start + 1 if end is None else end
        return any(self._mask[start:end])


# -------------------------------------------------------------------------------- aspects


def lexicon_aspect(tokens: SpacySpan, *, year: int | None = None) -> str | None:
    """The aspect whose lemmas the sentence uses most (ties: the first in :data:`ASPECTS`);
    ``None`` if it uses none. A year before ``year`` (the article's own, when known) is
    background; the article's own year is not ("donations made in 2005", in 2005)."""
    hits: dict[str, float] = defaultdict(float)
    for token in tokens:
        lemma = token.lemma_.lower()
        weight = 0.5 if lemma in WEAK_LEMMAS or token.lower_ in WEAK_LEMMAS else 1.0
        for aspect, lemmas in ASPECT_LEXICON.items():
            if lemma in lemmas or token.lower_ in lemmas:
                hits[aspect] += weight
        is_year = token.ent_type_ == "DATE" and token.like_num and len(token.text) == 4
        past = year is None or not token.text.isdigit() or int(token.text) < year
        if is_year and past:
            hits["history and background"] += 1  # a past year is background
    if not hits:
        return None
    best = max(hits.values())
    tied = [a for a in ASPECTS if hits.get(a) == best]
    if best < MIN_ASPECT_SCORE or (best < 1 and len(tied) > 1):
        return None  # no evidence, or weak evidence pointing two ways
    return tied[0]


def embedding_aspects(
    vectors: np.ndarray, aspect_vectors: Mapping[str, np.ndarray]
) -> list[str | None]:
    """Per sentence vector, the aspect whose best description is nearest (cosine), or
    ``None`` below :data:`ASPECT_FLOOR`."""
    import numpy as np

    names = list(aspect_vectors)
    scores = np.stack([(vectors @ aspect_vectors[n].T).max(axis=1) for n in names], axis=1)
    out: list[str | None] = []
    for row in scores:
        best = int(row.argmax())
        out.append(names[best] if float(row[best]) >= ASPECT_FLOOR else None)
    return out


def aspect_vectors(embedder: object) -> dict[str, np.ndarray]:
    """The embedded aspect descriptions (rows L2-normalised), one matrix per aspect."""
    encode = embedder.encode  # type: ignore[attr-defined]
    return {name: encode(list(texts)) for name, texts in ASPECT_DESCRIPTIONS.items()}


def _aspect_shares(
    article: Article, labelled: Sequence[tuple[Sentence, str | None]]
) -> tuple[AspectShare, ...]:
    total = max(1, sum(len(s.text.split()) for s, _a in labelled))
    words: Counter[str] = Counter()
    cites: dict[str, list[Span]] = {}
    for sentence, aspect in labelled:
        if aspect is None:
            continue
        words[aspect] += len(sentence.text.split())
        cites.setdefault(aspect, []).append(sentence.span)
    return tuple(
        AspectShare(aspect, words[aspect], round(words[aspect] / total, 3), tuple(cites[aspect]))
        for aspect in ASPECTS
        if words[aspect]
    )


# --------------------------------------------------------------------- verbs, terms, markers


def _span(article: Article, offset: int, first: Token, last: Token) -> Span:
    return Span(article.id, offset + first.idx, offset + last.idx + len(last.text))


def _is_attribution(token: Token) -> bool:
    """A reporting verb that attributes words to a speaker: it has a subject and either a
    clausal complement ("said that ..."), or it is the "..., she said" parenthetical of a
    quotation, or its sentence quotes someone and the verb has no object but a listener
    ("told reporters")."""
    if token.pos_ != "VERB" or reporting_class(token.lemma_) is None:
        return False
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
        return False
    if any(c.dep_ in ("ccomp", "parataxis") for c in token.children):
        return True
    if token.dep_ == "parataxis":
        return True
    objects = [c for c in token.children if c.dep_ == "dobj"]
    listener = all(
        o.ent_type_ in ("PERSON", "ORG") or o.pos_ == "PRON" or o.lemma_ in LISTENERS
        for o in objects
    )
    return listener and any(t.text in '“”"' for t in token.sent)


def attribution_items(
    article: Article, paragraphs: Sequence[ParsedParagraph], quoted: _Quoted
) -> tuple[FramingItem, ...]:
    out: list[FramingItem] = []
    for para in paragraphs:
        for token in para.doc:
            if not _is_attribution(token):
                continue
            span = _span(article, para.offset, token, token)
            out.append(
                FramingItem(
                    text=article.text[span.start : span.end],
                    category=reporting_class(token.lemma_) or "neutral",
                    citation=span,
                    quoted=quoted(span.start, span.end),
                )
            )
    return tuple(out)


def _evaluative(token: Token) -> bool:
    if token.pos_ not in ("ADJ", "ADV") or token.ent_type_:
        return False
    if token.pos_ == "ADV" and not token.lower_.endswith("ly"):
        return False  # "very", "still": degree words, not evaluation
    if token.lemma_.lower() in EPISTEMIC or token.lower_ in EPISTEMIC:
        return False
    entry = adjective_entry(token.lower_)
    return entry is not None and entry.mean_subjectivity >= TERM_SUBJECTIVITY


def term_items(
    article: Article, paragraphs: Sequence[ParsedParagraph], quoted: _Quoted
) -> tuple[FramingItem, ...]:
    """Evaluative words in the article's own voice and loaded terms anywhere."""
    out: list[FramingItem] = []
    taken: set[int] = set()
    for para in paragraphs:
        for match in _LOADED_PATTERN.finditer(para.doc.text):
            start, end = para.offset + match.start(), para.offset + match.end()
            taken.update(range(start, end))
            out.append(
                FramingItem(
                    article.text[start:end],
                    "loaded",
                    Span(article.id, start, end),
                    quoted(start, end),
                )
            )
        for token in para.doc:
            start = para.offset + token.idx
            if start in taken:
                continue
            span = _span(article, para.offset, token, token)
            if token.lemma_.lower() in LOADED_TERMS or token.lower_ in LOADED_TERMS:
                out.append(FramingItem(token.text, "loaded", span, quoted(span.start, span.end)))
            elif _evaluative(token) and not quoted(span.start, span.end):
                out.append(FramingItem(token.text, "evaluative", span, False))
    out.sort(key=lambda item: item.citation.start)
    return tuple(out)


def marker_items(
    article: Article, paragraphs: Sequence[ParsedParagraph], quoted: _Quoted
) -> tuple[FramingItem, ...]:
    """Opinion markers in the article's own voice (see the module docstring)."""
    out: list[FramingItem] = []
    for sentence in article.sentences:
        start = sentence.span.start
        match = OPINION_SECTIONS.match(sentence.text)
        if match and (sentence.heading or len(sentence.text.split()) <= 8):
            span = Span(article.id, start + match.start(1), start + match.end(1))
            out.append(FramingItem(article.text[span.start : span.end], "section", span))
        stripped = sentence.text.rstrip()
        if stripped.endswith("?") and not quoted(sentence.span.end - 1):
            span = Span(article.id, start, start + len(stripped))
            out.append(
                FramingItem(article.text[span.start : span.end], "rhetorical question", span)
            )
        for m in _STANCE_PATTERN.finditer(sentence.text):
            span = Span(article.id, start + m.start(), start + m.end())
            if not quoted(span.start, span.end):
                out.append(FramingItem(article.text[span.start : span.end], "stance", span))
    for para in paragraphs:
        for token in para.doc:
            if token.lower_ not in FIRST_PERSON or token.pos_ != "PRON":
                continue
            if token.text in ("US",):
                continue
            span = _span(article, para.offset, token, token)
            if not quoted(span.start, span.end):
                out.append(FramingItem(token.text, "first person", span))
    out.sort(key=lambda item: item.citation.start)
    return tuple(out)


# ------------------------------------------------------------------------------- profiles


def _sentence_tokens(sentence: Sentence, paragraphs: Sequence[ParsedParagraph]) -> SpacySpan | None:
    for para in paragraphs:
        end = para.end  # not len(para.doc.text): Doc.text re-joins every token
        if para.offset <= sentence.span.start < end:
            return para.doc.char_span(
                sentence.span.start - para.offset,
                min(sentence.span.end, end) - para.offset,
                alignment_mode="expand",
            )
    return None


def article_aspects(
    article: Article,
    paragraphs: Sequence[ParsedParagraph],
    *,
    method: Method = "lexicon",
    vectors: Mapping[Span, np.ndarray] | None = None,
    aspect_matrix: Mapping[str, np.ndarray] | None = None,
) -> list[tuple[Sentence, str | None]]:
    """Each sentence of the article with its aspect (or ``None``).

    The embedding method needs ``vectors`` (sentence span -> embedding) and
    ``aspect_matrix`` (:func:`aspect_vectors`); a sentence without a vector (too short to
    be an alignment candidate) falls back to the lexicon.
    """
    import numpy as np

    published = (article.published or "")[:4]
    year = int(published) if published.isdigit() else None
    out: list[tuple[Sentence, str | None]] = []
    for sentence in article.sentences:
        vector = vectors.get(sentence.span) if vectors is not None else None
        aspect: str | None = None
        if method == "embedding" and vector is not None and aspect_matrix is not None:
            aspect = embedding_aspects(np.asarray([vector]), aspect_matrix)[0]
        else:
            tokens = _sentence_tokens(sentence, paragraphs)
            aspect = lexicon_aspect(tokens, year=year) if tokens is not None else None
        if aspect is None and out and out[-1][0].paragraph == sentence.paragraph:
            aspect = out[-1][1]  # a paragraph goes on about what it began with
        out.append((sentence, aspect))
    return out


def framing_profile(
    article: Article,
    paragraphs: Sequence[ParsedParagraph],
    *,
    quotes: Sequence[Quote] = (),
    method: Method = "lexicon",
    vectors: Mapping[Span, np.ndarray] | None = None,
    aspect_matrix: Mapping[str, np.ndarray] | None = None,
) -> FramingProfile:
    """The framing profile of one annotated article."""
    quoted = _Quoted(article, quotes)
    labelled = article_aspects(
        article, paragraphs, method=method, vectors=vectors, aspect_matrix=aspect_matrix
    )
    return FramingProfile(
        article_id=article.id,
        outlet=article.outlet,
        words=article.word_count,
        aspects=_aspect_shares(article, labelled),
        attributions=attribution_items(article, paragraphs, quoted),
        terms=term_items(article, paragraphs, quoted),
        markers=marker_items(article, paragraphs, quoted),
    )


def framing_profiles(
    articles: Sequence[Article],
    docs: Mapping[str, Sequence[ParsedParagraph]],
    *,
    quotes: Mapping[str, Sequence[Quote]] | None = None,
) -> tuple[FramingProfile, ...]:
    """Framing profiles of a story's articles (lexicon aspects; no model runs)."""
    quotes = quotes or {}
    return tuple(
        framing_profile(a, docs.get(a.id, ()), quotes=quotes.get(a.id, ())) for a in articles
    )


__all__ = [
    "ASPECTS",
    "ASPECT_DESCRIPTIONS",
    "ASPECT_LEXICON",
    "STANCE_ADVERBIALS",
    "article_aspects",
    "aspect_vectors",
    "counts",
    "embedding_aspects",
    "framing_profile",
    "framing_profiles",
    "lexicon_aspect",
    "quoted_mask",
]


def counts(profile: FramingProfile) -> dict[str, dict[str, int]]:
    """Counts of a profile's items by category, for the comparison tables."""
    return {
        "attributions": dict(Counter(i.category for i in profile.attributions if not i.quoted)),
        "attribution_verbs": dict(
            Counter(i.text.lower() for i in profile.attributions if not i.quoted)
        ),
        "terms": dict(Counter(i.category for i in profile.terms)),
        "markers": dict(Counter(i.category for i in profile.markers)),
    }
