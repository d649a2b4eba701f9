"""WARC, RSS/Atom and archive readers, built from real files written here.

The WARCs are written with warcio's own ``WARCWriter``, the feeds are real RSS 2.0 and
Atom documents, and the archives are made with ``zipfile``/``tarfile``; the pages and the
stories are our own writing (fictional outlets on ``.example`` domains).
"""

from __future__ import annotations

import gzip
import io
import logging
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.ingest import archive as archive_module
from newsprism.ingest import read_file, read_paths, reader_for

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "sample-story"

# --- our own stories -------------------------------------------------------------------

FERRY = [
    (
        "The island ferry service resumed on Thursday after a nine-day strike by deck crews "
        "ended with a pay agreement, the operator said."
    ),
    (
        "Union officials said the deal raises wages by six percent over two years and limits "
        "night shifts to three a week."
    ),
    (
        "Shops on the island reported empty shelves during the strike, and the council had "
        "arranged two emergency supply crossings."
    ),
]
DAM = [
    (
        "The valley reservoir reached its highest level in a decade after a week of heavy "
        "rain, the water board reported on Monday."
    ),
    (
        "Engineers opened two spillway gates to relieve pressure on the old dam, and the "
        "board said the structure remained safe."
    ),
    (
        "Farmers downstream were told to move livestock away from the river banks until the "
        "flow eases later this week."
    ),
]
MARKET = [
    (
        "The covered market in the old town reopened its doors on Saturday after a two-year "
        "restoration of its iron roof."
    ),
    (
        "Traders said footfall on the first morning exceeded their expectations, with queues "
        "forming outside the fishmongers before eight."
    ),
]


def page_html(
    title: str,
    paragraphs: list[str],
    *,
    site: str | None = None,
    url: str | None = None,
    published: str | None = None,
) -> bytes:
    """A realistic article page: navigation, the article, a related list and a footer."""
    meta = [f"<title>{title} | {site or 'News'}</title>"]
    if site:
        meta.append(f'<meta property="og:site_name" content="{site}">')
    if url:
        meta.append(f'<meta property="og:url" content="{url}">')
        meta.append(f'<link rel="canonical" href="{url}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        + "".join(meta)
        + "</head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/sport'>Sport</a></li>"
        "<li><a href='/weather'>Weather</a></li></ul></nav>"
        f"<main><article><h1>{title}</h1>{body}</article>"
        "<aside><h3>Most read</h3><ul><li><a href='/a'>Lottery winner found</a></li>"
        "<li><a href='/b'>Storm warning issued</a></li></ul></aside></main>"
        "<footer><p>Copyright 2019 Example Media. All rights reserved.</p>"
        "<a href='/privacy'>Privacy policy</a></footer></body></html>"
    ).encode()


SHELL_PAGE = (
    b"<!DOCTYPE html><html><head><title>Loading</title></head><body>"
    b"<div id='app'></div><script src='/bundle.js'></script></body></html>"
)


# --- WARC helpers ----------------------------------------------------------------------


def _response(
    writer: WARCWriter,
    uri: str,
    payload: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    last_modified: str | None = None,
    warc_date: str = "2023-03-16T07:00:00Z",
) -> None:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
    if last_modified:
        headers.append(("Last-Modified", last_modified))
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(payload),
        http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": warc_date},
    )
    writer.write_record(record)


def _request(writer: WARCWriter, uri: str) -> None:
    headers = StatusAndHeaders(
        "GET / HTTP/1.1", [("Host", uri.split("/")[2])], is_http_request=True
    )
    writer.write_record(
        writer.create_warc_record(uri, "request", payload=io.BytesIO(b""), http_headers=headers)
    )


