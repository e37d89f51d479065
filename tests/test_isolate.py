"""Per-file isolation: a file that hangs, exhausts memory or crashes its process costs only itself."""

from __future__ import annotations

import os
import time
from pathlib import Path

from gkcheck.errors import GkError, ReadError
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
