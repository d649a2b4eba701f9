"""Readers: each format, outlet fallback, skips with reasons, stable ids, path errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsprism.errors import InputError
from newsprism.ingest import find_title_span, read_paths, supported_extensions
from newsprism.model import content_id

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def _by_title(result):
    return {article.title: article for article in result.articles}


def test_folder_reads_every_visible_file_once_in_sorted_order() -> None:
    result = read_paths([FIXTURES])
    sources = [a.source for a in result.articles] + [s.source for s in result.skipped]
    assert not any(".draft" in source for source in sources)  # hidden files are ignored
    # every visible file is accounted for, as an article or a skip
    for name in (
        "page.html",
        "articles.jsonl",
        "list.json",
        "empty.txt",
        "notes.xyz",
        "kicker.txt",
    ):
        assert any(name in source for source in sources), name
    files_in_order = [Path(a.source.split(":")[0].split("[")[0]).name for a in result.articles]
    assert files_in_order == sorted(files_in_order)
    again = read_paths([FIXTURES])
    assert [a.id for a in again.articles] == [a.id for a in result.articles]


def test_text_reader_skips_kicker_and_keeps_the_title_line_in_raw() -> None:
    (article,) = read_paths([FIXTURES / "kicker.txt"]).articles
    assert article.title == "Ferry strike halts island crossings"
    assert article.raw is not None and article.title in article.raw
    assert article.text == article.raw and article.removed == ()
    assert article.outlet == "kicker"  # no metadata, no URL: the file stem
    assert article.id == content_id("kicker", article.raw)


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        (
            "Support Harbour Radio!\n\nTides of change at the port\n\nBody text here.",
            "Tides of change at the port",
        ),
        ("The port reopened on Monday after storms.\n\nShips queued outside.", None),
        (
            "Insight\n\nWhy the port matters to the region?\n\nBody.",
            "Why the port matters to the region?",
        ),
    ],
)
def test_headline_detection(raw: str, title: str | None) -> None:
    span = find_title_span(raw)
    assert (raw[span[0] : span[1]] if span else None) == title


def test_text_reader_normalises_newlines(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Bridge repairs finish early today\r\n\r\nThe bridge reopened.\r\n")
    (article,) = read_paths([path]).articles
    assert "\r" not in article.raw
    assert article.raw == "Bridge repairs finish early today\n\nThe bridge reopened.\n"


def test_html_reader_extracts_text_and_metadata() -> None:
    (article,) = read_paths([FIXTURES / "page.html"]).articles
    assert article.title == "Harbour bridge reopens after repairs"
    assert article.outlet == "The Coastal Courier"
    assert article.url == "https://www.coastalcourier.example/news/harbour-bridge-reopens"
    assert article.published is not None and article.published.startswith("2023-03-14")
    assert "corroded steel cables" in article.raw
    assert "Sport" not in article.raw and "Privacy policy" not in article.raw
    # paragraphs are separated by blank lines
    paragraphs = [p for p in article.raw.split("\n\n") if p.strip()]
    assert any(p.startswith("Engineers replaced forty cable anchors") for p in paragraphs)
    assert all("\n" not in p for p in paragraphs)


def test_jsonl_reader_articles_documents_and_bad_lines() -> None:
    result = read_paths([FIXTURES / "articles.jsonl"])
    titles = _by_title(result)
    cycle = titles["Council approves new cycle lanes"]
    assert cycle.outlet == "citynews.example"  # URL domain without www.
    assert cycle.published == "2023-05-02"
    assert cycle.source.endswith("articles.jsonl:1")
    road = titles["Coastal road closed"]
    assert road.outlet == "Weather Daily" and road.published == "2023-06-09"
    assert road.source.endswith("articles.jsonl:2#a")
    other = next(a for a in result.articles if a.source.endswith(":2#b"))
    assert other.outlet != road.outlet  # unnamed documents are not merged into one outlet
    reasons = {Path(s.source).name: s.reason for s in result.skipped}
    assert "invalid JSON on line 3" in reasons["articles.jsonl:3"]
    assert "'text'" in reasons["articles.jsonl:4"]


def test_json_list_with_aliases_and_outlet_fallback_order() -> None:
    result = read_paths([FIXTURES / "list.json"])
    outlets = [a.outlet for a in result.articles]
    # metadata ("source" alias), then URL domain, then the file stem
    assert outlets == ["Arts Weekly", "libraryblog.example", "list"]
    first = result.articles[0]
    assert first.title == "Museum opens new wing" and first.published == "2023-04-01"
    assert result.articles[2].source.endswith("list.json[2]")


def test_single_json_object_and_non_iso_date(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(
        '{"title": "Pier reopens", "text": "The pier reopened.", "date": "10 January 2022"}'
    )
    (article,) = read_paths([path]).articles
    assert article.published == "2022-01-10"


def test_skips_carry_reasons(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 owners protest".encode("latin-1"))
    shutil.copy(FIXTURES / "empty.txt", tmp_path / "empty.txt")
    shutil.copy(FIXTURES / "notes.xyz", tmp_path / "notes.xyz")
    (tmp_path / "broken.json").write_text('{"text": "unfinished"')
    result = read_paths([tmp_path])
    assert result.articles == ()
    reasons = {Path(s.source).name: s.reason for s in result.skipped}
    assert "not UTF-8" in reasons["latin.txt"] and "offset 3" in reasons["latin.txt"]
    assert reasons["empty.txt"].startswith("empty")
    assert "unsupported extension '.xyz'" in reasons["notes.xyz"]
    for extension in supported_extensions():
        assert extension in reasons["notes.xyz"]
    assert "invalid JSON on line 1" in reasons["broken.json"]


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "page.html", tmp_path / "page.download")
    (tmp_path / "record.data").write_text('{"text": "Sniffed as JSON.", "outlet": "Sniff News"}')
    result = read_paths([tmp_path])
    assert {a.outlet for a in result.articles} == {"The Coastal Courier", "Sniff News"}
    assert result.skipped == ()


def test_same_article_read_twice_gets_the_same_id(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "kicker.txt", tmp_path / "kicker.txt")
    first = read_paths([FIXTURES / "kicker.txt"]).articles[0]
    second = read_paths([tmp_path / "kicker.txt"]).articles[0]
    assert first.id == second.id
    # a file listed twice is read once
    assert len(read_paths([FIXTURES / "kicker.txt", FIXTURES / "kicker.txt"]).articles) == 1


def test_nonexistent_path_raises_with_the_path_and_fix(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "article.txt"
    with pytest.raises(InputError) as caught:
        read_paths([missing])
    message = str(caught.value)
    assert str(missing) in message and "Check the path" in message


# A page of our own: no date in its markup, a copyright notice in its footer.
_FERRY_PAGE = """<!doctype html>
<html><head><title>Kestrel Bay ferry crews walk out | Harbour Post</title>{head}</head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Kestrel Bay ferry crews walk out over rosters</h1>{byline}
<p>Ferry crews at Kestrel Bay walked out on Monday in a dispute over night rosters,
stranding hundreds of commuters bound for Gull Island.</p>
<p>The Kestrel Bay Ferry Company said talks with the crews' union would resume on
Wednesday, and that a reduced timetable would run until then.</p>
<p>Union officials said the new rosters left crews with too little rest between night
crossings, and that they had warned the company for months.</p></article>
<footer><p>{footer}</p></footer></body></html>"""


@pytest.mark.parametrize(
    ("head", "byline", "footer", "published"),
    [
        # htmldate's fallback would give 2019-01-01 for each of these
        ("", "", "Copyright 2019 Harbour Post Ltd. All rights reserved.", None),
        ("", "", "© 2015–2019 Harbour Post", None),
        ('<meta itemprop="copyrightYear" content="2019">', "", "Harbour Post", None),
        # a date the page states is kept, the copyright notice notwithstanding
        ("", "<p>Published 4 March 2024</p>", "Copyright 2019 Harbour Post", "2024-03-04"),
        (
            '<meta property="article:published_time" content="2019-01-01T08:30:00+00:00">',
            "",
            "Copyright 2019 Harbour Post",
            "2019-01-01",
        ),
    ],
)
def test_a_copyright_year_is_not_a_publication_date(
    tmp_path: Path, head: str, byline: str, footer: str, published: str | None
) -> None:
    page = tmp_path / "ferry.html"
    page.write_text(_FERRY_PAGE.format(head=head, byline=byline, footer=footer))
    (article,) = read_paths([page]).articles
    assert "Kestrel Bay Ferry Company" in article.raw
    assert (article.published or "")[:10] == (published or "")