def crawl_warc(gzipped: bool = True) -> bytes:
    """A crawl of four pages plus the records a crawler writes around them."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    _request(writer, "https://www.islandpost.example/news/ferry-strike-ends")
    # no site name and no date in the page: the outlet is the domain, the date Last-Modified
    _response(
        writer,
        "https://www.islandpost.example/news/ferry-strike-ends",
        page_html("Ferry service resumes as strike ends", FERRY),
        last_modified="Thu, 16 Mar 2023 09:15:00 GMT",
    )
    # a site name and a published time in the page's metadata
    _response(
        writer,
        "https://valleyherald.example/2023/reservoir-record",
        page_html(
            "Reservoir at ten-year high",
            DAM,
            site="The Valley Herald",
            published="2023-03-13T18:00:00+00:00",
        ),
        last_modified="Wed, 15 Mar 2023 10:00:00 GMT",
    )
    # neither a page date nor Last-Modified: the capture date
    _response(
        writer,
        "https://oldtowngazette.example/market-reopens",
        page_html("Covered market reopens", MARKET),
        warc_date="2023-03-18T12:30:00Z",
    )
    # records that cannot be articles
    _response(
        writer,
        "https://islandpost.example/logo.png",
        b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
        content_type="image/png",
    )
    _response(
        writer,
        "https://islandpost.example/old",
        b"<html><body>Moved</body></html>",
        status="301 Moved Permanently",
    )
    writer.write_record(
        writer.create_warc_record(
            "https://islandpost.example/news/ferry-strike-ends",
            "metadata",
            payload=io.BytesIO(b"outlinks: https://islandpost.example/"),
            warc_content_type="application/warc-fields",
        )
    )
    # an HTML page without article text (a script-rendered shell)
    _response(writer, "https://islandpost.example/live", SHELL_PAGE)
    return buffer.getvalue()


def _by_url(result):
    return {article.url: article for article in result.articles}


# --- WARC ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "gzipped"), [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_warc_html_responses_become_articles(tmp_path: Path, name: str, gzipped: bool, caplog):
    path = tmp_path / name
    path.write_bytes(crawl_warc(gzipped))
    with caplog.at_level(logging.DEBUG, logger="newsprism.ingest.warc"):
        result = read_paths([path])
    articles = _by_url(result)
    assert set(articles) == {
        "https://www.islandpost.example/news/ferry-strike-ends",
        "https://valleyherald.example/2023/reservoir-record",
        "https://oldtowngazette.example/market-reopens",
    }
    ferry = articles["https://www.islandpost.example/news/ferry-strike-ends"]
    assert ferry.outlet == "islandpost.example"  # the domain, not the WARC's file name
    assert ferry.title == "Ferry service resumes as strike ends"
    assert ferry.published == "2023-03-16T09:15:00+00:00"  # HTTP Last-Modified
    assert ferry.source == f"{path}!https://www.islandpost.example/news/ferry-strike-ends"
    assert FERRY[1] in ferry.raw
    paragraphs = [p for p in ferry.raw.split("\n\n") if p.strip()]
    assert FERRY[0] in paragraphs and FERRY[2] in paragraphs
    for furniture in ("Sport", "Privacy policy", "Lottery winner", "Copyright"):
        assert furniture not in ferry.raw
    dam = articles["https://valleyherald.example/2023/reservoir-record"]
    assert dam.outlet == "The Valley Herald"
    assert dam.published is not None and dam.published.startswith("2023-03-13")  # the page's
    market = articles["https://oldtowngazette.example/market-reopens"]
    assert market.outlet == "oldtowngazette.example"
    # the page's footer says "Copyright 2019": a fallback date beats that free-text guess
    assert market.published == "2023-03-18T12:30:00+00:00"  # the capture's WARC-Date
    # the image, the redirect, the request, the metadata and warcinfo are passed over;
    # the script shell is an HTML response without text: a skip naming file and URI
    (skip,) = result.skipped
    assert skip.source == f"{path}!https://islandpost.example/live"
    assert "no article text" in skip.reason
    tally = " ".join(record.getMessage() for record in caplog.records)
    assert "'request record': 1" in tally and "'HTTP 301 response': 1" in tally
    assert "'image/png response': 1" in tally and "'metadata record': 1" in tally


def _cut_inside_last_record(data: bytes, marker: bytes) -> bytes:
    return data[: data.rindex(marker) + len(marker) + 40]


def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    _response(writer, "https://islandpost.example/ferry", page_html("Ferry resumes", FERRY))
    _response(writer, "https://valleyherald.example/dam", page_html("Reservoir high", DAM))
    _response(writer, "https://oldtowngazette.example/market", page_html("Market", MARKET))
    path = tmp_path / "cut.warc"
    path.write_bytes(_cut_inside_last_record(buffer.getvalue(), b"<article>"))
    result = read_paths([path])
    assert sorted(a.url for a in result.articles) == [
        "https://islandpost.example/ferry",
        "https://valleyherald.example/dam",
    ]
    (skip,) = result.skipped
    assert skip.source == str(path)
    assert skip.reason.startswith("truncated or corrupt WARC after 2 record(s)")
    assert "oldtowngazette.example/market" in skip.reason  # where the damage is
    assert "records before the damage were read" in skip.reason


def test_truncated_gzipped_warc_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    _response(writer, "https://islandpost.example/ferry", page_html("Ferry resumes", FERRY))
    end_of_first = len(buffer.getvalue())
    _response(writer, "https://valleyherald.example/dam", page_html("Reservoir high", DAM))
    data = buffer.getvalue()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: (end_of_first + len(data)) // 2])  # half of the second member
    result = read_paths([path])
    assert [a.url for a in result.articles] == ["https://islandpost.example/ferry"]
    (skip,) = result.skipped
    assert skip.source == str(path) and "truncated or corrupt WARC after 1 record(s)" in skip.reason


def test_corrupt_record_is_skipped_and_the_next_ones_read(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    _response(writer, "https://islandpost.example/ferry", page_html("Ferry resumes", FERRY))
    _response(writer, "https://valleyherald.example/dam", page_html("Reservoir high", DAM))
    _response(writer, "https://oldtowngazette.example/market", page_html("Market", MARKET))
    data = bytearray(buffer.getvalue())
    at = data.index(b"highest level")
    data[at : at + 7] = b"LOWEST "  # bit rot inside the second record's payload
    path = tmp_path / "rot.warc"
    path.write_bytes(bytes(data))
    result = read_paths([path])
    assert sorted(a.url for a in result.articles) == [
        "https://islandpost.example/ferry",
        "https://oldtowngazette.example/market",
    ]
    (skip,) = result.skipped
    assert skip.source == f"{path}!https://valleyherald.example/dam"
    assert "does not match its recorded digest" in skip.reason


def test_warc_gzipped_as_one_stream_is_read(tmp_path: Path) -> None:
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(crawl_warc(gzipped=False)))
    result = read_paths([path])
    assert len(result.articles) == 3
    assert [s.source for s in result.skipped] == [f"{path}!https://islandpost.example/live"]


def test_not_a_warc_and_a_second_capture(tmp_path: Path) -> None:
    (tmp_path / "notes.warc").write_text("These are my notes, not a web archive.\n")
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    page = page_html("Ferry resumes", FERRY)
    _response(writer, "https://islandpost.example/ferry", page)
    _response(writer, "https://islandpost.example/ferry", page, warc_date="2023-03-17T07:00:00Z")
    (tmp_path / "twice.warc.gz").write_bytes(buffer.getvalue())
    result = read_paths([tmp_path])
    assert len(result.articles) == 1
    reasons = {Path(s.source.split("!")[0]).name: s.reason for s in result.skipped}
    assert reasons["notes.warc"].startswith("not a WARC file")
    assert "captured again" in reasons["twice.warc.gz"]


def test_warc_is_sniffed_under_an_unknown_name(tmp_path: Path) -> None:
    path = tmp_path / "crawl-20230316.open"
    path.write_bytes(crawl_warc(gzipped=True))
    assert reader_for(path, path.read_bytes()[:4096]).name == "warc"
    assert len(read_paths([path]).articles) == 3


# --- feeds -----------------------------------------------------------------------------


def _html_escape(paragraphs: list[str]) -> str:
    return "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in paragraphs)


RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Island Post - Top stories</title>
  <link>https://www.islandpost.example/</link>
  <description>News from the islands</description>
  <item>
    <title>Ferry service resumes &amp; strike ends</title>
    <link>https://www.islandpost.example/news/ferry-strike-ends?utm_source=rss</link>
    <guid>ferry-1</guid>
    <pubDate>Thu, 16 Mar 2023 08:30:00 -0500</pubDate>
    <description>The ferry is back.</description>
    <content:encoded><![CDATA[<article><p>{FERRY[0]}</p>
      <figure><img src="/ferry.jpg"><figcaption>The ferry at the pier</figcaption></figure>
      <p>{FERRY[1]}</p><script>track()</script><p>{FERRY[2]}</p></article>]]></content:encoded>
  </item>
  <item>
    <title>Reservoir at ten-year high</title>
    <link>https://news.aggregator.example/r/12345</link>
    <source url="https://valleyherald.example/rss">The Valley Herald</source>
    <pubDate>Mon, 13 Mar 2023 18:00:00 GMT</pubDate>
    <content:encoded>{_html_escape(DAM)}</content:encoded>
  </item>
  <item>
    <title>Covered market reopens</title>
    <link>https://www.islandpost.example/news/market-reopens</link>
    <pubDate>Sat, 18 Mar 2023 09:00:00 +0000</pubDate>
    <description>&lt;p&gt;The old town's covered market is open again.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Herald</title>
  <link href="https://valleyherald.example/"/>
  <id>urn:valleyherald</id>
  <updated>2023-03-14T10:00:00+01:00</updated>
  <entry>
    <title type="html">Reservoir at &lt;em&gt;ten-year&lt;/em&gt; high</title>
    <link rel="alternate" href="https://valleyherald.example/2023/reservoir-record"/>
    <id>urn:valleyherald:1</id>
    <published>2023-03-13T19:00:00+01:00</published>
    <updated>2023-03-14T08:00:00+01:00</updated>
    <summary>Water levels are high.</summary>
    <content type="html">{_html_escape(DAM)}</content>
  </entry>
  <entry>
    <title>Covered market reopens</title>
    <link href="https://valleyherald.example/2023/market"/>
    <id>urn:valleyherald:2</id>
    <updated>2023-03-18T10:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
      <p>{MARKET[0]}</p><p>{MARKET[1]}</p></div></content>
  </entry>
</feed>
"""


