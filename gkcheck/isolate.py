"""Checking files in worker processes with a time limit and a memory cap, several at a time.

A pool of persistent workers (forked once, so the loaded rules and templates are shared) takes one file at a
time. A hostile or pathological document can only cost its own file: on timeout its worker is killed, on
memory exhaustion or a crash the worker dies or gives up; either way the file gets a clear error, a fresh
worker takes the place of the lost one and the batch goes on. Workers are also recycled after a number of
files, so that memory fragmentation never accumulates.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

from gkcheck.causes import cause_text
from gkcheck.errors import GkError, ReadError

T = TypeVar("T")
MAX_WAIT = 1.0  # seconds between timeout checks while workers run
RECYCLE_AFTER = 250  # files per worker before it is replaced
SEND_ATTEMPTS = 3  # workers tried for one item before it is given up (each failed one is replaced)
STOPPED = "检查未完成：检查进程已停止（服务正在停止或已关闭）"


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


def _worker(conn: Connection, work: Callable[[Any], Any], limits: Limits, parent_end: Connection | None = None) -> None:
    """Worker loop: receive `(number, item)`, send `(number, status, payload)`; `None` ends the loop. Status
    `last` is an error after which the worker ends (the parent must not send it another item).

    `parent_end` (the parent's end of this worker's pipe, inherited through fork) is closed at once: then the
    worker sees the end of its pipe when the parent dies, even when killed outright, and ends instead of
    living on (holding the output folder's lock, which the next run then cannot take)."""
    if parent_end is not None:
        parent_end.close()
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
            conn.send((number, "last", f"处理时内存超过上限（{limits.memory_mb} MB），文件可能被恶意构造"))
            return  # a worker that ran out of memory is not trusted with another file
        except BaseException as exc:  # noqa: BLE001 - any failure becomes a per-file message, never a traceback
            conn.send((number, "error", f"处理失败（{cause_text(exc)}）"))


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    done: int = 0
    job: tuple[int, Any, float] | None = None  # (number, item, started)


class _WorkerSet:
    """Up to `jobs` persistent worker processes running `work(item)`: their lifecycle and the outcome of each
    item they run (result, error, crash or timeout). Used by one thread at a time."""

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
        process = self._ctx.Process(target=_worker, args=(child, self.work, self.limits, parent), daemon=True)
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
                if status == "last" or not worker.process.is_alive() or worker.done >= self.recycle_after:
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

    def _send(self, number: int, item: Any) -> bool:
        """Hand an item to an idle (or new) worker; False when that worker had died (it is then replaced)."""
        worker = next((w for w in self._workers if w.job is None), None) or self._spawn()
        try:
            worker.conn.send((number, item))
        except (OSError, ValueError):
            self._retire(worker, kill=True)
            return False
        worker.job = (number, item, time.monotonic())
        return True


class WorkerPool(_WorkerSet):
    """Runs `work(item)` for each item of a sequence on up to `jobs` persistent worker processes."""

    def imap(self, items: Iterable[T]) -> Iterator[tuple[int, T, Any]]:
        """Yield `(number, item, result or GkError)` in completion order; `number` is the item's position."""
        source = enumerate(items)  # taken one at a time: a batch's tasks are never all held at once
        pending: deque[tuple[int, T]] = deque()

        def waiting() -> bool:
            if not pending:
                pending.extend(islice(source, 1))
            return bool(pending)

        def feed() -> None:  # every idle (or not yet started) worker gets the next item
            while waiting() and (len(self._workers) < self.jobs or any(w.job is None for w in self._workers)):
                number, item = pending.popleft()
                if not self._send(number, item):  # the idle worker had died: retry the item on a fresh one
                    pending.appendleft((number, item))

        try:
            feed()
            while any(w.job for w in self._workers):
                busy = [w for w in self._workers if w.job]
                soonest = min(w.job[2] for w in busy) + self.limits.timeout - time.monotonic()
                wait([o for w in busy for o in (w.conn, w.process.sentinel)],
                     timeout=max(0.0, min(soonest, MAX_WAIT)))
                done = [outcome for outcome in map(self._collect, busy) if outcome is not None]
                feed()  # the workers go on while the caller handles what they returned
                yield from done
        finally:
            self.close()


class SharedPool(_WorkerSet):
    """A persistent pool that takes items one at a time, from any thread, for as long as it is open.

    `submit(item)` returns a `concurrent.futures.Future` whose result is the item's outcome: `work(item)` or a
    `GkError` for that item (never an exception). The same guarantees as a batch's `imap`: at most `jobs`
    workers (forked when the pool opens, so the first item does not wait for one), each item under the time
    limit and memory cap, a worker killed on timeout and replaced after a crash, a timeout or `recycle_after`
    items. A dispatcher thread hands items to idle workers in the order they were submitted, and is the only
    thread that touches the workers. A future cancelled before its item started is skipped; `close()` ends
    the workers and resolves every unfinished future with a `GkError`.
    """

    def __init__(self, work: Callable[[Any], Any], limits: Limits = Limits(), jobs: int = 1,
                 recycle_after: int = RECYCLE_AFTER) -> None:
        super().__init__(work, limits, jobs, recycle_after)
        self._lock = threading.Lock()
        self._pending: deque[tuple[int, Any, Future[Any]]] = deque()
        self._running: dict[int, tuple[Future[Any], Any]] = {}  # by number: the future and its item
        self._submitted = 0
        self._closing = False
        self.started = 0  # workers forked since the pool opened
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        for _ in range(self.jobs):
            self._spawn()
        self._thread = threading.Thread(target=self._dispatch, name="gkcheck-pool", daemon=True)
        self._thread.start()

    def __enter__(self) -> SharedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, item: Any) -> Future[Any]:
        """Queue one item; its future resolves to the outcome. RuntimeError once the pool is closed."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the pool is closed")
            self._pending.append((self._submitted, item, future))
            self._submitted += 1
        self._wake()
        return future

    def worker_pids(self) -> list[int]:
        """Process ids of the current workers (for monitoring and tests)."""
        return [w.process.pid for w in list(self._workers) if w.process.pid is not None]

    def close(self) -> None:
        """Stop taking items, end the workers (killing busy ones) and resolve what was left unfinished."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
        self._wake()
        self._thread.join()
        for fd in (self._wake_r, self._wake_w):
            os.close(fd)

    # ------------------------------------------------------------------ dispatcher thread

    def _spawn(self) -> _Worker:
        self.started += 1
        return super()._spawn()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # the pipe is full (the dispatcher wakes anyway) or already closed
            os.write(self._wake_w, b"!")

    def _drain(self) -> None:
        with contextlib.suppress(OSError):  # BlockingIOError once it is empty
            while os.read(self._wake_r, 4096):
                pass

    def _next_pending(self) -> tuple[int, Any, Future[Any]] | None:
        """The next submitted item whose caller still wants it, or None."""
        while True:
            with self._lock:
                if not self._pending:
                    return None
                number, item, future = self._pending.popleft()
            if future.set_running_or_notify_cancel():
                return number, item, future

    def _start(self, number: int, item: Any, future: Future[Any]) -> None:
        """Send one item to an idle (or new) worker; a worker that cannot take it is replaced."""
        for _ in range(SEND_ATTEMPTS):
            try:
                sent = self._send(number, item)
            except Exception as exc:  # noqa: BLE001 - an item that cannot be sent costs only itself
                future.set_result(ReadError(f"处理失败（{cause_text(exc)}）", str(item)))
                return
            if sent:
                self._running[number] = (future, item)
                return
        future.set_result(ReadError("无法启动检查进程，请稍后重试", str(item)))

    def _dispatch(self) -> None:
        try:
            while not self._closing:
                while any(w.job is None for w in self._workers) or len(self._workers) < self.jobs:
                    task = self._next_pending()
                    if task is None:
                        break
                    self._start(*task)
                busy = [w for w in self._workers if w.job]
                idle = [w for w in self._workers if not w.job]
                timeout = None  # nothing running: sleep until an item comes or an idle worker dies
                if busy:
                    soonest = min(w.job[2] for w in busy) + self.limits.timeout - time.monotonic()
                    timeout = max(0.0, min(soonest, MAX_WAIT))
                wait([self._wake_r, *(o for w in busy for o in (w.conn, w.process.sentinel)),
                      *(w.process.sentinel for w in idle)], timeout=timeout)
                self._drain()
                for worker in busy:
                    outcome = self._collect(worker)
                    if outcome is not None:
                        self._running.pop(outcome[0])[0].set_result(outcome[2])
                for worker in idle:
                    if not worker.process.is_alive():  # died while idle: the next item gets a fresh one
                        self._retire(worker, kill=True)
        finally:
            with self._lock:
                self._closing = True
                left = [(f, i) for _, i, f in self._pending] + list(self._running.values())
                self._pending.clear()
            self._running.clear()
            _WorkerSet.close(self)
            for future, item in left:
                if not future.done():
                    future.set_result(ReadError(STOPPED, str(item)))


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
