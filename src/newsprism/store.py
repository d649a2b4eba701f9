"""The store: articles, stories and briefs in one embedded SQLite file.

``Store("newsprism.db")`` opens (or creates) the database in WAL mode, so readers never
wait for an ingest and an ingest never waits for readers. The schema carries its version
in ``PRAGMA user_version`` and is brought up to date by :data:`MIGRATIONS` on open.

**Ingest.** Articles are deduplicated on their content-hash id (outlet + raw text), so
ingesting the same files twice adds nothing. New articles are cleaned, then fed to an
:class:`~newsprism.cluster.OnlineClusterer` in arrival order (published time; undated
articles first, in content-hash order), a few at a time. Each group is committed in one
short transaction together with its clustering signals, story memberships and merges: a
process killed mid-ingest loses at most the group in flight, and a rerun carries on.

**Refinement.** When an ingest has committed its articles, the stories it grew are re-cut
together by batch average link over their members
(:meth:`~newsprism.cluster.OnlineClusterer.propose_recut`; one story at a time when they
hold more than :data:`MAX_REFINE_SIZE` articles): the greedy online pass joins early what
average link keeps apart (two different events of one kind and place, older undated
reports arriving before dated ones) and leaves apart what it would join. Each story id
stays with the group holding most of its articles; other groups are split off as new
stories, and a story whose id no group took is recorded as merged. The re-cut is
recorded in the ``recuts`` table, in one transaction. The stories an interrupted ingest grew are refined
by the rerun (everything clustered since the last refinement is).

**Clusterer state.** Each article's clustering signals (tokens, entities, lead, day) and
its dense lead vector are stored. On the first ingest after opening (and whenever another
process has written in between) the clusterer is rebuilt by replaying the stored signals
through :meth:`OnlineClusterer.assign` in arrival order, with the recorded re-cuts
applied where they happened, inside the write transaction: the replay is exact (no NLP runs), so a resumed ingest ends with the same stories as an
uninterrupted one. Each dense vector is encoded on its own because the int8 encoder sets
its activation scales per batch: a vector must not depend on which articles shared its
batch. A full replay is checked against the stored memberships; when they differ (the
clustering code or settings changed), :meth:`Store.recluster` rebuilds the stories.

**Cleaning.** :func:`newsprism.clean.clean_articles` relies on repetition across a corpus
(a line that recurs across an outlet's articles is furniture). At ingest each new
article is cleaned with line statistics from everything read in the same call plus the
:data:`OUTLET_CONTEXT` most recent stored articles of each outlet in the call, so an
outlet's furniture is still recognised when its articles arrive one a day. Stored text
is never re-cleaned (every span of a stored brief indexes it). Because an interrupted
ingest is rerun over the same inputs, a resumed ingest cleans with the same context.

**Briefs.** :meth:`Store.brief` returns the stored brief when it was built from the
story's current members (and the same :class:`~newsprism.config.Config`); otherwise it
builds one incrementally: each article's annotation (spaCy parses as ``DocBin`` bytes,
sentences, alignment-candidate embeddings as float32) and its per-article extractions
(quotes, quantities, framing profile, the timeline's time expressions with their dates
per reference, the roster's parse evidence) are stored the first time the article is
briefed and reused afterwards, so only new articles go through spaCy, MiniLM and
dateparser; a new article's embedding runs on another thread while the stages that do
not need it go on (decoding, the new article's extractions, quotes, entities, the word
half of the alignment, the claim findings of every sentence, the timeline). The quote
match scores of every pair of articles are kept with the brief, so the next brief scores
only the new article's pairs (see :meth:`Store._quote_scores`). Alignment, the
story-level extraction and composition then run over all members. Briefs are kept keyed
by member set and config.

**Changes.** :meth:`Store.changes` derives "what changed since T" from membership times:
the story as of T is the members that had joined by T (an article that arrived through a
merge joins at the merge). Its brief is built from the stored annotations (and kept, as
every brief is, keyed by its member set) and compared with the current brief: new points
(citing a new article, sharing no sentence with an earlier point), points now carried by
more outlets, new quote groups, and divergences that a new article answers.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

from newsprism import __version__
from newsprism.cluster import (
    DEFAULT_CLUSTER_CONFIG,
    ArticleSignals,
    Assignment,
    ClusterConfig,
    Merge,
    OnlineClusterer,
    StoryMembers,
)
from newsprism.config import DEFAULT_CONFIG, Config
from newsprism.errors import InputError, NewsprismError
from newsprism.model import (
    Article,
    Brief,
    Divergence,
    Point,
    QuoteGroup,
    Removal,
    Sentence,
    Skip,
    Span,
    content_id,
    to_plain,
)

if TYPE_CHECKING:
    import numpy as np

    from newsprism.pipeline import ArticleAnnotation
    from newsprism.quotes import QuotePair

logger = logging.getLogger(__name__)

DEFAULT_DB = "newsprism.db"
DEFAULT_COMMIT_EVERY = 32  # articles per ingest transaction: what a kill -9 can lose
OUTLET_CONTEXT = 500  # stored articles per outlet that new articles are cleaned against
_TITLE_CHARS = 100
_ID_BATCH = 500  # ids per ``IN (...)`` query (SQLite caps host parameters)
#: The stories an ingest grew are re-cut together up to this many articles, else one at a
#: time, and a story larger than this is not re-cut (the cut is quadratic in size).
MAX_REFINE_SIZE = 3000

IngestProgress = Callable[[int, int], None]
Clock = Callable[[], datetime]

# --------------------------------------------------------------------------- schema

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: articles, clustering signals, stories, memberships, merges, skips, annotations,
    #    briefs, and a full-text index over titles and texts.
    (
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            outlet TEXT NOT NULL,
            title TEXT,
            url TEXT,
            published TEXT,
            source TEXT,
            language TEXT NOT NULL,
            raw TEXT NOT NULL,
            text TEXT NOT NULL,
            removed TEXT NOT NULL,
            ingested_at TEXT NOT NULL)""",
        """CREATE INDEX articles_by_outlet ON articles (outlet, seq)""",
        """CREATE TABLE signals (
            article_id TEXT PRIMARY KEY REFERENCES articles (id),
            tokens TEXT NOT NULL,
            entities TEXT NOT NULL,
            lead TEXT NOT NULL,
            day REAL,
            dense BLOB)""",
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            titled INTEGER NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            size INTEGER NOT NULL,
            first_published TEXT,
            last_published TEXT,
            merged_into TEXT REFERENCES stories (id))""",
        """CREATE INDEX stories_by_update ON stories (merged_into, updated)""",
        """CREATE TABLE memberships (
            article_id TEXT PRIMARY KEY REFERENCES articles (id),
            story_id TEXT NOT NULL REFERENCES stories (id),
            joined_at TEXT NOT NULL,
            similarity REAL NOT NULL)""",
        """CREATE INDEX memberships_by_story ON memberships (story_id)""",
        """CREATE TABLE merges (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            into_story TEXT NOT NULL,
            absorbed TEXT NOT NULL,
            article_id TEXT NOT NULL,
            merged_at TEXT NOT NULL)""",
        """CREATE TABLE skips (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            reason TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            UNIQUE (source, reason))""",
        """CREATE TABLE annotations (
            article_id TEXT NOT NULL REFERENCES articles (id),
            model_key TEXT NOT NULL,
            sentences TEXT NOT NULL,
            offsets TEXT NOT NULL,
            docs BLOB NOT NULL,
            embeddings BLOB NOT NULL,
            quotes TEXT NOT NULL,
            quantities TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, model_key))""",
        """CREATE TABLE briefs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            story_id TEXT NOT NULL,
            members_key TEXT NOT NULL,
            config_key TEXT NOT NULL,
            members TEXT NOT NULL,
            built_at TEXT NOT NULL,
            seconds REAL NOT NULL,
            annotated INTEGER NOT NULL,
            brief TEXT NOT NULL,
            UNIQUE (story_id, members_key, config_key))""",
        """CREATE VIRTUAL TABLE article_search USING fts5 (title, text)""",
    ),
    # 2: each article's framing profile is stored with its annotation (NULL: not yet).
    ("""ALTER TABLE annotations ADD COLUMN framing TEXT""",),
    # 3: the per-article halves of the timeline (time expressions with their dates per
    #    reference) and of the entity roster (NULL: not yet).
    (
        """ALTER TABLE annotations ADD COLUMN times TEXT""",
        """ALTER TABLE annotations ADD COLUMN roster TEXT""",
    ),
    # 4: stories re-cut after an ingest (see ``Store._refine``): the stories that were cut
    #    (JSON list), the last article seq clustered before, the stories they became as
    #    ``[[story_id, [article ids]], ...]`` and the merges as ``[[into, absorbed,
    #    article_id], ...]``.
    (
        """CREATE TABLE recuts (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            stories TEXT NOT NULL,
            after_seq INTEGER NOT NULL,
            groups TEXT NOT NULL,
            merges TEXT NOT NULL,
            cut_at TEXT NOT NULL)""",
    ),
    # 5: the quote match scores a brief was grouped with, reused by the story's next brief
    #    (see ``Store._quote_scores``); NULL: none kept.
    ("""ALTER TABLE briefs ADD COLUMN quote_scores TEXT""",),
)
"""Schema migrations: entry ``i`` takes the schema from version ``i`` to ``i + 1``.