def test_rss_entries_with_full_content(tmp_path: Path) -> None:
    path = tmp_path / "islandpost.rss"
    path.write_text(RSS)
    result = read_paths([path])
    by_title = {a.title: a for a in result.articles}
    ferry = by_title["Ferry service resumes & strike ends"]
    # the publisher is the link's domain, not the feed's section title
    assert ferry.outlet == "islandpost.example"
    assert ferry.url == "https://www.islandpost.example/news/ferry-strike-ends?utm_source=rss"
    assert ferry.published == "2023-03-16T08:30:00-05:00"  # the publisher's own offset kept
    assert ferry.source == f"{path}#1"
    assert [p for p in ferry.raw.split("\n\n")] == FERRY  # paragraphs, no markup, no script
    assert "<" not in ferry.raw and "track()" not in ferry.raw
    dam = by_title["Reservoir at ten-year high"]
    assert dam.outlet == "The Valley Herald"  # an aggregator's <source> names the publisher
    assert dam.published == "2023-03-13T18:00:00+00:00"
    assert dam.raw.split("\n\n") == DAM
    # the third entry has only a one-sentence description and its page is not here
    (skip,) = result.skipped
    assert skip.source == f"{path}#3"
    assert skip.reason == (
        "feed entry has only a summary (8 words); include the linked page or a full-content feed"
    )


