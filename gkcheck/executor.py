"""Where the per-file work of a batch runs: the seam between the batch flow and the machinery that runs it.

An executor takes a callable `work` and a sequence of items and yields `(number, item, outcome)` as items
finish, where `number` is the item's position and `outcome` is `work(item)` or a `GkError` for that item.
The batch flow (gkcheck/batch.py) only uses this interface, so another engine (a cluster, a queue of
machines) can run the same work: `work` and the items are plain picklable objects (`BatchJob`, `FileTask`),
and the outcomes are compact records (`FileRecord`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from gkcheck.errors import GkError, ReadError
from gkcheck.isolate import RECYCLE_AFTER, Limits, WorkerPool

T = TypeVar("T")


class Executor(Protocol):
    """Runs `work` on every item; each outcome is the result or a `GkError` that costs only that item."""

    def imap(self, work: Callable[[T], Any], items: Iterable[T]) -> Iterator[tuple[int, T, Any]]:
        ...


class LocalPool:
    """Persistent worker processes on this machine, with a time limit and a memory cap per file."""

    def __init__(self, limits: Limits | None = None, jobs: int = 1, recycle_after: int = RECYCLE_AFTER) -> None:
        self.limits, self.jobs, self.recycle_after = limits or Limits(), jobs, recycle_after

    def imap(self, work: Callable[[T], Any], items: Iterable[T]) -> Iterator[tuple[int, T, Any]]:
        yield from WorkerPool(work, self.limits, self.jobs, self.recycle_after).imap(items)


class InProcess:
    """Runs the work in the calling process, one item after another: no isolation (for trusted input,
    tests and measurements)."""

    def imap(self, work: Callable[[T], Any], items: Iterable[T]) -> Iterator[tuple[int, T, Any]]:
        for number, item in enumerate(items):
            try:
                outcome: Any = work(item)
            except GkError as exc:
                outcome = exc
            except Exception as exc:  # noqa: BLE001 - a bug costs only this item, as in a worker
                outcome = ReadError(f"处理失败（{type(exc).__name__}: {exc}）", str(item))
            yield number, item, outcome
