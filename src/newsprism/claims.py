"""Claim divergences: where outlets that carry the same point tell it differently.

Alignment (:mod:`newsprism.align`) links sentences of several outlets that carry the same
information into a point. This module compares the linked sentences of each point on four
things a reader cares about, each read off the spaCy dependency parse with small rules:

* **characterisation**: the evaluative words an outlet uses for the same event or
  statement, where the sentence characterises something (a predicative adjective, "the
  talks were *difficult but professional*"; or a described-as complement, "described the
  talks as *complex and very professional*"). Descriptive adjectives ("military",
  "Russian", per the subjectivity lexicon of :mod:`newsprism.lexicons`) and comparatives
  ("higher than") are ignored, and two wordings are compared only when they give one
  speaker's view (:func:`speaker`: the same named speaker, or both the outlets' own
  unattributed narrative), not two sources' opposite claims.
* **attribution**: the verb that introduces the same speaker's same statement, when the
  verbs lend a different stance ("said" vs "insisted" vs "claimed" vs "admitted"; see
  :data:`newsprism.lexicons.REPORTING_VERBS`). Verbs of one class ("said", "told") are
  paraphrase and are not reported.
* **negation**: the same predicate (verb lemma, subject and object) affirmed by one outlet
  and negated by another. Predicates under a negating verb ("denied", "refused"), a
  downtoner ("little", "hardly"), a condition or a question are left out, because their
  polarity is not a plain yes or no.
* **actor**: the same action (verb and object) or the same quoted words given to a
  different named subject ("Russia seized ..." vs "Ukraine seized ..."). Aliases (Kiev /
  Kyiv), a country and its capital or seat of government (Moscow, the Kremlin / Russia) and
  one subject contained in the other ("Washington and Kyiv" / "Washington") are the same
  actor.

Only attribution differences are shown as conflicts (``conflict=True``); characterisation,
negation and actor differences are comparisons (:data:`COMPARISON_KINDS`: in the hand
reviews none of their "conflicts" was a real disagreement between outlets), and of those a
brief shows only characterisations (:data:`SHOWN_KINDS`).

Precision comes first: two sentences are compared only when the alignment links them
directly (their blended similarity reaches ``min_similarity``), every rule demands the same
anchor (target, speaker, predicate, or action) on both sides, and a group of outlets whose
wordings only paraphrase one another is not reported. How precise the rules are on the
shared data is measured by ``benchmarks/divergence_sample.py``.

Each answer cites the differing words (``citations[0]``, whose text is ``value``) and the
sentence (``citations[1]``, whose text is ``text``); ``highlights`` cites each differing
word on its own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsprism.entities import (
    HONORIFICS,
    RELATIONAL_NOUNS,
    TITLE_WORDS,
    entity_key,
    name_words,
    role_words,
)
from newsprism.lexicons import adjective_entry, is_descriptive, reporting_class
from newsprism.model import Article, Divergence, DivergenceAnswer, Entity, Sentence, Span

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

    from newsprism.align import Alignment, Candidate
    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

#: Pairs of aligned sentences below this blended similarity are not compared.
MIN_SIMILARITY = 0.6

NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
STANCE_CLASSES = frozenset({"doubting", "conceding"})  # the verbs whose choice is news
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
COPULAS = frozenset({"be", "seem", "appear", "remain", "become", "sound", "look", "prove", "feel"})
CHARACTERISING = frozenset(
    {"describe", "call", "term", "label", "characterise", "characterize", "brand", "deem",
     "portray", "dub", "consider", "find"}
)  # fmt: skip
PRONOUNS = frozenset({"it", "they", "this", "that", "these", "those"})
#: Comparative and superlative adjectives relate the target to something else ("three points
#: higher than Clinton's support", "her lead is much larger" with superdelegates counted):
#: a comparison, not how the target itself is characterised (PolNeAR review).
COMPARATIVE_TAGS = frozenset({"JJR", "JJS"})
#: Targets a characterisation is not compared on: a person ("Gigante was willing", "was
#: mentally competent") is characterised by many unrelated statements, and a generic class
#: ("such tremors are common") is not the event itself.
PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her", "i", "we", "you", "who"})
GENERIC_DETERMINERS = frozenset({"such", "many", "most", "all", "some", "any", "every"})
#: Nouns for people in general: "people are able to draw their own conclusions" and
#: "people are smart enough" characterise no event (titles and relations are in
#: :data:`newsprism.entities.TITLE_WORDS` and ``RELATIONAL_NOUNS``).
PEOPLE_NOUNS = frozenset(
    {"people", "person", "man", "woman", "child", "kid", "boy", "girl", "resident",
     "citizen", "patient", "victim", "voter", "worker", "member", "family", "student",
     "delegate", "protester", "supporter", "fan", "customer", "user", "parent", "adult"}
)  # fmt: skip
#: Kinds shown as comparisons, never as conflicts. In the hand reviews
#: (``benchmarks/results/divergence_review*.md``) none of these "conflicts" was a real
#: difference between outlets: on ECB+ 0 of 7 actor, 0 of 3 negation and 0 of 5
#: characterisation conflicts (two teams both "expressed interest", one team under two
#: names, "not released" written before the release, a court's "competent" against the
#: defence's "ill"), on PolNeAR (never used for tuning) 0 of 2 characterisations (one
#: speaker's "truthful" against another's "wrong"), and none at all on MultiLing,
#: Multi-News or NeuS. So each outlet's wording is listed side by side without claiming the
#: outlets disagree; the seeds' "complex" against "useful" talks stay compared.
COMPARISON_KINDS = frozenset({"actor", "negation", "characterisation"})
#: Kinds a brief shows. Actor and negation comparisons are not shown: the reviews found
#: none of them a real difference (ECB+: 0 of 7 actor, "New Orleans" / "the Saints"; 0 of 3
#: negation, "not released" written before the release), and a divergence shown must be
#: one a reader would care about. :func:`compare_members` still finds them.
SHOWN_KINDS = frozenset({"attribution", "characterisation"})
NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "nobody", "nothing"})
# Words that make a predicate's polarity neither plainly yes nor no.
DOWNTONERS = frozenset(
    {"little", "few", "hardly", "barely", "scarcely", "unlikely", "rarely", "seldom", "only",
     "without", "fail", "refuse", "deny", "reject", "doubt", "dismiss", "whether", "if",
     "unless", "lack"}
)  # fmt: skip
SAME_NAME = 85  # rapidfuzz ratio of two name keys that spell one name
HEDGING_MODALS = frozenset({"may", "might", "could", "can"})
LIGHT_VERBS = frozenset({"be", "have", "do", "make", "take", "get", "go", "come", "give", "say"})
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
OBJECT_DEPS = ("dobj", "attr", "acomp", "oprd", "xcomp", "ccomp", "dative")

#: A country's capital or seat of government names the country's government ("Moscow
#: said" = "Russia said"); keys are :func:`newsprism.entities.entity_key` forms.
METONYMS: dict[str, str] = {
    "moscow": "russia",
    "kremlin": "russia",
    "washington": "us",
    "whitehouse": "us",
    "america": "us",
    "unitedstates": "us",
    "statedepartment": "us",
    "pentagon": "us",
    "bidenadministration": "us",
    "kyiv": "ukraine",
    "beijing": "china",
    "london": "uk",
    "downingstreet": "uk",
    "paris": "france",
    "elysee": "france",
    "berlin": "germany",
    "tokyo": "japan",
    "tehran": "iran",
    "pyongyang": "northkorea",
    "seoul": "southkorea",
    "ankara": "turkey",
    "jerusalem": "israel",
    "damascus": "syria",
    "minsk": "belarus",
    "brussels": "eu",
    "europeanunion": "eu",
}
_QUOTED = re.compile(r"[“\"]([^”\"]{12,})[”\"]")


#: The speaker of a characterisation the outlet states in its own voice, attributed to no one.
NARRATIVE: frozenset[str] = frozenset({"narrative"})


@dataclass(frozen=True)
class Member:
    """One outlet's sentence of a point, with its parse."""

    article: Article
    sentence: Sentence
    tokens: SpacySpan
    offset: int  # character offset of the parsed paragraph in ``article.text``

    def span(self, first: Token, last: Token) -> Span:
        start = self.offset + first.idx
        return Span(self.article.id, start, self.offset + last.idx + len(last.text))