def test_atom_entries_html_and_xhtml_content(tmp_path: Path) -> None:
    path = tmp_path / "herald.atom"
    path.write_text(ATOM)
    result = read_paths([path])
    assert result.skipped == ()
    dam, market = result.articles
    assert dam.title == "Reservoir at ten-year high"  # the title's markup is dropped
    assert dam.outlet == "valleyherald.example"
    assert dam.published == "2023-03-13T19:00:00+01:00"  # published, not updated
    assert dam.raw.split("\n\n") == DAM
    assert market.published == "2023-03-18T10:00:00+00:00"  # no published: updated
    assert market.raw.split("\n\n") == MARKET


def test_summary_entry_uses_the_linked_page_from_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "islandpost.rss").write_text(RSS)
    # the page of the third entry, saved without a date of its own; its canonical URL
    # differs from the feed's link only by scheme and www.
    (tmp_path / "market.html").write_bytes(
        page_html(
            "Covered market reopens",
            MARKET,
            site="Island Post",
            url="http://islandpost.example/news/market-reopens/",
        )
    )
    result = read_paths([tmp_path])
    assert result.skipped == ()
    market = next(a for a in result.articles if a.title == "Covered market reopens")
    assert market.source == str(tmp_path / "market.html")  # the page's article stands
    assert market.outlet == "Island Post"
    assert market.published == "2023-03-18T09:00:00+00:00"  # taken from the feed entry
    assert MARKET[1] in market.raw
    assert len(result.articles) == 3