Append a tuple of statements to change the schema; never edit an applied one.
"""

SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(NewsprismError):
    """The store cannot do what was asked; the message says why and what to do."""


class UnknownStoryError(StoreError, KeyError):
    """No story with that id (``KeyError`` too, for mapping-style callers)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownArticleError(StoreError, KeyError):
    """No article with that id."""

    def __str__(self) -> str:
        return str(self.args[0])


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest did.

    Attributes:
        read: articles handed to the ingest (as read, duplicates included).
        skipped: inputs that did not become articles (reader skips, and articles that
            were all boilerplate), each recorded in the store.
        new_articles: articles added.
        duplicates: articles already in the store (or twice in the input).
        new_stories: stories this ingest started (and that still exist).
        updated_stories: existing stories that gained articles.
    """

    read: int
    skipped: tuple[Skip, ...]
    new_articles: int
    duplicates: int
    new_stories: tuple[str, ...]
    updated_stories: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "new_articles": self.new_articles,
            "duplicates": self.duplicates,
            "new_stories": list(self.new_stories),
            "updated_stories": list(self.updated_stories),
        }


@dataclass(frozen=True, slots=True)
class StorySummary:
    """A story as listed: its size, outlets and when it was created and last grew."""

    id: str
    title: str
    size: int
    outlets: tuple[str, ...]
    created: str
    updated: str
    first_published: str | None
    last_published: str | None

    def to_dict(self) -> dict[str, Any]:
        return to_plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Changes:
    """What a story's brief holds now that it did not hold at ``since``.

    Attributes:
        story_id: the story.
        since: the moment compared with (ISO, UTC).
        new_articles: ids of the articles that joined the story after ``since``.
        points: brief points that cite a new article and share no cited sentence with a
            point of the brief as of ``since``.
        quotes: quote groups that cite a new article and share no citation with a group
            of the story as of ``since``.
        divergences: divergences in which a new article gives an answer.
        strengthened: brief points that were in the brief as of ``since`` and are now
            carried by more independent outlets.
    """

    story_id: str
    since: str
    new_articles: tuple[str, ...]
    points: tuple[Point, ...]
    quotes: tuple[QuoteGroup, ...]
    divergences: tuple[Divergence, ...]
    strengthened: tuple[Point, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data; points, quotes and divergences as in the brief JSON."""
        from newsprism.render.json import divergence_to_dict, point_to_dict, quote_to_dict

        return {
            "story_id": self.story_id,
            "since": self.since,
            "new_articles": list(self.new_articles),
            "points": [point_to_dict(p) for p in self.points],
            "quotes": [quote_to_dict(q) for q in self.quotes],
            "divergences": [divergence_to_dict(d) for d in self.divergences],
            "strengthened": [point_to_dict(p) for p in self.strengthened],
        }


@dataclass(frozen=True)
class _Prepared:
    """A story's annotations ready for :func:`~newsprism.pipeline.story_from_annotations`.

    Attributes:
        annotations: one per article, in story order; new ones have empty
            ``embeddings`` until ``pending`` delivers them.
        pending: new article id -> a function returning its vectors (waits if needed).
        updated: stored annotations whose per-article extractions changed.
    """

    annotations: tuple[ArticleAnnotation, ...]
    pending: Mapping[str, Callable[[], np.ndarray]]
    updated: tuple[ArticleAnnotation, ...]


@dataclass
class _Tally:
    """Stories an ingest touched, in the order it touched them."""

    created: dict[str, None] = field(default_factory=dict)
    updated: dict[str, None] = field(default_factory=dict)
    absorbed: set[str] = field(default_factory=set)
    added: int = 0
    raced: int = 0  # articles another writer stored first

    def report(self, read: int, skipped: Sequence[Skip], duplicates: int) -> IngestReport:
        created = tuple(s for s in self.created if s not in self.absorbed)
        updated = tuple(s for s in self.updated if s not in self.created and s not in self.absorbed)
        return IngestReport(
            read, tuple(skipped), self.added, duplicates + self.raced, created, updated
        )


# --------------------------------------------------------------------------- helpers


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    """One fixed format (UTC, microseconds) so that stored times compare as strings."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is local time
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    """A user's time ("2024-05-01", "2024-05-01T14:30", "2 hours ago") as aware UTC.

    ISO forms are read with :meth:`datetime.fromisoformat`, anything else with dateparser;
    a time without a zone is local time.

    Raises:
        InputError: the text is not a time.
    """
    try:
        moment: datetime | None = datetime.fromisoformat(text.strip())
    except ValueError:
        import dateparser

        moment = dateparser.parse(text)
    if moment is None:
        raise InputError(
            repr(text),
            "not a date or time",
            "Give an ISO date or datetime (2024-05-01, 2024-05-01T14:30, "
            "2024-05-01T14:30+02:00) or a relative time such as '2 hours ago'",
        )
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)


def _timestamp(published: str | None) -> float | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def arrival_key(article: Article) -> tuple[bool, float, str]:
    """The order new articles of one ingest reach the clusterer.

    By published time; undated articles first, in a content-hash order (neither the
    input order nor the file names decide). A total order on article content, so the
    articles left after an interrupted ingest arrive in the same relative order.
    """
    moment = _timestamp(article.published)
    return (moment is not None, moment or 0.0, content_id("order", article.id))


def _stored_signal(row: sqlite3.Row) -> tuple[ArticleSignals, np.ndarray | None]:
    """An article's clustering signals and dense lead vector as stored."""
    import numpy as np

    signal = ArticleSignals(
        row["id"],
        tuple(json.loads(row["tokens"])),
        tuple(json.loads(row["entities"])),
        row["lead"],
        row["day"],
    )
    dense = None if row["dense"] is None else np.frombuffer(row["dense"], dtype=np.float32)
    return signal, dense


def _snippet(article: Article) -> str:
    first = next((line.strip() for line in article.text.splitlines() if line.strip()), "")
    return first if len(first) <= _TITLE_CHARS else first[: _TITLE_CHARS - 1].rstrip() + "…"


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _placeholders(n: int) -> str:
    return ",".join("?" * n)


def _config_key(config: Config) -> str:
    return content_id("config", json.dumps(asdict(config), sort_keys=True))


def _model_key(config: Config) -> str:
    """What an article's stored annotation depends on (the embedding batch size too:
    int8 activation scales are set per batch)."""
    return f"{config.spacy_model}|{config.embedder}|{config.batch_size}|newsprism {__version__}"


def _members_key(article_ids: Iterable[str]) -> str:
    return content_id("members", *sorted(article_ids))


def _fts_query(query: str) -> str:
    """Every word of the query must occur (each quoted, so FTS5 syntax cannot leak in)."""
    words = [w.replace('"', '""') for w in query.split()]
    return " ".join(f'"{w}"' for w in words)


# --------------------------------------------------------------------------- the store