@dataclass(frozen=True)
class Finding:
    """One side of a comparison: an outlet's wording of the compared thing."""

    member: Member
    key: tuple[str, ...]  # what must match on the other side (target, speaker, predicate)
    value: frozenset[str]  # what is compared (adjective lemmas, stance class, polarity)
    phrase: tuple[Token, Token]  # first and last token of the differing words
    words: tuple[Token, ...]  # each differing word
    label: str  # readable anchor for the question ("the talks", "Ryabkov", ...)
    #: content lemmas of a reported statement, or of what narrows a characterised target
    context: frozenset[str] = frozenset()
    quotes: tuple[str, ...] = ()  # the direct quotations a speaker is given
    #: who makes a characterisation (:func:`speaker`): actor keys, :data:`NARRATIVE` for
    #: the outlet's own unattributed narrative, ``None`` when the speaker is not resolved
    speaker: frozenset[str] | None = NARRATIVE


# ---------------------------------------------------------------------------- parse access


def sentence_tokens(
    article: Article, paragraphs: Sequence[ParsedParagraph], sentence: Sentence
) -> tuple[SpacySpan, int] | None:
    """The parsed tokens of an annotated sentence and their paragraph's offset."""
    for para in paragraphs:
        end = para.end  # not len(para.doc.text): Doc.text re-joins every token
        if para.offset <= sentence.span.start < end:
            tokens = para.doc.char_span(
                sentence.span.start - para.offset,
                min(sentence.span.end, end) - para.offset,
                alignment_mode="expand",
            )
            return (tokens, para.offset) if tokens is not None else None
    return None


def _is_question(member: Member) -> bool:
    return member.sentence.text.rstrip("”’\"' ").endswith("?")


def _in_quotes(token: Token) -> bool:
    """The token lies inside double quotation marks within its sentence."""
    sent = token.sent
    before = token.doc.text[sent.start_char : token.idx]
    curly = before.count("“") - before.count("”")
    return curly > 0 or (curly == 0 and before.count('"') % 2 == 1)


# ----------------------------------------------------------------------- actors and names


def actor_key(token: Token, entities: Mapping[str, str] | None = None) -> str | None:
    """A comparable key for a named subject, or ``None`` if it is not named: a person's
    surname; an organisation's or place's canonical key (aliases and metonyms folded); a
    proper noun NER left untagged ("Smith") by its last word. Keys share one namespace so
    that "Smith" and "John Smith" meet."""
    ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    if ent is not None and ent.label_ in ACTOR_LABELS:
        if ent.label_ == "PERSON":
            words = [w for w in name_words(ent.text) if w not in NAME_SUFFIXES and w.isalpha()]
            return f"name:{words[-1]}" if words else None
        key = entity_key(ent.text)
    elif _bare_name(token):
        key = entity_key(token.text)
    else:
        return None
    if entities is not None:
        key = entities.get(key, key)
    return f"name:{METONYMS.get(key, key)}"