def test_full_content_entry_whose_page_is_present_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "herald.atom").write_text(ATOM)
    (tmp_path / "reservoir.html").write_bytes(
        page_html(
            "Reservoir at ten-year high",
            DAM,
            site="The Valley Herald",
            url="https://valleyherald.example/2023/reservoir-record",
            published="2023-03-13T18:00:00+00:00",
        )
    )
    result = read_paths([tmp_path])
    sources = sorted(Path(a.source).name for a in result.articles)
    assert sources == ["herald.atom#2", "reservoir.html"]
    assert result.skipped == ()


def test_feed_entry_and_its_page_inside_one_warc(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    _response(
        writer,
        "https://www.islandpost.example/rss",
        RSS.encode(),
        content_type="application/rss+xml",
    )
    _response(
        writer,
        "https://www.islandpost.example/news/market-reopens",
        page_html("Covered market reopens", MARKET, site="Island Post"),
    )
    path = tmp_path / "feedcrawl.warc.gz"
    path.write_bytes(buffer.getvalue())
    result = read_file(path)
    assert result.skipped == ()
    sources = sorted(a.source for a in result.articles)
    assert sources == [
        f"{path}!https://www.islandpost.example/news/market-reopens",
        f"{path}!https://www.islandpost.example/rss#1",
        f"{path}!https://www.islandpost.example/rss#2",
    ]


def test_feed_sniffing_bad_feeds_and_duplicate_entries(tmp_path: Path) -> None:
    long_description = " ".join(MARKET * 4)  # over 100 words: the article itself
    (tmp_path / "feed.xml").write_text(
        RSS.replace(
            "&lt;p&gt;The old town's covered market is open again.&lt;/p&gt;", long_description
        )
    )
    (tmp_path / "more.rss").write_text(RSS)  # the same entries again, read after feed.xml
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://islandpost.example/</loc></url></urlset>"
    )
    (tmp_path / "broken.rss").write_text("<html><body>Not found</body></html>")
    result = read_paths([tmp_path])
    market = next(a for a in result.articles if a.title == "Covered market reopens")
    assert market.source == str(tmp_path / "feed.xml#3") and market.word_count > 100
    reasons = {Path(s.source).name: s.reason for s in result.skipped}
    assert "unsupported extension '.xml'" in reasons["sitemap.xml"]
    assert reasons["broken.rss"].startswith("not a readable RSS/Atom feed")
    # more.rss's entries link to the pages feed.xml's entries already gave
    assert reasons["more.rss#1"].startswith(f"the same article as feed entry {tmp_path}")
    assert "read once" in reasons["more.rss#2"]
    assert reasons["more.rss#3"].startswith("the same article as feed entry")
    assert len(result.articles) == 3


