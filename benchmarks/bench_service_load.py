"""Load check of the HTTP service: concurrent clients reading while an ingest runs.

``newsprism serve`` runs as a child process on a fresh store in a temporary folder; the
sample story and the seed articles are uploaded through the API first (their briefs are
built by the ingest job). Then the same clients run two phases on localhost:

- **idle** (the reference, measured in the same run): no ingest;
- **ingest**: ingest jobs run the whole time: the MultiLing 2011 file (100 articles,
  10 stories), then the Multi-News sample, uploaded through ``POST /api/ingest/files``,
  one after the other until the window closes.

Each client loops over a fixed mix: list the stories (half of them a text search), read a
story's brief, read its articles. The briefs read are those of the stories stored before
the ingest; a story the ingest creates is briefed by the job itself.

Reported per phase: requests, throughput (requests/s), p50/p90/p99/max latency (ms) and
errors (transport errors or non-2xx answers; the target is none), the ingest phase's
ratios to the idle phase, and the articles ingested during the window. Results go to
``benchmarks/results/service_load.json``.

    python benchmarks/bench_service_load.py [--clients 50] [--seconds 30] [--idle-seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
SEARCHES = ("Merrow", "bridge", "Geneva", "Russia troops", "talks", "council")


@dataclass
class Phase:
    """What the clients saw in one phase."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.append(seconds)
        self.by_kind.setdefault(kind, []).append(seconds)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(q: float) -> float:
            if not ordered:
                return float("nan")
            return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

        return {
            "phase": self.name,
            "seconds": round(self.seconds, 2),
            "requests": len(ordered),
            "throughput_rps": round(len(ordered) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.50),
            "p90_ms": pct(0.90),
            "p99_ms": pct(0.99),
            "max_ms": round(1000 * ordered[-1], 2) if ordered else float("nan"),
            "errors": len(self.errors),
            "error_examples": sorted(set(self.errors))[:5],
            "p50_ms_by_kind": {
                k: round(1000 * statistics.median(v), 2) for k, v in sorted(self.by_kind.items())
            },
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = _free_port()
    log = folder / "server.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("NEWSPRISM_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "newsprism.cli", "serve", "--db", str(folder / "store.db")]
        + ["--port", str(port), "--max-body-mb", "64"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    return process, f"http://127.0.0.1:{port}", log


def _wait_ready(client: httpx.Client, process: subprocess.Popen[bytes], log: Path) -> float:
    started = time.perf_counter()
    while True:
        if process.poll() is not None:
            raise SystemExit(f"the service exited:\n{log.read_text()}")
        try:
            if client.get("/api/health").json()["models"] == "ready":
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        if time.perf_counter() - started > 300:
            raise SystemExit("the service did not get ready in 300 s")
        time.sleep(0.2)


def _upload(client: httpx.Client, paths: list[Path]) -> dict[str, Any]:
    files = [("files", (p.name, p.read_bytes())) for p in paths]
    response = client.post("/api/ingest/files", files=files)
    response.raise_for_status()
    job: dict[str, Any] = response.json()
    return job


def _job_status(client: httpx.Client, url: str) -> dict[str, Any]:
    status: dict[str, Any] = client.get(url).json()
    return status


def _wait_job(client: httpx.Client, job: dict[str, Any]) -> dict[str, Any]:
    while job["state"] not in ("done", "failed"):
        time.sleep(0.3)
        job = client.get(job["url"]).json()
    if job["state"] == "failed":
        raise SystemExit(f"ingest failed: {job['error']}")
    return job


async def _client_loop(
    http: httpx.AsyncClient, story_ids: list[str], phase: Phase, deadline: float, seed: int
) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < deadline:
        roll = rng.random()
        if roll < 0.2:
            kind, url, params = "list", "/api/stories", {"limit": 20}
        elif roll < 0.4:
            kind, url, params = "search", "/api/stories", {"q": rng.choice(SEARCHES)}
        elif roll < 0.85:
            kind, url, params = "brief", f"/api/stories/{rng.choice(story_ids)}/brief", {}
        else:
            kind, url, params = "articles", f"/api/stories/{rng.choice(story_ids)}/articles", {}
        started = time.perf_counter()
        try:
            response = await http.get(url, params=params)
            await response.aread()
            if response.status_code >= 300:
                phase.errors.append(f"{kind}: HTTP {response.status_code}")
        except httpx.HTTPError as error:
            phase.errors.append(f"{kind}: {type(error).__name__}")
        phase.record(kind, time.perf_counter() - started)


async def _run_phase(
    base: str, story_ids: list[str], clients: int, seconds: float, name: str
) -> Phase:
    phase = Phase(name)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as http:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(_client_loop(http, story_ids, phase, deadline, seed) for seed in range(clients))
        )
        phase.seconds = time.perf_counter() - started
    return phase


