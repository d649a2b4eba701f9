"""The ``newsprism`` command line: a thin adapter that parses options, calls the library
and formats its output. Heavy modules load inside the commands, so ``--help`` is instant.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from newsprism.config import DEFAULT_CONFIG, Config

app = typer.Typer(
    name="newsprism",
    help="Evidence-linked briefs of one story across many outlets.",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(help="Score newsprism on the shared evaluation data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

err = Console(stderr=True)


class Format(str, Enum):
    json = "json"
    md = "md"
    html = "html"


PathsArg = Annotated[
    list[Path],
    typer.Argument(help="Article files or folders (read recursively).", show_default=False),
]
WordsOpt = Annotated[int, typer.Option("--words", "-w", min=10, help="Word budget of the brief.")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _progress_brief(paths: list[Path], config: Config):
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from newsprism import pipeline
    from newsprism.errors import NewsprismError

    stages = [
        "read",
        "clean",
        "annotate",
        "embed",
        "align",
        "quotes",
        "entities",
        "divergences",
        "timeline",
        "compose",
    ]
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("reading", total=len(stages))

        def note(stage: str) -> None:
            progress.update(task, description=stage, completed=stages.index(stage))

        try:
            result = pipeline.read(paths)
        except NewsprismError as error:
            raise _fail(str(error)) from None
        _summary_line(len(result.articles), result.skipped)
        if not result.articles:
            raise _fail("nothing usable was read; see the skipped inputs above.")
        try:
            _story, brief = pipeline.build_story(
                result.articles, config, skipped=result.skipped, progress=note
            )
        except NewsprismError as error:
            raise _fail(str(error)) from None
    return brief


def _summary_line(n_read: int, skipped: tuple) -> None:  # type: ignore[type-arg]
    err.print(f"read {n_read} article(s), skipped {len(skipped)}", highlight=False)
    for skip in skipped[:20]:
        err.print(f"  skipped {skip.source}: {skip.reason}", highlight=False, soft_wrap=True)
    if len(skipped) > 20:
        err.print(f"  … and {len(skipped) - 20} more", highlight=False)


@app.command()
def brief(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Article files or folders (or use --story).", show_default=False),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.md,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    words: WordsOpt = DEFAULT_CONFIG.words,
    story: Annotated[
        str | None, typer.Option("--story", help="Brief this stored story (see `stories`).")
    ] = None,
    db: Annotated[Path, typer.Option("--db", help="The store, with --story.")] = Path(
        "newsprism.db"
    ),
) -> None:
    """Brief the given articles as one story: points with their outlets, unique reports,
    quotes with speakers, people, all linked to the source passages."""
    from newsprism.render import render

    config = DEFAULT_CONFIG.with_overrides(words=words)
    if story is not None and paths:
        raise _fail("give either article files/folders or --story ID, not both.")
    if story is not None:
        from newsprism.cli_store import stored_brief

        result = stored_brief(story, db, config)
    elif paths:
        result = _progress_brief(paths, config)
    else:
        raise _fail(
            "nothing to brief: give article files or folders, or --story ID for a stored "
            "story (list them with `newsprism stories --db FILE`)."
        )
    text = render(result, fmt.value)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}", highlight=False)
    else:
        sys.stdout.write(text)


@app.command()
def summarize(paths: PathsArg, words: WordsOpt = 100) -> None:
    """Print a plain extractive summary of at most N words (for ROUGE scoring)."""
    from newsprism.pipeline import summary_text

    config = DEFAULT_CONFIG.with_overrides(words=words)
    result = _progress_brief(paths, config)
    sys.stdout.write(summary_text(result, words) + "\n")


@eval_app.command("summaries")
def eval_summaries(
    dataset: Annotated[Path, typer.Argument(help="Stories in the shared JSONL schema.")],
    words: WordsOpt = 250,
    peers: Annotated[
        Path | None, typer.Option(help="Peer system outputs (*_peers.jsonl) to score alongside.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N stories.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """ROUGE-1/2/L of our summaries next to sumy LexRank/TextRank and peers, same budget."""
    from rich.progress import Progress

    from newsprism.errors import NewsprismError
    from newsprism.eval.summaries import documents_summarizer, evaluate, format_table
    from newsprism.pipeline import summarize_documents, warm_up

    ours = documents_summarizer(summarize_documents)
    warm_up()
    try:
        with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("summarising", total=None)

            def note(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = evaluate(
                dataset, ours, words=words, peers_path=peers, limit=limit, progress=note
            )
    except NewsprismError as error:
        raise _fail(str(error)) from None
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        _wide_console().print(format_table(report))


@eval_app.command("quotes")
def eval_quotes(
    dataset: Annotated[Path, typer.Argument(help="PolNeAR-format JSONL (attributions annotated).")],
    limit: Annotated[int | None, typer.Option(help="Score only the first N articles.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    errors: Annotated[
        int, typer.Option(help="Also list N missed, N spurious and N wrong-speaker quotes.")
    ] = 0,
) -> None:
    """Quote extraction P/R/F1 (exact and overlap, all and direct) and speaker accuracy."""
    from rich.progress import Progress

    from newsprism.errors import NewsprismError
    from newsprism.eval.quotes import evaluate_quotes, format_errors
    from newsprism.eval.quotes import format_table as quote_table

    try:
        with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("scoring quotes", total=None)

            def note(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = evaluate_quotes(dataset, limit=limit, progress=note, errors=errors)
    except NewsprismError as error:
        raise _fail(str(error)) from None
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        _wide_console().print(quote_table(report))
        if report.errors:
            _wide_console().print(format_errors(report))


@eval_app.command("quotes-train")
def eval_quotes_train(
    dataset: Annotated[Path, typer.Argument(help="PolNeAR train split (polnear_train.jsonl).")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Model file [default: the packaged one]."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Train on the first N articles only.")] = None,
) -> None:
    """Train the reported-speech models (cue and content) on PolNeAR and write them."""
    from rich.progress import Progress

    from newsprism.errors import NewsprismError
    from newsprism.eval.quote_model import packaged_model_path, train_attribution_model

    target = output or packaged_model_path()
    try:
        with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("parsing", total=None)

            def note(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            model = train_attribution_model(dataset, target, limit=limit, progress=note)
    except NewsprismError as error:
        raise _fail(str(error)) from None
    about = model.about
    err.print(
        f"trained on {about.get('articles')} articles "
        f"({about.get('cue_positives')} cues in {about.get('cue_examples')} tokens); "
        f"wrote {target}"
    )


class ClusterMode(str, Enum):
    batch = "batch"
    online = "online"


@eval_app.command("clusters")
def eval_clusters(
    datasets: Annotated[
        list[Path], typer.Argument(help="ECB+ JSONL, or shared-schema files pooled as one pile.")
    ],
    mode: Annotated[ClusterMode, typer.Option(help="Batch or online (time-ordered).")] = (
        ClusterMode.batch
    ),
    threshold: Annotated[
        float | None, typer.Option(help="Similarity threshold (default: calibrated on train).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """B-cubed and pairwise P/R/F1 of story clustering against gold stories."""
    from newsprism.errors import NewsprismError
    from newsprism.eval.clusters import evaluate_clusters
    from newsprism.eval.clusters import format_table as cluster_table

    try:
        report = evaluate_clusters(
            datasets if len(datasets) > 1 else datasets[0], mode=mode.value, threshold=threshold
        )
    except NewsprismError as error:
        raise _fail(str(error)) from None
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        _wide_console().print(cluster_table(report))


@app.command()
def cluster(
    paths: PathsArg,
    mode: Annotated[ClusterMode, typer.Option(help="Batch or online (time-ordered).")] = (
        ClusterMode.batch
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Group a pile of articles into stories (no store)."""
    from newsprism.clean import clean_articles
    from newsprism.cluster import cluster_batch, cluster_online
    from newsprism.errors import NewsprismError
    from newsprism.pipeline import read

    try:
        result = read(paths)
    except NewsprismError as error:
        raise _fail(str(error)) from None
    _summary_line(len(result.articles), result.skipped)
    if not result.articles:
        raise _fail("nothing usable was read; see the skipped inputs above.")
    articles = clean_articles(result.articles)
    clustering = (
        cluster_batch(articles)
        if mode is ClusterMode.batch
        else cluster_online(sorted(articles, key=lambda a: a.published or ""))
    )
    if as_json:
        sys.stdout.write(json.dumps(clustering.to_dict(), indent=2) + "\n")
        return
    by_id = {a.id: a for a in articles}
    for story in sorted(clustering.stories, key=lambda s: -len(s.article_ids)):
        first = by_id[story.article_ids[0]]
        outlets = sorted({by_id[i].outlet for i in story.article_ids})
        title = first.title or first.text[:80]
        typer.echo(f"{story.id}  {len(story.article_ids):>3} article(s)  {title}")
        typer.echo(f"      outlets: {', '.join(outlets)}")


