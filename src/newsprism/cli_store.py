"""The store's commands (``ingest``, ``stories``, ``changes``, ``recluster``, ``eval store``)
and the stored-story branch of ``brief``: thin adapters over :mod:`newsprism.store`.

They are registered on the main Typer app by :func:`register`; heavy modules load inside
the commands so that ``newsprism --help`` stays instant.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from newsprism.config import DEFAULT_CONFIG, Config

if TYPE_CHECKING:
    from newsprism.model import Brief
    from newsprism.scale import RayPool
    from newsprism.store import Changes, IngestReport, Store

err = Console(stderr=True)

DEFAULT_DB = Path("newsprism.db")  # newsprism.store.DEFAULT_DB, without importing the store
DbOpt = Annotated[Path, typer.Option("--db", help="The store (an SQLite file).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
SinceOpt = Annotated[
    str | None,
    typer.Option(help="Only stories updated since then (2024-05-01, 2024-05-01T14:30, '2h ago')."),
]


RayOpt = Annotated[
    bool,
    typer.Option(
        "--ray",
        help="Run the NLP on Ray workers (needs the 'scale' extra); the results are the same.",
    ),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        help="A running Ray cluster to join ('auto', 'ray://host:10001'); default: a local Ray.",
        show_default=False,
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(min=1, help="Ray workers (default: one per CPU).", show_default=False),
]


def _ray_pool(ray: bool, address: str | None, workers: int | None) -> RayPool | None:
    """The Ray pool the options ask for, or ``None`` without ``--ray``."""
    from newsprism.errors import NewsprismError

    if (address or workers) and not ray:
        raise _fail("--ray-address and --workers go with --ray")
    if not ray:
        return None
    from newsprism.scale import RayPool

    try:
        return RayPool(workers=workers, address=address)
    except NewsprismError as error:
        raise _fail(str(error)) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _open(db: Path, *, must_exist: bool = True, commit_every: int | None = None) -> Store:
    from newsprism.errors import NewsprismError
    from newsprism.store import DEFAULT_COMMIT_EVERY, Store

    if must_exist and not db.exists():
        raise _fail(f"no store at {db}; build one with `newsprism ingest PATH... --db {db}`")
    try:
        return Store(db, commit_every=commit_every or DEFAULT_COMMIT_EVERY)
    except NewsprismError as error:
        raise _fail(str(error)) from None


def _time(text: str, option: str):  # type: ignore[no-untyped-def]
    from newsprism.errors import NewsprismError
    from newsprism.store import parse_time

    try:
        return parse_time(text)
    except NewsprismError as error:
        raise _fail(f"{option}: {error}") from None


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files, folders or archives of articles.", show_default=False),
    ],
    db: DbOpt = DEFAULT_DB,
    commit_every: Annotated[
        int, typer.Option(min=1, help="New articles per transaction (what a crash can lose).")
    ] = 32,
    ray: RayOpt = False,
    ray_address: RayAddressOpt = None,
    workers: WorkersOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add articles to the store and group them into stories (rerunning adds nothing)."""
    from contextlib import nullcontext

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsprism.errors import NewsprismError

    pool = _ray_pool(ray, ray_address, workers)
    with (
        pool if pool is not None else nullcontext(),
        _open(db, must_exist=False, commit_every=commit_every) as store,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress,
    ):
        task = progress.add_task("reading", total=None)

        def note(done: int, total: int) -> None:
            progress.update(task, description="clustering", completed=done, total=total)

        try:
            report = store.ingest_paths(paths, progress=note, preparer=pool)
        except NewsprismError as error:
            raise _fail(str(error)) from None
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
        return
    _print_report(report, db)


def _print_report(report: IngestReport, db: Path) -> None:
    err.print(
        f"read {report.read} article(s), skipped {len(report.skipped)}; "
        f"{report.new_articles} new, {report.duplicates} duplicate(s); "
        f"{len(report.new_stories)} new stor{'y' if len(report.new_stories) == 1 else 'ies'}, "
        f"{len(report.updated_stories)} updated; store {db}",
        highlight=False,
        soft_wrap=True,
    )
    for skip in report.skipped[:20]:
        err.print(f"  skipped {skip.source}: {skip.reason}", highlight=False, soft_wrap=True)
    if len(report.skipped) > 20:
        err.print(f"  … and {len(report.skipped) - 20} more", highlight=False)


