"""Bytes made in a forked child (gkcheck/background.py): the slowest batch summary is made while this process
writes the others; failures, a stop before the bytes are asked for, and processes with threads."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from gkcheck.background import Background
from gkcheck.errors import GkError


def _pid_bytes() -> bytes:
    return str(os.getpid()).encode()


def test_bytes_are_made_in_a_child_and_handed_back() -> None:
    made = Background(_pid_bytes, "scorecard.xlsx")
    assert made.pid is not None
    data = b"".join(made)
    assert data.isdigit() and int(data) != os.getpid()
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(int(data), os.WNOHANG)


def test_large_output_crosses_the_pipe_whole() -> None:
    payload = os.urandom(3 * 1024 * 1024 + 17)
    assert Background(lambda: payload, "scorecard.xlsx").result() == payload


def test_a_failure_in_the_child_is_a_chinese_error_naming_the_output() -> None:
    def fail() -> bytes:
        raise MemoryError

    with pytest.raises(GkError) as caught:
        Background(fail, "scorecard.xlsx").result()
    assert caught.value.message == "无法生成 scorecard.xlsx（内存不足）"


def test_a_child_that_dies_without_a_word_is_reported() -> None:
    def die() -> bytes:
        os.kill(os.getpid(), signal.SIGKILL)
        return b""

    with pytest.raises(GkError, match="无法生成 scorecard.xlsx（生成进程异常退出）"):
        Background(die, "scorecard.xlsx").result()


def test_close_before_reading_stops_the_child_which_cleans_up(tmp_path: Path) -> None:
    marker = tmp_path / "cleaned"

    def slow() -> bytes:
        try:
            time.sleep(60)
        finally:  # what the workbook does on Ctrl-C: remove its temporary files
            marker.write_text("yes")
        return b""

    made = Background(slow, "scorecard.xlsx")
    pid = made.pid
    assert pid is not None
    time.sleep(0.2)  # the child is sleeping
    started = time.monotonic()
    made.close()
    assert time.monotonic() - started < 2
    assert marker.read_text() == "yes"
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    made.close()  # twice is harmless


def test_with_threads_running_the_bytes_are_made_here() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        made = Background(_pid_bytes, "scorecard.xlsx")
        assert made.pid is None
        assert made.result() == _pid_bytes()
    finally:
        stop.set()
        thread.join()


def test_made_here_a_failure_is_reported_the_same_way() -> None:
    def fail() -> bytes:
        raise MemoryError

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with pytest.raises(GkError) as caught:
            Background(fail, "scorecard.xlsx").result()
    finally:
        stop.set()
        thread.join()
    assert caught.value.message == "无法生成 scorecard.xlsx（内存不足）"


CHILD_OF_KILLED_PARENT = """
import sys, time
from pathlib import Path
from gkcheck.background import Background

marker = Path(sys.argv[1])

def slow() -> bytes:
    try:
        marker.write_text("started")
        time.sleep(60)
    except KeyboardInterrupt:
        marker.write_text("interrupted")
        raise
    return b""

made = Background(slow, "scorecard.xlsx")
print(made.pid, flush=True)
time.sleep(60)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux")
def test_the_child_ends_when_its_parent_is_killed_outright(tmp_path: Path) -> None:
    """A run killed with SIGKILL while the workbook is made: the child is interrupted too (it removes its
    temporary files) instead of living on with the output folder's lock."""
    import subprocess
    import sys

    marker = tmp_path / "marker"
    parent = subprocess.Popen([sys.executable, "-c", CHILD_OF_KILLED_PARENT, str(marker)], stdout=subprocess.PIPE,
                              text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:  # the child is making the workbook
        time.sleep(0.01)
    assert _running(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child)
    assert marker.read_text() == "interrupted"