def _bare_name(token: Token) -> bool:
    """A proper noun NER left untagged that is a name, not a title ("Smith"; not
    "president", "Del.", "Mr")."""
    text = token.text
    return (
        token.pos_ == "PROPN"
        and not token.ent_type_
        and text[:1].isupper()
        and not text.endswith(".")
        and text.casefold() not in TITLE_WORDS
        and text.lower() not in HONORIFICS
    )


def _actor_class(token: Token) -> str:
    """ "person", "group" (organisations, places) or "unknown": a person and a group doing
    the same thing ("Pelosi" / "House Democrats") is a matter of detail, and nationalities
    ("Americans", "the Liberals") name groups too loosely to tell two actors apart."""
    if token.ent_type_ == "PERSON":
        return "person"
    if token.ent_type_ in ("ORG", "GPE", "LOC", "FAC"):
        return "group"
    return "unknown"


def _asserted(token: Token) -> bool:
    """The action is stated as done ("signed", "has seized"), not wanted, needed, planned
    or possible ("need to see", "could launch")."""
    if token.tag_ not in ("VBD", "VBZ", "VBP", "VBN") or token.dep_ in ("xcomp", "advcl"):
        return False
    if any(c.tag_ == "MD" for c in token.children):
        return False
    return _plain_polarity(token) and _negation(token) is None


def entity_index(entities: Sequence[Entity]) -> dict[str, str]:
    """Alias key -> canonical key, from the story's entity roster."""
    index: dict[str, str] = {}
    for entity in entities:
        canonical = entity_key(entity.name)
        for alias in (entity.name, *entity.aliases):
            index.setdefault(entity_key(alias), canonical)
    return index