#: One annotation row: article id, model key, the encoded columns, the time it was made.
_INSERT_ANNOTATION = (
    "INSERT OR IGNORE INTO annotations (article_id, model_key, sentences, offsets, docs, "
    "embeddings, quotes, quantities, framing, times, roster, created) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


#: One article ready for the clusterer: the article, its signals, its dense lead vector.
PreparedArticle = tuple[Article, ArticleSignals, "np.ndarray | None"]


class Preparer(Protocol):
    """Computes the clustering signals of groups of new articles (see
    :func:`prepare_signals`), yielding one result per group, in the groups' order."""

    def map(
        self, groups: Sequence[Sequence[Article]], cluster_config: ClusterConfig
    ) -> Iterator[list[PreparedArticle]]: ...


class Annotator(Protocol):
    """Annotates groups of stored articles (see :func:`annotation_rows`), yielding one
    result per group, in the groups' order."""

    def map_annotations(
        self, groups: Sequence[Sequence[Article]], config: Config
    ) -> Iterator[list[tuple[str, tuple[Any, ...]]]]: ...


def prepare_signals(
    articles: Sequence[Article], cluster_config: ClusterConfig, *, threads: int | None = None
) -> list[PreparedArticle]:
    """Clustering signals and dense lead vectors of cleaned articles: the NLP of an ingest.

    A pure function of the articles and the configuration, so it can run anywhere (the
    Ray workers of :mod:`newsprism.scale` run it): each lead is embedded on its own, as
    int8 activation scales are set per batch and a vector must not depend on which
    articles an ingest grouped it with. ``threads``: the embedder's threads (default: its
    own setting; the vectors are the same either way).
    """
    from newsprism.cluster import extract_signals

    signals = extract_signals(articles, cluster_config)
    vectors = _lead_vectors(signals, cluster_config, threads)
    return list(zip(articles, signals, vectors, strict=True))


def _lead_vectors(
    signals: Sequence[ArticleSignals], cluster_config: ClusterConfig, threads: int | None
) -> list[np.ndarray | None]:
    if cluster_config.dense_weight <= 0:
        return [None] * len(signals)
    from newsprism.embed import get_embedder

    embedder = get_embedder(cluster_config.embedder, threads=threads)
    return [embedder.encode([s.lead or " "])[0] for s in signals]


class LocalPreparer:
    """The default :class:`Preparer`: spaCy's entities of one group on this thread while
    MiniLM embeds the previous group's leads on another (one core each), so a local
    ingest uses two cores. The results are :func:`prepare_signals`'s, in order."""

    def map(
        self, groups: Sequence[Sequence[Article]], cluster_config: ClusterConfig
    ) -> Iterator[list[PreparedArticle]]:
        from collections import deque
        from concurrent.futures import Future, ThreadPoolExecutor

        from newsprism.cluster import extract_signals

        pending: deque[tuple[Sequence[Article], list[ArticleSignals], Future[Any]]] = deque()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="leads") as pool:
            for group in groups:
                signals = extract_signals(group, cluster_config)
                vectors = pool.submit(_lead_vectors, signals, cluster_config, 1)
                pending.append((group, signals, vectors))
                if len(pending) > 1:
                    done, made, future = pending.popleft()
                    yield list(zip(done, made, future.result(), strict=True))
            while pending:
                done, made, future = pending.popleft()
                yield list(zip(done, made, future.result(), strict=True))


def annotation_rows(
    articles: Sequence[Article], config: Config = DEFAULT_CONFIG
) -> list[tuple[str, tuple[Any, ...]]]:
    """Each cleaned article's annotation (spaCy, MiniLM, per-article extractions), encoded
    as the store keeps it: ``(article id, columns)``.

    A pure function of the articles and the configuration, so it can run anywhere (the
    Ray workers of :mod:`newsprism.scale` run it): an article's annotation does not depend
    on the story it is in (its vectors are one chunk of its own; its time expressions are
    dated against the story when a brief reads them).
    """
    from newsprism.pipeline import annotate_articles, with_extractions

    return [
        (a.article.id, _encode_annotation(with_extractions(a)))
        for a in annotate_articles(articles, config)
    ]