def briefs(
    story: Annotated[
        list[str] | None,
        typer.Option("--story", help="A story id (repeatable); default: every story."),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    ray: RayOpt = False,
    ray_address: RayAddressOpt = None,
    workers: WorkersOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Build and store the stories' briefs: their new articles are annotated first, in
    parallel with --ray, then each brief aligns and composes from stored annotations."""
    from contextlib import nullcontext

    from newsprism.errors import NewsprismError

    pool = _ray_pool(ray, ray_address, workers)
    with pool if pool is not None else nullcontext(), _open(db) as store:
        try:
            start = time.perf_counter()
            annotated = store.annotate(DEFAULT_CONFIG, story_ids=story, annotator=pool)
            annotate_s = time.perf_counter() - start
            built = store.build_briefs(story, DEFAULT_CONFIG)
            compose_s = time.perf_counter() - start - annotate_s
        except (NewsprismError, KeyError) as error:
            raise _fail(str(error)) from None
    rows = [
        {
            "story_id": b.meta.get("story_id"),
            "articles": b.meta.get("articles"),
            "points": len(b.points),
            "built_at": b.meta.get("built_at"),
        }
        for b in built
    ]
    summary = {
        "articles_annotated": annotated,
        "annotate_seconds": round(annotate_s, 2),
        "briefs": len(built),
        "brief_seconds": round(compose_s, 2),
        "stories": rows,
    }
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        return
    err.print(
        f"annotated {annotated} article(s) in {annotate_s:.1f} s"
        f"{' on Ray' if pool is not None else ''}; {len(built)} brief(s) in {compose_s:.1f} s; "
        f"store {db}",
        highlight=False,
    )
    for row in rows:
        typer.echo(f"{row['story_id']}  {row['articles']:>3} article(s)  {row['points']} point(s)")


def stories(
    db: DbOpt = DEFAULT_DB,
    since: SinceOpt = None,
    outlet: Annotated[str | None, typer.Option(help="Only stories with this outlet.")] = None,
    query: Annotated[
        str | None,
        typer.Option("--query", "-q", help="Only stories whose articles have these words."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many stories.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List stored stories, most recently updated first."""
    from rich.table import Table

    moment = _time(since, "--since") if since else None
    with _open(db) as store:
        found = store.stories(since=moment, outlet=outlet, query=query, limit=limit)
        total = store.count_stories(since=moment, outlet=outlet, query=query)
    if as_json:
        body = {"total": total, "stories": [s.to_dict() for s in found]}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(found)} of {total} stor{'y' if total == 1 else 'ies'} in {db}")
    for column, justify in (("id", "left"), ("size", "right"), ("outlets", "left")):
        table.add_column(column, justify=justify, no_wrap=column == "id")  # type: ignore[arg-type]
    table.add_column("title", ratio=1)
    table.add_column("updated", no_wrap=True)
    for story in found:
        shown = ", ".join(story.outlets[:3]) + (
            f" +{len(story.outlets) - 3}" if len(story.outlets) > 3 else ""
        )
        table.add_row(story.id, str(story.size), shown, story.title, story.updated[:19])
    _console().print(table)


def stored_brief(story: str, db: Path, config: Config) -> Brief:
    """The stored story's brief (built incrementally when its members changed)."""
    from newsprism.errors import NewsprismError

    with _open(db) as store:
        try:
            with err.status(f"briefing story {story}", spinner="dots"):
                return store.brief(story, config=config)
        except NewsprismError as error:
            raise _fail(str(error)) from None


def changes(
    story: Annotated[
        str, typer.Option("--story", help="The story's id (see `newsprism stories`).")
    ],
    since: Annotated[
        str, typer.Option(help="Compare with the story as of then (ISO date/time or '1 day ago').")
    ],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """What a story's brief has gained since a time: points, quotes and divergences."""
    from newsprism.errors import NewsprismError

    moment = _time(since, "--since")
    with _open(db) as store:
        try:
            with err.status(f"comparing story {story}", spinner="dots"):
                found = store.changes(story, moment)
        except NewsprismError as error:
            raise _fail(str(error)) from None
    if as_json:
        sys.stdout.write(json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    sys.stdout.write(format_changes(found))


def format_changes(found: Changes) -> str:
    """Changes as Markdown-like text: each item with its outlets."""
    lines = [
        f"# Story {found.story_id}: changes since {found.since}",
        "",
        f"{len(found.new_articles)} new article(s).",
    ]
    sections = (
        ("New points", [f"{p.text} [{', '.join(p.outlets)}]" for p in found.points]),
        (
            "Now carried by more outlets",
            [f"{p.text} [{p.support} outlets: {', '.join(p.outlets)}]" for p in found.strengthened],
        ),
        (
            "New quotes",
            [
                f"“{q.text}” ({q.speaker.name or 'unnamed'}; {', '.join(q.outlets)})"
                for q in found.quotes
            ],
        ),
        (
            "Divergences with new answers",
            [
                f"{d.question}: " + "; ".join(f"{a.outlet}: {a.value or a.text}" for a in d.answers)
                for d in found.divergences
            ],
        ),
    )
    for title, items in sections:
        lines += ["", f"## {title}", ""]
        lines += [f"- {item}" for item in items] or ["(none)"]
    return "\n".join(lines) + "\n"


def recluster(db: DbOpt = DEFAULT_DB) -> None:
    """Rebuild the stored stories with the current clustering code and settings."""
    with _open(db) as store:
        count = store.recluster()
    err.print(f"{count} stories in {db}", highlight=False)


def eval_store(
    datasets: Annotated[
        list[Path], typer.Argument(help="The files/folders the store was fed (gold stories).")
    ],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """B-cubed and pairwise P/R/F1 of the stored stories against the datasets' gold."""
    from newsprism.errors import NewsprismError
    from newsprism.eval.store import evaluate_store, format_table

    with _open(db) as store:
        try:
            report = evaluate_store(store, datasets)
        except NewsprismError as error:
            raise _fail(str(error)) from None
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        _console().print(format_table(report))


def _console() -> Console:
    out = Console()
    return out if out.is_terminal else Console(width=160)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    """Add the store's commands to the ``newsprism`` app."""
    app.command()(ingest)
    app.command()(briefs)
    app.command()(stories)
    app.command()(changes)
    app.command()(recluster)
    eval_app.command("store")(eval_store)