def _ingest_batches() -> list[list[Path]]:
    batches = [
        [SHARED / "multiling2011" / "multiling2011_en.jsonl"],
        [SHARED / "multinews" / "multinews_validation_sample250.jsonl"],
    ]
    for batch in batches:
        for path in batch:
            if not path.exists():
                raise SystemExit(f"{path} not found (../shared/data beside the repo)")
    return batches


def _table(rows: list[dict[str, Any]]) -> str:
    head = "| phase | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |"
    lines = [head, "|" + " --- |" * 8]
    for r in rows:
        lines.append(
            f"| {r['phase']} | {r['requests']} | {r['throughput_rps']} | {r['p50_ms']} | "
            f"{r['p90_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['errors']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0, help="the window under ingest")
    parser.add_argument("--idle-seconds", type=float, default=15.0, help="the reference window")
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]  # the machine may be shared

    with tempfile.TemporaryDirectory(prefix="newsprism-load-") as tmp:
        folder = Path(tmp)
        process, base, log = _start_server(folder)
        try:
            with httpx.Client(base_url=base, timeout=300) as client:
                ready = _wait_ready(client, process, log)
                setup = time.perf_counter()
                _wait_job(client, _upload(client, sorted((ROOT / "examples" / "sample-story").iterdir())))
                _wait_job(client, _upload(client, sorted((SHARED / "seeds").glob("*.txt"))))
                setup_seconds = time.perf_counter() - setup
                stories = client.get("/api/stories", params={"limit": 200}).json()["stories"]
                story_ids = [s["id"] for s in stories]
                for story_id in story_ids:  # briefs are stored by the jobs; warm the cache
                    client.get(f"/api/stories/{story_id}/brief").raise_for_status()

                idle = asyncio.run(
                    _run_phase(base, story_ids, args.clients, args.idle_seconds, "idle")
                )

                batches = _ingest_batches()
                jobs: list[dict[str, Any]] = []
                window_end = time.perf_counter() + args.seconds

                async def under_ingest() -> Phase:
                    async def feed() -> None:
                        for batch in batches:
                            job = await asyncio.to_thread(_upload, client, batch)
                            jobs.append(job)
                            while time.perf_counter() < window_end:
                                job = await asyncio.to_thread(_job_status, client, job["url"])
                                jobs[-1] = job
                                if job["state"] in ("done", "failed"):
                                    break
                                await asyncio.sleep(0.5)
                            if time.perf_counter() >= window_end:
                                return

                    feeder = asyncio.create_task(feed())
                    await asyncio.sleep(1.0)  # let the first job start
                    phase = await _run_phase(base, story_ids, args.clients, args.seconds, "ingest")
                    await feeder
                    return phase

                loaded = asyncio.run(under_ingest())
                stories_total = client.get("/api/stories", params={"limit": 1}).json()["total"]
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    rows = [idle.summary(), loaded.summary()]
    result = {
        "benchmark": "service_load",
        "clients": args.clients,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": load_before,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "startup_until_models_ready_s": round(ready, 2),
        "setup_ingest_s": round(setup_seconds, 2),
        "stories_read": len(story_ids),
        "phases": rows,
        "ratios_ingest_to_idle": {
            "throughput": round(rows[1]["throughput_rps"] / rows[0]["throughput_rps"], 3),
            "p50": round(rows[1]["p50_ms"] / rows[0]["p50_ms"], 3),
            "p99": round(rows[1]["p99_ms"] / rows[0]["p99_ms"], 3),
        },
        "ingest_jobs_at_window_end": [
            {
                "state": j["state"],
                "stage": j["stage"],
                "done": j["done"],
                "total": j["total"],
                "new_articles": (j["result"] or {}).get("new_articles"),
            }
            for j in jobs
        ],
        "stories_after": stories_total,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "service_load.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(_table(rows))
    print(
        f"ingest/idle: throughput x{result['ratios_ingest_to_idle']['throughput']}, "
        f"p50 x{result['ratios_ingest_to_idle']['p50']}, "
        f"p99 x{result['ratios_ingest_to_idle']['p99']}; "
        f"ingest jobs at the end of the window: {result['ingest_jobs_at_window_end']}"
    )
    print(f"load average at start {load_before}, at end {result['machine']['load_average_at_end']}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
