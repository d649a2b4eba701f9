"""The web page in a real browser: Playwright driving Debian's Chromium against
``newsprism serve`` started on localhost, on a store built from the sample story and the
seed articles through the service's own upload endpoint.

The XSS test feeds articles whose outlet, title, text and URL carry script payloads and
proves in the browser that none of them runs: no dialog, no global flag set, no CSP
violation (so nothing even tried to run), and no ``javascript:`` link.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import shared_path

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-story"
SCREENSHOTS = ROOT / "out" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# (Playwright's string predicates, wait_for_function, use eval, which the page's CSP
# forbids: waits use locators and expect() instead.)
# Records CSP violations: a payload injected as markup would trip the policy when it tried
# to run, so an empty list shows nothing tried.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_job(client: httpx.Client, job: dict[str, Any], timeout: float = 600.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(job["url"]).json()
        if job["state"] in ("done", "failed"):
            assert job["state"] == "done", job
            return job
        time.sleep(0.3)
    raise AssertionError(f"ingest job did not finish in {timeout} s: {job}")


def _upload(client: httpx.Client, folder: Path) -> dict[str, Any]:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(folder.iterdir()) if p.is_file()]
    accepted = client.post("/api/ingest/files", files=files)
    assert accepted.status_code == 202, accepted.text
    return _wait_job(client, accepted.json())


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``newsprism serve`` on a fresh store holding the sample story and the seeds."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):  # .ci/run installs it: in CI a missing browser is a failure
            pytest.fail(message)
        pytest.skip(message)
    seeds = shared_path("seeds")
    folder = tmp_path_factory.mktemp("web")
    port = _free_port()
    log = (folder / "server.log").open("w")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("NEWSPRISM_TOKEN", None)
    command = [sys.executable, "-m", "newsprism.cli", "serve", "--db", str(folder / "store.db")]
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 300
            while True:
                assert process.poll() is None, (folder / "server.log").read_text()
                assert time.monotonic() < deadline, "the service did not get ready in 300 s"
                try:
                    if client.get("/api/health").json()["models"] == "ready":
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            _upload(client, SAMPLE)
            _upload(client, seeds)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with every dialog, page error and console error recorded."""

    def __init__(self, browser: Any, viewport: dict[str, int], **options: Any) -> None:
        self.context = browser.new_context(viewport=viewport, **options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.page.add_init_script(WATCH)
        self.dialogs: list[str] = []
        self.errors: list[str] = []

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console", lambda m: self.errors.append(m.text) if m.type == "error" else None
        )

    def assert_clean(self) -> None:
        assert self.dialogs == []
        assert self.errors == []
        assert self.page.evaluate("window.__cspViolations") == []


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    page = Watched(browser, LAPTOP)
    yield page
    page.context.close()


def _sample_story(base: str) -> dict[str, Any]:
    found = httpx.get(f"{base}/api/stories", params={"q": "Merrow"}).json()["stories"]
    assert len(found) == 1, found
    return found[0]


def _brief_and_texts(base: str, story_id: str) -> tuple[dict[str, Any], dict[str, str]]:
    brief = httpx.get(f"{base}/api/stories/{story_id}/brief", timeout=60).json()
    articles = httpx.get(f"{base}/api/stories/{story_id}/articles").json()["articles"]
    return brief, {a["id"]: a["text"] for a in articles}


def _open_story(watched: Watched, base: str, story_id: str) -> Any:
    page = watched.page
    page.goto(f"{base}/#/")
    page.locator(f'a.story-link[href="#/stories/{story_id}"]').click()
    page.wait_for_selector("#points li.point")
    return page


