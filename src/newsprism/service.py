"""The HTTP service: the same library functions as the CLI, over a documented JSON API,
plus the web page (``newsprism/web``) that browses stories and follows every citation.

Handlers parse the request, call :mod:`newsprism.store` or :mod:`newsprism.pipeline`,
and format the answer; there is no analysis here. Briefs are ``newsprism.brief/1``
documents from :func:`newsprism.render.json.brief_to_dict`.

Concurrency: read handlers are plain functions that FastAPI runs on its thread pool, each
store call on its own SQLite connection (WAL mode), so reads are not blocked by an
ingest; ingestion runs on one background worker (:mod:`newsprism.jobs`) so there is one
writer at a time. Models load once at startup on a thread of their own, so the health
endpoint answers at once while they load.

Safety: article text and metadata are untrusted. The API returns them only as JSON
strings and the page inserts them as text nodes; a Content-Security-Policy that forbids
inline scripts is sent with every response. Request bodies are size-limited (413 with a
JSON message), uploads are written only inside a fresh temporary folder under sanitised
names, writes can require a token, and CORS is off unless origins are configured.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import datetime
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsprism import SCHEMA_ID, __version__
from newsprism.config import DEFAULT_CONFIG, Config
from newsprism.errors import NewsprismError
from newsprism.jobs import Job, JobManager, JobProgress

if TYPE_CHECKING:
    from newsprism.model import Article, Skip
    from newsprism.store import Store

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_POSTED_ARTICLES = 1000
MODEL_WAIT_SECONDS = 120.0
JOB_NICENESS = 10  # ingest jobs yield the CPU to request threads
TOKEN_ENV = "NEWSPRISM_TOKEN"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


# ---------------------------------------------------------------------------------------
# Response and request models (OpenAPI). The brief models mirror brief.schema.json; extra
# keys (sections added later, such as omissions and framing) pass through.
# ---------------------------------------------------------------------------------------


class SpanOut(BaseModel):
    """A citation: characters [start, end) of the cleaned text of one article."""

    article_id: str
    start: int
    end: int


class RemovalOut(BaseModel):
    """A cut of boilerplate; offsets index the article's raw text."""

    start: int
    end: int
    reason: str
    text: str


class ArticleOut(BaseModel):
    """A cleaned article: every citation's offsets index its ``text``."""

    model_config = ConfigDict(extra="allow")
    id: str
    outlet: str
    title: str | None
    url: str | None
    published: str | None
    source: str | None
    text: str
    removed: list[RemovalOut]


class PointOut(BaseModel):
    text: str
    support: int
    outlets: list[str]
    score: float
    citations: list[SpanOut]


class UniqueOut(BaseModel):
    outlet: str
    text: str
    citations: list[SpanOut]


class SpeakerOut(BaseModel):
    name: str | None
    role: str | None
    citation: SpanOut | None


class QuoteVariantOut(BaseModel):
    outlet: str
    text: str
    citation: SpanOut
    direct: bool = True  # False: the outlet reports the words, with the cue span below
    cue: SpanOut | None = None


class QuoteOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str
    speaker: SpeakerOut
    direct: bool
    outlets: list[str]
    citations: list[SpanOut]
    variants: list[QuoteVariantOut]


class RoleOut(BaseModel):
    text: str
    citations: list[SpanOut]


class EntityOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    kind: str
    aliases: list[str]
    roles: list[RoleOut]
    mentions: int
    mentions_by_outlet: dict[str, int]
    citations: list[SpanOut]


class AnswerOut(BaseModel):
    outlet: str
    text: str
    value: str | None
    citations: list[SpanOut]


class DivergenceOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: str
    question: str
    conflict: bool
    answers: list[AnswerOut]


class EventOut(BaseModel):
    date: str
    precision: str
    text: str
    scheduled: bool
    outlets: list[str]
    citations: list[SpanOut]


class SkipOut(BaseModel):
    """An input that did not become an article, and why."""

    source: str
    reason: str