class Store:
    """Articles, stories and briefs in an embedded SQLite database.

    Thread-safe for one writer and many readers: each thread uses its own connection,
    and ingests through one :class:`Store` object are serialised. Several processes may
    share a file: every ingest transaction first replays what others committed.

    Args:
        path: the database file (created with its folder when missing).
        threshold: the clusterer's similarity threshold (default: the calibrated one).
        cluster_config: the clusterer's representation and window settings.
        commit_every: new articles per ingest transaction.
        clock: the current time (tests pass a fake clock).

    Raises:
        StoreError: the file is not a newsprism store, or was written by a newer version.
    """

    def __init__(
        self,
        path: str | Path = DEFAULT_DB,
        *,
        threshold: float | None = None,
        cluster_config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
        commit_every: int = DEFAULT_COMMIT_EVERY,
        clock: Clock | None = None,
    ) -> None:
        if commit_every < 1:
            raise ValueError(f"commit_every must be positive, got {commit_every}")
        self.path = Path(path)
        self.threshold = threshold
        self.cluster_config = cluster_config
        self.commit_every = commit_every
        self._clock = clock or _utc_now
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._ingest_lock = threading.RLock()
        self._brief_lock = threading.Lock()
        self._clusterer: OnlineClusterer | None = None
        self._replayed = 0  # seq of the last article the clusterer has seen
        self._recuts_replayed = 0  # seq of the last recorded re-cut it has applied
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._open()

    # ------------------------------------------------------------ connections

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable across process kills
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so a concurrent writer waits, not fails)."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot across several queries."""
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def _open(self) -> None:
        try:
            conn = self._connection()
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"{self.path}: not a newsprism store ({error}); give another --db file"
            ) from error
        if str(mode).lower() != "wal":
            logger.warning("%s: WAL mode unavailable (journal mode %s)", self.path, mode)
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: schema version {version} is newer than this newsprism "
                    f"({__version__}, schema {SCHEMA_VERSION}); upgrade newsprism to open it"
                )
            if (
                version == 0
                and conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                ).fetchone()[0]
            ):
                raise StoreError(
                    f"{self.path}: an SQLite file that is not a newsprism store; "
                    "give another --db file"
                )
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")
                logger.info("%s: schema migrated to version %d", self.path, number + 1)
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('created', ?)",
                (_iso(self._clock()),),
            )

    def close(self) -> None:
        """Close every connection this object opened (from any thread)."""
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _now(self) -> str:
        return _iso(self._clock())

    @property
    def schema_version(self) -> int:
        return int(self._connection().execute("PRAGMA user_version").fetchone()[0])

    # ------------------------------------------------------------ ingest

    def ingest_paths(
        self,
        paths: Sequence[str | Path],
        *,
        progress: IngestProgress | None = None,
        preparer: Preparer | None = None,
    ) -> IngestReport:
        """Read files, folders and archives (any supported format) and ingest them
        (``preparer``: see :meth:`ingest_articles`).

        Raises:
            InputError: a path does not exist.
        """
        from newsprism.ingest import read_paths

        result = read_paths(paths)
        return self.ingest_articles(
            result.articles, result.skipped, progress=progress, preparer=preparer
        )

    def ingest_articles(
        self,
        articles: Sequence[Article],
        skipped: Iterable[Skip] = (),
        *,
        progress: IngestProgress | None = None,
        preparer: Preparer | None = None,
    ) -> IngestReport:
        """Store new articles (as read: uncleaned), assign them to stories, record skips.

        Args:
            articles: articles as read; ones already stored (same id) are counted as
                duplicates and left alone.
            skipped: the reader's skips, recorded with the ones this ingest makes.
            progress: called with ``(done, total)`` new articles as groups commit.
            preparer: computes the clustering signals of the groups of new articles
                (in order; e.g. :class:`newsprism.scale.RayPool`, a pool of Ray
                workers); by default :class:`LocalPreparer` (two cores here). Groups
                still commit one by one, in arrival order.
        """
        notify = progress or (lambda _done, _total: None)
        with self._ingest_lock:
            first: dict[str, Article] = {}
            for article in articles:
                first.setdefault(article.id, article)
            stored = self._existing(first)
            new = [a for a in first.values() if a.id not in stored]
            cleaned, emptied = self._clean(list(first.values()), new)
            skips = [*skipped, *emptied]
            self._record_skips(skips)
            ordered = sorted(cleaned, key=arrival_key)
            tally = _Tally()
            notify(0, len(ordered))
            done = 0
            chunks = list(_chunks(ordered, self.commit_every))
            made = (preparer or LocalPreparer()).map(chunks, self.cluster_config)
            for chunk, prepared in zip(chunks, made, strict=True):
                self._commit(prepared, tally)
                done += len(chunk)
                notify(done, len(ordered))
            self._refine_pending(tally)
            report = tally.report(len(articles), skips, len(articles) - len(new))
        logger.info(
            "ingested %d new article(s) (%d duplicates, %d skips): %d new, %d updated stories",
            report.new_articles,
            report.duplicates,
            len(report.skipped),
            len(report.new_stories),
            len(report.updated_stories),
        )
        return report

    def _existing(self, ids: Iterable[str]) -> set[str]:
        wanted = list(ids)
        found: set[str] = set()
        conn = self._connection()
        for chunk in _chunks(wanted, _ID_BATCH):
            rows = conn.execute(
                f"SELECT id FROM articles WHERE id IN ({_placeholders(len(chunk))})", chunk
            )
            found.update(row[0] for row in rows)
        return found

    def _clean(
        self, read: Sequence[Article], new: Sequence[Article]
    ) -> tuple[list[Article], list[Skip]]:
        """Clean new articles against this ingest's articles and their outlets' stored ones."""
        from newsprism.clean import CorpusStats, clean_article

        if not new:
            return [], []
        context = {a.id: a for a in read}
        conn = self._connection()
        for outlet in sorted({a.outlet for a in new}):
            rows = conn.execute(
                "SELECT id, outlet, raw FROM articles WHERE outlet = ? ORDER BY seq DESC LIMIT ?",
                (outlet, OUTLET_CONTEXT),
            )
            for row in rows:
                context.setdefault(
                    row["id"], Article(id=row["id"], outlet=row["outlet"], text="", raw=row["raw"])
                )
        stats = CorpusStats.from_articles(list(context.values())) if len(context) > 1 else None
        cleaned: list[Article] = []
        emptied: list[Skip] = []
        for article in new:
            done = clean_article(article, corpus_stats=stats)
            if done.text.strip():
                cleaned.append(done)
            else:
                emptied.append(
                    Skip(
                        article.source or article.id,
                        "nothing left after cleaning: every line was boilerplate (a page "
                        "without an article body); check that the file holds the article text",
                    )
                )
        return cleaned, emptied

    def _record_skips(self, skips: Sequence[Skip]) -> None:
        if not skips:
            return
        now = self._now()
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO skips (source, reason, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source, reason) DO UPDATE SET last_seen = excluded.last_seen",
                [(s.source, s.reason, now, now) for s in skips],
            )

    def _commit(self, prepared: Sequence[PreparedArticle], tally: _Tally) -> None:
        import numpy as np

        with self._write() as conn:
            try:
                clusterer = self._caught_up(conn)
                now = self._now()
                for article, signal, dense in prepared:
                    if conn.execute(
                        "SELECT 1 FROM articles WHERE id = ?", (article.id,)
                    ).fetchone():
                        tally.raced += 1
                        continue
                    seq = self._insert_article(conn, article, now)
                    conn.execute(
                        "INSERT INTO signals (article_id, tokens, entities, lead, day, dense) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            article.id,
                            json.dumps(signal.tokens, ensure_ascii=False),
                            json.dumps(signal.entities, ensure_ascii=False),
                            signal.lead,
                            signal.day,
                            None if dense is None else np.asarray(dense, np.float32).tobytes(),
                        ),
                    )
                    self._apply(conn, article, clusterer.assign(signal, dense), now, tally)
                    self._replayed = seq
                    tally.added += 1
            except BaseException:
                self._clusterer = None  # it ran ahead of the rolled-back transaction
                raise

    def _insert_article(self, conn: sqlite3.Connection, article: Article, now: str) -> int:
        removed = [[r.start, r.end, r.reason, r.text] for r in article.removed]
        cursor = conn.execute(
            "INSERT INTO articles (id, outlet, title, url, published, source, language, raw, "
            "text, removed, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.outlet,
                article.title,
                article.url,
                article.published,
                article.source,
                article.language,
                article.raw if article.raw is not None else article.text,
                article.text,
                json.dumps(removed, ensure_ascii=False),
                now,
            ),
        )
        seq = int(cursor.lastrowid or 0)
        conn.execute(
            "INSERT INTO article_search (rowid, title, text) VALUES (?, ?, ?)",
            (seq, article.title or "", article.text),
        )
        return seq

    def _apply(
        self,
        conn: sqlite3.Connection,
        article: Article,
        assignment: Assignment,
        now: str,
        tally: _Tally,
    ) -> None:
        """Write one clusterer assignment: a new story or a grown one, and any merges."""
        sid = assignment.story_id
        if assignment.new_story:
            conn.execute(
                "INSERT INTO stories (id, title, titled, created, updated, size, "
                "first_published, last_published) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                (
                    sid,
                    article.title or _snippet(article),
                    article.title is not None,
                    now,
                    now,
                    article.published,
                    article.published,
                ),
            )
            tally.created[sid] = None
        else:
            conn.execute(
                "UPDATE stories SET size = size + 1, updated = ?, "
                "first_published = CASE WHEN first_published IS NULL OR ? < first_published "
                "THEN ? ELSE first_published END, "
                "last_published = CASE WHEN last_published IS NULL OR ? > last_published "
                "THEN ? ELSE last_published END WHERE id = ?",
                (now, *(article.published,) * 4, sid),
            )
            if article.title:
                conn.execute(
                    "UPDATE stories SET title = ?, titled = 1 WHERE id = ? AND titled = 0",
                    (article.title, sid),
                )
            tally.updated[sid] = None
        conn.execute(
            "INSERT INTO memberships (article_id, story_id, joined_at, similarity) "
            "VALUES (?, ?, ?, ?)",
            (article.id, sid, now, assignment.similarity),
        )
        for absorbed in assignment.merged:
            self._merge(conn, sid, absorbed, article.id, now)
            tally.absorbed.add(absorbed)

    def _merge(
        self, conn: sqlite3.Connection, into: str, absorbed: str, article_id: str, now: str
    ) -> None:
        conn.execute(
            "UPDATE memberships SET story_id = ?, joined_at = ? WHERE story_id = ?",
            (into, now, absorbed),
        )
        conn.execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into, absorbed))
        conn.execute(
            "UPDATE stories SET merged_into = ?, size = 0, updated = ? WHERE id = ?",
            (into, now, absorbed),
        )
        conn.execute(
            "INSERT INTO merges (into_story, absorbed, article_id, merged_at) VALUES (?, ?, ?, ?)",
            (into, absorbed, article_id, now),
        )
        self._refresh_story(conn, into, now)
        logger.info("story %s merged into %s (article %s)", absorbed, into, article_id)

    @staticmethod
    def _refresh_story(
        conn: sqlite3.Connection, sid: str, now: str, *, retitle: bool = False
    ) -> None:
        """Recount a story's size and published range from its memberships; give an
        untitled story (or, with ``retitle``, any story) its first member's title."""
        row = conn.execute(
            "SELECT count(*), min(a.published), max(a.published) FROM memberships m "
            "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?",
            (sid,),
        ).fetchone()
        conn.execute(
            "UPDATE stories SET size = ?, first_published = ?, last_published = ?, updated = ? "
            "WHERE id = ?",
            (row[0], row[1], row[2], now, sid),
        )
        titled = conn.execute(
            "SELECT a.title FROM memberships m JOIN articles a ON a.id = m.article_id "
            "WHERE m.story_id = ? AND a.title IS NOT NULL ORDER BY a.seq LIMIT 1",
            (sid,),
        ).fetchone()
        if titled is not None:
            conn.execute(
                "UPDATE stories SET title = ?, titled = 1 WHERE id = ? AND (titled = 0 OR ?)",
                (titled[0], sid, retitle),
            )

    # ------------------------------------------------------------ refinement

    def _refine_pending(self, tally: _Tally) -> None:
        """Re-cut every story grown since the last refinement, in one transaction."""
        with self._write() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'refined_seq'").fetchone()
            refined = int(row[0]) if row else 0
            last = conn.execute("SELECT max(seq) FROM articles").fetchone()[0] or 0
            if last <= refined:
                return  # nothing clustered since: no replay needed (an ingest of duplicates)
            try:
                clusterer = self._caught_up(conn)
                self._refine(conn, clusterer, refined, tally)
                self._mark_refined(conn)
            except BaseException:
                self._clusterer = None  # it ran ahead of the rolled-back transaction
                raise

    def _mark_refined(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('refined_seq', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(self._replayed),),
        )

    def _refine(
        self, conn: sqlite3.Connection, clusterer: OnlineClusterer, after: int, tally: _Tally
    ) -> None:
        touched = sorted(
            sid
            for (sid,) in conn.execute(
                "SELECT DISTINCT m.story_id FROM memberships m JOIN articles a "
                "ON a.id = m.article_id WHERE a.seq > ?",
                (after,),
            )
            if clusterer.is_open(sid)
        )
        if sum(clusterer.story_size(sid) for sid in touched) <= MAX_REFINE_SIZE:
            batches = [touched] if touched else []
        else:
            batches = [[sid] for sid in touched if clusterer.story_size(sid) <= MAX_REFINE_SIZE]
        now = self._now()
        for batch in batches:
            before = {frozenset(clusterer.story_articles(sid)) for sid in batch}
            members = self._member_signals(
                conn, [a for sid in batch for a in clusterer.story_articles(sid)]
            )
            groups = clusterer.propose_recut(batch, members)
            if {frozenset(g) for g in groups} == before:
                continue
            stories, merges = clusterer.name_groups(batch, groups)
            clusterer.apply_recut(batch, stories, members, merges)
            cursor = conn.execute(
                "INSERT INTO recuts (stories, after_seq, groups, merges, cut_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    json.dumps(batch),
                    self._replayed,
                    json.dumps([[s.id, list(s.article_ids)] for s in stories]),
                    json.dumps([[m.into, m.absorbed, m.article_id] for m in merges]),
                    now,
                ),
            )
            self._recuts_replayed = int(cursor.lastrowid or 0)
            self._write_recut(conn, batch, stories, merges, now, tally)

    def _write_recut(
        self,
        conn: sqlite3.Connection,
        old: Sequence[str],
        stories: Sequence[StoryMembers],
        merges: Sequence[Merge],
        now: str,
        tally: _Tally,
    ) -> None:
        """Write a re-cut: the new stories' rows and memberships, then the merges."""
        for story in stories:
            if story.id not in old:
                conn.execute(
                    "INSERT INTO stories (id, title, titled, created, updated, size) "
                    "VALUES (?, '', 0, ?, ?, 0) ON CONFLICT (id) DO UPDATE SET merged_into = NULL",
                    (story.id, now, now),
                )
                tally.created[story.id] = None
                logger.info("story %s split off (%d articles)", story.id, story.size)
            for chunk in _chunks(list(story.article_ids), _ID_BATCH):
                conn.execute(
                    f"UPDATE memberships SET story_id = ? WHERE story_id != ? AND article_id IN "
                    f"({_placeholders(len(chunk))})",
                    (story.id, story.id, *chunk),
                )
        for merge in merges:
            conn.execute(
                "UPDATE stories SET merged_into = ? WHERE merged_into = ?",
                (merge.into, merge.absorbed),
            )
            conn.execute(
                "UPDATE stories SET merged_into = ?, size = 0, updated = ? WHERE id = ?",
                (merge.into, now, merge.absorbed),
            )
            conn.execute(
                "INSERT INTO merges (into_story, absorbed, article_id, merged_at) "
                "VALUES (?, ?, ?, ?)",
                (merge.into, merge.absorbed, merge.article_id, now),
            )
            tally.absorbed.add(merge.absorbed)
            logger.info("story %s merged into %s on re-cut", merge.absorbed, merge.into)
        for story in stories:
            if story.id in old:
                tally.updated[story.id] = None
            self._refresh_story(conn, story.id, now, retitle=True)
            if not conn.execute("SELECT titled FROM stories WHERE id = ?", (story.id,)).fetchone()[
                0
            ]:
                first = conn.execute(
                    "SELECT text FROM articles WHERE id = ?", (story.article_ids[0],)
                ).fetchone()
                conn.execute(
                    "UPDATE stories SET title = ? WHERE id = ?",
                    (_snippet(Article(id="", outlet="", text=first["text"])), story.id),
                )

    def _member_signals(
        self, conn: sqlite3.Connection, article_ids: Sequence[str]
    ) -> dict[str, tuple[ArticleSignals, np.ndarray | None]]:
        """Stored clustering signals and dense vectors of articles, by id."""
        found: dict[str, tuple[ArticleSignals, np.ndarray | None]] = {}
        for chunk in _chunks(list(article_ids), _ID_BATCH):
            rows = conn.execute(
                "SELECT a.id, s.tokens, s.entities, s.lead, s.day, s.dense FROM articles a "
                f"JOIN signals s ON s.article_id = a.id WHERE a.id IN ({_placeholders(len(chunk))})",
                chunk,
            )
            for row in rows:
                found[row["id"]] = _stored_signal(row)
        return found

    # ------------------------------------------------------------ clusterer state

    def _new_clusterer(self) -> OnlineClusterer:
        return OnlineClusterer(threshold=self.threshold, config=self.cluster_config)

    def _signal_rows(self, conn: sqlite3.Connection, after: int) -> sqlite3.Cursor:
        return conn.execute(
            "SELECT a.seq, a.id, a.title, a.text, a.published, a.ingested_at, s.tokens, "
            "s.entities, s.lead, s.day, s.dense FROM articles a JOIN signals s "
            "ON s.article_id = a.id WHERE a.seq > ? ORDER BY a.seq",
            (after,),
        )

    @staticmethod
    def _replay_one(clusterer: OnlineClusterer, row: sqlite3.Row) -> Assignment:
        return clusterer.assign(*_stored_signal(row))

    def _replay_recuts(
        self, conn: sqlite3.Connection, clusterer: OnlineClusterer, through: int
    ) -> None:
        """Apply the recorded re-cuts made once articles up to seq ``through`` were in."""
        rows = conn.execute(
            "SELECT seq, stories, groups, merges FROM recuts WHERE seq > ? AND after_seq <= ? "
            "ORDER BY seq",
            (self._recuts_replayed, through),
        ).fetchall()
        for row in rows:
            stories = [StoryMembers(sid, tuple(ids)) for sid, ids in json.loads(row["groups"])]
            merges = [Merge(*m) for m in json.loads(row["merges"])]
            members = self._member_signals(conn, [a for s in stories for a in s.article_ids])
            clusterer.apply_recut(json.loads(row["stories"]), stories, members, merges)
            self._recuts_replayed = row["seq"]

    def _caught_up(self, conn: sqlite3.Connection) -> OnlineClusterer:
        """The clusterer with every stored article replayed (call inside a write txn)."""
        fresh = self._clusterer is None
        if self._clusterer is None:
            self._clusterer, self._replayed, self._recuts_replayed = self._new_clusterer(), 0, 0
        clusterer = self._clusterer
        count = 0
        started = time.perf_counter()
        for row in self._signal_rows(conn, self._replayed):
            self._replay_recuts(conn, clusterer, self._replayed)
            self._replay_one(clusterer, row)
            self._replayed = row["seq"]
            count += 1
        self._replay_recuts(conn, clusterer, self._replayed)
        if count:
            logger.info("replayed %d article(s) in %.2f s", count, time.perf_counter() - started)
        if fresh and count:
            self._verify(conn, clusterer)
        return clusterer

    def _verify(self, conn: sqlite3.Connection, clusterer: OnlineClusterer) -> None:
        stored = dict(conn.execute("SELECT article_id, story_id FROM memberships").fetchall())
        if clusterer.snapshot().story_of() != stored:
            self._clusterer = None
            raise StoreError(
                f"{self.path}: the stored stories differ from what the current clustering "
                "code and settings give (they changed since the articles were ingested); "
                f"rebuild the stories with `newsprism recluster --db {self.path}` "
                "(articles, annotations and briefs are kept)"
            )

    def recluster(self) -> int:
        """Rebuild every story by replaying the stored articles through a fresh clusterer.

        For a store whose stories were made by other clustering code or settings. Story
        and membership times are the articles' ingest times; briefs stay stored (they are
        keyed by member set and reused when a story has the same members again).

        Returns:
            The number of stories.
        """
        with self._ingest_lock, self._write() as conn:
            self._clusterer = None
            conn.execute("DELETE FROM memberships")
            conn.execute("DELETE FROM merges")
            conn.execute("DELETE FROM recuts")
            conn.execute("DELETE FROM stories")
            conn.execute("DELETE FROM meta WHERE key = 'refined_seq'")
            clusterer, last = self._new_clusterer(), 0
            tally = _Tally()
            try:
                for row in self._signal_rows(conn, 0).fetchall():
                    article = Article(
                        id=row["id"],
                        outlet="",
                        text=row["text"],
                        title=row["title"],
                        published=row["published"],
                    )
                    assignment = self._replay_one(clusterer, row)
                    self._apply(conn, article, assignment, row["ingested_at"], tally)
                    last = row["seq"]
                self._clusterer, self._replayed, self._recuts_replayed = clusterer, last, 0
                self._refine(conn, clusterer, 0, tally)
                self._mark_refined(conn)
            except BaseException:
                self._clusterer = None
                raise
            return len(clusterer.snapshot().stories)

    def clustering(self) -> tuple[StoryMembers, ...]:
        """Every current story with its article ids in arrival order (for evaluation)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT m.story_id, m.article_id FROM memberships m JOIN articles a "
                "ON a.id = m.article_id ORDER BY a.seq"
            ).fetchall()
        members: dict[str, list[str]] = {}
        for story, article in rows:
            members.setdefault(story, []).append(article)
        return tuple(StoryMembers(s, tuple(ids)) for s, ids in members.items())

    # ------------------------------------------------------------ stories and articles

    def _resolve(self, conn: sqlite3.Connection, story_id: str) -> str:
        """The story's id, or the id of the story it was merged into."""
        current, hops = story_id, 0
        while True:
            row = conn.execute(
                "SELECT merged_into FROM stories WHERE id = ?", (current,)
            ).fetchone()
            if row is None:
                raise UnknownStoryError(
                    f"no story {story_id!r} in {self.path}; list the stories with "
                    f"`newsprism stories --db {self.path}`"
                )
            if row[0] is None or hops > 100:
                return current
            current, hops = row[0], hops + 1

    def resolve_story(self, story_id: str) -> str:
        """The id a story has now: its own, or that of the story it was merged into.

        Raises:
            UnknownStoryError: no such story.
        """
        with self._read() as conn:
            return self._resolve(conn, story_id)

    def _filters(
        self,
        since: datetime | None,
        until: datetime | None,
        outlet: str | None,
        query: str | None,
    ) -> tuple[str, list[Any]]:
        clauses, params = ["s.merged_into IS NULL"], []
        if since is not None:
            clauses.append("s.updated >= ?")
            params.append(_iso(since))
        if until is not None:
            clauses.append("s.updated <= ?")
            params.append(_iso(until))
        if outlet:
            clauses.append(
                "EXISTS (SELECT 1 FROM memberships m JOIN articles a ON a.id = m.article_id "
                "WHERE m.story_id = s.id AND a.outlet = ?)"
            )
            params.append(outlet)
        if query and query.strip():
            clauses.append(
                "s.id IN (SELECT m.story_id FROM article_search f JOIN articles a "
                "ON a.seq = f.rowid JOIN memberships m ON m.article_id = a.id "
                "WHERE article_search MATCH ?)"
            )
            params.append(_fts_query(query))
        return " AND ".join(clauses), params

    def stories(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        outlet: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[StorySummary]:
        """Stories, most recently updated first.

        Args:
            since: only stories that grew at or after this time.
            until: only stories last updated at or before this time.
            outlet: only stories with an article from this outlet.
            query: only stories with an article whose title or text has every word.
            limit: at most this many.
            offset: skip this many first (paging).
        """
        where, params = self._filters(since, until, outlet, query)
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT s.* FROM stories s WHERE {where} ORDER BY s.updated DESC, s.id "
                "LIMIT ? OFFSET ?",
                (*params, limit, offset),
            ).fetchall()
            outlets = self._outlets(conn, [row["id"] for row in rows])
        return [self._summary(row, outlets.get(row["id"], ())) for row in rows]

    def count_stories(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        outlet: str | None = None,
        query: str | None = None,
    ) -> int:
        """How many stories :meth:`stories` would list without a limit."""
        where, params = self._filters(since, until, outlet, query)
        row = (
            self._connection()
            .execute(f"SELECT count(*) FROM stories s WHERE {where}", params)
            .fetchone()
        )
        return int(row[0])

    def story(self, story_id: str) -> StorySummary:
        """One story (following merges: an absorbed story's id gives the story it joined).

        Raises:
            UnknownStoryError: no such story.
        """
        with self._read() as conn:
            sid = self._resolve(conn, story_id)
            row = conn.execute("SELECT * FROM stories WHERE id = ?", (sid,)).fetchone()
            outlets = self._outlets(conn, [sid])
        return self._summary(row, outlets.get(sid, ()))

    @staticmethod
    def _outlets(conn: sqlite3.Connection, story_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        found: dict[str, set[str]] = {}
        for chunk in _chunks(list(story_ids), _ID_BATCH):
            rows = conn.execute(
                "SELECT DISTINCT m.story_id, a.outlet FROM memberships m JOIN articles a "
                f"ON a.id = m.article_id WHERE m.story_id IN ({_placeholders(len(chunk))})",
                chunk,
            )
            for story, outlet in rows:
                found.setdefault(story, set()).add(outlet)
        return {s: tuple(sorted(o)) for s, o in found.items()}

    @staticmethod
    def _summary(row: sqlite3.Row, outlets: tuple[str, ...]) -> StorySummary:
        return StorySummary(
            id=row["id"],
            title=row["title"],
            size=row["size"],
            outlets=outlets,
            created=row["created"],
            updated=row["updated"],
            first_published=row["first_published"],
            last_published=row["last_published"],
        )

    def _members(self, conn: sqlite3.Connection, story_id: str) -> list[sqlite3.Row]:
        return conn.execute(
            "SELECT m.article_id, m.joined_at FROM memberships m JOIN articles a "
            "ON a.id = m.article_id WHERE m.story_id = ? ORDER BY a.seq",
            (story_id,),
        ).fetchall()

    def articles(self, story_id: str) -> list[Article]:
        """A story's cleaned articles (text, raw, removed spans, metadata), arrival order.

        Raises:
            UnknownStoryError: no such story.
        """
        with self._read() as conn:
            sid = self._resolve(conn, story_id)
            ids = [row["article_id"] for row in self._members(conn, sid)]
            return self._load_articles(conn, ids)

    def article(self, article_id: str) -> Article:
        """One stored article.

        Raises:
            UnknownArticleError: no such article.
        """
        with self._read() as conn:
            found = self._load_articles(conn, [article_id])
        if not found:
            raise UnknownArticleError(f"no article {article_id!r} in {self.path}")
        return found[0]

    @staticmethod
    def _load_articles(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Article]:
        by_id: dict[str, Article] = {}
        for chunk in _chunks(list(ids), _ID_BATCH):
            rows = conn.execute(
                f"SELECT * FROM articles WHERE id IN ({_placeholders(len(chunk))})", chunk
            )
            for row in rows:
                by_id[row["id"]] = Article(
                    id=row["id"],
                    outlet=row["outlet"],
                    text=row["text"],
                    title=row["title"],
                    url=row["url"],
                    published=row["published"],
                    source=row["source"],
                    raw=row["raw"],
                    removed=tuple(Removal(*r) for r in json.loads(row["removed"])),
                    language=row["language"],
                )
        return [by_id[i] for i in ids if i in by_id]

    def skips(self, limit: int = 100) -> list[Skip]:
        """Recorded skips, most recently seen first."""
        rows = self._connection().execute(
            "SELECT source, reason FROM skips ORDER BY last_seen DESC, id DESC LIMIT ?", (limit,)
        )
        return [Skip(row["source"], row["reason"]) for row in rows]

    def count_articles(self) -> int:
        """How many articles the store holds."""
        return int(self._connection().execute("SELECT count(*) FROM articles").fetchone()[0])

    def count_merges(self) -> int:
        """How many story merges the clusterer has recorded."""
        return int(self._connection().execute("SELECT count(*) FROM merges").fetchone()[0])

    # ------------------------------------------------------------ briefs

    def brief(self, story_id: str, config: Config = DEFAULT_CONFIG) -> Brief:
        """The story's brief: stored when its members are current, else built and stored.

        A build reuses every stored article annotation; only articles never briefed
        before go through spaCy and MiniLM. ``brief.meta`` says which happened.

        Raises:
            UnknownStoryError: no such story.
        """
        with self._read() as conn:
            sid = self._resolve(conn, story_id)
            ids = [row["article_id"] for row in self._members(conn, sid)]
        return self._brief_of(sid, ids, config)

    def _stored_brief(self, story_id: str, ids: Sequence[str], config: Config) -> Brief | None:
        row = (
            self._connection()
            .execute(
                "SELECT brief FROM briefs WHERE story_id = ? AND members_key = ? "
                "AND config_key = ?",
                (story_id, _members_key(ids), _config_key(config)),
            )
            .fetchone()
        )
        return None if row is None else self._load_brief(row["brief"], config)

    def _brief_of(self, story_id: str, ids: Sequence[str], config: Config) -> Brief:
        stored = self._stored_brief(story_id, ids, config)
        if stored is not None:
            return stored
        # One build at a time: spaCy pipelines are not documented as thread-safe, and two
        # requests for the same new brief should build it once.
        with self._brief_lock:
            stored = self._stored_brief(story_id, ids, config)
            return stored if stored is not None else self._build_brief(story_id, ids, config)

    def _build_brief(self, story_id: str, ids: Sequence[str], config: Config) -> Brief:
        from concurrent.futures import ThreadPoolExecutor

        from newsprism.pipeline import Timings, story_from_annotations

        members_key, config_key = _members_key(ids), _config_key(config)
        started = time.perf_counter()
        timings = Timings()
        with self._read() as reading:
            articles = self._load_articles(reading, ids)
        # New articles' embeddings run on this pool while the stages that do not need
        # them (decoding, per-article extraction, quotes, entities) go on.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
            prepared = self._annotations(articles, config, timings, pool)
            # the new annotations' columns but their vectors, while the vectors come in
            encoded = timings.run("encode", _encode_new, prepared)
            scores, kept_scores = timings.run(
                "quotes", self._quote_scores, story_id, prepared.annotations
            )
            _story, brief = story_from_annotations(
                prepared.annotations,
                config,
                timings=timings,
                pending=prepared.pending,
                quote_scores=scores,
            )
            self._save_annotations(_model_key(config), prepared, encoded)
        annotated = len(prepared.pending)
        seconds = time.perf_counter() - started
        built_at = self._now()
        brief = replace(
            brief,
            meta={
                **brief.meta,
                "story_id": story_id,
                "built_at": built_at,
                "articles": len(ids),
                "annotated": annotated,
                "reused": len(ids) - annotated,
                "seconds": round(seconds, 4),
            },
        )
        with self._write() as writing:
            writing.execute(
                "INSERT OR IGNORE INTO briefs (story_id, members_key, config_key, members, "
                "built_at, seconds, annotated, brief, quote_scores) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    story_id,
                    members_key,
                    config_key,
                    json.dumps(list(ids)),
                    built_at,
                    seconds,
                    annotated,
                    _brief_json(brief),
                    kept_scores,
                ),
            )
        logger.info(
            "brief of %s: %d article(s), %d annotated, in %.2f s",
            story_id,
            len(ids),
            annotated,
            seconds,
        )
        return brief

    def _quote_scores(
        self, story_id: str, annotations: Sequence[ArticleAnnotation]
    ) -> tuple[dict[QuotePair, float] | None, str | None]:
        """The quote match scores of the story's articles, and their stored form.

        Scoring every pair of quotes is most of grouping them, and a score depends on its
        two quotes only. The story's last brief kept the scores of every pair of its
        articles; they are reused for the articles whose quotes (and the scoring code,
        :func:`~newsprism.quotes.match_version`) are unchanged, and only the pairs with
        another article are scored now: a story that gains an article scores that
        article's quotes against the others.

        Returns:
            Every nonzero score of the story's speaker-compatible quote pairs (``None``
            when an annotation has no quotes extracted: the grouping scores then), and
            the JSON kept with the brief.
        """
        from newsprism.quotes import quote_match_scores

        if any(a.quotes is None for a in annotations):
            return None, None
        digests = {a.article.id: _quotes_digest(a.quotes or ()) for a in annotations}
        row = (
            self._connection()
            .execute(
                "SELECT quote_scores FROM briefs WHERE story_id = ? AND quote_scores IS NOT "
                "NULL ORDER BY id DESC LIMIT 1",
                (story_id,),
            )
            .fetchone()
        )
        scores: dict[QuotePair, float] = {}
        kept: set[str] = set()
        if row is not None:
            stored = json.loads(row[0])
            kept = {i for i, digest in stored["digests"].items() if digests.get(i) == digest}
            scores = {
                ((a, i), (b, j)): score
                for a, i, b, j, score in stored["scores"]
                if a in kept and b in kept
            }
        ids = list(digests)
        todo = [
            (x, y) for n, x in enumerate(ids) for y in ids[n:] if x not in kept or y not in kept
        ]
        scores.update(quote_match_scores({a.article.id: a.quotes or () for a in annotations}, todo))
        plain = {
            "digests": digests,
            "scores": [[a, i, b, j, score] for ((a, i), (b, j)), score in sorted(scores.items())],
        }
        return scores, json.dumps(plain, ensure_ascii=False)

    def _load_brief(self, text: str, config: Config) -> Brief:
        from newsprism.plain import from_plain

        plain = json.loads(text)
        stored_ids = plain["story"]["articles"]
        plain["story"]["articles"] = []
        brief: Brief = from_plain(Brief, plain)
        with self._read() as conn:
            articles = {a.id: a for a in self._load_articles(conn, stored_ids)}
            sentences = self._stored_sentences(conn, stored_ids, _model_key(config))
        annotated = tuple(replace(articles[i], sentences=sentences.get(i, ())) for i in stored_ids)
        return replace(brief, story=replace(brief.story, articles=annotated))

    @staticmethod
    def _stored_sentences(
        conn: sqlite3.Connection, ids: Sequence[str], model_key: str
    ) -> dict[str, tuple[Sentence, ...]]:
        from newsprism.plain import from_plain

        out: dict[str, tuple[Sentence, ...]] = {}
        for chunk in _chunks(list(ids), _ID_BATCH):
            rows = conn.execute(
                "SELECT article_id, sentences FROM annotations WHERE model_key = ? AND "
                f"article_id IN ({_placeholders(len(chunk))})",
                (model_key, *chunk),
            )
            for row in rows:
                out[row[0]] = from_plain(tuple[Sentence, ...], json.loads(row[1]))
        return out

    def _annotations(
        self, articles: Sequence[Article], config: Config, timings: Any, pool: Any
    ) -> _Prepared:
        """Each article's annotation: stored ones decoded, missing ones made.

        New articles are parsed first; each one's embedding then runs on ``pool`` while
        the stored annotations are decoded and the new ones' per-article extractions are
        made (neither needs the vectors). The timeline's time expressions are dated
        against the story's reference here, and the dates kept with the annotation, so
        dateparser runs only for an article that meets a new reference.
        """
        from newsprism.nlp import load_spacy
        from newsprism.pipeline import with_extractions

        key = _model_key(config)
        by_id = {a.id: a for a in articles}
        rows = self._annotation_rows(list(by_id), key)
        todo = [a for a in articles if a.id not in rows]
        parsed, pending = self._parse_new(todo, config, timings, pool)
        vocab = load_spacy(config.spacy_model, parse=True).vocab

        def load() -> dict[str, ArticleAnnotation]:
            return {i: _decode_annotation(r, by_id[i], vocab) for i, r in rows.items()}

        cached = timings.run("load", load)
        # rows stored before the schema had every per-article extraction
        stale = {i for i, a in cached.items() if _unextracted(a)}
        made = timings.run(
            "extract",
            lambda: [with_extractions(a) for a in (*parsed, *(cached[i] for i in stale))],
        )
        cached.update((a.article.id, a) for a in made)
        redated = timings.run("timeline dates", _date_times, [cached[a.id] for a in articles])
        cached.update((a.article.id, a) for a in redated)
        changed = stale | {a.article.id for a in redated}
        return _Prepared(
            annotations=tuple(cached[a.id] for a in articles),
            pending=pending,
            updated=tuple(cached[i] for i in changed if i in rows),
        )

    def _annotation_rows(self, ids: Sequence[str], key: str) -> dict[str, sqlite3.Row]:
        found: dict[str, sqlite3.Row] = {}
        with self._read() as conn:
            for chunk in _chunks(list(ids), _ID_BATCH):
                rows = conn.execute(
                    "SELECT * FROM annotations WHERE model_key = ? AND "
                    f"article_id IN ({_placeholders(len(chunk))})",
                    (key, *chunk),
                ).fetchall()
                found.update((row["article_id"], row) for row in rows)
        return found

    @staticmethod
    def _parse_new(
        todo: Sequence[Article], config: Config, timings: Any, pool: Any
    ) -> tuple[list[ArticleAnnotation], dict[str, Callable[[], np.ndarray]]]:
        """spaCy annotation of the new articles, their embeddings queued on ``pool``
        (:func:`newsprism.pipeline.annotate_pending`)."""
        from newsprism.pipeline import annotate_pending

        if not todo:
            return [], {}
        annotations, pending = annotate_pending(todo, config, pool, timings=timings)
        return list(annotations), pending

    def _save_annotations(
        self, key: str, prepared: _Prepared, encoded: Mapping[str, _Columns] | None = None
    ) -> None:
        """Store the new annotations (with their vectors), and the per-article extractions
        of the stored ones that changed. ``encoded``: the new annotations' columns made
        ahead (:func:`_encode_new`), their vectors aside."""
        import numpy as np

        new = [
            replace(a, embeddings=prepared.pending[a.article.id]())
            for a in prepared.annotations
            if a.article.id in prepared.pending
        ]

        def columns(a: ArticleAnnotation) -> _Columns:
            if encoded is None or a.article.id not in encoded:
                return _encode_annotation(a)
            made = encoded[a.article.id]
            vectors = np.ascontiguousarray(a.embeddings, dtype=np.float32).tobytes()
            return (*made[:3], vectors, *made[4:])  # type: ignore[return-value]

        if not new and not prepared.updated:
            return
        now = self._now()
        with self._write() as conn:
            if prepared.updated:
                conn.executemany(
                    "UPDATE annotations SET framing = ?, times = ?, roster = ? "
                    "WHERE article_id = ? AND model_key = ?",
                    [(*_extraction_columns(a), a.article.id, key) for a in prepared.updated],
                )
            if new:
                conn.executemany(
                    _INSERT_ANNOTATION,
                    [(a.article.id, key, *columns(a), now) for a in new],
                )

    # ------------------------------------------------------------ batches of briefs

    def unannotated(
        self, config: Config = DEFAULT_CONFIG, story_ids: Sequence[str] | None = None
    ) -> list[str]:
        """Stored articles (of the given stories; default: all) without an annotation for
        this configuration's models, in arrival order."""
        key = _model_key(config)
        with self._read() as conn:
            if story_ids is None:
                rows = conn.execute(
                    "SELECT a.id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM annotations "
                    "n WHERE n.article_id = a.id AND n.model_key = ?) ORDER BY a.seq",
                    (key,),
                ).fetchall()
                return [row[0] for row in rows]
            wanted: dict[str, None] = {}
            for story in story_ids:
                sid = self._resolve(conn, story)
                wanted.update((row["article_id"], None) for row in self._members(conn, sid))
        done = self._annotation_rows(list(wanted), key)
        return [i for i in wanted if i not in done]

    def annotate(
        self,
        config: Config = DEFAULT_CONFIG,
        *,
        story_ids: Sequence[str] | None = None,
        annotator: Annotator | None = None,
        group: int = 16,
        progress: IngestProgress | None = None,
    ) -> int:
        """Annotate every stored article that has no annotation yet (of the given stories;
        default: all), so that briefs then only align and compose.

        Args:
            annotator: annotates the groups (e.g. :class:`newsprism.scale.RayPool`); by
                default :func:`annotation_rows` here, one group at a time.
            group: articles per group (and per transaction).
            progress: called with ``(done, total)`` articles.

        Returns:
            The number of articles annotated.
        """
        if group < 1:
            raise ValueError(f"group must be positive, got {group}")
        notify = progress or (lambda _done, _total: None)
        todo = self.unannotated(config, story_ids)
        notify(0, len(todo))
        if not todo:
            return 0
        with self._read() as conn:
            groups = [self._load_articles(conn, ids) for ids in _chunks(todo, group)]
        made = (
            annotator.map_annotations(groups, config)
            if annotator is not None
            else (annotation_rows(g, config) for g in groups)
        )
        key, done = _model_key(config), 0
        for rows in made:
            now = self._now()
            with self._write() as conn:
                conn.executemany(
                    _INSERT_ANNOTATION,
                    [(article_id, key, *columns, now) for article_id, columns in rows],
                )
            done += len(rows)
            notify(done, len(todo))
        return done

    def build_briefs(
        self,
        story_ids: Sequence[str] | None = None,
        config: Config = DEFAULT_CONFIG,
        *,
        progress: IngestProgress | None = None,
    ) -> list[Brief]:
        """The brief of every given story (default: every story), built where it is not
        stored yet; run :meth:`annotate` first to annotate their articles in parallel."""
        ids = (
            list(story_ids)
            if story_ids is not None
            else [s.id for s in self.stories(limit=max(1, self.count_stories()))]
        )
        notify = progress or (lambda _done, _total: None)
        out: list[Brief] = []
        notify(0, len(ids))
        for index, story_id in enumerate(ids, start=1):
            out.append(self.brief(story_id, config))
            notify(index, len(ids))
        return out

    # ------------------------------------------------------------ changes

    def changes(self, story_id: str, since: datetime, config: Config = DEFAULT_CONFIG) -> Changes:
        """What the story's brief holds now that it did not hold at ``since``.

        The story as of ``since`` is the articles that had joined it by then (see the
        module docstring); its brief is built from stored annotations and kept.

        Raises:
            UnknownStoryError: no such story.
        """
        cutoff = _iso(since)
        with self._read() as conn:
            sid = self._resolve(conn, story_id)
            members = self._members(conn, sid)
        ids = [row["article_id"] for row in members]
        before = [row["article_id"] for row in members if row["joined_at"] <= cutoff]
        new = tuple(row["article_id"] for row in members if row["joined_at"] > cutoff)
        if not new:
            return Changes(sid, cutoff, (), (), (), ())
        current = self._brief_of(sid, ids, config)
        fresh = set(new)
        if not before:
            return Changes(
                sid, cutoff, new, current.points, current.story.quotes, current.story.divergences
            )
        old = self._brief_of(sid, before, config)
        return _compare(sid, cutoff, new, fresh, old, current)