def _subject(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    if token.dep_ in ("conj", "xcomp") and token.head is not token:
        return _subject(token.head)  # "... met and agreed": the first verb's subject
    return None


def _named(token: Token) -> Token:
    """The named token of a subject: itself, or the name in its apposition ("Virgin
    Islands Del. Stacey Plaskett": Plaskett)."""
    if token.ent_type_ in ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP") or _bare_name(token):
        return token
    appos = next((c for c in token.children if c.dep_ == "appos" and c.ent_type_), None)
    return appos if appos is not None else token


def _subject_keys(subject: Token, entities: Mapping[str, str] | None) -> frozenset[str]:
    """Every named actor of a (possibly coordinated) subject: "Washington and Kyiv"."""
    keys = set()
    for token in (subject, *subject.conjuncts):
        key = actor_key(_named(token), entities)
        if key is not None:
            keys.add(key)
    return frozenset(keys)


# --------------------------------------------------------------------------- characterisation


def _group(seed: Token) -> list[Token]:
    """The coordinated adjectives of a characterisation: "difficult, long, very
    professional, deep, concrete" (spaCy attaches some as ``amod`` of the seed)."""
    out = [seed]
    stack = [seed]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child in out:
                continue
            adjective_like = child.pos_ == "ADJ" or (
                child.pos_ == "NOUN" and child.dep_ == "conj" and adjective_entry(child.text)
            )
            if adjective_like and child.dep_ in ("conj", "amod"):
                out.append(child)
                stack.append(child)
    return sorted(out, key=lambda t: t.i)


def _characterised(adjective: Token) -> Token | None:
    """What a predicative or described-as adjective characterises (its target noun)."""
    head = adjective.head
    if adjective.dep_ in ("acomp", "attr") and head.lemma_ in COPULAS:
        return _subject(head)
    if adjective.dep_ == "oprd":
        if head.lemma_ in COPULAS:
            return _subject(head)
        if head.lemma_ in CHARACTERISING:
            return next((c for c in head.children if c.dep_ == "dobj"), None)
    if head.lower_ == "as" and head.head.lemma_ in CHARACTERISING:
        return next((c for c in head.head.children if c.dep_ in ("dobj", "nsubjpass")), None)
    return None


#: Clauses whose subject is the subject of the clause they hang on ("diplomats emerged ...,
#: describing the talks as useful").
_SHARED_SUBJECT_DEPS = frozenset({"advcl", "conj", "xcomp", "pcomp"})
_SPEAKER_LABELS = frozenset({"NORP", "GPE", "ORG", "PERSON"})


def _speaking_verb(token: Token) -> bool:
    """A verb that gives a speaker's view of something: reporting ("said", "claimed") or
    characterising ("described ... as", "called")."""
    lemma = token.lemma_.lower()
    return token.pos_ in ("VERB", "AUX") and (
        reporting_class(lemma) is not None or lemma in CHARACTERISING
    )


def _group_keys(noun: Token) -> frozenset[str]:
    """Actor keys of the named modifiers of an unnamed group ("US and Russian diplomats":
    the US and Russia), demonyms and seats of government folded."""
    keys: set[str] = set()
    for token in noun.subtree:
        if token is noun or token.ent_type_ not in _SPEAKER_LABELS:
            continue
        words = role_words(token.text) or frozenset({entity_key(token.text)})
        keys.update(f"name:{METONYMS.get(w, w)}" for w in words)
    return frozenset(keys)


def _speaker_of(verb: Token, entities: Mapping[str, str] | None) -> frozenset[str] | None:
    """Who speaks through ``verb``: its named subject ("Ryabkov said", "Russia described"),
    the named modifiers of an unnamed one ("US and Russian diplomats"), or the noun of an
    unnamed one ("officials said": ``noun:official``); ``None`` for a pronoun or no subject
    ("he said": not resolved here, so not comparable)."""
    subject = _subject(verb)
    while subject is None and verb.dep_ in _SHARED_SUBJECT_DEPS and verb.head is not verb:
        verb = verb.head
        subject = _subject(verb)
    if subject is None and verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        subject = verb.head  # "diplomats describing the talks as useful"
    if subject is None:  # "Suga, responding to a question, said": parsed as the clause's
        subject = next(  # subject
            (_subject(c) for c in verb.children if c.dep_ == "advcl" and c.i < verb.i), None
        )
    if subject is None or subject.pos_ == "PRON":
        return None
    keys = _subject_keys(subject, entities) or _group_keys(subject)
    return keys or frozenset({f"noun:{subject.lemma_.lower()}"})


def _according_to(clause: Token, entities: Mapping[str, str] | None) -> frozenset[str] | None:
    """The source of an "according to X" attached to the clause, if any."""
    for child in clause.children:
        if child.lower_ == "according" and child.dep_ == "prep":
            for to in child.children:
                for source in to.children:
                    if source.dep_ == "pobj":
                        named = _subject_keys(source, entities) or _group_keys(source)
                        return named or frozenset({f"noun:{source.lemma_.lower()}"})
    return None


def speaker(adjective: Token, entities: Mapping[str, str] | None = None) -> frozenset[str] | None:
    """Who characterises something with ``adjective``.

    Two outlets' wordings of a characterisation are comparable only when they give the
    same speaker's view (the hand review of PolNeAR found every cross-speaker comparison
    meaningless: Comey's "wrong" against Clinton's "truthful", a reporter's "much larger"
    against a strategist's "significant"). The speaker is the subject of the nearest
    reporting or characterising verb above the adjective ("Ryabkov said it was difficult",
    "Russia described the talks as complex"), or the source of an "according to"; a
    quoted adjective with no such verb above it takes the sentence's one reporting verb
    ("'The conversation was difficult,' Ryabkov said" parsed as two clauses). A sentence
    that attributes nothing is the outlet's own narrative (:data:`NARRATIVE`). ``None``
    when the speaker is a pronoun or cannot be read (a sentence with reporting verbs none
    of which governs the adjective): such a characterisation is not compared.
    """
    for clause in adjective.ancestors:
        if _speaking_verb(clause):
            return _speaker_of(clause, entities)
        source = _according_to(clause, entities)
        if source is not None:
            return source
    sentence = adjective.sent
    attributing = [t for t in sentence if _speaking_verb(t) and not _in_quotes(t)]
    if _in_quotes(adjective):
        # "'The conversation was difficult,' Ryabkov said", parsed as two clauses
        return _speaker_of(attributing[0], entities) if len(attributing) == 1 else None
    if attributing or any(t.lower_ == "according" for t in sentence):
        return None  # someone speaks in the sentence, but the parse does not say who says this
    return NARRATIVE


def _same_speaker(a: Finding, b: Finding) -> bool:
    """Both characterisations come from one speaker: resolved speakers that share an actor
    ("Russia" and "US and Russian diplomats"), or both the outlets' own narrative."""
    return a.speaker is not None and b.speaker is not None and bool(a.speaker & b.speaker)


def characterisations(
    member: Member, entities: Mapping[str, str] | None = None
) -> list[Finding]:
    """The sentence's characterisations: the target, its evaluative adjectives and who
    characterises it (:func:`speaker`)."""
    out: list[Finding] = []
    seen: set[int] = set()
    if _is_question(member):
        return out
    for token in member.tokens:
        if token.pos_ != "ADJ" or token.i in seen or token.tag_ in COMPARATIVE_TAGS:
            continue  # "higher than Clinton's support", "much larger": a comparison
        target = _characterised(token)
        if target is None or _negation(token.head) is not None or _negation(token) is not None:
            continue  # "is not likely": a negated characterisation is another claim
        if not _event_target(target) or _hedged(token):
            continue  # "whether it would be viable", "is only useful if": not asserted
        group = _group(token)
        seen.update(t.i for t in group)
        words = tuple(
            t for t in group if t.ent_type_ not in ("NORP", "GPE") and not is_descriptive(t.text)
        )
        if not words:
            continue
        modifiers = [c for t in group for c in t.children if c.dep_ == "advmod" and c.i < t.i]
        phrase_tokens = sorted([*group, *modifiers], key=lambda t: t.i)
        label_tokens = [t for t in target.subtree if t.i <= target.i]
        target_key = "pronoun" if target.lower_ in PRONOUNS else target.lemma_.lower()
        out.append(
            Finding(
                member=member,
                key=(target_key,),
                value=frozenset(_adjective_lemma(t) for t in words),
                phrase=(phrase_tokens[0], phrase_tokens[-1]),
                words=words,
                label=" ".join(t.text for t in label_tokens),
                context=_narrowing(target),
                speaker=speaker(token, entities),
            )
        )
    return out


def _narrowing(target: Token) -> frozenset[str]:
    """Content lemmas of the prepositional phrases that narrow a target ("her statements
    *in a closed-door FBI interview*"): such a target is a part of what the bare noun names
    ("those statements"), so the two are not one thing (PolNeAR review)."""
    return frozenset(
        t.lemma_.lower()
        for child in target.children
        if child.dep_ == "prep"
        for t in child.subtree
        if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and not t.is_stop
    )


CONDITIONS = frozenset({"if", "unless", "whether"})
DOUBTING_VERBS = frozenset({"doubt", "deny", "debate", "question", "wonder", "know", "ask"})


def _hedged(adjective: Token) -> bool:
    """A characterisation stated as a condition, a possibility or an open question
    ("if the agreement is void", "whether a device would be commercially viable", "is only
    useful if", "may be too ambitious"), not as what the thing is."""
    if any(c.lower_ == "only" and c.dep_ == "advmod" for c in adjective.children):
        return True
    for clause in (adjective.head, *adjective.head.ancestors):
        for child in clause.children:
            if child.dep_ == "mark" and child.lower_ in CONDITIONS:
                return True
            if child.tag_ == "MD" and child.lower_ in (*HEDGING_MODALS, "would"):
                return True
        if clause is not adjective.head and clause.lemma_.lower() in DOUBTING_VERBS:
            return True
    return False


def _adjective_lemma(token: Token) -> str:
    """The adjective's lemma, with a detached "non" kept ("non toxic" -> "nontoxic"), so
    that "non toxic" and "nontoxic" are one wording, not opposites."""
    lemma = token.lemma_.lower()
    if token.i > 0 and token.doc[token.i - 1].lower_ in ("non", "non-"):
        return "non" + lemma
    return lemma


def _event_target(target: Token) -> bool:
    """A target whose characterisation two outlets can disagree on: a thing or event
    ("the talks"), not a person (a name, a pronoun, a title or a relation such as "his
    wife"), a share of a group ("one in five") or a generic class
    (:data:`PERSONAL_PRONOUNS`, :data:`GENERIC_DETERMINERS`)."""
    if target.ent_type_ == "PERSON" or target.lower_ in PERSONAL_PRONOUNS:
        return False
    if target.pos_ == "NUM" or target.lower_ == "one":
        return False
    lemma = target.lemma_.lower()
    if lemma in RELATIONAL_NOUNS or lemma in TITLE_WORDS or lemma in PEOPLE_NOUNS:
        return False
    if target.pos_ == "PROPN" and target.ent_type_ not in ("ORG", "EVENT", "LAW"):
        return False
    return not any(
        c.dep_ in ("det", "amod") and c.lower_ in GENERIC_DETERMINERS for c in target.children
    )


def _same_target(a: Finding, b: Finding) -> bool:
    """The same target noun, narrowed alike (:func:`_narrowing`: "the prospects of finding
    survivors" in both, not "those statements" against "her statements in an interview");
    or a pronoun ("said it was ...") whose characterisation shares a word with the other,
    which shows both describe the same thing."""
    if a.key == b.key and a.key[0] != "pronoun":
        return a.context == b.context or bool(a.context & b.context)
    return "pronoun" in (a.key[0], b.key[0]) and bool(a.value & b.value)


# ------------------------------------------------------------------------------- attribution


def _content_lemmas(token: Token) -> frozenset[str]:
    return frozenset(
        t.lemma_.lower()
        for t in token.subtree
        if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM") and not t.is_stop
    )


def attributions(member: Member, entities: Mapping[str, str] | None = None) -> list[Finding]:
    """Reporting verbs with a named speaker and the statement they introduce."""
    out: list[Finding] = []
    for token in member.tokens:
        if token.pos_ != "VERB" or reporting_class(token.lemma_) is None:
            continue
        if any(c.dep_ == "neg" for c in token.children):
            continue  # "did not say": a different claim, left to the negation rule
        subject = _subject(token)
        if subject is None:
            continue
        keys = _subject_keys(subject, entities)
        if len(keys) != 1:
            continue
        content = [c for c in token.children if c.dep_ in ("ccomp", "dobj", "xcomp")]
        if not content and token.dep_ in ("ROOT",):
            content = [c for c in token.head.children if c.dep_ == "ccomp"]
        if not content:
            continue
        lemmas = frozenset().union(*(_content_lemmas(c) for c in content))
        if len(lemmas) < 2:
            continue
        out.append(
            Finding(
                member=member,
                key=(next(iter(keys)),),
                value=frozenset({reporting_class(token.lemma_) or "neutral"}),
                phrase=(token, token),
                words=(token,),
                label=subject.text,
                context=lemmas,
            )
        )
    return out


def _same_statement(a: Finding, b: Finding) -> bool:
    ca, cb = a.context, b.context
    if not ca or not cb:
        return False
    shared = len(ca & cb)
    return shared >= 2 and shared / min(len(ca), len(cb)) >= 0.4


# ---------------------------------------------------------------------------------- negation


def _negation(token: Token) -> Token | None:
    """The negating word of a predicate: "not"/"never" on the verb, "no" on its object, or
    the "yet" of "has yet to appear"."""
    if token.dep_ == "xcomp":
        yet = next((c for c in token.head.children if c.lower_ == "yet"), None)
        if yet is not None:
            return yet
    for child in token.children:
        if child.dep_ == "neg" or (child.dep_ == "advmod" and child.lower_ == "never"):
            return child
        if child.dep_ in ("dobj", "attr", "nsubjpass") and any(
            g.dep_ == "det" and g.lower_ == "no" for g in child.children
        ):
            return next(g for g in child.children if g.lower_ == "no")
    return None


def _plain_polarity(token: Token) -> bool:
    """A predicate whose polarity is a plain yes or no (see the module docstring)."""
    scope = [token, *token.ancestors]
    for t in scope:
        if t.lemma_.lower() in DOWNTONERS or t.lower_ in DOWNTONERS:
            return False
    for child in token.subtree:
        if child.lower_ in DOWNTONERS or child.lemma_.lower() in DOWNTONERS:
            return False
        if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
            return False
    for ancestor in token.ancestors:
        if _negation(ancestor) is not None:
            return False
    for t in (token, *token.ancestors):
        if any(c.tag_ == "MD" and c.lower_ in HEDGING_MODALS for c in t.children):
            return False
    return True


def predications(member: Member, entities: Mapping[str, str] | None = None) -> list[Finding]:
    """Predicates with a named or nominal subject and their polarity."""
    out: list[Finding] = []
    if _is_question(member):
        return out
    for token in member.tokens:
        if token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "auxpass"):
            continue
        lemma = token.lemma_.lower()
        if reporting_class(lemma) is not None or lemma in ("be",) and token.pos_ == "AUX":
            continue
        subject = _subject(token)
        if subject is None or subject.lower_ in PRONOUNS or subject.pos_ == "PRON":
            continue
        if not _plain_polarity(token):
            continue
        keys = _subject_keys(subject, entities)
        subject_key = next(iter(keys)) if len(keys) == 1 else f"noun:{subject.lemma_.lower()}"
        obj = next((c for c in token.children if c.dep_ in OBJECT_DEPS), None)
        object_key = obj.lemma_.lower() if obj is not None else ""
        negation = _negation(token)
        first = min([token, *(c for c in token.children if c.dep_ in ("aux", "neg"))], key=_i)
        last = max([token, *([negation] if negation is not None else [])], key=_i)
        out.append(
            Finding(
                member=member,
                key=(lemma, subject_key, object_key, _tense(token)),
                value=frozenset({"negated" if negation is not None else "affirmed"}),
                phrase=(first, last),
                words=(negation,) if negation is not None else (token,),
                label=f"{subject.text} {token.lemma_}",
            )
        )
    return out


