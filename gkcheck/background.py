"""Making one output's bytes in a forked child while this process makes the others.

At the end of a batch the worker processes are done and only this process is busy: the summaries are written
one after another. `Background` starts the slowest of them (scorecard.xlsx) in a child forked from this
process, which shares everything already computed (the summary's pass, the records on disk), and hands back
its bytes when they are asked for. Where fork is not available, or threads run (a fork would copy their locks
in whatever state they are), the bytes are made in this process when asked for, as before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

from gkcheck.causes import cause_text
from gkcheck.errors import GkError

_OK, _FAILED = b"+", b"-"
_GRACE = 2.0  # seconds a child stopped with SIGINT gets to remove its temporary files before it is killed


def _can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def _end_with(parent: int) -> None:
    """In the child: be interrupted (SIGINT: temporary files removed, then the end) when the parent dies, even
    killed outright, so that the child never outlives the run holding the output folder's lock (Linux; elsewhere
    the child ends when it has made its bytes)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGINT)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before that took effect
        raise KeyboardInterrupt


class Background:
    """`make()` run in a forked child from now on; iterating yields its bytes (once), or raises `GkError`
    naming `what` and the cause. `close()` stops a child whose bytes were never asked for."""

    def __init__(self, make: Callable[[], bytes], what: str) -> None:
        self.make, self.what = make, what
        self.pid: int | None = None
        self._read: int | None = None
        if _can_fork():
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: make the bytes, send them, and end without running the parent's clean-ups
            code = 0
            try:
                os.close(read)
                _end_with(parent)
                try:
                    message = _OK + self.make()
                except BaseException as exc:  # noqa: BLE001 - Ctrl-C included: the parent reports it
                    message = _FAILED + cause_text(exc).encode("utf-8")
                view = memoryview(message)
                while view:
                    view = view[os.write(write, view):]
            except BaseException:  # noqa: BLE001 - the parent stopped reading: nothing left to do
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self._read = pid, read

    def __iter__(self) -> Iterator[bytes]:
        yield self.result()

    def result(self) -> bytes:
        """The bytes (waiting for the child), or `GkError` when making them failed."""
        if self._read is None:
            try:
                return self.make()
            except Exception as exc:  # the same report as from a child (Ctrl-C goes through)
                raise GkError(f"无法生成 {self.what}（{cause_text(exc)}）") from exc
        chunks: list[bytes] = []
        finished = False
        try:
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
            finished = True
        finally:
            self.close(finished)
        data = b"".join(chunks)
        if data[:1] == _OK:
            return data[1:]
        cause = data[1:].decode("utf-8", "replace") if data[:1] == _FAILED else "生成进程异常退出"
        raise GkError(f"无法生成 {self.what}（{cause}）")

    def close(self, finished: bool = False) -> None:
        """Close the pipe and reap the child. A child that has not `finished` (sent everything) is asked to stop
        (SIGINT, so that it removes its temporary files) and killed after a short grace. Safe to call twice."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        pid, self.pid = self.pid, None
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            if finished:  # it closed its end of the pipe: it is ending
                os.waitpid(pid, 0)
                return
            os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + _GRACE
            while os.waitpid(pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    return
                time.sleep(0.02)