# --------------------------------------------------------------------------- briefs


def _brief_json(brief: Brief) -> str:
    """A brief as stored: every record, with its articles as ids (the store has them;
    dumping their texts and sentences only to drop them was most of this)."""
    from newsprism.plain import dump

    plain = dump(replace(brief, story=replace(brief.story, articles=())))
    plain["story"]["articles"] = [a.id for a in brief.story.articles]
    return json.dumps(plain, ensure_ascii=False)


def _quotes_digest(quotes: Sequence[Any]) -> str:
    """What an article's quote match scores depend on: its quotes, and the scoring code."""
    from newsprism.plain import dump
    from newsprism.quotes import match_version

    return content_id("quotes", match_version(), json.dumps(dump(tuple(quotes))))


def _unextracted(annotation: ArticleAnnotation) -> bool:
    return annotation.framing is None or annotation.times is None or annotation.roster is None


def _date_times(annotations: Sequence[ArticleAnnotation]) -> list[ArticleAnnotation]:
    """The annotations whose time expressions had no dates for the story's reference,
    now with them (the story is ``annotations``, in the order the brief sees them)."""
    from newsprism.timeline import reference_of, resolved

    times = {a.article.id: a.times for a in annotations if a.times is not None}
    reference = reference_of([a.article for a in annotations], times)
    out: list[ArticleAnnotation] = []
    for annotation in annotations:
        if annotation.times is None:
            continue
        dated = resolved(annotation.article, annotation.times, reference)
        if dated is not annotation.times:
            out.append(replace(annotation, times=dated))
    return out