def _tense(token: Token) -> str:
    """ "past" or "non-past": a claim about then and one about now are two claims."""
    if token.tag_ == "VBD" or any(c.tag_ == "VBD" for c in token.children if c.dep_ == "aux"):
        return "past"
    return "non-past"


def _i(token: Token) -> int:
    return token.i


# -------------------------------------------------------------------------------------- actor


def actions(member: Member, entities: Mapping[str, str] | None = None) -> list[Finding]:
    """Actions (a content verb and its object) with their named subjects."""
    out: list[Finding] = []
    for token in member.tokens:
        lemma = token.lemma_.lower()
        if token.pos_ != "VERB" or lemma in LIGHT_VERBS or reporting_class(lemma) is not None:
            continue
        obj = next((c for c in token.children if c.dep_ == "dobj"), None)
        subject = _subject(token)
        if obj is None or subject is None or not _asserted(token):
            continue
        keys = _subject_keys(subject, entities)
        classes = frozenset(_actor_class(_named(t)) for t in (subject, *subject.conjuncts))
        if not keys or len(classes) != 1 or "unknown" in classes:
            continue
        subject_tokens = sorted(subject.subtree, key=_i)
        out.append(
            Finding(
                member=member,
                key=(lemma, obj.lemma_.lower()),
                value=keys,
                phrase=(subject_tokens[0], subject_tokens[-1]),
                words=tuple(t for t in (subject, *subject.conjuncts) if t.ent_type_),
                label=f"{token.lemma_} {' '.join(t.text for t in obj.subtree)}",
                context=classes,
            )
        )
    return out


