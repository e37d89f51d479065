"""Where the per-file work runs: the seam between the flows that need checks done and the machinery that runs them.

An executor offers two ways to run a callable `work`, whose outcome for an item is `work(item)` or a `GkError`
that costs only that item:

- `imap(work, items)` runs a whole sequence and yields `(number, item, outcome)` as items finish, where
  `number` is the item's position — the batch flow (gkcheck/batch.py);
- `open(work)` gives a `Submitter` that takes one item at a time for as long as it is open: `submit(item)`
  returns a `concurrent.futures.Future` resolving to the outcome, `close()` ends it (unfinished items then
  resolve to a `GkError`) — the server (gkcheck/serve/), which checks uploads as they arrive on workers that
  stay up between checks.

The flows only use this interface, so another engine (a cluster, a queue of machines) can run the same work:
`work` and the items are plain picklable objects (`BatchJob`, `FileTask`, `CheckUpload` and a path), and the
outcomes are compact records (`FileRecord`) or small dictionaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar

from gkcheck.causes import cause_text
from gkcheck.errors import GkError, ReadError
from gkcheck.isolate import RECYCLE_AFTER, Limits, SharedPool, WorkerPool

T = TypeVar("T")


class Submitter(Protocol):
    """Runs `work` on items submitted one at a time; each future resolves to the result or a `GkError`."""

    def submit(self, item: Any) -> Future[Any]:
        ...

    def close(self) -> None:
        ...


class Executor(Protocol):
    """Runs `work` on every item; each outcome is the result or a `GkError` that costs only that item."""

    def imap(self, work: Callable[[T], Any], items: Iterable[T]) -> Iterator[tuple[int, T, Any]]:
        ...

    def open(self, work: Callable[[Any], Any]) -> Submitter:
        ...


class LocalPool:
    """Persistent worker processes on this machine, with a time limit and a memory cap per file."""

    def __init__(self, limits: Limits | None = None, jobs: int = 1, recycle_after: int = RECYCLE_AFTER) -> None:
        self.limits, self.jobs, self.recycle_after = limits or Limits(), jobs, recycle_after

    def imap(self, work: Callable[[T], Any], items: Iterable[T]) -> Iterator[tuple[int, T, Any]]:
        yield from WorkerPool(work, self.limits, self.jobs, self.recycle_after).imap(items)

    def open(self, work: Callable[[Any], Any]) -> SharedPool:
        """`jobs` workers started now and kept until `close()`, with the same limits and recycling."""
        return SharedPool(work, self.limits, self.jobs, self.recycle_after)


def _run_here(work: Callable[[T], Any], item: T) -> Any:
    try:
        return work(item)
    except GkError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - a bug costs only this item, as in a worker
        return ReadError(f"处理失败（{cause_text(exc)}）", str(item))


class InProcess:
    """Runs the work in the calling process, one item after another: no isolation (for trusted input,
    tests and measurements)."""

    def imap(self, work: Callable[[T], Any], items: Iterable[T]) -> Iterator[tuple[int, T, Any]]:
        for number, item in enumerate(items):
            yield number, item, _run_here(work, item)

    def open(self, work: Callable[[Any], Any]) -> _InProcessSubmitter:
        return _InProcessSubmitter(work)


class _InProcessSubmitter:
    """Runs each submitted item at once in the submitting thread; the future is already resolved."""

    def __init__(self, work: Callable[[Any], Any]) -> None:
        self.work = work
        self.closed = False

    def submit(self, item: Any) -> Future[Any]:
        if self.closed:
            raise RuntimeError("the submitter is closed")
        future: Future[Any] = Future()
        future.set_result(_run_here(self.work, item))
        return future

    def close(self) -> None:
        self.closed = True
