"""A URL line and a dateline at the top of an article's text: ``url``, ``published``, a
recorded cut that cleaning keeps. Examples are our own writing; the last test reads ECB+."""

from __future__ import annotations

import json

import pytest

from newsprism.clean import clean_article, reconstruct_text
from newsprism.ingest.common import make_article
from newsprism.ingest.header import URL_LINE, dateline_date, read_header, url_of_line
from newsprism.ingest.jsonfmt import read_jsonl
from newsprism.model import Article
from tests.conftest import shared_path

SPACED_URL = (
    "http : / / www . harbourpost . example / 2024 / 03 / 01 / kestrel - bay _ ferry - strike"
)
BODY = (
    "Kestrel Bay ferry crews walk out over rosters\n"
    "Published : March 1 , 2024 9 : 30 AM\n"
    "Ferry crews at Kestrel Bay walked out on Friday in a dispute over night rosters .\n"
    "The Kestrel Bay Ferry Company said talks would resume next week ."
)


def _article(text: str, **metadata: str) -> Article:
    made = make_article(text, source="test", fallback_outlet="pile", **metadata)
    assert isinstance(made, Article)
    return made


def test_a_url_line_is_recognised_spaced_out_or_not() -> None:
    assert url_of_line(SPACED_URL) == (
        "http://www.harbourpost.example/2024/03/01/kestrel-bay_ferry-strike"
    )
    assert url_of_line("  https://news.example.org/a/b?id=3  ") == "https://news.example.org/a/b?id=3"
    # a URL followed by words, prose, a bare scheme, no host: not a URL line
    assert url_of_line("http://news.example.org/story Ferry crews walk out") is None
    assert url_of_line("https is the protocol the harbour site uses") is None
    assert url_of_line("http : / / localhost / page") is None


def test_the_header_gives_url_date_and_the_cut() -> None:
    text = f"{SPACED_URL}\n{BODY}"
    header = read_header(text)
    assert header.url == "http://www.harbourpost.example/2024/03/01/kestrel-bay_ferry-strike"
    assert header.published == "2024-03-01"
    (cut,) = header.removals
    assert (cut.start, cut.reason) == (0, URL_LINE)
    assert text[cut.start : cut.end] == cut.text == SPACED_URL
    assert read_header(BODY) == read_header("") == read_header("Ferry crews walk out")
    assert read_header(BODY).url is None and read_header(BODY).removals == ()


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Published : April 23 , 2013 9 : 39 AM", "2013-04-23"),
        ("Thursday , Apr 2 , 2009 | Updated 1 : 32 PM PDT", "2009-04-02"),
        ("10 June 2013 Last updated at 14 : 00 GMT", "2013-06-10"),
        ("Posted 2 / 3 / 2009 11 : 11 PM", "2009-02-03"),
        ("PUBLISHED : 22 : 07 GMT , 7 July 2012", "2012-07-07"),
        ("APR 28", None),  # no year: not a publication date
        ("Jul . 7 5 : 59 PM EDT", None),
        ("Ferries beat the storm 20 - 13 to reach Gull Island", None),
        ("Ferry crews at Kestrel Bay walked out on Friday , March 1 , 2024 .", None),
    ],
)
def test_datelines_are_read_and_other_lines_are_not(line: str, date: str | None) -> None:
    assert dateline_date(line) == date


def test_read_articles_carry_the_header_and_keep_the_raw_text() -> None:
    text = f"{SPACED_URL}\n{BODY}"
    article = _article(text)
    assert article.raw == text and article.text == text[len(SPACED_URL) :]
    assert article.url.startswith("http://www.harbourpost.example/")
    assert article.outlet == "harbourpost.example"  # the URL's domain, not the file name
    assert article.published == "2024-03-01"
    assert [r.reason for r in article.removed] == [URL_LINE]
    # metadata wins where it has a value; a text without a URL line is left alone
    given = _article(text, url="https://other.example/x", published="2024-03-02", outlet="Post")
    assert (given.url, given.published, given.outlet) == (
        "https://other.example/x",
        "2024-03-02",
        "Post",
    )
    plain = _article(BODY)
    assert plain.text == plain.raw == BODY and plain.removed == () and plain.published is None
    assert make_article(SPACED_URL, source="only-url", fallback_outlet="pile").reason  # type: ignore[union-attr]


def test_cleaning_keeps_the_url_cut_and_can_be_audited() -> None:
    text = f"{SPACED_URL}\n\n{BODY.replace(chr(10), chr(10) * 2)}"
    cleaned = clean_article(_article(text))
    assert "http" not in cleaned.text and "harbourpost" not in cleaned.text
    assert cleaned.title == "Kestrel Bay ferry crews walk out over rosters"  # not the URL
    assert any(r.reason == URL_LINE and r.text == SPACED_URL for r in cleaned.removed)
    assert reconstruct_text(cleaned.raw or "", cleaned.removed) == cleaned.text
    assert clean_article(cleaned).text == cleaned.text  # cleaning again changes nothing


def test_a_jsonl_record_with_a_url_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "pile.jsonl"
    path.write_text(json.dumps({"doc_id": "d1", "text": f"{SPACED_URL}\n{BODY}"}) + "\n")
    (article,) = read_jsonl(path, path.read_bytes()).articles
    assert article.published == "2024-03-01" and article.outlet == "harbourpost.example"
    assert not article.text.lstrip().startswith("http")


@pytest.mark.slow
def test_ecbplus_url_lines_become_urls_and_datelines_dates() -> None:
    from newsprism.ingest import read_paths

    path = shared_path("ecbplus", "ecbplus_train_dev.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with_url = sum(r["text"].lstrip().startswith("http") for r in records)
    result = read_paths([path])
    assert len(result.articles) == len(records) and not result.skipped
    read = [a for a in result.articles if a.url]
    assert len(read) == with_url  # every URL line recognised
    for article in read:
        assert not article.text.lstrip().startswith("http")
        assert article.raw is not None and article.raw.lstrip().startswith("http")
    dated = [a for a in read if a.published]
    assert len(dated) >= 0.8 * len(read)
    assert all("1990" <= (a.published or "") <= "2014" for a in dated)  # ECB+ years