class BriefOut(BaseModel):
    """A ``newsprism.brief/1`` document (schema: ``schema/brief.schema.json``)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    schema_id: str = Field(alias="schema", examples=[SCHEMA_ID])
    generator: str
    words: int
    outlets: list[str]
    articles: list[ArticleOut]
    skipped: list[SkipOut]
    points: list[PointOut]
    unique: list[UniqueOut]
    quotes: list[QuoteOut]
    divergences: list[DivergenceOut]
    entities: list[EntityOut]
    timeline: list[EventOut]
    meta: dict[str, Any]


class StoryOut(BaseModel):
    """One stored story: its size, outlets and when it was created and last updated."""

    id: str
    title: str
    size: int
    outlets: list[str]
    created: str
    updated: str
    first_published: str | None
    last_published: str | None


class StoryListOut(BaseModel):
    total: int = Field(description="Stories matching the filters (for paging).")
    limit: int
    offset: int
    stories: list[StoryOut]


class StoryArticlesOut(BaseModel):
    story_id: str
    articles: list[ArticleOut]


class ChangesOut(BaseModel):
    """What a story gained since a time: new articles, points, quotes and divergences."""

    story_id: str
    since: str
    new_articles: list[str]
    points: list[PointOut]
    quotes: list[QuoteOut]
    divergences: list[DivergenceOut]
    strengthened: list[PointOut] = Field(
        default_factory=list, description="Points now carried by more independent outlets."
    )


class IngestReportOut(BaseModel):
    read: int
    new_articles: int
    duplicates: int
    new_stories: list[str]
    updated_stories: list[str]
    skipped: list[SkipOut]


class JobOut(BaseModel):
    """A background job: poll ``GET /api/jobs/{id}`` until ``state`` is done or failed."""

    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed"]
    stage: str
    done: int
    total: int
    created: str
    started: str | None
    finished: str | None
    result: IngestReportOut | None
    error: str | None
    url: str


class HealthOut(BaseModel):
    status: Literal["ok", "starting", "degraded"]
    models: Literal["loading", "ready", "failed"]
    error: str | None = None
    version: str
    jobs_active: int
    write_token_required: bool


class VersionOut(BaseModel):
    version: str
    schema_id: str = Field(alias="schema")
    model_config = ConfigDict(populate_by_name=True)


class ErrorOut(BaseModel):
    detail: str


class ArticleIn(BaseModel):
    """An article as posted: the same fields as a ``.json`` article file."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="The article text (it is cleaned on ingest).")
    title: str | None = None
    url: str | None = None
    outlet: str | None = Field(None, description="Else the URL's domain, else a placeholder.")
    published: str | None = Field(None, description="A date or time; parsed with dateparser.")


class ArticlesIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_POSTED_ARTICLES)


class BriefIn(ArticlesIn):
    words: int | None = Field(None, ge=10, le=10_000, description="Word budget of the brief.")


# ---------------------------------------------------------------------------------------
# Small pieces of plumbing
# ---------------------------------------------------------------------------------------


class ModelLoader:
    """Loads the models once on a thread of its own; callers wait with a time limit.

    The health endpoint reads the state without waiting, so a slow or failed load never
    makes the service look dead; work that needs the models waits (or fails with the
    loader's error, e.g. the command that installs a missing model).
    """

    def __init__(self, config: Config, load: Callable[[Config], None] | None) -> None:
        self._config = config
        self._load = load
        self._done = threading.Event()
        self.state: Literal["loading", "ready", "failed"] = "loading"
        self.error: str | None = None

    def start(self) -> None:
        if self._load is None:  # nothing to preload: models load lazily on first use
            self.state = "ready"
            self._done.set()
            return
        threading.Thread(target=self._run, name="newsprism-warm-up", daemon=True).start()

    def _run(self) -> None:
        assert self._load is not None
        try:
            self._load(self._config)
            self.state = "ready"
            logger.info("models ready")
        except Exception as error:  # reported by /api/health and by every job
            logger.exception("loading the models failed")
            self.error, self.state = str(error), "failed"
        finally:
            self._done.set()

    def wait(self, timeout: float = MODEL_WAIT_SECONDS) -> None:
        """Block until the models are loaded.

        Raises:
            NewsprismError: the models failed to load, or are still loading after
                ``timeout`` seconds.
        """
        if not self._done.wait(timeout):
            raise ModelsNotReady("the models are still loading; retry in a few seconds")
        if self.state == "failed":
            raise ModelsNotReady(f"the models failed to load: {self.error}")


class ModelsNotReady(NewsprismError):
    """Work that needs the models arrived before they were loaded (HTTP 503)."""