def _json_or_null(value: Any) -> str | None:
    from newsprism.plain import dump

    return None if value is None else json.dumps(dump(value), ensure_ascii=False)


def _extraction_columns(annotation: ArticleAnnotation) -> tuple[str | None, str | None, str | None]:
    """The ``framing``, ``times`` and ``roster`` columns."""
    return (
        _json_or_null(annotation.framing),
        _json_or_null(annotation.times),
        _json_or_null(annotation.roster),
    )


_Columns = tuple[str, str, bytes, bytes, str, str, str | None, str | None, str | None]


def _encode_new(prepared: _Prepared) -> dict[str, _Columns]:
    """The columns of the new annotations, their (not yet computed) vectors aside."""
    return {
        a.article.id: _encode_annotation(a)
        for a in prepared.annotations
        if a.article.id in prepared.pending
    }


def _encode_annotation(annotation: ArticleAnnotation) -> _Columns:
    import numpy as np
    from spacy.tokens import DocBin

    from newsprism.plain import dump

    docs = DocBin(store_user_data=False)
    for paragraph in annotation.paragraphs:
        docs.add(paragraph.doc)
    return (
        json.dumps(dump(annotation.article.sentences), ensure_ascii=False),
        json.dumps([p.offset for p in annotation.paragraphs]),
        docs.to_bytes(),
        np.ascontiguousarray(annotation.embeddings, dtype=np.float32).tobytes(),
        json.dumps(dump(annotation.quotes or ()), ensure_ascii=False),
        json.dumps(dump(annotation.quantities or ()), ensure_ascii=False),
        *_extraction_columns(annotation),
    )


