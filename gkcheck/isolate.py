"""Checking files in worker processes with a time limit and a memory cap, several at a time.

A pool of persistent workers (forked once, so the loaded rules and templates are shared) takes one file at a
time. A hostile or pathological document can only cost its own file: on timeout its worker is killed, on
memory exhaustion or a crash the worker dies or gives up; either way the file gets a clear error, a fresh
worker takes the place of the lost one and the batch goes on. Workers are also recycled after a number of
files, so that memory fragmentation never accumulates.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

from gkcheck.errors import GkError, ReadError

T = TypeVar("T")
MAX_WAIT = 1.0  # seconds between timeout checks while workers run
RECYCLE_AFTER = 250  # files per worker before it is replaced


@dataclass(frozen=True)
class Limits:
    timeout: float = 120.0  # seconds per file
    memory_mb: int = 2048  # address-space cap of a worker process


def _cap_memory(limits: Limits) -> None:
    try:
        cap = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError, OverflowError):
        pass  # the platform refuses the cap: the time limit still applies


def _worker(conn: Connection, work: Callable[[Any], Any], limits: Limits) -> None:
    """Worker loop: receive `(number, item)`, send `(number, status, payload)`; `None` ends the loop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends its workers
    _cap_memory(limits)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        number, item = message
        try:
            conn.send((number, "ok", work(item)))
        except GkError as exc:
            conn.send((number, "error", exc.message))
        except MemoryError:
            conn.send((number, "error", f"处理时内存超过上限（{limits.memory_mb} MB），文件可能被恶意构造"))
            return  # a worker that ran out of memory is not trusted with another file
        except BaseException as exc:  # noqa: BLE001 - any failure becomes a per-file message, never a traceback
            conn.send((number, "error", f"处理失败（{type(exc).__name__}: {exc}）"))


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    done: int = 0
    job: tuple[int, Any, float] | None = None  # (number, item, started)


class WorkerPool:
    """Up to `jobs` persistent worker processes running `work(item)` for each item."""

    def __init__(self, work: Callable[[Any], Any], limits: Limits = Limits(), jobs: int = 1,
                 recycle_after: int = RECYCLE_AFTER) -> None:
        self.work, self.limits, self.jobs = work, limits, max(1, jobs)
        self.recycle_after = max(1, recycle_after)
        self._ctx = mp.get_context("fork")
        self._workers: list[_Worker] = []
        self._retired: list[mp.process.BaseProcess] = []

    # ------------------------------------------------------------------ worker lifecycle

    def _spawn(self) -> _Worker:
        gc.freeze()  # the worker's collector then leaves the parent's objects (and their pages) alone
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker, args=(child, self.work, self.limits), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        self._workers.remove(worker)
        if kill:
            worker.process.kill()
        else:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                worker.process.kill()
        worker.conn.close()
        self._retired.append(worker.process)
        self._retired = [p for p in self._retired if p.exitcode is None]  # reap the ones that ended

    def close(self) -> None:
        """End every worker (politely when idle, by force when busy) and wait for them."""
        for worker in list(self._workers):
            self._retire(worker, kill=worker.job is not None)
        for process in self._retired:
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
                process.join()
        self._retired = []

    # ------------------------------------------------------------------ running

    def _crash(self, worker: _Worker) -> str:
        worker.process.join(timeout=1)
        code = worker.process.exitcode
        return f"处理进程异常退出（退出码 {code}），可能是内存超过上限（{self.limits.memory_mb} MB）"

    def _collect(self, worker: _Worker) -> tuple[int, Any, Any] | None:
        """The outcome of a busy worker if it has one now (result, error, crash or timeout), else None."""
        assert worker.job is not None
        number, item, started = worker.job
        outcome: Any = None
        if worker.conn.poll():
            try:
                got_number, status, payload = worker.conn.recv()
            except (EOFError, OSError, ValueError, TypeError):
                outcome = ReadError(self._crash(worker), str(item))
                self._retire(worker, kill=True)
            else:
                outcome = payload if status == "ok" else ReadError(payload, str(item))
                worker.done += 1
                worker.job = None
                if not worker.process.is_alive() or worker.done >= self.recycle_after:
                    self._retire(worker)
                elif got_number != number:  # cannot happen; never trust a confused worker
                    self._retire(worker, kill=True)
        elif not worker.process.is_alive():
            outcome = ReadError(self._crash(worker), str(item))
            self._retire(worker, kill=True)
        elif time.monotonic() - started > self.limits.timeout:
            outcome = ReadError(f"处理超时（超过 {self.limits.timeout:g} 秒），文件可能过于复杂或被恶意构造",
                                str(item))
            self._retire(worker, kill=True)
        else:
            return None
        return number, item, outcome

    def imap(self, items: Iterable[T]) -> Iterator[tuple[int, T, Any]]:
        """Yield `(number, item, result or GkError)` in completion order; `number` is the item's position."""
        pending = deque(enumerate(items))
        try:
            while pending or any(w.job for w in self._workers):
                while pending and (len(self._workers) < self.jobs or any(w.job is None for w in self._workers)):
                    idle = next((w for w in self._workers if w.job is None), None) or self._spawn()
                    number, item = pending.popleft()
                    try:
                        idle.conn.send((number, item))
                    except (OSError, ValueError):  # the idle worker died: retry the item on a fresh one
                        self._retire(idle, kill=True)
                        pending.appendleft((number, item))
                        continue
                    idle.job = (number, item, time.monotonic())
                busy = [w for w in self._workers if w.job]
                soonest = min(w.job[2] for w in busy) + self.limits.timeout - time.monotonic()
                wait([o for w in busy for o in (w.conn, w.process.sentinel)],
                     timeout=max(0.0, min(soonest, MAX_WAIT)))
                for worker in busy:
                    outcome = self._collect(worker)
                    if outcome is not None:
                        yield outcome
        finally:
            self.close()


def in_order(outcomes: Iterable[tuple[int, T, Any]]) -> Iterator[tuple[T, Any]]:
    """Re-order `(number, item, outcome)` triples by number, yielding `(item, outcome)` as soon as possible."""
    held: dict[int, tuple[T, Any]] = {}
    next_out = 0
    for number, item, outcome in outcomes:
        held[number] = (item, outcome)
        while next_out in held:
            yield held.pop(next_out)
            next_out += 1


def run_isolated(paths: list[Path], work: Callable[[Path], dict[str, Any]], limits: Limits,
                 jobs: int = 1) -> Iterator[tuple[Path, dict[str, Any] | GkError]]:
    """Yield (path, result or error) in input order, running up to `jobs` workers at once."""
    yield from in_order(WorkerPool(work, limits, jobs).imap(paths))
