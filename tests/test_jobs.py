"""The background job runner: ids, progress snapshots, order, failures, cleanup."""

from __future__ import annotations

import threading
import time

from newsprism.jobs import Job, JobManager, JobProgress


def _wait(manager: JobManager, job_id: str, timeout: float = 10.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = manager.get(job_id)
        assert job is not None
        if job.state in ("done", "failed"):
            return job
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def test_progress_is_visible_while_the_job_runs() -> None:
    manager = JobManager()
    reached, release = threading.Event(), threading.Event()

    def work(progress: JobProgress) -> dict[str, int]:
        progress.stage("ingest", 10)
        progress(4, 10)
        reached.set()
        release.wait(5)
        progress(10, 10)
        return {"n": 10}

    job = manager.submit("test", work)
    assert job.state in ("queued", "running")
    assert reached.wait(5)
    running = manager.get(job.id)
    assert running is not None
    assert (running.state, running.stage, running.done, running.total) == ("running", "ingest", 4, 10)
    release.set()
    finished = _wait(manager, job.id)
    assert finished.state == "done"
    assert finished.result == {"n": 10}
    assert finished.started is not None and finished.finished is not None
    manager.shutdown()


def test_jobs_run_one_at_a_time_in_submission_order() -> None:
    manager = JobManager()
    order: list[int] = []
    active = []

    def make(i: int):
        def work(_progress: JobProgress) -> dict[str, int]:
            active.append(i)
            assert len(active) == 1, "two jobs ran at once"
            time.sleep(0.02)
            order.append(i)
            active.remove(i)
            return {"i": i}

        return work

    jobs = [manager.submit("test", make(i)) for i in range(5)]
    results = [_wait(manager, j.id) for j in jobs]
    assert order == [0, 1, 2, 3, 4]
    assert all(r.state == "done" for r in results)
    manager.shutdown()


def test_a_failing_job_reports_its_error_and_runs_cleanup() -> None:
    manager = JobManager()
    cleaned = threading.Event()

    def work(_progress: JobProgress) -> dict[str, int]:
        raise ValueError("the file is broken; fix it")

    job = manager.submit("test", work, cleanup=cleaned.set)
    failed = _wait(manager, job.id)
    assert failed.state == "failed"
    assert failed.error == "the file is broken; fix it"
    assert cleaned.wait(5)
    # the next job still runs
    ok = _wait(manager, manager.submit("test", lambda _p: {"ok": 1}).id)
    assert ok.state == "done"
    manager.shutdown()


def test_before_each_failure_fails_the_job_without_running_it() -> None:
    ran = []

    def not_ready() -> None:
        raise RuntimeError("models failed to load")

    manager = JobManager(before_each=not_ready)
    job = _wait(manager, manager.submit("test", lambda _p: ran.append(1) or {}).id)
    assert job.state == "failed" and job.error == "models failed to load"
    assert ran == []
    manager.shutdown()


def test_old_finished_jobs_are_forgotten_and_unknown_ids_are_none() -> None:
    manager = JobManager(keep=3)
    ids = [_wait(manager, manager.submit("test", lambda _p: {}).id).id for _ in range(6)]
    assert manager.get("no-such-job") is None
    kept = [i for i in ids if manager.get(i) is not None]
    assert ids[-1] in kept
    assert len(kept) <= 4
    manager.shutdown()


def test_active_counts_unfinished_jobs() -> None:
    manager = JobManager()
    release = threading.Event()
    first = manager.submit("test", lambda _p: release.wait(5) and {})
    second = manager.submit("test", lambda _p: {})
    assert manager.active() == 2
    release.set()
    _wait(manager, first.id)
    _wait(manager, second.id)
    assert manager.active() == 0
    manager.shutdown()