def _decode_annotation(row: sqlite3.Row, article: Article, vocab: Any) -> ArticleAnnotation:
    import numpy as np
    from spacy.tokens import DocBin

    from newsprism.divergence import Quantity
    from newsprism.embed import DIMENSION
    from newsprism.entities import RosterEvidence
    from newsprism.model import FramingProfile, Quote
    from newsprism.nlp import ParsedParagraph, paragraphs
    from newsprism.pipeline import ArticleAnnotation
    from newsprism.plain import from_plain
    from newsprism.timeline import ArticleTimes

    def optional(column: str, kind: Any) -> Any:
        value = row[column]
        return None if value is None else from_plain(kind, json.loads(value))

    sentences = from_plain(tuple[Sentence, ...], json.loads(row["sentences"]))
    docs = DocBin().from_bytes(row["docs"]).get_docs(vocab)
    offsets = json.loads(row["offsets"])
    texts = dict(paragraphs(article.text))
    return ArticleAnnotation(
        article=replace(article, sentences=sentences),
        paragraphs=tuple(
            ParsedParagraph(o, d, _paragraph_text(texts.get(o, ""), d))
            for o, d in zip(offsets, docs, strict=True)
        ),
        embeddings=np.frombuffer(row["embeddings"], dtype=np.float32).reshape(-1, DIMENSION),
        quotes=from_plain(tuple[Quote, ...], json.loads(row["quotes"])),
        quantities=from_plain(tuple[Quantity, ...], json.loads(row["quantities"])),
        framing=optional("framing", FramingProfile),
        times=optional("times", ArticleTimes),
        roster=optional("roster", RosterEvidence),
    )