def test_feed_with_html_in_its_first_bytes_is_sniffed_as_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_text(RSS)  # its content:encoded holds <article>, an HTML marker
    assert reader_for(path, path.read_bytes()[:4096]).name == "feed"
    assert reader_for(tmp_path / "crawl.warc.gz", b"").name == "warc"
    assert reader_for(tmp_path / "bundle.tar.gz", b"").name == "archive"


# --- archives --------------------------------------------------------------------------


def _mixed_members() -> dict[str, bytes]:
    """A folder's worth of inputs: every format, nested folders and junk."""
    return {
        "news/ferry.html": page_html(
            "Ferry service resumes as strike ends", FERRY, site="Island Post"
        ),
        "news/2023/reservoir.txt": ("Reservoir at ten-year high\n\n" + "\n\n".join(DAM)).encode(),
        "news/2023/items.jsonl": (
            '{"title": "Covered market reopens", "text": "'
            + " ".join(MARKET)
            + '", "outlet": "Old Town Gazette", "published": "2023-03-18"}\n'
        ).encode(),
        "crawls/crawl.warc.gz": crawl_warc(gzipped=True),
        "feeds/islandpost.rss": RSS.encode(),
        "feeds/pages/market.html": page_html(
            "Covered market reopens",
            MARKET,
            site="Island Post",
            url="https://www.islandpost.example/news/market-reopens",
        ),
        "notes.xyz": b"a note that is no article format",
        "__MACOSX/news/._ferry.html": b"\x00\x05\x16\x07 resource fork",
        "news/.DS_Store": b"\x00\x00\x00\x01Bud1",
    }


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("name", ["bundle.zip", "bundle.tar.gz", "bundle.tgz", "bundle.tar"])
def test_archive_of_mixed_formats(tmp_path: Path, name: str) -> None:
    members = _mixed_members()
    path = tmp_path / name
    if name.endswith(".zip"):
        _zip(path, members)
    else:
        _tar(path, dict(reversed(members.items())), "w" if name.endswith(".tar") else "w:gz")
    result = read_paths([path])
    sources = [a.source for a in result.articles]
    assert f"{path}!news/ferry.html" in sources
    assert f"{path}!news/2023/reservoir.txt" in sources
    assert f"{path}!news/2023/items.jsonl:1" in sources
    assert f"{path}!crawls/crawl.warc.gz!https://valleyherald.example/2023/reservoir-record" in (
        sources
    )
    # entry 1 links to the ferry page captured in the WARC, which stands for it; entry 2
    # (an aggregator's link) has full content; entry 3, a summary, is read from its page
    assert f"{path}!feeds/islandpost.rss#2" in sources
    assert f"{path}!feeds/pages/market.html" in sources
    assert not any("islandpost.rss#1" in s for s in sources)
    assert not any("islandpost.rss" in s.source for s in result.skipped)
    ferry_capture = next(a for a in result.articles if a.url and "ferry-strike" in a.url)
    assert ferry_capture.published == "2023-03-16T08:30:00-05:00"  # the feed's date
    skipped = {s.source: s.reason for s in result.skipped}
    assert "unsupported extension '.xyz'" in skipped[f"{path}!notes.xyz"]
    assert (
        "no article text" in skipped[f"{path}!crawls/crawl.warc.gz!https://islandpost.example/live"]
    )
    assert len(skipped) == 2  # hidden members (__MACOSX, .DS_Store) are ignored
    ferry = next(a for a in result.articles if a.source == f"{path}!news/ferry.html")
    assert ferry.outlet == "Island Post" and FERRY[2] in ferry.raw
    # members are read in sorted order of their paths, whatever the archive's order
    plain = [s.split("!")[1] for s in sources if s.count("!") == 1 and "#" not in s]
    assert plain == sorted(plain)