class JSONCache:
    """An LRU of serialised JSON documents keyed on (kind, story id, story update), bounded
    by total size.

    Keys include the story's last-update time, so an ingest that changes a story makes its
    old entries unreachable; they age out of the LRU.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._items: OrderedDict[tuple[str, ...], bytes] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def get_or_make(self, key: tuple[str, ...], make: Callable[[], Any]) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        body = json.dumps(make(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with self._lock:
            if key not in self._items:
                self._items[key] = body
                self._bytes += len(body)
            while self._bytes > self._max_bytes and len(self._items) > 1:
                _old, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)
        return body


class SecurityHeaders:
    """ASGI middleware adding the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + list(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(StarletteHTTPException):
    """A request body went over the limit while it was being read."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, too_large_message(max_bytes))


class BodySizeLimit:
    """ASGI middleware limiting request bodies, with a JSON 413 that says the limit and
    what to do.

    A declared Content-Length over the limit is answered before anything is read; a body
    without one (chunked) is counted as it streams, and the handler reading it gets
    :class:`BodyTooLarge`, an HTTP exception FastAPI turns into the same JSON answer.
    (Starlette's own limiter answers in plain text, hence this one.)
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            response = JSONResponse({"detail": too_large_message(self.max_bytes)}, 413)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, send)


def too_large_message(max_bytes: int) -> str:
    return (
        f"the request body is larger than this service's limit of {max_bytes:,} bytes; "
        "send fewer or smaller files per request, or start the service with a larger "
        "--max-body-mb"
    )


def parse_time(value: str | None) -> datetime | None:
    """A time from a query parameter, read as the CLI reads it (ISO, or "2 hours ago").

    Raises:
        InputError: not a time (answered as 422 with the accepted forms).
    """
    if value is None or not value.strip():
        return None
    from newsprism.store import parse_time as store_parse_time

    return store_parse_time(value)


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_upload_name(name: str | None) -> str:
    """A file name without any folder part or unusual character, never hidden or empty.

    The extension survives (it chooses the reader); the rest of the stem survives as
    far as it is plain, since readers fall back to it for the outlet name.
    """
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = _UNSAFE_NAME.sub("_", base).lstrip(".")[-150:].lstrip(".")
    return base or "upload"


def save_uploads(uploads: Sequence[UploadFile], folder: Path) -> list[Path]:
    """Write each upload to ``folder/NNN/<sanitised name>`` and return the paths.

    A numbered subfolder per upload keeps names distinct without renaming the files
    (the stem may be the outlet name). Every path is checked to lie inside ``folder``.
    """
    root = folder.resolve()
    written: list[Path] = []
    for index, upload in enumerate(uploads):
        target = (root / f"{index:04d}" / safe_upload_name(upload.filename)).resolve()
        if root not in target.parents:  # cannot happen after sanitising; never trust it
            raise HTTPException(400, f"rejected upload name {upload.filename!r}")
        target.parent.mkdir()
        with target.open("xb") as out:
            shutil.copyfileobj(upload.file, out, length=1024 * 1024)
        written.append(target)
    return written


def articles_from_posted(posted: Sequence[ArticleIn]) -> tuple[list[Article], list[Skip]]:
    """Posted article objects through the same reader as ``.json`` article files."""
    from newsprism.ingest.jsonfmt import read_record

    articles: list[Article] = []
    skipped: list[Skip] = []
    for index, item in enumerate(posted):
        result = read_record(item.model_dump(exclude_none=True), f"posted article {index + 1}")
        articles.extend(result.articles)
        skipped.extend(result.skipped)
    return articles, skipped


def report_to_dict(report: Any, upload_root: Path | None = None) -> dict[str, Any]:
    """An ``IngestReport`` as JSON; upload temp paths in skips read as ``upload/NAME``."""
    plain: dict[str, Any] = report.to_dict()
    if upload_root is not None:
        prefix = re.compile(re.escape(str(upload_root)) + r"/\d+/")
        for skip in plain["skipped"]:
            skip["source"] = prefix.sub("upload/", skip["source"])
    return plain


def job_out(job: Job) -> JobOut:
    return JobOut(**asdict(job), url=f"/api/jobs/{job.id}")


# ---------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------


class ServiceState:
    """Everything the handlers share: the store, the job runner, the model loader."""

    def __init__(
        self, db_path: Path, config: Config, token: str | None, warm: bool
    ) -> None:
        from newsprism import pipeline

        self.db_path = db_path
        self.config = config
        self.token = token or None
        self.models = ModelLoader(config, pipeline.warm_up if warm else None)
        self.jobs = JobManager(before_each=self.models.wait, nice=JOB_NICENESS)
        self.cache = JSONCache()
        self.brief_lock = threading.Lock()  # one ad-hoc brief at a time: each uses every core
        self._story_locks: dict[str, threading.Lock] = {}
        self._story_locks_guard = threading.Lock()
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise HTTPException(503, "the store is not open yet; retry in a moment")
        return self._store

    def open(self) -> None:
        from newsprism.store import Store

        self._store = Store(self.db_path)
        self.models.start()

    def brief_json(self, story_id: str) -> bytes:
        """The story's ``brief/1`` document, serialised (cached per story update).

        A stale stored brief is rebuilt by the store; one build per story at a time, so
        a burst of requests for a story that just grew does not build it many times.
        """
        from newsprism.render.json import brief_to_dict

        summary = self.store.story(story_id)

        def build() -> dict[str, Any]:
            with self._story_lock(summary.id):
                return brief_to_dict(self.store.brief(summary.id, config=self.config))

        return self.cache.get_or_make(("brief", summary.id, summary.updated), build)

    def articles_json(self, story_id: str) -> bytes:
        """The story's cleaned articles as ``{story_id, articles}`` (cached per update)."""
        from newsprism.render.json import article_to_dict

        summary = self.store.story(story_id)
        return self.cache.get_or_make(
            ("articles", summary.id, summary.updated),
            lambda: {
                "story_id": summary.id,
                "articles": [article_to_dict(a) for a in self.store.articles(summary.id)],
            },
        )

    def _story_lock(self, story_id: str) -> threading.Lock:
        with self._story_locks_guard:
            return self._story_locks.setdefault(story_id, threading.Lock())

    def ingest_job(self, ingest: Callable[[JobProgress], Any], upload_root: Path | None) -> Any:
        """The work of an ingest job: ingest, then brief every story it created or grew.

        Briefing here, on the job's thread, means readers find those briefs stored (and
        serialised) instead of building them inside a request.
        """

        def work(progress: JobProgress) -> dict[str, Any]:
            report = ingest(progress)
            touched = [*report.new_stories, *report.updated_stories]
            progress.stage("brief", len(touched))
            for done, story_id in enumerate(touched, start=1):
                try:
                    self.brief_json(story_id)
                except KeyError:  # merged away by a later group of the same ingest
                    pass
                progress(done, len(touched))
            return report_to_dict(report, upload_root=upload_root)

        return work

    def close(self) -> None:
        self.jobs.shutdown()
        if self._store is not None:
            self._store.close()


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.newsprism
    return state


State = Annotated[ServiceState, Depends(_state)]
_bearer = HTTPBearer(auto_error=False, description="Needed by write endpoints when set.")


def _require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    expected = _state(request).token
    if expected is None:
        return
    given = credentials.credentials if credentials else request.headers.get("x-newsprism-token")
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            401,
            "this endpoint needs the service's API token: send 'Authorization: Bearer TOKEN' "
            f"(the token given to 'newsprism serve --token' or in ${TOKEN_ENV})",
            headers={"WWW-Authenticate": "Bearer"},
        )