def _paragraph_text(text: str, doc: Any) -> str:
    """``doc.text`` taken from the stored article text (``text``, the paragraph that was
    parsed) rather than rebuilt token by token, which is most of decoding a parse; ``""``
    (rebuild it) when the lengths disagree."""
    if not len(doc):
        return ""
    last = doc[-1]
    return text if len(text) == last.idx + len(last.text_with_ws) else ""


def _cites(spans: Iterable[Span], articles: set[str]) -> bool:
    return any(span.article_id in articles for span in spans)


def _compare(
    story_id: str, cutoff: str, new: tuple[str, ...], fresh: set[str], old: Brief, current: Brief
) -> Changes:
    old_point_spans = {span: point for point in old.points for span in point.citations}
    points, strengthened = [], []
    for point in current.points:
        earlier = [old_point_spans[s] for s in point.citations if s in old_point_spans]
        if not earlier:
            if _cites(point.citations, fresh):
                points.append(point)
        elif point.support > max(p.support for p in earlier):
            strengthened.append(point)
    old_quote_spans = {span for group in old.story.quotes for span in group.citations}
    quotes = [
        group
        for group in current.story.quotes
        if _cites(group.citations, fresh) and not old_quote_spans.intersection(group.citations)
    ]
    divergences = [
        d
        for d in current.story.divergences
        if any(_cites(answer.citations, fresh) for answer in d.answers)
    ]
    return Changes(
        story_id, cutoff, new, tuple(points), tuple(quotes), tuple(divergences), tuple(strengthened)
    )


__all__ = [
    "DEFAULT_DB",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Changes",
    "IngestReport",
    "Store",
    "StoreError",
    "StorySummary",
    "UnknownArticleError",
    "UnknownStoryError",
    "arrival_key",
    "parse_time",
]