def quoted_speakers(member: Member, entities: Mapping[str, str] | None = None) -> list[Finding]:
    """Direct quotations with the named speaker of their reporting verb."""
    out: list[Finding] = []
    text = member.sentence.text
    quotes = [m.group(1).strip() for m in _QUOTED.finditer(text)]
    quotes = [q for q in quotes if len(q.split()) >= 5]
    if not quotes:
        return out
    for token in member.tokens:
        if token.pos_ != "VERB" or reporting_class(token.lemma_) is None:
            continue
        subject = _subject(token)
        if subject is None:
            continue
        keys = _subject_keys(subject, entities)
        if len(keys) != 1 or _named(subject).ent_type_ != "PERSON":
            continue
        subject_tokens = sorted(subject.subtree, key=_i)
        out.append(
            Finding(
                member=member,
                key=("quote",),
                value=keys,
                phrase=(subject_tokens[0], subject_tokens[-1]),
                words=(subject,),
                label=quotes[0],
                quotes=tuple(quotes),
            )
        )
        break
    return out


def _same_quote(a: Finding, b: Finding) -> bool:
    from rapidfuzz import fuzz

    return any(fuzz.token_set_ratio(x, y) >= 85 for x in a.quotes for y in b.quotes)


def _different_actors(a: Finding, b: Finding) -> bool:
    """Disjoint named subjects of one kind: no name is shared, not even spelled a little
    differently ("Mullin" / "Mullins"), and both are people or both groups (for quoted
    speakers both are people by construction)."""
    from rapidfuzz import fuzz

    if a.context != b.context or a.value & b.value:
        return False
    return not any(fuzz.ratio(x, y) >= SAME_NAME for x in a.value for y in b.value)


# ------------------------------------------------------------------------------ comparison


@dataclass(frozen=True)
class _Rule:
    kind: str
    extract: str  # name of the extractor in this module
    question: str  # format string over the first finding's label


RULES: tuple[_Rule, ...] = (
    _Rule("characterisation", "characterisations", "How is “{label}” characterised?"),
    _Rule("attribution", "attributions", "How do the outlets attribute {label}'s statement?"),
    _Rule("negation", "predications", "Did {label}?"),
    _Rule("actor", "actions", "Who did this: {label}?"),
    _Rule("actor", "quoted_speakers", "Who said “{label}”?"),
)


def _matches(rule: _Rule, a: Finding, b: Finding) -> bool:
    """Both findings are about the same thing (so that their values can be compared)."""
    if rule.extract in ("characterisations", "named_characterisations"):
        return _same_target(a, b) and _same_speaker(a, b)
    if rule.extract == "attributions":
        return a.key == b.key and _same_statement(a, b)
    if rule.extract == "quoted_speakers":
        return _same_quote(a, b)
    return a.key == b.key


def _differs(rule: _Rule, a: Finding, b: Finding) -> bool:
    if rule.kind == "actor":
        return _different_actors(a, b)
    if rule.kind == "attribution":
        # "said" / "told" / "stressed" / "vowed" paraphrase one another in news copy; a
        # doubting or conceding verb ("claimed", "admitted") is the outlet's choice
        return a.value != b.value and bool((a.value | b.value) & STANCE_CLASSES)
    return a.value != b.value