def test_story_list_shows_sizes_outlets_and_search(service: str, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{service}/")
    page.wait_for_selector("#stories .story-item")
    listing = httpx.get(f"{service}/api/stories").json()
    assert page.locator("#stories .story-item").count() == listing["total"] >= 2
    sample = _sample_story(service)
    item = page.locator(".story-item", has=page.locator(f'a[href="#/stories/{sample["id"]}"]'))
    assert "5 articles" in item.locator(".story-meta").inner_text()
    assert sorted(item.locator(".chip").all_inner_texts()) == sorted(sample["outlets"])
    page.fill("input[name=q]", "Merrow")
    page.click("form.search button[type=submit]")
    expect(page.locator("#stories .story-item")).to_have_count(1)
    assert page.locator("#story-count").inner_text() == "1 story match"
    watched.assert_clean()


def test_hovering_a_point_shows_its_outlets(service: str, watched: Watched) -> None:
    story = _sample_story(service)
    brief, _texts = _brief_and_texts(service, story["id"])
    page = _open_story(watched, service, story["id"])
    assert page.locator("#story-title").inner_text() == story["title"]
    points = page.locator("#points li.point")
    assert points.count() == len(brief["points"])
    index = next(i for i, p in enumerate(brief["points"]) if p["support"] >= 2)
    point, expected = points.nth(index), brief["points"][index]
    detail = point.locator(".support-detail")
    page.mouse.move(0, 0)
    assert not detail.is_visible()
    point.locator(".point-text").hover()
    assert detail.is_visible()
    assert f"{expected['support']}/{len(brief['outlets'])}" == point.locator(".badge").inner_text()
    chips = detail.locator(".chips").first.locator(".chip").all_inner_texts()
    assert chips == expected["outlets"]
    assert point.locator(".badge").get_attribute("title").startswith("Reported by")
    watched.assert_clean()


def test_citation_opens_the_article_at_the_cited_passage(service: str, watched: Watched) -> None:
    story = _sample_story(service)
    brief, texts = _brief_and_texts(service, story["id"])
    page = _open_story(watched, service, story["id"])
    index = next(i for i, p in enumerate(brief["points"]) if p["support"] >= 2)
    for n, span in enumerate(brief["points"][index]["citations"][:2]):
        link = page.locator("#points li.point").nth(index).locator("a.cite").nth(n)
        link.click()
        page.wait_for_url(f"**/cite/{span['article_id']}/{span['start']}/{span['end']}")
        mark = page.locator("#reader mark.cited")
        expected = texts[span["article_id"]][span["start"] : span["end"]]
        assert mark.inner_text() == expected
        assert mark.is_visible()
        if n == 0:
            assert expected == brief["points"][index]["text"]
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SCREENSHOTS / "story-view.png"))
        assert page.locator("#article-text").inner_text() == texts[span["article_id"]]
    # a quote variant and a divergence answer open their passages too
    variant = brief["quotes"][0]["variants"][-1]["citation"]
    page.locator(
        f'#quotes a.cite[data-article="{variant["article_id"]}"][data-start="{variant["start"]}"]'
    ).first.click()
    span_text = texts[variant["article_id"]][variant["start"] : variant["end"]]
    expect(page.locator("#reader mark.cited")).to_have_text(span_text)
    assert page.locator("#reader mark.cited").text_content() == span_text
    watched.assert_clean()


def test_quote_ledger_divergences_timeline_and_people(service: str, watched: Watched) -> None:
    story = _sample_story(service)
    brief, _texts = _brief_and_texts(service, story["id"])
    page = _open_story(watched, service, story["id"])
    assert page.locator("#quotes li.quote").count() == len(brief["quotes"])
    varied = [q for q in brief["quotes"] if len({v["text"] for v in q["variants"]}) > 1]
    assert varied, "the sample story quotes the commissioner in several wordings"
    assert page.locator("#quotes table.variants").count() == len(varied)
    assert page.locator("#quotes mark.diff").count() >= 1
    divergences = page.locator("#divergences table.divergence")
    assert divergences.count() == len(brief["divergences"]) >= 1
    first = brief["divergences"][0]
    headers = divergences.first.locator("thead th").all_inner_texts()
    assert sorted(headers) == sorted({a["outlet"] for a in first["answers"]})
    assert page.locator("#timeline li.event").count() == len(brief["timeline"])
    people = [e for e in brief["entities"] if e["kind"] in ("person", "organisation")]
    rows = page.locator("#entities tbody tr")
    assert rows.count() == min(60, len(people))
    with_role = next(e for e in people if e["roles"])
    row = rows.filter(has_text=with_role["name"]).first
    assert with_role["roles"][0]["text"] in row.inner_text()
    watched.assert_clean()