def test_archive_member_reads_the_same_as_the_file(tmp_path: Path) -> None:
    (tmp_path / "ferry.html").write_bytes(page_html("Ferry resumes", FERRY, site="Island Post"))
    _zip(tmp_path / "one.zip", {"ferry.html": (tmp_path / "ferry.html").read_bytes()})
    (from_file,) = read_paths([tmp_path / "ferry.html"]).articles
    (from_zip,) = read_paths([tmp_path / "one.zip"]).articles
    assert from_zip.id == from_file.id and from_zip.raw == from_file.raw


def test_nested_archives(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("ferry.txt", "Ferry service resumes\n\n" + "\n\n".join(FERRY))
    outer = tmp_path / "outer.tar.gz"
    _tar(outer, {"inner/inner.zip": inner.getvalue()})
    (article,) = read_paths([outer]).articles
    assert article.source == f"{outer}!inner/inner.zip!ferry.txt"
    assert article.title == "Ferry service resumes"


def test_path_traversal_and_links_are_refused(tmp_path: Path) -> None:
    good = b"Market reopens today\n\n" + MARKET[0].encode()
    bad_zip = tmp_path / "evil.zip"
    with zipfile.ZipFile(bad_zip, "w") as archive:
        archive.writestr("ok.txt", good)
        archive.writestr("../../outside.txt", good)
        archive.writestr("/etc/cron.d/job.txt", good)
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = 0o120777 << 16  # a symlink
        archive.writestr(link, "/etc/passwd")
    bad_tar = tmp_path / "evil.tar.gz"
    with tarfile.open(bad_tar, "w:gz") as archive:
        for name in ("ok.txt", "../escape.txt"):
            info = tarfile.TarInfo(name)
            info.size = len(good)
            archive.addfile(info, io.BytesIO(good))
        symlink = tarfile.TarInfo("passwd.txt")
        symlink.type, symlink.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(symlink)
        hardlink = tarfile.TarInfo("again.txt")
        hardlink.type, hardlink.linkname = tarfile.LNKTYPE, "ok.txt"
        archive.addfile(hardlink)
    before = sorted(p.name for p in tmp_path.parent.iterdir())
    result = read_paths([bad_zip, bad_tar])
    assert sorted(a.source for a in result.articles) == [f"{bad_tar}!ok.txt", f"{bad_zip}!ok.txt"]
    reasons = {s.source: s.reason for s in result.skipped}
    assert "path traversal" in reasons[f"{bad_zip}!../../outside.txt"]
    assert "an absolute path" in reasons[f"{bad_zip}!/etc/cron.d/job.txt"]
    assert reasons[f"{bad_zip}!link.txt"].startswith("a symbolic link")
    assert "'..' component" in reasons[f"{bad_tar}!../escape.txt"]
    assert reasons[f"{bad_tar}!passwd.txt"].startswith("a symbolic link to '/etc/passwd'")
    assert reasons[f"{bad_tar}!again.txt"].startswith("a hard link")
    assert len(reasons) == 6
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == before  # nothing written


@pytest.mark.parametrize("name", ["bomb.zip", "bomb.tar.gz"])
def test_zip_bomb_is_stopped_with_a_clear_skip(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_module, "MAX_UNPACKED_BYTES", 1 << 20)
    members = {
        "a-story.txt": ("Ferry resumes\n\n" + "\n\n".join(FERRY)).encode(),
        "b-zeros.txt": b"0" * (4 << 20),  # 4 MiB that compress to a few KiB
        "c-story.txt": ("Market reopens\n\n" + "\n\n".join(MARKET)).encode(),
    }
    path = tmp_path / name
    _zip(path, members) if name.endswith(".zip") else _tar(path, members)
    assert path.stat().st_size < 64 << 10
    result = read_paths([path])
    assert [a.source for a in result.articles] == [f"{path}!a-story.txt"]
    (skip,) = result.skipped
    assert skip.source == str(path)
    assert skip.reason.startswith("stopped unpacking: the archive unpacks to more than 1 MiB")
    assert "zip bombs" in skip.reason and "1 member(s) were read" in skip.reason


def test_corrupt_and_truncated_archives(tmp_path: Path) -> None:
    gauges = "\n\n".join(f"Gauge {i} read {i * 7919 % 997} cm at {i % 24}:00." for i in range(3000))
    members = {
        "a.txt": ("Ferry service resumes\n\n" + "\n\n".join(FERRY)).encode(),
        "b.txt": ("Reservoir gauge readings\n\n" + gauges).encode(),
    }
    whole_zip = _zip(tmp_path / "whole.zip", members).read_bytes()
    (tmp_path / "cut.zip").write_bytes(whole_zip[: len(whole_zip) // 2])
    crc = bytearray(whole_zip)
    at = crc.index(b"a.txt") + 5  # the first member's compressed data follows its name
    crc[at + 10] ^= 0xFF
    (tmp_path / "crc.zip").write_bytes(bytes(crc))
    with tarfile.open(tmp_path / "whole.tar", "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    whole_tar = (tmp_path / "whole.tar").read_bytes()
    compressed = gzip.compress(whole_tar)
    (tmp_path / "cut.tar.gz").write_bytes(compressed[: len(compressed) * 2 // 3])
    for name in ("whole.zip", "whole.tar"):
        (tmp_path / name).unlink()
    result = read_paths([tmp_path])
    reasons = {Path(s.source).name: s.reason for s in result.skipped}
    assert reasons["cut.zip"].startswith("not a readable zip archive")
    assert "re-create or re-download" in reasons["cut.zip"]
    assert reasons["crc.zip!a.txt"].startswith("unreadable archive member")
    assert reasons["cut.tar.gz"].startswith("truncated or corrupt tar archive after 1 member(s)")
    assert sorted(Path(a.source).name for a in result.articles) == [
        "crc.zip!b.txt",
        "cut.tar.gz!a.txt",
    ]


@pytest.mark.slow
def test_brief_of_a_zipped_folder_equals_the_brief_of_the_folder(tmp_path: Path) -> None:
    from newsprism.pipeline import brief_paths

    folder = tmp_path / "sample-story"
    shutil.copytree(EXAMPLES, folder)
    zipped = Path(
        shutil.make_archive(str(tmp_path / "sample-story"), "zip", tmp_path, "sample-story")
    )
    from_folder = brief_paths([folder])
    from_zip = brief_paths([zipped])
    assert from_zip.points, "the sample story has points"

    def points(brief):
        return [(p.text, p.support, p.outlets) for p in brief.points]

    assert points(from_zip) == points(from_folder)
    # the same articles (content-hash ids: same outlet, same text), the same quotes
    assert [a.id for a in from_zip.story.articles] == [a.id for a in from_folder.story.articles]
    assert [q.text for q in from_zip.story.quotes] == [q.text for q in from_folder.story.quotes]
    assert all("sample-story.zip!sample-story/" in a.source for a in from_zip.story.articles)


def test_archives_nested_too_deep_are_not_unpacked(tmp_path: Path) -> None:
    data = ("Ferry service resumes\n\n" + "\n\n".join(FERRY)).encode()
    name = "story.txt"
    for level in range(4):  # story.txt in 4 zips, the outermost written to disk
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, data)
        data, name = buffer.getvalue(), f"level{level}.zip"
    path = tmp_path / "outer.zip"
    path.write_bytes(data)
    result = read_paths([path])
    assert result.articles == ()
    (skip,) = result.skipped
    assert skip.source == f"{path}!level2.zip!level1.zip!level0.zip"
    assert skip.reason.startswith("an archive nested more than 3 deep")
