"""Cleaning: cut what is not the article from each raw text, and record every cut.

Boilerplate is found with three kinds of evidence, strongest last:

* local cues: lexicons of appeal, comment, read-more, newsletter, video-player, cookie
  and share prompts; photo-credit patterns that end a caption; bylines and author bios;
  lines that are only a date or time ("dateline");
* structure: a strong tail cue (a donation appeal, "Leave a reply", "Articles you may
  like") near the end starts a tail block that runs to the end unless body text resumes;
  a short headline-like line that shares no informative word with the paragraphs after
  it is the title of another article (a related link, a video), whereas a real
  crosshead announces what follows;
* repetition: a line twice in one article, a line that recurs across an outlet's
  articles, or a short non-sentence line that recurs across three or more articles.
  Long body sentences shared by different outlets are wire copy and are kept.

The unit of decision is the line. The cleaned text is the kept paragraphs (maximal runs
of kept lines inside a blank-line-separated block, whitespace collapsed) joined by blank
lines; ``Article.removed`` holds each cut as a :class:`~newsprism.model.Removal` with
offsets into ``raw``, so :func:`reconstruct_text` can rebuild the text from ``raw`` and
the cuts alone (the audit invariant).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise

from newsprism.ingest.text import find_title_span
from newsprism.model import Article, Removal

logger = logging.getLogger(__name__)

# --- tunables (why each value: see the rule that uses it) ---------------------------
HEADLINE_MAX_WORDS = 14  # crossheads and related-link titles are short
TAIL_START_FRACTION = 0.55  # a tail cue counts only in the last part of an article
TAIL_BODY_SHARE = 0.5  # a line after a tail cue more on the story's words than this is body
LIST_MIN_ITEMS = 3  # consecutive short lines that form a list of items
LIST_ITEM_MAX_WORDS = 4
LOOKAHEAD_LINES = 3  # body lines a crosshead must share a word with
LOOKAHEAD_WORDS = 160
FREQUENT_LINE_SHARE = 0.25  # a stem in this share of body lines is the story's topic
TOP_STEMS = 4  # the story's most frequent stems do not distinguish a crosshead
CORPUS_MIN_ARTICLES = 3  # short non-sentence lines recurring this often are furniture
OUTLET_MIN_ARTICLES = 2
COPY_FAMILY_SHARE = 0.3  # articles sharing this share of long lines are copies
LONG_LINE_WORDS = 12

_SPACES = re.compile(r"\s+")
_BLANK_LINE_SPLIT = re.compile(r"\n\s*\n")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CLOSERS = "\"'”’)]»"
_SENTENCE_END = (".", "!", "?", "…")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _key(text: str) -> str:
    """Comparison key of a line: case, punctuation and spacing do not matter."""
    return " ".join(_TOKEN.findall(text.casefold()))


def _words(text: str) -> int:
    return len(text.split())


def _ends_sentence(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _looks_like_headline(text: str) -> bool:
    """Short, no sentence-final period/colon: a crosshead, a link title, a label."""
    stripped = text.strip()
    words = _words(stripped)
    if not 1 <= words <= HEADLINE_MAX_WORDS or not any(c.isalpha() for c in stripped):
        return False
    bare = stripped.rstrip(_CLOSERS)
    if bare.endswith((".", "!", ":", ";", ",", "…", "-", "–", "—")):
        return False
    # Questions are headlines only when short; longer ones are body sentences.
    return not bare.endswith("?") or words <= 12


def _is_sentence_like(text: str) -> bool:
    return _ends_sentence(text) and _words(text) >= 8


# --- lexicons ---------------------------------------------------------------------
# The reader addressed directly: what turns a giving verb into an appeal.
_READER = r"\b(you|your|please|consider|us|our)\b"
# Giving verbs in all inflections ("making a donation", "chip in", "become a member").
_GIVING = (
    r"(make|makes|making|made) an? ([\w-]+ ){0,2}(donation|contribution)s?|donat(e|es|ed|ing)|"
    r"chip(s|ped|ping)? in|(become|becoming|became) an? ([\w-]+ )?(supporter|member|patron|"
    r"subscriber|friend)"
)
# A comment count or call to comment; a count is needed for the bare "replies" nouns,
# which also head ordinary sections.
_COMMENT_COUNT = r"(\d[\d,.]*k?\+?|no|all)"
_COMMENT_PROMPT = (
    rf"((((show|view|load|read|see|hide|open|jump to|go to)( all| the| all the)? )?"
    rf"({_COMMENT_COUNT} )?comments?( are (now )?(closed|open))?( ?\({_COMMENT_COUNT}\)| ?: ?"
    rf"{_COMMENT_COUNT})?)|((show|view|load|read|see)( all)? )?{_COMMENT_COUNT} (replies|responses)|"
    r"(join|start) the (conversation|discussion|debate)|have your say|be the first to comment|"
    r"you must be logged in.*|log in to (comment|reply).*)"
)
# Each entry: (reason, pattern on the casefolded, whitespace-collapsed line, max words).
# Patterns describe kinds of furniture, never one outlet's wording.
_I = re.IGNORECASE
_LEXICON: tuple[tuple[str, re.Pattern[str], int], ...] = tuple(
    (reason, re.compile(pattern, _I), max_words)
    for reason, pattern, max_words in (
        (
            "donation-appeal",
            r"^support (us|the [\w.'’ -]+|our [\w -]+|independent [\w -]+|quality [\w -]+)\W*$",
            8,
        ),
        ("donation-appeal", r"\bwe have a (small |quick )?favou?r to ask\b", 20),
        (
            "donation-appeal",
            (
                r"^(before you go|one (more|last) thing|a (note|message) to (our )?readers|"
                r"dear reader)\b.*\b(you|your)\b"
            ),
            20,
        ),
        (
            "donation-appeal",
            (
                r"\b(donate (now|today|here|monthly)|support (our|independent|local|quality|"
                r"public[- ]interest) journalism|(please )?(consider )?(supporting|donating to) "
                r"(us|our)|contribute (now|today)|(funded|supported|paid for) by (its|our) readers|"
                r"reader[- ](funded|supported))\b"
            ),
            40,
        ),
        # Giving verbs also occur in news ("the firm made a donation to the party"), so
        # they count as an appeal only when the line addresses the reader and quotes no one.
        ("donation-appeal", rf"^(?!.*[“”\"„«»])(?=.*{_READER})(?=.*\b({_GIVING})\b)", 40),
        ("comment-prompt", r"^(leave|post|add|write|submit) (a|your) (reply|comment|response)", 8),
        (
            "comment-prompt",
            r"\b(your email address will not be published|required fields are marked)",
            25,
        ),
        # One or more comment prompts, counts and all: "Join the conversation: 12 comments".
        ("comment-prompt", rf"^{_COMMENT_PROMPT}(\s*[:|·•,–—-]?\s*{_COMMENT_PROMPT})*\W*$", 12),
        (
            "related-links",
            (
                r"^(read more|read next|read also|also read|see also|more on (this|that) story|related"
                r"( articles?| stories| content| coverage| links| news| reading| topics)?|more (stories|"
                r"news|coverage|videos)|further reading|recommended( for you| reading| stories| videos)?"
                r"|you (may|might) (also )?(like|enjoy|be interested in)|articles you may like|most "
                r"(read|popular|viewed|shared)|trending( now| stories| news)?|top stories|latest "
                r"(news|stories|videos)|editor'?s? picks?|what to read next|don'?t miss|popular now)\W*$"
            ),
            8,
        ),
        ("related-links", r"^more (on|from|about) [\w'’ .&-]+$", 6),
        (
            "related-links",
            (
                r"^(read more|related|see also|read also|also read|more|recommended|trending|read)"
                r"\s*[:|»›>]\s*\S"
            ),
            30,
        ),
        ("related-links", r"^live (updates|blog|coverage)\b[^.!]*$", 14),
        ("video-notice", r"^(watch|video|listen|play)\s*[:|]\s*\S", 30),
        (
            "video-notice",
            (
                r"\b(use|switch to|try|upgrade) (a |another |a different |the latest version of |your )?"
                r"(chrome |firefox |modern |supported |different |newer )?(web )?browser\b"
            ),
            20,
        ),
        (
            "video-notice",
            (
                r"(your browser does not support|enable javascript|javascript (is )?(disabled|required)|"
                r"video (is )?unavailable|this video (is|has been|cannot|can'?t)|media playback is "
                r"(not supported|unsupported)|video player|sorry, this (video|media)|^(now|currently) "
                r"playing\b|^replay( video)?$|^play video$|^watch (the )?(full )?(video|live)\b|^video$|"
                r"^\d{1,2}:\d{2}$)"
            ),
            20,
        ),
        (
            "newsletter",
            (
                r"^(sign up|subscribe|get|receive|register|join)\b.*\b(newsletters?|inbox|e-?mails?|"
                r"alerts|briefings?)\b"
            ),
            30,
        ),
        ("newsletter", r"\b(sign(ing)? up|subscrib(e|ing)) (for|to) (our|the|my|a) ", 30),
        (
            "newsletter",
            (
                r"(delivered (straight |directly )?to your inbox|enter your e-?mail|by signing up|"
                r"thanks? (you )?for (signing up|subscribing)|unsubscribe at any time)"
            ),
            45,
        ),
        (
            "promo",
            (
                r"^(follow|like|find|connect with|join) (us|me|@?[\w@. ]{1,40}) on (twitter|facebook|"
                r"instagram|linkedin|tiktok|youtube|threads|bluesky|snapchat|whatsapp|telegram|x)\b"
            ),
            25,
        ),
        ("promo", r"^follow @\w+", 12),
        ("promo", r"^(follow|like|find|join) us (on|at)\b", 25),
        ("share-prompt", r"^(read|share)( or (share|read))? this (story|article)\s*:", 15),
        ("newsletter", r"\bnewsletter sign[- ]?up\b|\bsign up (now|here|today)\b", 60),
        ("publication-note", r"^(originally|first) (published|appeared) (on|in|by|at)\b", 15),
        (
            "promo",
            (
                r"\b(click here|tap here|download (our|the) (free )?app|get the app|subscribe (now|"
                r"today)|start (your|a) free trial|already (a subscriber|have an account|registered)|"
                r"subscribe to (read|continue)|(is|are) (only )?(for|available to) subscribers|"
                r"privacy (policy|notice)|terms (of|and) (use|service|conditions))\b"
            ),
            35,
        ),
        (
            "share-prompt",
            (
                r"^(share|tweet|e-?mail|print|pin|save|comment|share this( article| story| page)?|share "
                r"on \w+|click to share|copy link|link copied|reuse this content|share via \w+|"
                r"(share|tweet)( this)?( on)? (facebook|twitter|whatsapp|linkedin|reddit))\W*$"
            ),
            7,
        ),
        ("share-prompt", r"^(share|tweet|email)( \w+){0,2} (share|tweet|email|print)\b", 8),
        (
            "advertisement",
            (
                r"^(advertisement|advert|ad|sponsored( content| post)?|paid (content|post|partner)|"
                r"promoted( content)?|story continues below( advertisement)?|continue reading below|"
                r"advertisement continue reading( the main story)?|continue reading the main story)\W*$"
            ),
            7,
        ),
        (
            "page-furniture",
            (
                r"^(story highlights|(buy|show|hide) (photo|caption)s?|show caption( hide caption)?|"
                r"hide caption|close|skip (to|in) \w+|toggle caption|expand|enlarge( this image)?|"
                r"view (gallery|photos|slideshow)|\d+ (photos|images)|(photo|image|slide) \d+ of \d+|"
                r"next|previous|back to top|image|photo|caption|loading|updated)\W*$"
            ),
            6,
        ),
        (
            "copyright",
            (
                r"(\ball rights reserved\b|^©|^\(c\) \d{4}|^copyright\b|this (material|article) may not "
                r"be (published|broadcast|rewritten|redistributed))"
            ),
            45,
        ),
        (
            "publication-note",
            (
                r"^this (article|story|post|piece|report|version) (was|has been|is|originally) "
                r"(originally |first |previously )?(published|posted|appeared|updated|corrected)"
            ),
            45,
        ),
        (
            "cookie-notice",
            (
                r"\b(we use cookies|cookie (policy|settings|preferences)|accept (all )?cookies|by "
                r"continuing to (use|browse) (this|our) (site|website))\b"
            ),
            45,
        ),
        (
            "caption",
            r"^(image|photo|picture|video|media) (copyright|caption|credit|source|courtesy)\b",
            80,
        ),
        (
            "caption",
            (
                r"^\(?(getty( images)?|ap|afp|reuters|epa|pa|shutterstock|alamy|ap photo[\w /.,-]*)"
                r"\)?\W*$"
            ),
            6,
        ),
    )
)

# Reasons whose cue, near the end, starts a tail block, when the cue stands alone (a
# header such as "Related stories", an appeal), not an inline "Related: <headline>" link.
TAIL_REASONS = frozenset({"donation-appeal", "comment-prompt", "related-links"})
_INLINE_LINK = re.compile(r"^[\w' ]{1,20}\s*[:|»›>]\s*\S")

_AGENCY = (
    r"(Getty( Images)?|AP|AFP|Reuters|EPA(-EFE)?|PA( Media| Wire)?|TASS|Bloomberg|Shutterstock|"
    r"Alamy|Sputnik|Xinhua|Anadolu( Agency)?|Rex( Features)?|ZUMA( Wire)?|NurPhoto|SIPA|Abaca|"
    r"Pool|Handout|UPI|dpa|Yonhap|Kyodo|IANS|PTI)"
)
# Any picture desk or agency named for what it sells: "Harbour Images", "Coast Photos".
_PICTURE_DESK = r"[A-Z][\w&'’-]*(\s[A-Z][\w&'’-]*){0,2}\s(Images|Photos|Pictures|Photography)"
# The credit after "Photograph:": no sentence punctuation, except the full stop of an
# initial ("J. Rivera", "A.B. Cole") or inside a name ("Pics.example").
_CREDIT_TEXT = r"(?:(?<!\w)[A-Z]\.(?=\s?[A-Z])|\.(?=\w)|[^.!?:]){2,90}$"
# A caption ends with a credit: "Photograph: X", "Credit: X", "X / AP / TASS",
# "(AP Photo/X)", "... via Getty Images".
_CREDIT_END = tuple(
    re.compile(pattern)
    for pattern in (
        (
            r"(?i:\b(photograph|photo|photos|picture|pictures|image|images|credit|credits|photo "
            r"credit|illustration|composite|graphic|footage)\s*:\s*)" + _CREDIT_TEXT
        ),
        r"(^|\s)[A-Z][\w.'’-]*(\s[A-Z][\w.'’-]*){0,3}\s?/\s?"
        + rf"({_AGENCY}|{_PICTURE_DESK})"
        + r"(\s?/\s?[\w.&-]+){0,3}\W?$",
        r"\((?:[A-Z][\w.'’-]*\s?){0,4}(?i:photo|photos|images?|pictures?)?\s?(/|via|by)\s?[^()]{1,60}\)$",
        r"(?i:\((getty( images)?|ap|afp|reuters|epa|pa|ap photo)\))\W*$",
        r"\b(via|by)\s" + _AGENCY + r"\W*$",
        r"(?i:\bvia getty images)\W*$",
    )
)

_BYLINE_TOP = (
    re.compile(r"^(?i:by)\s+[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3}\b[^.!?]*$"),
    re.compile(
        r"^([A-Z][\w.'’-]+\s){1,3}in\s[A-Z][\w'’-]+(\s[A-Z][\w'’-]+)?"
        r"((,| and)\s([A-Z][\w.'’-]+\s){1,3}in\s[A-Z][\w'’-]+(\s[A-Z][\w'’-]+)?)*$"
    ),
    re.compile(r"^(?i:(updated|published|posted|last updated|first published)\b)[^.!?]{0,60}$"),
)
# What is left of a byline when the author names were links: "in Washington and in X".
_BYLINE_REMNANT = re.compile(
    r"^(and\s)?in\s[A-Z][\w'’-]+(\s[A-Z][\w'’-]+)*((,|\sand)\s(in\s)?[A-Z][\w'’-]+(\s[A-Z][\w'’-]+)*)*$"
)
_BYLINE_TAIL = re.compile(
    r"(?i:^(additional reporting|reporting|editing|edited|compiled|written) by\b|\bcontributed "
    r"(reporting|to this (report|story|article))\b)"
)
_AUTHOR_BIO = re.compile(
    r"^[A-Z][\w.'’-]+(\s[A-Z][\w.'’-]+){1,3}\s(is|was|has been|writes|reports|covers)\b.{0,200}"
    r"\b(?i:correspondent|editor|reporter|writer|columnist|journalist|contributor|author|"
    r"producer|analyst|commentator|fellow|professor|presenter|anchor)"
)
_NAME_ONLY = re.compile(r"^[A-Z][\w'’-]+(\s[A-Z]\.?)?(\s[A-Z][\w'’-]+){1,2}$")
# "Analysis by X, US correspondent": an attribution label, announcing the next section.
_ATTRIBUTION_LABEL = re.compile(r"\bby\s[A-Z][\w.'’-]+")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?”\"’])\s+(?=[A-Z“\"‘'])|(?<=[a-z][.!?])(?=[A-Z])")


# --- datelines ------------------------------------------------------------------------
# A dateline is a line of date and time tokens only, optionally after a label. Each
# token kind is a named group so a line can be judged on what it contains.
_DATE_LABEL = re.compile(
    r"^(?i:(last |first |originally )?(updated|published|posted|modified|edited|created)|"
    r"dated?)\b(\s*(:|on|at)\b)?\s*:?"
)
_DATE_TOKEN = re.compile(
    r"""(?ix)\s*(?:
      (?P<iso>\d{4}-\d{2}-\d{2}(t\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?)
    | (?P<numeric>\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2}))
    | (?P<time>\d{1,2}([:.]\d{2}){1,2}(\s?[ap]\.?m\b\.?)?|\d{1,2}\s?[ap]\.?m\b\.?)
    | (?P<relative>(\d+|an?|one)\s(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\sago)
    | (?P<year>(1[89]|2[01])\d{2})\b
    | (?P<day>([12]?\d|3[01])(st|nd|rd|th)?)\b
    | (?P<month>(january|february|march|april|may|june|july|august|september|october|
        november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?)
    | (?P<weekday>(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|
        thurs|thur|thu|fri|sat|sun)\b\.?)
    | (?P<zone>(gmt|bst|utc|cet|cest|eet|est|edt|cst|cdt|mst|mdt|pst|pdt|et|pt|ist|aest)\b
        ([+-]\d{1,2}(:?\d{2})?)?|[+-]\d{2}:?\d{2})
    | (?P<filler>(at|on|the|of)\b|[,|·•/–—()-])
    )\s*"""
)
DATELINE_MAX_WORDS = 14


def is_dateline(line: str, *, require_label: bool = False) -> bool:
    """Is the line only a date and/or time, perhaps labelled ("Updated 9 March 2026, 18:40")?

    Every token must be a weekday, month, day, year, time, time zone, ISO or numeric
    date, "N hours ago", or a joining word ("at", "on", ","), so a sentence never
    qualifies. An unlabelled line must name a day ("Monday 9 March 2026", "2026-03-09"),
    not just a month or a year, which can head a section of a timeline.

    Args:
        line: one line of text.
        require_label: accept only labelled lines ("Published ...", "Last modified ...").
    """
    text = _norm(line)
    if not text or _words(text) > DATELINE_MAX_WORDS:
        return False
    label = _DATE_LABEL.match(text)
    if require_label and label is None:
        return False
    position = label.end() if label else 0
    kinds: set[str] = set()
    while position < len(text):
        match = _DATE_TOKEN.match(text, position)
        if match is None or match.end() == position:
            return False
        kinds.add(next(kind for kind, value in match.groupdict().items() if value))
        position = match.end()
    names_a_day = bool(kinds & {"iso", "numeric"}) or {"day", "month"} <= kinds
    if label is not None:
        return names_a_day or bool(kinds & {"time", "relative", "weekday", "month"})
    return names_a_day


def lexicon_reason(line: str) -> str | None:
    """The furniture kind a line matches in the lexicons, or ``None``."""
    # Decorations before a prompt ("---- Sign up", "► Related") do not change its kind.
    text = _norm(line).lstrip("-–—•*►▶>|#»· ")
    words = _words(text)
    for reason, pattern, max_words in _LEXICON:
        if words <= max_words and pattern.search(text):
            return reason
    return None


def is_caption(line: str) -> bool:
    """A caption: a line ending in a photo credit ("Photograph: X", "X / AP", "(AP Photo/X)")."""
    text = _norm(line)
    if _words(text) > 90:
        return False
    return any(pattern.search(text) for pattern in _CREDIT_END)


# --- words -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # lazy: pulls scipy

    return frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "say", "told", "mr", "ms", "mrs"}


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    from nltk.stem.porter import PorterStemmer  # lazy: nltk's import is slow

    return PorterStemmer()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer().stem(word))


def content_stems(text: str) -> set[str]:
    """Stems of the non-stopword words of a text (possessives dropped)."""
    stop = _stopwords()
    stems: set[str] = set()
    for token in _TOKEN.findall(text.casefold().replace("’", "'")):
        token = re.sub(r"'s$", "", token)
        if len(token) < 3 or token in stop or token.isdigit():
            continue
        stems.add(_stem(token))
    return stems


# --- lines ------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str
    block: int
    reason: str | None = None
    cuts: list[tuple[int, int, str]] = field(default_factory=list)  # within-line cuts


def split_lines(raw: str) -> list[_Line]:
    """Non-blank lines of ``raw`` with their stripped spans and paragraph-block index."""
    lines: list[_Line] = []
    block = 0
    position = 0
    previous_blank = False
    for piece in raw.split("\n"):
        stripped = piece.strip()
        if stripped:
            if previous_blank and lines:
                block += 1
            start = position + (len(piece) - len(piece.lstrip()))
            lines.append(_Line(start, start + len(stripped), stripped, block))
            previous_blank = False
        else:
            previous_blank = True
        position += len(piece) + 1
    return lines


# --- corpus statistics ---------------------------------------------------------------


@dataclass(frozen=True)
class CorpusStats:
    """Where lines recur across a corpus, counted in copy families.

    A copy family is a set of articles that share a large part of their long lines (wire
    copy reprinted by several outlets, or two versions of one report): lines they share
    are their common body, not boilerplate, so recurrence is counted in families.

    Attributes:
        outlet_families: ``(outlet, line key)`` -> number of that outlet's families with it.
        corpus_families: line key -> number of families (any outlet) with it.
    """

    outlet_families: dict[tuple[str, str], int]
    corpus_families: dict[str, int]

    @classmethod
    def from_articles(cls, articles: Sequence[Article]) -> CorpusStats:
        """Count line recurrence over the articles' raw texts."""
        keys: list[set[str]] = []
        long_keys: list[set[str]] = []
        for article in articles:
            raw = article.raw if article.raw is not None else article.text
            line_keys = {_key(line.text): line.text for line in split_lines(raw)}
            line_keys.pop("", None)
            keys.append(set(line_keys))
            long_keys.append(
                {k for k, text in line_keys.items() if _words(text) >= LONG_LINE_WORDS}
            )
        family = _copy_families(long_keys)
        outlet_sets: dict[tuple[str, str], set[int]] = defaultdict(set)
        corpus_sets: dict[str, set[int]] = defaultdict(set)
        for index, article in enumerate(articles):
            for key in keys[index]:
                outlet_sets[(article.outlet, key)].add(family[index])
                corpus_sets[key].add(family[index])
        return cls(
            {k: len(v) for k, v in outlet_sets.items() if len(v) > 1},
            {k: len(v) for k, v in corpus_sets.items() if len(v) > 1},
        )

    def reason(self, outlet: str, line: str) -> str | None:
        """``"repeated-across-corpus"`` when a line recurs as boilerplate, else ``None``."""
        key = _key(line)
        if not key:
            return None
        if self.outlet_families.get((outlet, key), 0) >= OUTLET_MIN_ARTICLES:
            return "repeated-across-corpus"
        short_non_sentence = _words(line) <= LONG_LINE_WORDS and not _ends_sentence(line)
        if short_non_sentence and self.corpus_families.get(key, 0) >= CORPUS_MIN_ARTICLES:
            return "repeated-across-corpus"
        return None


def _copy_families(long_keys: list[set[str]]) -> list[int]:
    """Union articles that share at least COPY_FAMILY_SHARE of their long lines."""
    parent = list(range(len(long_keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holders: dict[str, list[int]] = defaultdict(list)
    for index, lines in enumerate(long_keys):
        for key in lines:
            holders[key].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for indices in holders.values():
        if len(indices) > 50:  # a line in very many articles is furniture, not copy
            continue
        for a_pos, a in enumerate(indices):
            for b in indices[a_pos + 1 :]:
                shared[(a, b)] += 1
    for (a, b), count in shared.items():
        smaller = min(len(long_keys[a]), len(long_keys[b])) or 1
        if count >= 2 and count / smaller >= COPY_FAMILY_SHARE:
            parent[find(a)] = find(b)
    return [find(i) for i in range(len(long_keys))]


# --- rules -----------------------------------------------------------------------------


def _not_a_title(line: str) -> bool:
    """Lines that open a page but are not its headline (furniture, captions, dates)."""
    alphabetic = [w for w in line.split() if w.isalpha() and len(w) > 1]
    return bool(
        lexicon_reason(line) or is_caption(line) or is_dateline(line) or len(alphabetic) < 3
    )


def _mark_title_and_kicker(
    lines: list[_Line], raw: str, title: str | None
) -> tuple[int, str | None]:
    """Mark the headline line and whatever precedes it; return the header end index."""
    span = find_title_span(raw, title) if title else find_title_span(raw, skip=_not_a_title)
    if span is None:
        return -1, title
    index = next((i for i, line in enumerate(lines) if line.start == span[0]), -1)
    if index < 0 or sum(line.block == lines[index].block for line in lines) > 1:
        return -1, title  # a headline is a paragraph of its own, not a wrapped line
    lines[index].reason = "title"
    for line in lines[:index]:
        # Before the headline there is only furniture: a kicker ("Insight"), an appeal.
        dateline = "dateline" if is_dateline(line.text) else None
        line.reason = lexicon_reason(line.text) or dateline or "section-label"
    return index, title or raw[span[0] : span[1]]


def _mark_local(lines: list[_Line], header_end: int) -> None:
    first_body = next(
        (i for i, line in enumerate(lines) if i > header_end and _is_sentence_like(line.text)),
        len(lines),
    )
    for index, line in enumerate(lines):
        if line.reason:
            continue
        reason = lexicon_reason(line.text)
        if reason is None and is_caption(line.text):
            reason = "caption"
        if reason is None and _BYLINE_REMNANT.match(line.text):
            reason = "byline"
        in_header = index < first_body and not _is_sentence_like(line.text)
        # A bare date inside the body can head a timeline entry; in the header or as the
        # last line it is the page's date stamp. A labelled one is furniture anywhere.
        bare_date_ok = in_header or index == len(lines) - 1
        if reason is None and is_dateline(line.text, require_label=not bare_date_ok):
            reason = "dateline"
        if reason is None and in_header and any(p.match(line.text) for p in _BYLINE_TOP):
            reason = "byline"
        line.reason = reason


def _mark_repeated_sentences(lines: list[_Line]) -> None:
    """Within one line, a sentence repeated (a caption pasted twice) is cut after its first."""
    for line in lines:
        if line.reason:
            continue
        seen: set[str] = set()
        offset = 0
        for piece in _SENTENCE_SPLIT.split(line.text):
            where = line.text.find(piece, offset)
            offset = where + len(piece)
            key = _key(piece)
            if _words(piece) >= 5 and key in seen:
                line.cuts.append((line.start + where, line.start + where + len(piece), "duplicate"))
            seen.add(key)


def _mark_duplicate_lines(lines: list[_Line]) -> None:
    groups: dict[str, list[_Line]] = defaultdict(list)
    for line in lines:
        key = _key(line.text)
        if key:
            groups[key].append(line)
    caption_keys = [_key(line.text) for line in lines if line.reason == "caption"]
    index_of = {id(line): index for index, line in enumerate(lines)}
    for key, group in groups.items():
        if len(group) < 2:
            continue
        flagged = next((line.reason for line in group if line.reason), None)
        if flagged is None and any(key in caption for caption in caption_keys):
            flagged = "caption"  # the same caption again, this time without its credit
        positions = [index_of[id(line)] for line in group]
        adjacent = any(b - a == 1 for a, b in pairwise(positions))
        if flagged is None and adjacent:
            flagged = "duplicate"  # a line printed twice in a row is layout, not prose
        if flagged and flagged != "title":
            for line in group:
                line.reason = line.reason or flagged
        elif flagged == "title" or _is_sentence_like(group[0].text):
            for line in group[1:]:
                line.reason = line.reason or "duplicate"
        else:
            # A short non-sentence line said twice (a name, a label) is furniture.
            for line in group:
                line.reason = line.reason or "duplicate"


def _mark_corpus(lines: list[_Line], outlet: str, stats: CorpusStats | None) -> None:
    if stats is None:
        return
    for line in lines:
        if not line.reason:
            line.reason = stats.reason(outlet, line.text)


def _mark_tail(lines: list[_Line], raw_length: int) -> None:
    """After a strong tail cue near the end, lines are boilerplate until body resumes."""
    body_stems: set[str] = set()
    cue: str | None = None
    for line in lines:
        if cue is None:
            late = line.start >= TAIL_START_FRACTION * raw_length
            standalone = not _INLINE_LINK.match(line.text)
            if line.reason in TAIL_REASONS and late and standalone:
                cue = line.reason
            elif not line.reason:
                body_stems |= content_stems(line.text)
            continue
        if line.reason:
            if line.reason in TAIL_REASONS and not _INLINE_LINK.match(line.text):
                cue = line.reason
            continue
        stems = content_stems(line.text)
        on_topic = bool(stems) and len(stems & body_stems) / len(stems) > TAIL_BODY_SHARE
        if _is_sentence_like(line.text) and _words(line.text) >= 10 and on_topic:
            cue = None  # body text resumes after, e.g., an inline "Related" link
            body_stems |= stems
            continue
        line.reason = cue


def _mark_author_bio(lines: list[_Line]) -> None:
    """Names and "X is the ... correspondent of Y" lines at the very end are a bio."""
    for line in reversed(lines):
        text = line.text
        if line.reason:
            if line.reason == "duplicate" and _NAME_ONLY.match(text):
                line.reason = "author-bio"  # a name repeated above its bio
            continue
        if _NAME_ONLY.match(text) or (_AUTHOR_BIO.match(text) and _words(text) <= 45):
            line.reason = "author-bio"
        elif _BYLINE_TAIL.search(text) and _words(text) <= 30:
            line.reason = "byline"
        else:
            return


def _frequent_stems(body: list[set[str]]) -> set[str]:
    counts: Counter[str] = Counter()
    for stems in body:
        counts.update(stems)
    threshold = max(3.0, FREQUENT_LINE_SHARE * len(body))
    frequent = {stem for stem, count in counts.items() if count >= threshold}
    frequent.update(stem for stem, count in counts.most_common(TOP_STEMS) if count >= 3)
    return frequent


_DIALOGUE = re.compile(r"(?i:^(q|a)\s*[:.]|\b(you|your|i|we|my|our)\b)")
_DATA_LINE = re.compile(r"\d.*(: |, | - | – )|(: |, | - | – ).*\d")


def _orphan_candidate(lines: list[_Line], index: int) -> bool:
    """Can this line be a stray headline? Wrapped prose, dialogue and data rows cannot."""
    line = lines[index]
    text = line.text
    if not _looks_like_headline(text) or _ATTRIBUTION_LABEL.search(text):
        return False
    if not text[:1].isupper() and not text[:1] in "\"'‘“":
        return False  # starts mid-sentence: a hard-wrapped line of a paragraph
    nxt = lines[index + 1] if index + 1 < len(lines) else None
    if nxt is not None and nxt.block == line.block and nxt.text[:1].islower():
        return False  # the paragraph continues on the next line
    if text.rstrip(_CLOSERS).endswith("?") and _DIALOGUE.search(text):
        return False  # an interview question, answered below
    return not _DATA_LINE.search(text)  # a list or table row ("Average cost: $31,213")


def _in_item_list(lines: list[_Line], candidates: list[bool], index: int) -> bool:
    """Is the line one item of a list of short items (names, terms), which is content?

    Three or more consecutive short lines of a few words each are a list the article
    gives; headlines of other articles are longer clauses and are judged one by one.
    """
    start = end = index
    while start > 0 and candidates[start - 1]:
        start -= 1
    while end + 1 < len(lines) and candidates[end + 1]:
        end += 1
    if end - start + 1 < LIST_MIN_ITEMS:
        return False
    sizes = sorted(_words(lines[i].text) for i in range(start, end + 1))
    return sizes[len(sizes) // 2] <= LIST_ITEM_MAX_WORDS


def _mark_orphan_headlines(lines: list[_Line], header_end: int) -> None:
    """A headline-like line that shares no informative word with what follows is a link."""
    stems = [content_stems(line.text) for line in lines]
    is_body = [not line.reason and not _looks_like_headline(line.text) for line in lines]
    frequent = _frequent_stems([s for s, body in zip(stems, is_body, strict=True) if body])
    candidates = [not line.reason and _orphan_candidate(lines, i) for i, line in enumerate(lines)]
    for index, line in enumerate(lines):
        if line.reason or index <= header_end + (1 if header_end >= 0 else 0):
            continue
        if not candidates[index] or _in_item_list(lines, candidates, index):
            continue
        if header_end < 0 and not any(is_body[:index]):
            continue  # no headline was found: the lines before the body are its header
        following: set[str] = set()
        taken = words = 0
        for later in range(index + 1, len(lines)):
            if taken >= LOOKAHEAD_LINES or words >= LOOKAHEAD_WORDS:
                break
            if is_body[later]:
                following |= stems[later]
                taken += 1
                words += _words(lines[later].text)
        informative = stems[index] - frequent or stems[index]
        if not informative & following:
            line.reason = "orphan-headline"


# --- assembly --------------------------------------------------------------------------


def _assemble(lines: list[_Line], raw: str) -> tuple[str, tuple[Removal, ...]]:
    removals: list[Removal] = []
    paragraphs: list[str] = []
    current: list[str] = []
    block = -1
    for line in lines:
        if line.block != block and current:
            paragraphs.append(" ".join(current))
            current = []
        block = line.block
        if line.reason:
            removals.append(Removal(line.start, line.end, line.reason, line.text))
            kept = ""
        else:
            pieces: list[str] = []
            position = line.start
            for start, end, reason in sorted(line.cuts):
                pieces.append(raw[position:start])
                removals.append(Removal(start, end, reason, raw[start:end]))
                position = end
            pieces.append(raw[position : line.end])
            kept = _norm("".join(pieces))
        if kept:
            current.append(kept)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs), tuple(removals)


def _whole_line_cuts(raw: str, removed: Iterable[Removal]) -> tuple[Removal, ...]:
    """The cuts made before cleaning that cover whole lines of ``raw`` (and still match
    it): the cleaner keeps them, and never cuts inside them again."""
    spans = {(line.start, line.end) for line in split_lines(raw)}
    return tuple(
        r for r in removed if raw[r.start : r.end] == r.text and (r.start, r.end) in spans
    )


def _blank_out(raw: str, cuts: Iterable[Removal]) -> str:
    """``raw`` with each cut's characters turned into spaces: its lines become blank for
    the rules while every offset stays the same."""
    chars = list(raw)
    for cut in cuts:
        chars[cut.start : cut.end] = " " * (cut.end - cut.start)
    return "".join(chars) if cuts else raw


def reconstruct_text(raw: str, removed: Iterable[Removal]) -> str:
    """The cleaned text implied by ``raw`` and its removals (the audit of a cleaning).

    Cut every removed span out of ``raw``, split on blank lines, collapse whitespace in
    each paragraph and join the non-empty ones with blank lines. For a cleaned article,
    ``reconstruct_text(article.raw, article.removed) == article.text``.
    """
    pieces: list[str] = []
    position = 0
    for removal in sorted(removed, key=lambda r: r.start):
        if removal.start < position:
            raise ValueError(f"overlapping removals at {removal.start}")
        pieces.append(raw[position : removal.start])
        position = removal.end
    pieces.append(raw[position:])
    kept = (_norm(paragraph) for paragraph in _BLANK_LINE_SPLIT.split("".join(pieces)))
    return "\n\n".join(paragraph for paragraph in kept if paragraph)


# --- public API --------------------------------------------------------------------------


def clean_article(article: Article, *, corpus_stats: CorpusStats | None = None) -> Article:
    """Remove boilerplate from one article's raw text.

    Args:
        article: an article as read (``raw`` set; when ``raw`` is ``None`` the current
            ``text`` is taken as raw).
        corpus_stats: line recurrence across the corpus (see :func:`clean_articles`);
            without it only the article's own evidence is used.

    Returns:
        A new article whose ``text`` is the cleaned text and ``removed`` the cuts (offsets
        into ``raw``). When the article has no title and its text opens with a headline,
        that headline becomes the title. The id is kept (it hashes the raw text).
        Whole lines that ``article.removed`` already cuts (a reader's cut, such as a URL
        line, or an earlier cleaning's) stay cut, with their reasons.
    """
    raw = article.raw if article.raw is not None else article.text
    kept_cuts = _whole_line_cuts(raw, article.removed)
    visible = _blank_out(raw, kept_cuts)  # what the rules see: the same offsets as raw
    lines = split_lines(visible)
    header_end, title = _mark_title_and_kicker(lines, visible, article.title)
    _mark_local(lines, header_end)
    _mark_repeated_sentences(lines)
    _mark_duplicate_lines(lines)
    _mark_corpus(lines, article.outlet, corpus_stats)
    _mark_tail(lines, len(raw))
    _mark_author_bio(lines)
    _mark_orphan_headlines(lines, header_end)
    text, removed = _assemble(lines, raw)
    removed = tuple(sorted((*kept_cuts, *removed), key=lambda r: r.start))
    logger.debug(
        "cleaned %s: %d cut(s), %d -> %d chars", article.id, len(removed), len(raw), len(text)
    )
    return replace(article, text=text, raw=raw, removed=removed, title=title, sentences=())


def clean_articles(articles: Sequence[Article]) -> tuple[Article, ...]:
    """Clean a corpus: per-article rules plus line recurrence across the articles.

    A line that recurs across two or more articles of one outlet, or a short
    non-sentence line that recurs across three or more articles of any outlets, is cut as
    ``"repeated-across-corpus"``; articles that are copies of one another (wire copy,
    re-scraped versions) count once, so their shared body is kept.
    """
    stats = CorpusStats.from_articles(articles) if len(articles) > 1 else None
    cleaned = tuple(clean_article(article, corpus_stats=stats) for article in articles)
    logger.info(
        "cleaned %d article(s): %d cut(s)", len(cleaned), sum(len(a.removed) for a in cleaned)
    )
    return cleaned


__all__ = [
    "TAIL_REASONS",
    "CorpusStats",
    "clean_article",
    "clean_articles",
    "content_stems",
    "is_caption",
    "is_dateline",
    "lexicon_reason",
    "reconstruct_text",
    "split_lines",
]