def _answer(finding: Finding, group: Sequence[Finding], kind: str) -> DivergenceAnswer:
    """One outlet's answer; for characterisations the highlighted words are those the
    other outlets do not use ("complex" against "useful"), else every compared word."""
    member = finding.member
    value_span = member.span(*finding.phrase)
    words = finding.words
    others = [f for f in group if f.member.article.outlet != member.article.outlet]
    if kind == "characterisation" and others:
        shared = frozenset.intersection(*(f.value for f in others))
        own = tuple(w for w in words if w.lemma_.lower() not in shared)
        words = own or words
    return DivergenceAnswer(
        outlet=member.article.outlet,
        text=member.sentence.text,
        citations=(value_span, member.sentence.span),
        value=member.article.text[value_span.start : value_span.end],
        highlights=tuple(member.span(w, w) for w in words),
    )


def compare_members(
    members: Sequence[Member],
    pair_ok: Mapping[tuple[int, int], bool] | None = None,
    *,
    entities: Mapping[str, str] | None = None,
    rules: Sequence[_Rule] = RULES,
    findings: ClaimFindings | None = None,
) -> list[Divergence]:
    """Divergences among one point's member sentences (one per article).

    Args:
        members: the point's sentences with their parses.
        pair_ok: whether two members (by index) are linked closely enough to compare;
            all pairs when ``None``.
        entities: alias key -> canonical key (see :func:`entity_index`).
        rules: the comparisons to make (all by default).
        findings: the story's findings made so far, reused and added to (their
            ``entities`` then stand for ``entities``).
    """
    out: list[Divergence] = []
    seen: set[tuple[str, frozenset[tuple[int, int, int]]]] = set()
    extractors = {
        "characterisations": lambda m: characterisations(m, entities),
        "named_characterisations": lambda m: [
            f for f in characterisations(m, entities) if f.key[0] != "pronoun"
        ],
        "attributions": lambda m: attributions(m, entities),
        "predications": lambda m: predications(m, entities),
        "actions": lambda m: actions(m, entities),
        "quoted_speakers": lambda m: quoted_speakers(m, entities),
    }
    for rule in rules:
        found = [
            findings.of(m, rule.extract) if findings is not None else extractors[rule.extract](m)
            for m in members
        ]
        for i, a_list in enumerate(found):
            for a in a_list:
                partners: list[Finding] = []
                for j in range(len(members)):
                    if j == i or members[j].article.outlet == members[i].article.outlet:
                        continue
                    if pair_ok is not None and not pair_ok.get((min(i, j), max(i, j)), False):
                        continue
                    matching = [b for b in found[j] if _matches(rule, a, b)]
                    if matching and all(_differs(rule, a, b) for b in matching):
                        partners.append(matching[0])
                    elif matching:
                        partners = []  # the outlets also word it alike: not a divergence
                        break
                if not partners:
                    continue
                group = [a, *partners]
                key = frozenset((id(f.member), f.phrase[0].i, f.phrase[1].i) for f in group)
                if (rule.kind, key) in seen:
                    continue  # the same comparison seen from another outlet's side
                seen.add((rule.kind, key))
                label = next((f.label for f in group if f.key[0] != "pronoun"), a.label)
                out.append(
                    Divergence(
                        kind=rule.kind,
                        question=rule.question.format(label=label),
                        answers=tuple(_answer(f, group, rule.kind) for f in group),
                        # attribution differences are conflicts, the rest comparisons
                        conflict=rule.kind not in COMPARISON_KINDS,
                    )
                )
    return out


def _members(
    alignment: Alignment, point_index: int, findings: ClaimFindings
) -> tuple[list[Member], list[int]]:
    members: list[Member] = []
    candidate_ids: list[int] = []
    seen_articles: set[int] = set()
    for c in alignment.members[point_index]:
        candidate = alignment.candidates[c]
        if candidate.article_index in seen_articles:
            continue
        member = findings.member(candidate)
        if member is None:
            continue
        seen_articles.add(candidate.article_index)
        members.append(member)
        candidate_ids.append(c)
    return members, candidate_ids


class ClaimFindings:
    """Each candidate sentence's parse (:class:`Member`) and findings per extractor, made
    once per story and reused.

    A sentence is compared in every point that cites it, and its characterisations again
    for the linked pairs. A brief whose new article is still being embedded makes them
    all (:meth:`prefill`) before the alignment, which needs the embeddings, exists: none
    of them depends on the alignment, only on the sentence, its parse and ``entities``.
    """

    def __init__(
        self,
        articles: Sequence[Article],
        docs: Mapping[str, Sequence[ParsedParagraph]],
        entities: Sequence[Entity] = (),
    ) -> None:
        """``articles`` in the order the candidates index them; ``entities`` as given to
        :func:`claim_divergences`."""
        self.articles = articles
        self.docs = docs
        self.entities = entity_index(entities)
        self._members: dict[Span, Member | None] = {}
        self._found: dict[tuple[Span, str], list[Finding]] = {}

    def member(self, candidate: Candidate) -> Member | None:
        """The candidate's sentence with its parse (``None``: the parse has no such span)."""
        key = candidate.sentence.span
        if key not in self._members:
            article = self.articles[candidate.article_index]
            parsed = sentence_tokens(article, self.docs.get(article.id, ()), candidate.sentence)
            self._members[key] = (
                None if parsed is None else Member(article, candidate.sentence, *parsed)
            )
        return self._members[key]

    def of(self, member: Member, extract: str) -> list[Finding]:
        """The findings of extractor ``extract`` (a :class:`_Rule`'s) in ``member``."""
        key = (member.sentence.span, extract)
        found = self._found.get(key)
        if found is None:
            if extract == "named_characterisations":
                found = [f for f in self.of(member, "characterisations") if f.key[0] != "pronoun"]
            elif extract == "characterisations":
                found = characterisations(member, self.entities)
            else:
                found = _ENTITY_EXTRACTORS[extract](member, self.entities)
            self._found[key] = found
        return found

    def prefill(self, candidates: Sequence[Candidate]) -> None:
        """Make now every candidate's findings that :func:`claim_divergences` may use: its
        characterisations (compared across linked sentences), and with two outlets or
        more (one outlet compares nothing) those of every rule."""
        several = len({a.outlet for a in self.articles}) > 1
        extracts = _EXTRACTS if several else ("characterisations",)
        for candidate in candidates:
            member = self.member(candidate)
            if member is not None:
                for extract in extracts:
                    self.of(member, extract)