@app.command()
def serve(
    db: Annotated[Path, typer.Option("--db", help="The store (newsprism ingest builds it).")] = (
        Path("newsprism.db")
    ),
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(envvar="NEWSPRISM_TOKEN", help="API token required by write endpoints."),
    ] = None,
    cors_origin: Annotated[
        list[str] | None, typer.Option(help="Origin allowed to call the API (repeatable).")
    ] = None,
    max_body_mb: Annotated[
        float, typer.Option(min=0.001, help="Largest request body accepted, in MiB.")
    ] = 32.0,
) -> None:
    """Serve the web page and the HTTP API (docs: /api/openapi.json) on the store."""
    from newsprism.service import serve as run_service

    err.print(f"serving {db} on http://{host}:{port}/", highlight=False)
    run_service(
        db,
        host=host,
        port=port,
        token=token,
        cors_origins=tuple(cors_origin or ()),
        max_body_bytes=int(max_body_mb * 1024 * 1024),
    )


def _register_store_commands() -> None:
    from newsprism.cli_store import register

    register(app, eval_app)


_register_store_commands()


def _wide_console() -> Console:
    out = Console()
    return out if out.is_terminal else Console(width=160)  # pipes get the whole table


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """newsprism: what happened, who said what, where outlets differ, with proof."""
    if version:
        from newsprism import __version__

        typer.echo(f"newsprism {__version__}")
        raise typer.Exit()


if __name__ == "__main__":  # pragma: no cover
    app()