WRITE = [Depends(_require_token)]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such story, article or job."},
    422: {"model": ErrorOut, "description": "A parameter or the body is invalid."},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "The API token is missing or wrong."},
    413: {"model": ErrorOut, "description": "The request body is over the size limit."},
    422: {"model": ErrorOut, "description": "The body is invalid."},
}


def _not_found(error: Exception) -> bool:
    return isinstance(error, KeyError) or "NotFound" in type(error).__name__


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    cors_origins: Sequence[str] = (),
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    config: Config = DEFAULT_CONFIG,
    warm_models: bool = True,
) -> FastAPI:
    """The newsprism service on the store at ``db_path`` (created if missing).

    Args:
        db_path: the SQLite store (``newsprism ingest`` builds one).
        token: when set, write endpoints (ingest) need ``Authorization: Bearer TOKEN``.
        cors_origins: origins allowed to call the API from a browser; none by default.
        max_body_bytes: the largest request body accepted (413 above it).
        config: the analysis settings, as for the CLI.
        warm_models: load the models at startup (off only for tests that need no model).
    """
    state = ServiceState(Path(db_path), config, token, warm_models)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state.open()
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="newsprism",
        version=__version__,
        summary="Evidence-linked multi-outlet news briefs: every point traced to its source.",
        description=(
            "Stories, their evidence-linked briefs (`newsprism.brief/1`), their articles and "
            "what changed, plus ingestion as background jobs. Every citation is a span "
            "`{article_id, start, end}` into the cleaned text of one article."
        ),
        lifespan=lifespan,
        docs_url=None,  # the interactive docs load scripts from a CDN; the spec is enough
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.newsprism = state
    _add_error_handlers(app)
    app.include_router(_api_router(), prefix="/api")
    _mount_web(app)
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Newsprism-Token"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewsprismError)
    async def newsprism_error(request: Request, error: NewsprismError) -> JSONResponse:
        if isinstance(error, ModelsNotReady):
            return JSONResponse({"detail": str(error)}, 503, headers={"Retry-After": "5"})
        if _not_found(error):  # the store's message names its file and a CLI command
            params = request.path_params
            what = (
                f"story {params['story_id']!r}" if "story_id" in params
                else f"article {params.get('article_id', '')!r}"
            )
            return JSONResponse(
                {"detail": f"no {what} in this store; GET /api/stories lists the stories"}, 404
            )
        return JSONResponse({"detail": str(error)}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, error.status_code, headers=error.headers)