_ENTITY_EXTRACTORS: dict[str, Callable[[Member, Mapping[str, str] | None], list[Finding]]] = {
    "attributions": attributions,
    "predications": predications,
    "actions": actions,
    "quoted_speakers": quoted_speakers,
}
#: The rules a brief shows, and the extractors they read: the other kinds are made only
#: when asked for (:func:`compare_members`' ``rules``), not for every brief.
SHOWN_RULES = tuple(rule for rule in RULES if rule.kind in SHOWN_KINDS)
_EXTRACTS = ("named_characterisations", *dict.fromkeys(rule.extract for rule in SHOWN_RULES))


def sentence_similarity(alignment: Alignment) -> Callable[[Span, Span], float]:
    """The alignment's blended similarity of two sentences (-1 when either is not an
    alignment candidate): how surely they carry the same information."""
    index = {c.sentence.span: i for i, c in enumerate(alignment.candidates)}

    def similarity(a: Span, b: Span) -> float:
        i, j = index.get(a), index.get(b)
        return -1.0 if i is None or j is None else float(alignment.similarity[i, j])

    return similarity


def _linked_characterisations(
    alignment: Alignment, findings: ClaimFindings, min_similarity: float
) -> list[Divergence]:
    """Characterisations compared across every linked pair of sentences, not only within a
    point: a point's star takes one sentence per article, and a sentence characterising
    the event ("described the talks as ...") may be linked to a sentence of another
    outlet that characterises it too but sits in another point."""
    members: dict[int, Member] = {}
    with_findings: list[int] = []
    for i, candidate in enumerate(alignment.candidates):
        member = findings.member(candidate)
        if member is None:
            continue
        if findings.of(member, "characterisations"):
            members[i] = member
            with_findings.append(i)
    # outside a point, only the same target noun shows that two sentences characterise
    # one thing ("it was difficult" may be another meeting)
    rule = _Rule("characterisation", "named_characterisations", RULES[0].question)
    out: list[Divergence] = []
    for n, i in enumerate(with_findings):
        for j in with_findings[n + 1 :]:
            if members[i].article.outlet == members[j].article.outlet:
                continue
            if float(alignment.similarity[i, j]) < min_similarity:
                continue
            out.extend(
                compare_members([members[i], members[j]], rules=(rule,), findings=findings)
            )
    return out


def claim_divergences(
    articles: Sequence[Article],
    docs: Mapping[str, Sequence[ParsedParagraph]],
    alignment: Alignment,
    *,
    entities: Sequence[Entity] = (),
    min_similarity: float = MIN_SIMILARITY,
    findings: ClaimFindings | None = None,
) -> tuple[Divergence, ...]:
    """The divergences of a story's points that a brief shows (:data:`SHOWN_RULES`):
    characterisations compared, attribution verbs in conflict.

    Args:
        articles: the annotated articles, in the order the alignment indexes them.
        docs: their parsed paragraphs (``Annotation.docs``).
        alignment: the story's alignment into points.
        entities: the entity roster, whose aliases name the same actor.
        min_similarity: two member sentences are compared only when their blended
            similarity reaches this.
        findings: the findings made so far (for these articles, docs and entities), as a
            brief makes them while its embeddings are computed; made here when ``None``.
    """
    findings = findings if findings is not None else ClaimFindings(articles, docs, entities)
    index = findings.entities
    out: list[Divergence] = []
    seen: set[frozenset[tuple[str, Span]]] = set()

    def keep(found: Sequence[Divergence]) -> None:
        for divergence in found:
            key = frozenset((divergence.kind, a.citations[0]) for a in divergence.answers)
            if key not in seen:
                seen.add(key)
                out.append(divergence)

    for p in range(len(alignment.points)):
        members, ids = _members(alignment, p, findings)
        if len({m.article.outlet for m in members}) < 2:
            continue
        pair_ok = {
            (i, j): float(alignment.similarity[ids[i], ids[j]]) >= min_similarity
            for i in range(len(ids))
            for j in range(i + 1, len(ids))
        }
        keep(
            compare_members(
                members, pair_ok, entities=index, rules=SHOWN_RULES, findings=findings
            )
        )
    keep(_linked_characterisations(alignment, findings, min_similarity))
    out.sort(key=lambda d: (not d.conflict, -len(d.answers), d.kind))
    logger.info("%d claim divergences", len(out))
    return tuple(out)


__all__ = [
    "MIN_SIMILARITY",
    "SHOWN_KINDS",
    "ClaimFindings",
    "Finding",
    "Member",
    "actions",
    "actor_key",
    "attributions",
    "characterisations",
    "claim_divergences",
    "compare_members",
    "entity_index",
    "predications",
    "quoted_speakers",
    "sentence_similarity",
    "sentence_tokens",
    "speaker",
]
