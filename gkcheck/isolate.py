"""Checking each file in a child process with a time limit and a memory cap, several at a time.

A hostile or pathological document can only cost its own child: on timeout the child is killed, on memory
exhaustion it fails; either way the file gets a clear error and the batch goes on.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from gkcheck.errors import GkError, ReadError

MAX_WAIT = 1.0  # seconds between timeout checks while children run


@dataclass(frozen=True)
class Limits:
    timeout: float = 120.0  # seconds per file
    memory_mb: int = 2048  # address-space cap of the child process


def _child(conn: Connection, work: Callable[[Path], dict[str, Any]], path: Path, limits: Limits) -> None:
    try:
        cap = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):
        pass  # the platform refuses the cap: the time limit still applies
    try:
        conn.send(("ok", work(path)))
    except GkError as exc:
        conn.send(("error", exc.message))
    except MemoryError:
        conn.send(("error", f"处理时内存超过上限（{limits.memory_mb} MB），文件可能被恶意构造"))
    except BaseException as exc:  # noqa: BLE001 - any failure becomes a per-file message, never a traceback
        conn.send(("error", f"处理失败（{type(exc).__name__}: {exc}）"))
    finally:
        conn.close()


@dataclass
class _Running:
    number: int
    path: Path
    process: mp.process.BaseProcess
    conn: Connection
    started: float


def _finish(job: _Running, limits: Limits) -> tuple[Path, dict[str, Any] | GkError]:
    outcome: tuple[str, Any] | None = None
    if job.conn.poll():
        try:
            outcome = job.conn.recv()
        except (EOFError, OSError):
            outcome = None
    job.process.join(timeout=1)
    if job.process.is_alive():
        job.process.kill()
        job.process.join()
    job.conn.close()
    if outcome is None:
        code = job.process.exitcode
        return job.path, ReadError(f"处理进程异常退出（退出码 {code}），可能是内存超过上限（{limits.memory_mb} MB）",
                                   str(job.path))
    status, payload = outcome
    return job.path, payload if status == "ok" else ReadError(payload, str(job.path))


def run_isolated(paths: list[Path], work: Callable[[Path], dict[str, Any]], limits: Limits,
                 jobs: int = 1) -> Iterator[tuple[Path, dict[str, Any] | GkError]]:
    """Yield (path, result or error) in input order, running up to `jobs` children at once."""
    ctx = mp.get_context("fork")
    pending = list(enumerate(paths))
    running: list[_Running] = []
    done: dict[int, tuple[Path, dict[str, Any] | GkError]] = {}
    next_out = 0
    while pending or running:
        while pending and len(running) < max(1, jobs):
            number, path = pending.pop(0)
            gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
            parent, child = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(child, work, path, limits), daemon=True)
            process.start()
            child.close()
            running.append(_Running(number, path, process, parent, time.monotonic()))
        progressed = False
        for job in list(running):
            finished = job.conn.poll() or not job.process.is_alive()
            overdue = time.monotonic() - job.started > limits.timeout
            progressed = progressed or finished or overdue
            if finished:
                done[job.number] = _finish(job, limits)
                running.remove(job)
            elif overdue:
                job.process.kill()
                job.process.join()
                job.conn.close()
                done[job.number] = (job.path, ReadError(
                    f"处理超时（超过 {limits.timeout:g} 秒），文件可能过于复杂或被恶意构造", str(job.path)))
                running.remove(job)
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1
        if running and not progressed:  # otherwise refill the free slots first
            soonest = min(job.started for job in running) + limits.timeout - time.monotonic()
            wait([obj for job in running for obj in (job.conn, job.process.sentinel)],
                 timeout=max(0.0, min(soonest, MAX_WAIT)))