def _mount_web(app: FastAPI) -> None:
    web = files("newsprism") / "web"
    index = Path(str(web / "index.html"))
    app.mount("/static", StaticFiles(directory=str(web)), name="static")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(index, headers={"Cache-Control": "no-cache"})


def _api_router() -> Any:
    from fastapi import APIRouter

    api = APIRouter()

    @api.get("/health", response_model=HealthOut, tags=["service"])
    def health(state: State) -> HealthOut:
        """Answers at once, also while the models load (``models: loading``)."""
        status = {"ready": "ok", "loading": "starting", "failed": "degraded"}[state.models.state]
        return HealthOut(
            status=status,  # type: ignore[arg-type]
            models=state.models.state,
            error=state.models.error,
            version=__version__,
            jobs_active=state.jobs.active(),
            write_token_required=state.token is not None,
        )

    @api.get("/version", response_model=VersionOut, tags=["service"])
    def version() -> VersionOut:
        return VersionOut(version=__version__, schema=SCHEMA_ID)

    @api.get("/stories", response_model=StoryListOut, responses=ERRORS, tags=["stories"])
    def list_stories(
        state: State,
        q: Annotated[str | None, Query(max_length=500, description="Text search.")] = None,
        since: Annotated[str | None, Query(description="Updated at or after (ISO).")] = None,
        until: Annotated[str | None, Query(description="Updated at or before (ISO).")] = None,
        outlet: Annotated[str | None, Query(max_length=300)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> StoryListOut:
        """Stories, newest-updated first, filtered by text, update time and outlet."""
        after, before = parse_time(since), parse_time(until)
        query = q.strip() if q and q.strip() else None
        stories = state.store.stories(
            since=after, until=before, outlet=outlet or None, query=query,
            limit=limit, offset=offset,
        )
        total = state.store.count_stories(
            since=after, until=before, outlet=outlet or None, query=query
        )
        return StoryListOut(
            total=total,
            limit=limit,
            offset=offset,
            stories=[StoryOut(**s.to_dict()) for s in stories],
        )

    @api.get("/stories/{story_id}", response_model=StoryOut, responses=ERRORS, tags=["stories"])
    def story(state: State, story_id: str) -> StoryOut:
        return StoryOut(**state.store.story(story_id).to_dict())

    @api.get(
        "/stories/{story_id}/brief", response_model=BriefOut, responses=ERRORS, tags=["stories"]
    )
    def story_brief(state: State, story_id: str) -> Response:
        """The story's brief as a ``newsprism.brief/1`` document."""
        return Response(state.brief_json(story_id), media_type="application/json")

    @api.get(
        "/stories/{story_id}/articles",
        response_model=StoryArticlesOut,
        responses=ERRORS,
        tags=["stories"],
    )
    def story_articles(state: State, story_id: str) -> Response:
        """The story's cleaned articles: citations index ``text``; ``removed`` lists the
        boilerplate cut from the raw text, with reasons."""
        return Response(state.articles_json(story_id), media_type="application/json")

    @api.get(
        "/stories/{story_id}/changes",
        response_model=ChangesOut,
        responses=ERRORS,
        tags=["stories"],
    )
    def story_changes(
        state: State,
        story_id: str,
        since: Annotated[str, Query(description="ISO date or time.")],
    ) -> dict[str, Any]:
        """Articles, points, quotes and divergences new in the story since ``since``."""
        moment = parse_time(since)
        if moment is None:
            raise HTTPException(422, "since is empty; give an ISO date or time")
        changes: dict[str, Any] = state.store.changes(story_id, moment, state.config).to_dict()
        return changes

    @api.get("/articles/{article_id}", response_model=ArticleOut, responses=ERRORS, tags=["stories"])
    def article(state: State, article_id: str) -> dict[str, Any]:
        from newsprism.render.json import article_to_dict

        return article_to_dict(state.store.article(article_id))

    @api.get("/skips", response_model=list[SkipOut], tags=["stories"])
    def skips(state: State, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[SkipOut]:
        """Inputs that did not become articles, with the reason (most recent first)."""
        return [SkipOut(source=s.source, reason=s.reason) for s in state.store.skips(limit=limit)]

    @api.post(
        "/ingest",
        response_model=JobOut,
        status_code=202,
        dependencies=WRITE,
        responses=WRITE_ERRORS,
        tags=["ingest"],
    )
    def ingest_json(state: State, body: ArticlesIn) -> JobOut:
        """Store posted articles (cleaned, clustered into stories) in a background job."""
        articles, skipped = articles_from_posted(body.articles)

        def ingest(progress: JobProgress) -> Any:
            progress.stage("ingest", len(articles))
            return state.store.ingest_articles(articles, skipped, progress=progress)

        return job_out(state.jobs.submit("ingest-articles", state.ingest_job(ingest, None)))

    @api.post(
        "/ingest/files",
        response_model=JobOut,
        status_code=202,
        dependencies=WRITE,
        responses=WRITE_ERRORS,
        tags=["ingest"],
    )
    def ingest_files(
        state: State,
        files: Annotated[
            list[UploadFile], File(description="Files of any supported format, or archives.")
        ],
    ) -> JobOut:
        """Store uploaded files (any supported format) in a background job.

        The files are written only inside a new temporary folder, under sanitised names,
        and removed when the job ends.
        """
        folder = Path(tempfile.mkdtemp(prefix="newsprism-upload-")).resolve()
        try:
            save_uploads(files, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

        def ingest(progress: JobProgress) -> Any:
            progress.stage("ingest")
            return state.store.ingest_paths([folder], progress=progress)

        job = state.jobs.submit(
            "ingest-files",
            state.ingest_job(ingest, folder),
            cleanup=lambda: shutil.rmtree(folder, ignore_errors=True),
        )
        return job_out(job)

    @api.get("/jobs/{job_id}", response_model=JobOut, responses=ERRORS, tags=["ingest"])
    def job(state: State, job_id: str) -> JobOut:
        """A job's state and progress; its result (the ingest report) once done."""
        found = state.jobs.get(job_id)
        if found is None:
            raise HTTPException(404, f"no job {job_id!r} (finished jobs are kept for a while)")
        return job_out(found)

    @api.post(
        "/brief",
        response_model=BriefOut,
        responses={
            413: WRITE_ERRORS[413],
            422: WRITE_ERRORS[422],
            503: {"model": ErrorOut, "description": "The models are still loading."},
        },
        tags=["brief"],
    )
    def adhoc_brief(state: State, body: BriefIn) -> Response:
        """Brief the posted articles as one story, without storing anything."""
        from newsprism import pipeline
        from newsprism.render.json import brief_to_dict

        articles, skipped = articles_from_posted(body.articles)
        if not articles:
            reasons = "; ".join(f"{s.source}: {s.reason}" for s in skipped[:5])
            raise HTTPException(422, f"no usable article in the request ({reasons})")
        state.models.wait()
        config = state.config.with_overrides(words=body.words)
        with state.brief_lock:
            _story, brief = pipeline.build_story(articles, config, skipped=skipped)
        body_bytes = json.dumps(brief_to_dict(brief), ensure_ascii=False).encode("utf-8")
        return Response(body_bytes, media_type="application/json")

    return api


def serve(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    cors_origins: Sequence[str] = (),
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    config: Config = DEFAULT_CONFIG,
) -> None:
    """Run the service with uvicorn until interrupted (what ``newsprism serve`` calls)."""
    import uvicorn

    app = create_app(
        db_path,
        token=token or os.environ.get(TOKEN_ENV) or None,
        cors_origins=cors_origins,
        max_body_bytes=max_body_bytes,
        config=config,
    )
    uvicorn.run(app, host=host, port=port, log_level="info")
