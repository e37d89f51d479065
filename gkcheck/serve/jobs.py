"""The check queue: at most `jobs` checks run at once, at most `queue` wait, the rest are refused.

Each check gets an unguessable id. Finished checks keep their result files for `keep_seconds` (and at most
`max_kept` of them), then they are deleted. Uploads are deleted as soon as their check has run.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from gkcheck.serve.work import Folders

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_LABELS = {QUEUED: "排队中", RUNNING: "检查中", DONE: "已完成", FAILED: "无法检查"}
RESULT_SUFFIXES = (".html", ".json")
ID_BYTES = 24  # 192 random bits, URL-safe base64 (32 characters)
STOPPING = "服务正在停止，本次检查未完成，请稍后重新提交"
INTERNAL_ERROR = "检查时发生内部错误，请稍后重试；如仍失败，请将文件另存为 PDF 或 DOCX 后再试"

# A runner checks one job (blocking, in a worker thread): None when its result files are written,
# else the Chinese reason it could not be checked.
Runner = Callable[["Job"], "str | None"]


class QueueFull(Exception):
    """Every slot is busy and the waiting line is full."""


@dataclass(eq=False)
class Job:
    id: str
    name: str
    created: float = field(default_factory=time.monotonic)
    state: str = QUEUED
    finished: float | None = None
    message: str | None = None  # why the file could not be checked (FAILED)
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def new_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


class JobQueue:
    """Bounded queue of checks with a fixed number of worker slots."""

    def __init__(self, folders: Folders, runner: Runner, jobs: int, queue: int,
                 keep_seconds: float, max_kept: int) -> None:
        self.folders = folders
        self.runner = runner
        self.jobs = max(1, jobs)
        self.capacity = self.jobs + max(0, queue)
        self.keep_seconds = keep_seconds
        self.max_kept = max_kept
        self._jobs: dict[str, Job] = {}
        self._waiting: list[Job] = []
        self._finished: OrderedDict[str, Job] = OrderedDict()
        self._ready: asyncio.Queue[Job] = asyncio.Queue()
        self._pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="gkcheck-check")
        self._tasks: list[asyncio.Task] = []

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self.folders.create()
        self._tasks = [asyncio.create_task(self._worker()) for _ in range(self.jobs)]
        self._tasks.append(asyncio.create_task(self._sweeper()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._pool.shutdown(wait=False, cancel_futures=True)
        for job in self._jobs.values():  # whoever still waits for a check gets an answer now
            if job.state in (QUEUED, RUNNING):
                job.state, job.message = FAILED, STOPPING
                job.ended.set()

    # ------------------------------------------------------------------ submitting

    def reserve(self, name: str) -> Job:
        """A new job holding a place in the line (its upload is not written yet); QueueFull when full."""
        if self.active >= self.capacity:
            raise QueueFull
        job = Job(id=new_id(), name=name)
        self._jobs[job.id] = job
        self._waiting.append(job)
        return job

    def submit(self, job: Job) -> None:
        """Hand a reserved job, its upload written, to the workers."""
        self._ready.put_nowait(job)

    def cancel(self, job: Job) -> None:
        """Give up a reserved job whose upload could not be written."""
        if job in self._waiting:
            self._waiting.remove(job)
        self.forget(job.id)

    # ------------------------------------------------------------------ looking up

    @property
    def active(self) -> int:
        """Checks running or waiting."""
        return sum(1 for job in self._jobs.values() if job.state in (QUEUED, RUNNING))

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def get(self, check_id: str) -> Job | None:
        job = self._jobs.get(check_id)
        if job is not None and self._expired(job, time.monotonic()):
            self.forget(check_id)
            return None
        return job

    def ahead(self, job: Job) -> int:
        """How many checks wait before this one."""
        return self._waiting.index(job) if job in self._waiting else 0

    def result_path(self, job: Job, suffix: str) -> Path:
        return self.folders.result(job.id, suffix)

    def forget(self, check_id: str) -> None:
        """Delete a job and every file it left."""
        job = self._jobs.pop(check_id, None)
        self._finished.pop(check_id, None)
        if job is not None and job in self._waiting:
            self._waiting.remove(job)
        for path in (self.folders.upload(check_id), self.folders.name_file(check_id),
                     *(self.folders.result(check_id, s) for s in RESULT_SUFFIXES)):
            path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ running

    async def _worker(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            job = await self._ready.get()
            if self._jobs.get(job.id) is not job:
                continue  # forgotten while it waited
            if job in self._waiting:
                self._waiting.remove(job)
            job.state = RUNNING
            try:
                message = await loop.run_in_executor(self._pool, self.runner, job)
            except Exception:  # noqa: BLE001 - the server keeps serving whatever a check does
                message = INTERNAL_ERROR
            self.folders.upload(job.id).unlink(missing_ok=True)
            self.folders.name_file(job.id).unlink(missing_ok=True)
            job.state, job.message = (DONE, None) if message is None else (FAILED, message)
            job.finished = time.monotonic()
            if job.id in self._jobs:
                self._finished[job.id] = job
            else:
                self.forget(job.id)  # given up while it ran: delete what its check wrote
            job.ended.set()
            self._trim()

    def _expired(self, job: Job, now: float) -> bool:
        return job.finished is not None and now - job.finished > self.keep_seconds

    def _trim(self) -> None:
        """Delete expired results, and the oldest beyond `max_kept`."""
        now = time.monotonic()
        while self._finished:
            check_id, job = next(iter(self._finished.items()))
            if not (self._expired(job, now) or len(self._finished) > self.max_kept):
                break
            self.forget(check_id)

    async def _sweeper(self) -> None:
        interval = max(0.5, min(60.0, self.keep_seconds / 4))
        while True:
            await asyncio.sleep(interval)
            self._trim()
            # isolation freezes the collector's view before each fork; let a long-running server collect again
            gc.unfreeze()
