"""Per-file isolation: a file that hangs, exhausts memory or crashes its process costs only itself."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gkcheck.errors import GkError, ReadError
from gkcheck.executor import InProcess, LocalPool
from gkcheck.isolate import Limits, run_isolated


def work(path: Path) -> dict:
    name = path.name
    if name == "hang":
        time.sleep(60)
    if name == "hog":
        blob = bytearray(4 * 1024 * 1024 * 1024)
        return {"size": len(blob)}
    if name == "crash":
        os._exit(3)
    if name == "bug":
        raise KeyError("boom")
    if name == "bad":
        raise ReadError("文件为空")
    return {"file": name}


def test_each_failure_is_a_per_file_error_and_order_is_kept():
    names = ["a", "hang", "hog", "crash", "bug", "bad", "b"]
    started = time.monotonic()
    outcomes = list(run_isolated([Path(n) for n in names], work, Limits(timeout=2, memory_mb=512), jobs=2))
    assert time.monotonic() - started < 20
    assert [p.name for p, _ in outcomes] == names
    got = {p.name: o for p, o in outcomes}
    assert got["a"] == {"file": "a"} and got["b"] == {"file": "b"}
    assert all(isinstance(got[n], GkError) for n in ("hang", "hog", "crash", "bug", "bad"))
    assert "超时" in got["hang"].message
    assert "内存" in got["hog"].message
    assert "退出" in got["crash"].message
    assert "KeyError" in got["bug"].message
    assert got["bad"].message == "文件为空" and got["bad"].path == "bad"


def _span(path: Path) -> dict:
    start = time.monotonic()
    time.sleep(0.3)
    return {"start": start, "end": time.monotonic()}


def test_jobs_run_side_by_side_and_free_slots_are_refilled():
    spans = [o for _, o in run_isolated([Path(str(i)) for i in range(4)], _span, Limits(timeout=10), jobs=2)]
    assert spans[1]["start"] < spans[0]["end"]  # the first two overlap
    assert spans[3]["start"] < spans[2]["end"]  # and so do the next two: both slots were refilled


# ---------------------------------------------------------------------------------------------- one at a time


def pid_work(path: Path) -> dict:
    """`work`, answering with the worker's process id; `slow-<name>` takes half a second, `mark-<file>` leaves a
    file behind to show it ran."""
    if path.name.startswith("slow-"):
        time.sleep(0.5)
    if path.name.startswith("mark-"):
        Path(path.name[5:]).touch()
    return {**work(path), "pid": os.getpid()}


def test_submitted_items_reuse_the_same_worker():
    with LocalPool(Limits(timeout=10), jobs=1).open(pid_work) as pool:
        first = pool.worker_pids()
        assert len(first) == 1  # started with the pool, before any item
        answers = [pool.submit(Path(f"f{i}")).result(30) for i in range(5)]
        assert [a["file"] for a in answers] == [f"f{i}" for i in range(5)]
        assert {a["pid"] for a in answers} == set(first) and pool.started == 1


def test_a_failing_item_costs_only_itself_and_its_worker_is_replaced():
    names = ["a", "hang", "b", "crash", "c", "hog", "d", "bug", "bad", "e"]
    started = time.monotonic()
    with LocalPool(Limits(timeout=2, memory_mb=512), jobs=1).open(pid_work) as pool:
        futures = {n: pool.submit(Path(n)) for n in names}  # all queued at once behind each other
        got = {n: f.result(60) for n, f in futures.items()}
        assert time.monotonic() - started < 30
        assert [got[n]["file"] for n in "abcde"] == list("abcde")
        assert "超时" in got["hang"].message and "内存" in got["hog"].message
        assert "退出码 3" in got["crash"].message
        assert "KeyError" in got["bug"].message and got["bad"].message == "文件为空"
        pids = [got[n]["pid"] for n in "abcde"]
        assert pids[0] != pids[1] != pids[2] != pids[3]  # a fresh worker after each lost one
        assert pids[3] == pids[4]  # errors the worker survives do not replace it
        assert pool.started == 4


def test_workers_are_recycled_after_a_number_of_items():
    with LocalPool(Limits(timeout=10), jobs=1, recycle_after=2).open(pid_work) as pool:
        pids = [pool.submit(Path(f"f{i}")).result(30)["pid"] for i in range(5)]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]


def test_submitted_items_run_side_by_side():
    with LocalPool(Limits(timeout=10), jobs=2).open(_span) as pool:
        spans = [f.result(30) for f in [pool.submit(Path(str(i))) for i in range(4)]]
    assert spans[1]["start"] < spans[0]["end"] and spans[3]["start"] < spans[2]["end"]


def test_an_item_cancelled_while_it_waits_never_runs(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with LocalPool(Limits(timeout=10), jobs=1).open(pid_work) as pool:
        busy = pool.submit(Path("slow-a"))
        dropped = pool.submit(Path("mark-dropped"))
        assert dropped.cancel()
        assert pool.submit(Path("mark-kept")).result(30)["file"] == "mark-kept"
        assert busy.result(30)["file"] == "slow-a"
    assert (tmp_path / "kept").exists() and not (tmp_path / "dropped").exists()


def test_closing_answers_every_unfinished_item_and_refuses_new_ones():
    pool = LocalPool(Limits(timeout=60), jobs=1).open(pid_work)
    running, waiting = pool.submit(Path("hang")), pool.submit(Path("a"))
    time.sleep(0.3)
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 10  # the busy worker is killed, not waited for
    for future in (running, waiting):
        outcome = future.result(1)
        assert isinstance(outcome, GkError) and "已停止" in outcome.message
    assert not pool.worker_pids()
    with pytest.raises(RuntimeError):
        pool.submit(Path("b"))


def test_in_process_submitter_gives_the_same_outcomes():
    submitter = InProcess().open(work)
    assert submitter.submit(Path("a")).result() == {"file": "a"}
    assert "KeyError" in submitter.submit(Path("bug")).result().message
    submitter.close()
    with pytest.raises(RuntimeError):
        submitter.submit(Path("a"))
