"""Word lists that the claim and framing rules consult, each from a documented source.

* **Evaluative adjectives**: the subjectivity lexicon of English adjectives that ships
  with TextBlob (``textblob/en/en-sentiment.xml``, from the Pattern library, De Smedt &
  Daelemans 2012, public domain): about 2,900 adjectives, hand-tagged per sense with a
  polarity (-1..1) and a subjectivity (0..1). An adjective whose every sense is tagged
  below :data:`DESCRIPTIVE` on both ("military", "Russian", "annual") is *descriptive*;
  one with a sense of subjectivity >= :data:`SUBJECTIVE` is *evaluative*.
* **Reporting verbs** (:data:`REPORTING_VERBS`): the attribution verbs of news style
  guides, grouped by the stance they lend the reporter (the classes follow the "words to
  watch" advice of the Wikipedia Manual of Style and the AP Stylebook on "said"): neutral
  ("say", "tell"), emphatic ("insist", "stress"), doubting ("claim", "allege"),
  conceding ("admit", "concede"), denying ("deny"), hedged ("suggest"), warning ("warn").
* **Loaded terms** (:data:`LOADED_TERMS`): words and idioms that style guides flag as
  loaded or as carrying the writer's judgement in news copy ("regime", "sabre-rattling",
  "gangster"), kept short on purpose: the framing profile reports them beside the
  evaluative adjectives found with the lexicon above, never as a verdict.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from xml.etree import ElementTree

from newsprism.errors import ModelMissingError

logger = logging.getLogger(__name__)

SUBJECTIVE = 0.5  # a sense at least this subjective makes an adjective evaluative
DESCRIPTIVE = 0.2  # below this subjectivity and polarity in every sense: descriptive
TEXTBLOB_INSTALL = "pip install textblob>=0.18"

#: Reporting verb lemma -> the stance class it lends the reporter.
REPORTING_VERBS: dict[str, str] = {
    **dict.fromkeys(
        [
            "say",
            "tell",
            "add",
            "state",
            "note",
            "report",
            "announce",
            "explain",
            "write",
            "comment",
            "remark",
            "reply",
            "respond",
            "answer",
            "tweet",
            "post",
            "mention",
            "confirm",
            "describe",
            "recall",
            "indicate",
        ],
        "neutral",
    ),
    **dict.fromkeys(
        [
            "insist",
            "maintain",
            "stress",
            "emphasise",
            "emphasize",
            "assert",
            "reiterate",
            "underline",
            "underscore",
            "repeat",
            "affirm",
            "declare",
            "vow",
        ],
        "emphatic",
    ),
    **dict.fromkeys(["claim", "allege", "contend", "purport", "profess"], "doubting"),
    **dict.fromkeys(["admit", "concede", "acknowledge", "confess"], "conceding"),
    **dict.fromkeys(["deny", "dispute", "refute"], "denying"),
    **dict.fromkeys(["suggest", "hint", "imply", "speculate"], "hedged"),
    **dict.fromkeys(["warn", "threaten", "caution"], "warning"),
}

#: Loaded words and idioms (lower case; multiword entries are matched on lemmas).
LOADED_TERMS: frozenset[str] = frozenset(
    {
        "sabre-rattling",
        "saber-rattling",
        "sabre rattling",
        "saber rattling",
        "gangster",
        "gangster diplomacy",
        "thug",
        "regime",
        "puppet",
        "stooge",
        "crony",
        "warmonger",
        "warmongering",
        "aggressor",
        "appeasement",
        "propaganda",
        "power grab",
        "land grab",
        "witch hunt",
        "bloodbath",
        "scaremongering",
        "fearmongering",
        "hysteria",
        "tyrant",
        "dictator",
        "despot",
        "extremist",
        "radical",
        "lunatic",
        "mob",
        "hardliner",
        "firebrand",
        "lambast",
        "bombshell",
        "meltdown",
        "debacle",
        "fiasco",
        "doom",
        "panic",
    }
)


@dataclass(frozen=True, slots=True)
class AdjectiveEntry:
    """What the subjectivity lexicon says about one adjective, over all its senses."""

    subjectivity: float  # the most subjective sense
    polarity: float  # the polarity of largest magnitude
    mean_subjectivity: float = 0.0  # over all senses: how subjective the word usually is

    @property
    def descriptive(self) -> bool:
        return self.subjectivity < DESCRIPTIVE and abs(self.polarity) < DESCRIPTIVE

    @property
    def evaluative(self) -> bool:
        return self.subjectivity >= SUBJECTIVE


@lru_cache(maxsize=1)
def adjective_lexicon() -> dict[str, AdjectiveEntry]:
    """The Pattern subjectivity lexicon (shipped with TextBlob), adjectives only."""
    try:
        source = resources.files("textblob").joinpath("en", "en-sentiment.xml")
        data = source.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise ModelMissingError("The TextBlob subjectivity lexicon", TEXTBLOB_INSTALL) from error
    senses: dict[str, list[tuple[float, float]]] = {}
    for node in ElementTree.fromstring(data).iter("word"):
        if node.get("pos") != "JJ":
            continue
        form = (node.get("form") or "").lower()
        subjectivity = float(node.get("subjectivity") or 0.0)
        polarity = float(node.get("polarity") or 0.0)
        senses.setdefault(form, []).append((subjectivity, polarity))
    out: dict[str, AdjectiveEntry] = {}
    for form, values in senses.items():
        out[form] = AdjectiveEntry(
            subjectivity=max(v[0] for v in values),
            polarity=max((v[1] for v in values), key=abs),
            mean_subjectivity=sum(v[0] for v in values) / len(values),
        )
    logger.debug("adjective lexicon: %d entries", len(out))
    return out


def adjective_entry(word: str) -> AdjectiveEntry | None:
    """The lexicon entry of an adjective, or of the adjective an "-ly" adverb comes from
    ("surprisingly" -> "surprising", "happily" -> "happy", "extremely" -> "extreme")."""
    lexicon = adjective_lexicon()
    word = word.lower()
    if word in lexicon:
        return lexicon[word]
    if word.endswith("ly") and len(word) > 4:
        stem = word[:-2]
        for base in (
            stem,
            stem + "e",
            stem[:-1] + "y" if stem.endswith("i") else stem,
            stem + "le",
        ):
            if base in lexicon:
                return lexicon[base]
    return None


def is_evaluative(word: str) -> bool:
    entry = adjective_entry(word)
    return entry is not None and entry.evaluative


def is_descriptive(word: str) -> bool:
    entry = adjective_entry(word)
    return entry is not None and entry.descriptive


def reporting_class(lemma: str) -> str | None:
    return REPORTING_VERBS.get(lemma.lower())


__all__ = [
    "LOADED_TERMS",
    "REPORTING_VERBS",
    "SUBJECTIVE",
    "AdjectiveEntry",
    "adjective_entry",
    "adjective_lexicon",
    "is_descriptive",
    "is_evaluative",
    "reporting_class",
]