def test_one_outlets_reports_show_their_new_facts(service: str, watched: Watched) -> None:
    """A report listed for its new names and numbers shows them, verbatim, each linking
    to its own passage; a report without new facts claims none."""
    story = _sample_story(service)
    brief, texts = _brief_and_texts(service, story["id"])
    page = _open_story(watched, service, story["id"])
    items = page.locator("#unique li")
    assert items.count() == len(brief["unique"])
    with_new = [u for u in brief["unique"] if u.get("highlights")]
    assert with_new, "the sample story has reports that add a name or a number"
    assert page.locator("#unique .only-here").count() == len(with_new)
    report = with_new[0]
    links = items.filter(has_text=report["text"][:40]).first.locator(".only-here a.cite")
    assert links.all_inner_texts() == [h["text"] for h in report["highlights"]]
    for link, highlight in zip(links.all(), report["highlights"], strict=True):
        cited = highlight["citation"]
        start, end = int(link.get_attribute("data-start")), int(link.get_attribute("data-end"))
        assert (start, end) == (cited["start"], cited["end"])
        assert texts[cited["article_id"]][start:end] == highlight["text"]
    watched.assert_clean()


def test_keyboard_opens_and_closes_a_citation(service: str, watched: Watched) -> None:
    story = _sample_story(service)
    page = _open_story(watched, service, story["id"])
    link = page.locator("#points a.cite").first
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#reader mark.cited")
    assert page.evaluate("document.activeElement.id") == "cited"
    page.keyboard.press("Escape")
    page.wait_for_selector("#reader", state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('cite')")
    # focus is visible on links (outline from :focus-visible)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    watched.assert_clean()


def test_add_articles_through_the_form(service: str, watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    page.goto(f"{service}/")
    page.wait_for_selector("#stories .story-item")
    before = httpx.get(f"{service}/api/stories").json()["total"]
    page.fill("#add-paste [name=outlet]", "Northfield Courier")
    page.fill("#add-paste [name=title]", "Volunteers restore the old lido")
    page.fill(
        "#add-paste [name=text]",
        "Volunteers have restored the 1930s lido on Northfield Common after a three-year "
        "campaign.\n\nThe pool will reopen to swimmers on the first Saturday of June, the "
        "campaign's organiser Priya Nair said.",
    )
    page.click("#add-paste button[value=store]")
    page.wait_for_selector("#job-status progress, #job-done", timeout=10_000)
    page.wait_for_selector("#job-done", timeout=300_000)
    assert "1 new" in page.locator("#job-done").inner_text()
    expect(page.locator("#stories .story-item")).to_have_count(before + 1)
    assert page.locator("a.story-link", has_text="Volunteers restore the old lido").count() == 1

    upload = tmp_path / "harbour-gazette.txt"
    upload.write_text(
        "Tide gauge installed at Kestrel quay\n\nA new tide gauge was installed at Kestrel quay "
        "on Friday, the harbour master said.\n",
        encoding="utf-8",
    )
    page.set_input_files("#add-files input[type=file]", str(upload))
    page.click("#add-files button[type=submit]")
    expect(page.locator("#job-done")).to_contain_text("read 1 article", timeout=300_000)
    assert httpx.get(f"{service}/api/stories").json()["total"] >= before + 1
    watched.assert_clean()


PAYLOAD_ARTICLES = [
    {
        "outlet": '<img src=x onerror="window.__pwned=1;alert(1)">Quarry Post',
        "title": "<script>window.__pwned=2;alert(2)</script>Quarry Lane library reopens",
        "url": "javascript:window.__pwned=3;alert(3)",
        "text": (
            "The Quarry Lane library reopened on Tuesday after a two-year renovation that cost "
            '4 million pounds. <img src=x onerror="window.__pwned=4;alert(4)"> Council leader '
            'Mira Hale said the building was "<script>window.__pwned=5;alert(5)</script>a home '
            'for every reader". The library now opens seven days a week.'
        ),
    },
    {
        "outlet": "Riverside <svg onload=alert(6)> Times",
        "title": 'Quarry Lane library back after revamp <b onmouseover="alert(7)">',
        "url": "JaVaScRiPt:alert(8)",
        "text": (
            "The Quarry Lane library opened its doors again on Tuesday after a renovation "
            "lasting two years and costing 4 million pounds. Council leader Mira Hale said "
            'the building was "a home for every reader". <a href="javascript:alert(9)">Click '
            "here</a> Visitors queued from early morning, and the library now opens seven days "
            "a week."
        ),
    },
    {
        "outlet": "Evening <iframe src=javascript:alert(10)></iframe> Star",
        "title": "Library reopens in Quarry Lane",
        "url": "data:text/html,<script>alert(11)</script>",
        "text": (
            "Quarry Lane library reopened on Tuesday following a two-year, 4 million pound "
            "renovation. Mira Hale, the council leader, said the building was \"a home for "
            "every reader\" <style>body{display:none}</style><script>alert(12)</script>. "
            "It now opens seven days a week."
        ),
    },
]


def _assert_nothing_ran(watched: Watched) -> None:
    page = watched.page
    assert watched.dialogs == [], watched.dialogs
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("window.__cspViolations") == []
    assert page.locator('a[href^="javascript:" i], a[href^="data:" i]').count() == 0
    assert page.locator("img[src=x], svg, iframe, style, b[onmouseover]").count() == 0
    assert page.evaluate("document.scripts.length") == 1


def test_untrusted_markup_never_runs(service: str, watched: Watched) -> None:
    with httpx.Client(base_url=service, timeout=60) as client:
        accepted = client.post("/api/ingest", json={"articles": PAYLOAD_ARTICLES})
        _wait_job(client, accepted.json())
        stories = client.get("/api/stories", params={"q": "Quarry Lane library"}).json()["stories"]
    assert stories and sum(s["size"] for s in stories) == 3
    page = watched.page
    page.goto(f"{service}/")
    page.wait_for_selector("#stories .story-item")
    for story in stories:  # titles and outlets shown as the literal text they are
        link = page.locator(f'a.story-link[href="#/stories/{story["id"]}"]')
        assert link.inner_text() == story["title"]
    outlet_chips = page.locator("#stories .chip").all_inner_texts()
    assert PAYLOAD_ARTICLES[0]["outlet"] in outlet_chips
    _assert_nothing_ran(watched)
    for story in stories:
        page.goto(f"{service}/#/stories/{story['id']}")
        page.wait_for_selector("#points")
        for point in page.locator("#points li.point").all():
            point.hover()
        assert page.get_by_text("window.__pwned=4", exact=False).count() >= 1
        for source in page.locator("#sources a.source-link").all():
            source.click()
            page.wait_for_selector("#reader #article-text")
            reader = page.locator("#reader").inner_text()
            assert "<" in reader  # the markup is shown as text
        _assert_nothing_ran(watched)
    assert page.locator(".unsafe-url").count() >= 1  # a javascript: URL is shown, not linked
    # the same articles briefed without storing, through the form
    page.goto(f"{service}/")
    page.wait_for_selector("#add-paste")
    page.fill("#add-paste [name=outlet]", PAYLOAD_ARTICLES[0]["outlet"])
    page.fill("#add-paste [name=title]", PAYLOAD_ARTICLES[0]["title"])
    page.fill("#add-paste [name=text]", PAYLOAD_ARTICLES[0]["text"])
    page.click("#add-paste button[value=brief]")
    page.wait_for_selector("#points", timeout=120_000)
    page.locator("#sources a.source-link").first.click()
    page.wait_for_selector("#reader #article-text")
    _assert_nothing_ran(watched)
    assert watched.errors == []


def test_phone_layout_fits_and_the_reader_covers_the_screen(service: str, browser: Any) -> None:
    phone = Watched(browser, PHONE, is_mobile=True, has_touch=True)
    try:
        story = _sample_story(service)
        page = _open_story(phone, service, story["id"])
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width} px)"
        assert page.locator("#points .support-detail").first.is_visible()  # no hover on touch
        page.locator("#points a.cite").first.click()
        page.wait_for_selector("#reader mark.cited")
        box = page.locator("#reader").bounding_box()
        assert box is not None and box["width"] >= PHONE["width"] - 1
        page.locator("#reader a.close").click()
        page.wait_for_selector("#reader", state="hidden")
        phone.assert_clean()
    finally:
        phone.context.close()
