"""The entity roster of a story: canonical people, organisations and places, with roles.

Mentions come from annotation (:attr:`Sentence.mentions`). Surface forms that name the
same thing are merged into one :class:`~newsprism.model.Entity`:

* case- and punctuation-insensitive forms ("NATO" / "Nato", "U.S." / "US"), a leading
  "the" and a possessive ending ("Russia's" -> "Russia") are ignored;
* a person's shorter forms merge into the one full name that ends with them ("Mr
  Ryabkov", "Ryabkov" -> "Sergei Ryabkov"); when two full names share the surname the
  short form stays on its own rather than being guessed;
* a small data table (:data:`NAME_VARIANTS`) lists well-known variant spellings
  (exonyms such as Kiev / Kyiv) and the kind of the place, because NER models often
  label unfamiliar spellings as people.

Roles ("Russian deputy foreign minister") come from the dependency parse when the
parsed paragraphs are given (:func:`find_roles`): a title before the name ("NATO chief
Jens Stoltenberg") or an apposition ("Wendy Sherman, the deputy US secretary of state").
:mod:`newsprism.quotes` reuses the same helpers to name speakers.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsprism.model import Article, Entity, Mention, Quote, Role, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

#: NER label -> the readable kind shown in the roster.
KIND_BY_LABEL: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "facility",
    "NORP": "group",
    "EVENT": "event",
    "PRODUCT": "product",
    "LAW": "law",
}
# When votes tie, the label listed first wins (a name is more often a person than a place).
_LABEL_PREFERENCE = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW")

#: Honorifics and abbreviated titles written before a name ("Mr Ryabkov", "Rep. Schiff").
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rep", "sen", "gov", "rev"}
)

#: Words that make a title, not a name ("President Vladimir Putin": "President" is a title).
TITLE_WORDS = frozenset(
    [
        "president",
        "presidents",
        "vice",
        "minister",
        "ministers",
        "secretary",
        "chief",
        "general",
        "chancellor",
        "premier",
        "prime",
        "deputy",
        "foreign",
        "ambassador",
        "envoy",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "senator",
        "governor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "editor",
        "correspondent",
        "director",
        "chairman",
        "chairwoman",
        "chair",
        "speaker",
        "leader",
        "head",
        "commander",
        "official",
        "diplomat",
        "soldier",
        "mayor",
        "judge",
        "lawyer",
        "adviser",
        "advisor",
        "analyst",
        "professor",
        "colonel",
        "captain",
        "lieutenant",
        "sergeant",
        "major",
        "admiral",
        "marshal",
        "reporter",
        "journalist",
        "founder",
        "ceo",
        "executive",
        "negotiator",
        "representative",
        # local government, legislatures, police, courts, churches
        "commissioner",
        "commissioners",
        "councillor",
        "councilor",
        "councilman",
        "councilwoman",
        "alderman",
        "congressman",
        "congresswoman",
        "assemblyman",
        "assemblywoman",
        "mp",
        "mep",
        "treasurer",
        "controller",
        "comptroller",
        "ombudsman",
        "inspector",
        "superintendent",
        "constable",
        "detective",
        "officer",
        "sheriff",
        "attorney",
        "magistrate",
        "justice",
        "bishop",
        "archbishop",
        "cardinal",
        "rabbi",
        "imam",
        "manager",
        "coach",
        "presenter",
        "brigadier",
        "corporal",
        "commodore",
    ]
)

#: Nouns that relate a person to another ("her counterpart") rather than give a role.
RELATIONAL_NOUNS = frozenset(
    [
        "counterpart",
        "colleague",
        "wife",
        "husband",
        "son",
        "daughter",
        "mother",
        "father",
        "brother",
        "sister",
        "friend",
        "partner",
        "boss",
        "predecessor",
        "successor",
        "ally",
        "rival",
    ]
)

#: Well-known variant spellings: normalised key -> normalised key of the canonical entity.
#: Keys are produced by :func:`entity_key` (lower case, letters and digits only).
NAME_VARIANTS: dict[str, str] = {
    "kiev": "kyiv",
    "kharkov": "kharkiv",
    "odessa": "odesa",
    "lvov": "lviv",
    "nikolaev": "mykolaiv",
    "donbass": "donbas",
    "unitedstates": "us",
    "unitedstatesofamerica": "us",
    "usa": "us",
    "unitedkingdom": "uk",
    "britain": "uk",
    "greatbritain": "uk",
    "russianfederation": "russia",
    "northatlantictreatyorganization": "nato",
    "organizationforsecurityandcooperationineurope": "osce",
    "ussr": "sovietunion",
}
#: Display name forced for a canonical key (the preferred spelling wins over frequency).
CANONICAL_DISPLAY: dict[str, str] = {
    "kyiv": "Kyiv",
    "kharkiv": "Kharkiv",
    "odesa": "Odesa",
    "lviv": "Lviv",
    "mykolaiv": "Mykolaiv",
    "donbas": "Donbas",
}
#: Kind forced for a canonical key (NER often tags "Kyiv" or "Kiev" as a PERSON).
KIND_HINTS: dict[str, str] = {
    "kyiv": "place",
    "kharkiv": "place",
    "odesa": "place",
    "lviv": "place",
    "mykolaiv": "place",
    "donbas": "place",
}

#: Last words that make a name a facility ("Northgate Bridge", "Quay Street").
FACILITY_HEADS = frozenset(
    [
        "bridge", "street", "road", "avenue", "lane", "boulevard", "highway", "motorway",
        "tunnel", "hall", "pier", "quay", "wharf", "dock", "docks", "station", "airport",
        "terminal", "hospital", "clinic", "stadium", "arena", "tower", "square", "church",
        "cathedral", "chapel", "mosque", "temple", "synagogue", "museum", "library",
        "gallery", "theatre", "theater", "centre", "center", "building", "house", "palace",
        "castle", "market", "park", "gardens", "prison", "barracks", "dam", "canal",
    ]
)  # fmt: skip
#: Last words that make a name a place ("Averill Bay", "River Tamsin" is a prefix).
PLACE_HEADS = frozenset(
    [
        "bay", "harbour", "harbor", "river", "valley", "island", "islands", "isle",
        "lake", "sea", "ocean", "coast", "county", "district", "province", "region",
        "peninsula", "mountains", "mountain", "hills", "heights", "beach", "estuary",
        "strait", "gulf", "borough", "village", "forest", "desert",
    ]
)  # fmt: skip
#: First words that make a multi-word name a place ("Port Averill", "Mount Kenya").
PLACE_PREFIXES = frozenset(
    ["port", "mount", "mt", "lake", "river", "fort", "cape", "isle", "loch", "gulf", "bay"]
)
#: Last words that make a name an organisation ("Port Averill city council").
ORG_HEADS = frozenset(
    [
        "council", "committee", "department", "ministry", "agency", "authority",
        "commission", "company", "corporation", "corp", "inc", "ltd", "plc", "ferries",
        "airlines", "airways", "railways", "union", "association", "party", "police",
        "service", "services", "university", "board", "trust", "foundation", "institute",
        "federation", "league", "club", "group", "bank", "parliament", "government",
        "administration", "office", "army", "navy",
    ]
)  # fmt: skip
#: Heads that are also common surnames ("Stuart Hall", "Nathan Lane"): they never
#: override a PERSON label.
SURNAME_LIKE_HEADS = frozenset(
    ["hall", "lane", "park", "church", "castle", "house", "street", "tower", "bay", "banks"]
)
#: Common nouns that, right after a name, say it is a place ("the Eastbank district").
PLACE_NOUNS_AFTER = frozenset(
    [
        "district", "area", "suburb", "neighbourhood", "neighborhood", "borough",
        "quarter", "ward", "county", "region", "province", "village", "town", "estate",
        "waterfront",
    ]
)  # fmt: skip
#: Mention labels checked for capitalised common nouns ("Commuters", "Transport").
_COMMON_NOUN_LABELS = frozenset({"ORG", "PERSON"})

_LOCATIVE_BEFORE = re.compile(
    r"\b(?:at|in|inside|outside|near|from|to|into|opposite)\s+the\s+$", re.IGNORECASE
)
_WORD_AFTER = re.compile(r"\s+([a-z]+)\b")
_POSSESSIVE_FACILITY = re.compile(r"['’]s\s+$")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_HONORIFIC = re.compile(r"^(?P<h>(?:" + "|".join(sorted(HONORIFICS)) + r")\.?)\s+", re.IGNORECASE)
_HONORIFIC_BEFORE = re.compile(
    r"(?:^|(?<=\s))(?P<h>(?:" + "|".join(sorted(HONORIFICS)) + r")\.?)[ \t]+$", re.IGNORECASE
)
_ALNUM = re.compile(r"[^\w]|_", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
_NONSPACE = re.compile(r"\S+")
# Words kept when a role is compared with a noun phrase ("the Russian diplomat").
_DEMONYMS: dict[str, str] = {
    "russian": "russia",
    "american": "us",
    "u.s.": "us",
    "ukrainian": "ukraine",
    "british": "uk",
    "german": "germany",
    "french": "france",
    "chinese": "china",
}
_ROLE_STOPWORDS = frozenset({"the", "a", "an", "of", "for", "and", "'s", "’s", "s"})


def split_honorific(text: str) -> tuple[str, str]:
    """Split a leading honorific from a name: ``"Mr Ryabkov"`` -> ``("Mr", "Ryabkov")``."""
    match = _HONORIFIC.match(text)
    if not match:
        return "", text
    return match.group("h"), text[match.end() :]


def _is_title_word(word: str) -> bool:
    return word.casefold().rstrip(".") in TITLE_WORDS


def split_title(text: str) -> tuple[str, str]:
    """Split a leading title from a person's name.

    ``"Transport Commissioner Dana Okafor"`` -> ``("Transport Commissioner", "Dana
    Okafor")``: everything up to the last title word (:data:`TITLE_WORDS`) is the title,
    provided a capitalised name follows it. A name that is only a title ("Chief
    Executive") or ends with a title word ("Mike Judge") is returned whole.
    """
    words = list(_NONSPACE.finditer(text))
    last = None
    for index, word in enumerate(words[:-1]):
        if _is_title_word(word.group()):
            last = index
    if last is None:
        return "", text
    rest = words[last + 1 :]
    if not all(w.group()[:1].isupper() and not _is_title_word(w.group()) for w in rest):
        return "", text
    return text[: words[last].end()], text[rest[0].start() :]


def entity_key(text: str) -> str:
    """The normalised form used to merge surface forms of one name.

    Case, punctuation, whitespace, a leading "the" and a possessive ending are ignored,
    and British "-isation" spellings fold to "-ization" ("Organisation" / "Organization").
    """
    text = _POSSESSIVE.sub("", _LEADING_THE.sub("", text.strip()))
    key = _ALNUM.sub("", text.casefold()).replace("isation", "ization")
    return NAME_VARIANTS.get(key, key)


def name_words(text: str) -> tuple[str, ...]:
    """Lower-cased words of a name without honorific: ``"Mr Ryabkov"`` -> ``("ryabkov",)``."""
    return tuple(w.casefold() for w in _WORD.findall(split_honorific(text)[1]))


def trim_surface(start: int, text: str) -> tuple[int, str]:
    """Drop a leading "the" and a trailing possessive, returning the new start and text."""
    match = _LEADING_THE.match(text)
    if match:
        start += match.end()
        text = text[match.end() :]
    text = _POSSESSIVE.sub("", text).rstrip()
    return start, text


# --------------------------------------------------------------------------------------
# People named within one article (used by quotes.py for speakers)


@dataclass
class PersonIndex:
    """Full names of the people an article names, to expand short forms ("Mr Blinken")."""

    full_names: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        if len(name_words(name)) >= 2 and name not in self.full_names:
            self.full_names.append(name)

    def canonical(self, name: str) -> str:
        """The one full name ending with ``name``'s words, else ``name`` without honorific.

        ``"Mr Blinken"`` -> ``"Antony Blinken"`` when the article names him in full once;
        when two full names share the surname the short form is kept (never guessed).
        """
        words = name_words(name)
        bare = split_honorific(name)[1]
        if not words:
            return bare
        matches = {
            full
            for full in self.full_names
            if len(name_words(full)) >= len(words) and name_words(full)[-len(words) :] == words
        }
        longest = {
            m for m in matches if not any(len(o) > len(m) and o.endswith(m) for o in matches)
        }
        if len(longest) == 1:
            return next(iter(longest))
        return bare


# --------------------------------------------------------------------------------------
# Roles from the dependency parse


@dataclass(frozen=True, slots=True)
class RoleStatement:
    """A title an article attaches to a person's name, with both spans."""

    name: str  # the name as written at this mention (honorific removed)
    name_span: Span
    role: str
    role_span: Span


def person_name_tokens(ent: SpacySpan) -> tuple[int, int]:
    """Token range ``[start, end)`` of a PERSON entity, widened and trimmed to the name.

    NER sometimes leaves a first name out ("Anders Fogh Rasmussen" -> "Fogh Rasmussen"):
    capitalised proper nouns right before the entity, outside any entity and not titles,
    are taken in. A leading honorific or "the" is dropped.
    """
    doc = ent.doc
    start, end = ent.start, ent.end
    while start > 0:
        prev = doc[start - 1]
        if (
            prev.pos_ == "PROPN"
            and not prev.ent_type_
            and prev.text[:1].isupper()
            and prev.lower_ not in TITLE_WORDS
            and prev.lower_.rstrip(".") not in HONORIFICS
            and prev.whitespace_
        ):
            start -= 1
        else:
            break
    while start < end - 1 and (
        doc[start].lower_.rstrip(".") in HONORIFICS or doc[start].lower_ == "the"
    ):
        start += 1
    # NER often takes the title in ("Transport Commissioner Dana Okafor"): the name is
    # what follows the last title word, when it is all capitalised name words
    titles = [i for i in range(start, end - 1) if _is_title_word(doc[i].text)]
    if titles and all(
        doc[i].text[:1].isupper() and not _is_title_word(doc[i].text)
        for i in range(titles[-1] + 1, end)
    ):
        start = titles[-1] + 1
    while start < end - 1 and doc[start].lower_.rstrip(".") in HONORIFICS:
        start += 1
    return start, end


#: NER labels a name after a title may wrongly carry ("Councillor Gwen Tallis" -> NORP).
_RECOVERABLE_LABELS = frozenset({"", "ORG", "NORP", "PERSON"})
#: Most name words recovered after a title ("Councillor Gwen Tallis": two).
_MAX_RECOVERED_WORDS = 3


def person_ents(doc: Doc) -> list[SpacySpan]:
    """The PERSON entities of a parsed paragraph, with names NER missed after a title.

    The small English model often misses or mislabels a name introduced by a
    capitalised title or honorific ("Councillor Gwen Tallis" gives "Tallis" as NORP):
    one to three capitalised proper nouns right after a capitalised title word or an
    honorific, none of them inside a place, date or other non-person entity, are
    recovered as one PERSON span. Entities they overlap are replaced.

    Args:
        doc: one parsed paragraph.

    Returns:
        PERSON spans (``spacy.tokens.Span``) in text order; ``doc.ents`` is not changed.
    """
    from spacy.tokens import Span as SpacySpan

    recovered: list[SpacySpan] = []
    i = 0
    while i < len(doc) - 1:
        title = doc[i]
        is_title = title.text[:1].isupper() and (
            _is_title_word(title.text) or title.lower_.rstrip(".") in HONORIFICS
        )
        if not is_title:
            i += 1
            continue
        j = i + 1
        while (
            j < len(doc)
            and j - i <= _MAX_RECOVERED_WORDS
            and doc[j].pos_ == "PROPN"
            and doc[j].text[:1].isupper()
            and doc[j].is_alpha
            and not _is_title_word(doc[j].text)
            and doc[j].lower_ not in HONORIFICS
            and doc[j].ent_type_ in _RECOVERABLE_LABELS
            and doc[j - 1].whitespace_
        ):
            j += 1
        name_continues = j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper()
        # only when NER did not already give exactly these words as a PERSON
        already = j > i + 1 and all(doc[k].ent_type_ == "PERSON" for k in range(i + 1, j))
        if j > i + 1 and not name_continues and not already:
            recovered.append(SpacySpan(doc, i + 1, j, label="PERSON"))
        i = max(j, i + 1)
    taken = {t.i for span in recovered for t in span}
    kept = [e for e in doc.ents if e.label_ == "PERSON" and not any(t.i in taken for t in e)]
    return sorted([*kept, *recovered], key=lambda e: e.start)


def entity_overrides(doc: Doc, persons: Sequence[SpacySpan] | None = None) -> dict[int, SpacySpan]:
    """Token index -> entity span, ``doc.ents`` corrected by :func:`person_ents`
    (``persons``: its result for this doc, when the caller has it already)."""
    out = {tok.i: ent for ent in doc.ents for tok in ent}
    for ent in person_ents(doc) if persons is None else persons:
        for tok in ent:
            out[tok.i] = ent
    return out


def _title_ok(tokens: Sequence[Token]) -> bool:
    """A role must carry a noun that is not merely relational ("her counterpart")."""
    nouns = [t for t in tokens if t.pos_ == "NOUN" or t.lower_ in TITLE_WORDS]
    if not nouns:
        return False
    return nouns[-1].lower_ not in RELATIONAL_NOUNS and len(tokens) <= 12


def _strip_edges(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[0].dep_ in {"det", "punct", "cc"} or tokens[0].tag_ == "PRP$"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ in {"cc", "case"}):
        tokens = tokens[:-1]
    return tokens


def _contiguous_prefix(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        if out and tok.i != out[-1].i + 1:
            break
        out.append(tok)
    return out


def _pre_title(doc: Doc, start: int, head: Token) -> list[Token]:
    """Title words right before a name that the parse attaches to the name's head."""
    role_start = start
    for child in reversed(list(head.lefts)):
        if child.i >= start:
            continue
        if child.dep_ not in {"compound", "nmod", "amod", "poss", "nummod"} or child.is_punct:
            break
        if child.ent_type_ == "PERSON" or child.right_edge.i != role_start - 1:
            break
        role_start = child.left_edge.i
    return _strip_edges(list(doc[role_start:start]))


def _appositive_titles(token: Token) -> list[list[Token]]:
    """Roles in an apposition headed by ``token``, one per conjunct, without clauses."""
    out: list[list[Token]] = []
    heads = [token, *[c for c in token.children if c.dep_ == "conj" and c.pos_ == "NOUN"]]
    for head in heads:
        drop: set[int] = set()
        for child in head.children:
            if child.dep_ in {"conj", "cc", "relcl", "acl", "advcl", "appos", "punct"}:
                drop.update(t.i for t in child.subtree)
        tokens = [t for t in head.subtree if t.i not in drop]
        tokens = _strip_edges(_contiguous_prefix(tokens))
        if tokens:
            out.append(tokens)
    return out


def find_roles(article_id: str, paragraphs: Sequence[ParsedParagraph]) -> tuple[RoleStatement, ...]:
    """Roles stated for the people of one article, from the dependency parse.

    Patterns: a title before the name ("Russia's deputy foreign minister Sergei
    Ryabkov"); an apposition after it ("Wendy Sherman, the deputy US secretary of state
    and leader of the delegation", giving two roles); a name in apposition to a title
    ("The former speaker of the Ukrainian Parliament, Dmytro Razumkov").

    Args:
        article_id: the id of the article the paragraphs belong to (for the spans).
        paragraphs: the parsed paragraphs of that article (``Annotation.docs[id]``).

    Returns:
        One :class:`RoleStatement` per (name mention, role), in text order.
    """
    out: list[RoleStatement] = []
    for para in paragraphs:
        doc, base = para.doc, para.offset
        text = para.text  # not doc.text: Doc.text re-joins every token on each access
        for ent in person_ents(doc):
            start, end = person_name_tokens(ent)
            name_span = doc[start:end]
            head = name_span.root
            start_char = name_span.start_char
            found: list[list[Token]] = []
            pre = _pre_title(doc, start, head)
            if pre:
                found.append(pre)
            for child in head.children:
                if child.dep_ == "appos" and child.i >= end and child.pos_ == "NOUN":
                    found.extend(_appositive_titles(child))
            if head.dep_ == "appos" and head.head.pos_ == "NOUN" and head.head.i < start:
                outer = head.head
                tokens = [t for t in doc[outer.left_edge.i : head.left_edge.i]]
                tokens = _strip_edges(tokens)
                if tokens:
                    found.append(tokens)
            for tokens in found:
                # a caption or credit line glued before the title: keep the last line
                tokens = _strip_edges([t for t in tokens if "\n" not in text[t.idx : start_char]])
                if not tokens or not _title_ok(tokens):
                    continue
                r_start = tokens[0].idx
                r_end = tokens[-1].idx + len(tokens[-1].text)
                out.append(
                    RoleStatement(
                        name=name_span.text,
                        name_span=Span(
                            article_id, base + name_span.start_char, base + name_span.end_char
                        ),
                        role=text[r_start:r_end],
                        role_span=Span(article_id, base + r_start, base + r_end),
                    )
                )
    return tuple(out)


def role_words(text: str) -> frozenset[str]:
    """Content words of a role or noun phrase, with demonyms folded ("Russian" -> "russia")."""
    words = []
    for raw in re.findall(r"[\w.]+", text.casefold()):
        word = raw.strip(".")
        word = _DEMONYMS.get(raw, _DEMONYMS.get(word, word))
        if word and word not in _ROLE_STOPWORDS:
            words.append(word)
    return frozenset(words)


# --------------------------------------------------------------------------------------
# The roster


@dataclass
class _Cluster:
    key: str
    labels: Counter[str] = field(default_factory=Counter)
    surfaces: Counter[str] = field(default_factory=Counter)
    honorific_forms: set[str] = field(default_factory=set)
    outlets: Counter[str] = field(default_factory=Counter)
    citations: list[Span] = field(default_factory=list)
    roles: dict[str, list[tuple[str, Span]]] = field(default_factory=dict)
    first_seen: int = 0
    evidence: Counter[str] = field(default_factory=Counter)  # kind -> mentions in context
    common: int = 0  # mentions that read as a capitalised common noun
    spoke: bool = False  # named as the speaker of a quote

    @property
    def label(self) -> str:
        best = max(self.labels.values())
        return next(lab for lab in _LABEL_PREFERENCE if self.labels.get(lab) == best)

    def absorb(self, other: _Cluster) -> None:
        self.labels.update(other.labels)
        self.surfaces.update(other.surfaces)
        self.honorific_forms |= other.honorific_forms
        self.outlets.update(other.outlets)
        self.citations.extend(other.citations)
        for k, v in other.roles.items():
            self.roles.setdefault(k, []).extend(v)
        self.first_seen = min(self.first_seen, other.first_seen)
        self.evidence.update(other.evidence)
        self.common += other.common
        self.spoke = self.spoke or other.spoke

    def words(self) -> tuple[str, ...]:
        surface = max(self.surfaces, key=lambda s: (len(name_words(s)), self.surfaces[s]))
        return name_words(surface)


def _usable(mention: Mention) -> bool:
    # Lower-case "entities" ("state" in "secretary of state") and ones spanning a line
    # break (caption debris) are NER errors, not names.
    return (
        mention.label in KIND_BY_LABEL
        and any(ch.isupper() for ch in mention.text)
        and "\n" not in mention.text
    )


@dataclass(frozen=True, slots=True)
class RosterEvidence:
    """What the roster reads from one article's parse: the per-article half of the stage.

    Depends on that article alone, so a store keeps it and a grown story's roster is
    built without decoding the parses of the articles it already had.
    """

    recovered: tuple[Mention, ...]  # person names recovered after titles
    common_starts: tuple[int, ...]  # starts of one-token entities tagged as common nouns
    roles: tuple[RoleStatement, ...]


def roster_evidence(article_id: str, paragraphs: Sequence[ParsedParagraph]) -> RosterEvidence:
    """One article's :class:`RosterEvidence` from its parsed paragraphs."""
    recovered, common = _parse_evidence(paragraphs)
    roles = find_roles(article_id, paragraphs)
    return RosterEvidence(tuple(recovered), tuple(sorted(common)), roles)


def build_roster(
    articles: Sequence[Article],
    quotes: Sequence[Quote] = (),
    *,
    docs: Mapping[str, Sequence[ParsedParagraph]] | None = None,
    max_citations: int = 25,
    evidence: Mapping[str, RosterEvidence] | None = None,
) -> tuple[Entity, ...]:
    """Canonical entities of a story, merged across its articles, with their roles.

    Args:
        articles: annotated articles (their ``sentences`` carry the mentions).
        quotes: quotes of these articles; named speakers are counted as people (even
            where NER missed the name) and the roles their speakers carry are added,
            cited where the article states them.
        docs: the parsed paragraphs by article id (``Annotation.docs``); without them
            roles come only from ``quotes``.
        max_citations: citations kept per entity (the first ones, in article order).
        evidence: each article's :func:`roster_evidence`, used instead of reading
            ``docs`` for the articles it holds.

    Returns:
        Entities ordered by number of mentions (descending), then name.
    """
    clusters: dict[str, _Cluster] = {}
    seen_spans: set[tuple[str, int, int]] = set()
    order = 0
    by_id = {a.id: a for a in articles}

    lowered = _lowercase_words(articles)
    given = evidence or {}

    def evidence_of(article_id: str) -> RosterEvidence | None:
        if article_id in given:
            return given[article_id]
        return None if docs is None else roster_evidence(article_id, docs.get(article_id, ()))

    per_article = {a.id: evidence_of(a.id) for a in articles}

    def add(
        article: Article, start: int, text: str, label: str, *, common: bool = False
    ) -> _Cluster | None:
        nonlocal order
        start, text = trim_surface(start, text)
        titled = ""
        if label == "PERSON":
            # "Transport Commissioner Dana Okafor": the name, with the title as a role
            title, rest = split_title(text)
            if title:
                titled = text
                title_span = Span(article.id, start, start + len(title))
                start += len(text) - len(rest)
                text = rest
        honorific, bare = split_honorific(text)
        if honorific:
            start += len(text) - len(bare)
        # "Mr" is usually outside the NER span: look right before it in the text.
        before = _HONORIFIC_BEFORE.search(article.text, max(0, start - 8), start)
        key = entity_key(bare)
        if not key:
            return None
        span = Span(article.id, start, start + len(bare))
        if (article.id, span.start, span.end) in seen_spans:
            return None
        seen_spans.add((article.id, span.start, span.end))
        cluster = clusters.get(key)
        if cluster is None:
            cluster = clusters[key] = _Cluster(key, first_seen=order)
            order += 1
        cluster.labels[label] += 1
        cluster.surfaces[bare] += 1
        if honorific:
            cluster.honorific_forms.add(f"{honorific} {bare}")
        elif before and label == "PERSON":
            cluster.honorific_forms.add(article.text[before.start("h") : span.end])
        if titled:
            cluster.honorific_forms.add(titled)
            cluster.roles.setdefault(_role_key(_text_at(article, title_span)), []).append(
                (_text_at(article, title_span), title_span)
            )
        context_kind = _context_kind(article.text, span)
        if context_kind:
            cluster.evidence[context_kind] += 1
        words = bare.split()
        if (
            label in _COMMON_NOUN_LABELS
            and len(words) == 1
            and not bare.isupper()
            and (common or bare.casefold() in lowered)
        ):
            cluster.common += 1
        cluster.outlets[article.outlet] += 1
        cluster.citations.append(span)
        return cluster

    for article in articles:
        mentions = [m for sentence in article.sentences for m in sentence.mentions]
        found = per_article[article.id]
        recovered = list(found.recovered) if found is not None else []
        common_starts = set(found.common_starts) if found is not None else set()
        if recovered:
            # a name recovered after a title replaces the NER mentions it overlaps
            mentions = [
                m
                for m in mentions
                if not any(m.start < r.end and r.start < m.end for r in recovered)
            ]
            mentions = sorted([*mentions, *recovered], key=lambda m: m.start)
        for mention in _join_possessive_facilities(article.text, mentions):
            if _usable(mention):
                add(
                    article,
                    mention.start,
                    mention.text,
                    mention.label,
                    common=mention.start in common_starts,
                )

    for quote in quotes:
        span, name = quote.speaker.span, quote.speaker.name
        source = by_id.get(span.article_id) if span else None
        if span is None or name is None or source is None:
            continue
        text = source.text[span.start : span.end]
        if "\n" not in text and text.strip():
            add(source, span.start, text, "PERSON")
            bare = split_honorific(split_title(trim_surface(0, text)[1])[1])[1]
            speaker_cluster = clusters.get(entity_key(bare))
            if speaker_cluster is not None:
                speaker_cluster.spoke = True

    merged = [c for c in _merge_people(clusters) if not _is_common_noun(c)]
    # "the Northgate diversion" next to "Northgate Bridge": the one-word ORG is the place
    leading = {
        c.words()[0] for c in merged if len(c.words()) >= 2 and _kind(c) in {"place", "facility"}
    }
    for cluster in merged:
        words = cluster.words()
        if len(words) == 1 and words[0] in leading and cluster.label == "ORG":
            cluster.evidence["place"] += len(cluster.citations)

    alias_index: dict[str, _Cluster] = {}
    for cluster in merged:
        for surface in cluster.surfaces:
            alias_index.setdefault(entity_key(surface), cluster)

    def attach_role(name: str, role: str, role_span: Span) -> None:
        cluster = alias_index.get(entity_key(name))
        if cluster is None:
            words = name_words(name)
            if len(words) == 1:
                return
            cluster = alias_index.get(entity_key(" ".join(words[-1:])))
            if cluster is None or cluster.label != "PERSON":
                return
        cluster.roles.setdefault(_role_key(role), []).append((role, role_span))

    for article in articles:
        found = per_article[article.id]
        for statement in found.roles if found is not None else ():
            attach_role(statement.name, statement.role, statement.role_span)
    for quote in quotes:
        speaker = quote.speaker
        if not (speaker.name and speaker.role and speaker.span):
            continue
        source = by_id.get(speaker.span.article_id)
        if source is None:
            continue
        role_span = _locate_near(source, speaker.role, speaker.span)
        if role_span is not None:
            attach_role(speaker.name, speaker.role, role_span)

    position = {a.id: i for i, a in enumerate(articles)}
    entities = [_to_entity(c, max_citations, position) for c in merged]
    entities.sort(key=lambda e: (-e.mentions, e.name.casefold()))
    logger.debug("roster: %d entities from %d articles", len(entities), len(articles))
    return tuple(entities)


def _role_key(role: str) -> str:
    # identical roles merge whatever their case and dots ("U.S. Deputy Secretary of
    # State" / "US deputy secretary of state")
    return " ".join(role.casefold().replace(".", "").split())


def _locate_near(article: Article, text: str, anchor: Span) -> Span | None:
    """The occurrence of ``text`` in the article closest to ``anchor`` (or None)."""
    best: Span | None = None
    for match in re.finditer(re.escape(text), article.text):
        candidate = Span(article.id, match.start(), match.end())
        distance = abs(match.start() - anchor.start)
        if best is None or distance < abs(best.start - anchor.start):
            best = candidate
    return best


def _text_at(article: Article, span: Span) -> str:
    return article.text[span.start : span.end]


def _lowercase_words(articles: Sequence[Article]) -> frozenset[str]:
    """Words the story writes in lower case somewhere (common nouns, not names)."""
    return frozenset(w.casefold() for a in articles for w in _WORD.findall(a.text) if w.islower())


def _context_kind(text: str, span: Span) -> str | None:
    """A kind the words around a mention give it: "the Eastbank district" -> place."""
    after = _WORD_AFTER.match(text, span.end)
    if after and after.group(1) in PLACE_NOUNS_AFTER:
        return "place"
    name = text[span.start : span.end]
    if (
        " " not in name
        and any(name.casefold().endswith(h) and len(name) - len(h) >= 3 for h in FACILITY_HEADS)
        and _LOCATIVE_BEFORE.search(text, max(0, span.start - 20), span.start)
    ):
        return "facility"  # "at the Guildhall"
    return None


def _head_kind(name: str, label: str) -> str | None:
    """The kind a name's own words give it, from the head-word tables."""
    words = name_words(name)
    if len(words) < 2:
        return None
    first, last = words[0], words[-1]
    person = label == "PERSON"
    if label in {"GPE", "LOC"}:
        # NER knows countries ("Soviet Union", "Russian Federation"); only a common-noun
        # head in lower case ("Port Averill city council") overrides it
        head = name.split()[-1]
        return "organisation" if last in ORG_HEADS and head.islower() else None
    if last in ORG_HEADS and not person:
        return "organisation"
    if last in FACILITY_HEADS and not (person and last in SURNAME_LIKE_HEADS):
        return "facility"
    if last in PLACE_HEADS and not (person and last in SURNAME_LIKE_HEADS):
        return "place"
    if first in PLACE_PREFIXES:
        return "place"
    return None


def _kind(cluster: _Cluster) -> str:
    """The roster kind: the hint table, then the name's head word, then context, then NER."""
    if cluster.key in KIND_HINTS:
        return KIND_HINTS[cluster.key]
    label = cluster.label
    surface = max(cluster.surfaces, key=lambda s: (len(name_words(s)), cluster.surfaces[s]))
    if label == "PERSON" and cluster.honorific_forms:
        return "person"  # "Ms Calloway": a person whatever the words
    if label == "PERSON" and cluster.spoke:
        # a quote's speaker is a person, unless a lower-case institution noun heads the
        # name ("the city's transport department said")
        words = name_words(surface)
        last_word = surface.split()[-1]
        institution = len(words) > 1 and words[-1] in ORG_HEADS and last_word.islower()
        return "organisation" if institution else "person"
    head = _head_kind(surface, label)
    if head is not None:
        return head
    if cluster.evidence and label in {"PERSON", "ORG", "GPE", "FAC"}:
        return cluster.evidence.most_common(1)[0][0]
    return KIND_BY_LABEL[label]


def _is_common_noun(cluster: _Cluster) -> bool:
    """A capitalised common noun NER took for a name ("Commuters", "Transport").

    Every mention is one word, written in lower case elsewhere in the story or tagged
    a common noun by the parser, and nothing says it is a person (no honorific, role or
    quote), or it is a bare head word of the tables ("Hospital", "Bridge").
    """
    if cluster.honorific_forms or cluster.spoke or cluster.key in KIND_HINTS:
        return False
    words = cluster.words()
    if len(words) == 1 and (words[0] in FACILITY_HEADS | PLACE_HEADS):
        return cluster.label in {"ORG", "NORP"}
    return cluster.common >= len(cluster.citations) > 0


def _parse_evidence(paragraphs: Sequence[ParsedParagraph]) -> tuple[list[Mention], set[int]]:
    """Person names recovered after titles, and starts of entity tokens tagged as nouns."""
    recovered: list[Mention] = []
    common: set[int] = set()
    for para in paragraphs:
        doc, base = para.doc, para.offset
        ner = {(e.start, e.end) for e in doc.ents if e.label_ == "PERSON"}
        for ent in person_ents(doc):
            if (ent.start, ent.end) not in ner:
                recovered.append(
                    Mention(base + ent.start_char, base + ent.end_char, ent.text, "PERSON")
                )
        for ent in doc.ents:
            if len(ent) == 1 and ent.label_ in _COMMON_NOUN_LABELS and ent[0].pos_ == "NOUN":
                common.add(base + ent.start_char)
    return recovered, common


def _join_possessive_facilities(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``St Brendan's`` + ``Hospital`` (two NER mentions) -> one facility mention."""
    out: list[Mention] = []
    index = 0
    while index < len(mentions):
        mention = mentions[index]
        nxt = mentions[index + 1] if index + 1 < len(mentions) else None
        if nxt is not None and mention.end <= nxt.start:
            between = text[mention.end : nxt.start]
            joined = text[mention.start : nxt.end]
            possessive = bool(_POSSESSIVE_FACILITY.search(mention.text + between)) and (
                not between.strip() or between.strip() in {"'s", "’s"}
            )
            head = name_words(nxt.text)[-1:] if name_words(nxt.text) else ()
            if possessive and head and head[0] in FACILITY_HEADS and "\n" not in joined:
                out.append(Mention(mention.start, nxt.end, joined, "FAC"))
                index += 2
                continue
        out.append(mention)
        index += 1
    return out


def _merge_people(clusters: Mapping[str, _Cluster]) -> list[_Cluster]:
    """Fold short person forms into the one full name that ends with them."""
    ordered = sorted(clusters.values(), key=lambda c: c.first_seen)
    people = [c for c in ordered if _kind(c) == "person"]
    full_by_suffix: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for index, cluster in enumerate(people):
        words = cluster.words()
        for n in range(1, len(words)):
            full_by_suffix[words[-n:]].add(index)
    absorbed: set[str] = set()
    for cluster in ordered:
        if cluster.labels.keys() - {"PERSON", "ORG"}:
            continue
        words = cluster.words()
        targets = full_by_suffix.get(words, set())
        # keep only the longest candidates (Anders Fogh Rasmussen over Fogh Rasmussen)
        lengths = {i: len(people[i].words()) for i in targets}
        if not lengths:
            continue
        longest = max(lengths.values())
        best = [people[i] for i, n in lengths.items() if n == longest]
        if len({b.key for b in best}) != 1 or best[0] is cluster:
            continue
        best[0].absorb(cluster)
        absorbed.add(cluster.key)
    return [c for c in ordered if c.key not in absorbed]


def _to_entity(cluster: _Cluster, max_citations: int, position: Mapping[str, int]) -> Entity:
    kind = _kind(cluster)
    if cluster.key in CANONICAL_DISPLAY:
        name = CANONICAL_DISPLAY[cluster.key]
    elif kind == "person":
        name = max(cluster.surfaces, key=lambda s: (len(name_words(s)), cluster.surfaces[s]))
    else:
        name = max(cluster.surfaces, key=lambda s: cluster.surfaces[s])
    aliases = sorted(  # ties broken by the text itself: the order must not vary by run
        (set(cluster.surfaces) | cluster.honorific_forms) - {name}, key=lambda a: (a.casefold(), a)
    )
    roles = tuple(
        Role(text=statements[0][0], citations=tuple(sorted({s for _, s in statements})))
        for statements in cluster.roles.values()
    )
    citations = sorted(cluster.citations, key=lambda s: (position.get(s.article_id, 0), s.start))
    return Entity(
        name=name,
        kind=kind,
        aliases=tuple(aliases),
        roles=roles,
        mentions=len(cluster.citations),
        mentions_by_outlet=tuple(sorted(cluster.outlets.items())),
        citations=tuple(citations[:max_citations]),
    )


def iter_person_names(paragraphs: Iterable[ParsedParagraph]) -> Iterable[str]:
    """Names of the PERSON entities of an article, widened and without honorific."""
    for para in paragraphs:
        for ent in person_ents(para.doc):
            start, end = person_name_tokens(ent)
            yield para.doc[start:end].text


__all__ = [
    "CANONICAL_DISPLAY",
    "KIND_BY_LABEL",
    "KIND_HINTS",
    "NAME_VARIANTS",
    "PersonIndex",
    "RoleStatement",
    "RosterEvidence",
    "build_roster",
    "entity_key",
    "find_roles",
    "iter_person_names",
    "name_words",
    "person_name_tokens",
    "role_words",
    "roster_evidence",
    "split_honorific",
]
