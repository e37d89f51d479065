"""The batch flow of `gkcheck check`: plan output names once, run the per-file work on an executor, and
stream one compact record per file (checked or failed) to callbacks and to the batch summaries.

- `plan_tasks` gives every input its output names, unique by construction, once, in the parent.
- `BatchJob` is the per-file work (read → extract → rules → render → write), run in a worker; it returns a
  `FileRecord`, the compact per-file record the summaries are built from (never the whole report).
- `run_batch` runs the job over the tasks on an executor (gkcheck/executor.py) and calls `on_file(record)`
  for every file in input order; the returned `BatchRun.records` lists every file, failed ones included.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gkcheck.background import Background
from gkcheck.errors import GkError
from gkcheck.executor import Executor, InProcess
from gkcheck.isolate import in_order
from gkcheck.outdir import errno_text, is_foreign, record
from gkcheck.render.files import safe_stem
from gkcheck.spool import Spool
from gkcheck.terminal import display_name

SUFFIX = {"html": ".html", "json": ".json", "text": ".txt"}
# Base names of the batch summaries: a report named like one of them gets another output name.
RESERVED_STEMS = frozenset({"index", "scorecard", "findings", "summary"})
EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


# --------------------------------------------------------------------------- output names


def _fold(name: str) -> str:
    """Names that one file system may treat as the same (case, Unicode normal form) fold alike."""
    return unicodedata.normalize("NFC", name).casefold()


def plan_names(paths: Sequence[Path], suffixes: Iterable[str] = SUFFIX.values(),
               taken: Iterable[str] = ()) -> list[str]:
    """One output base name per input, unique by construction (compared case-insensitively).

    An input keeps its own safe base name when no other input, no batch summary (`RESERVED_STEMS`) and no
    name in `taken` (file names already used in the output folder, e.g. the inputs that live there) claims
    it; the others get `<name>-<hash of the path>`, lengthened or numbered until free. Linear in inputs.
    """
    suffixes = tuple(suffixes)
    busy = {_fold(t) for t in taken}
    stems = [safe_stem(p) for p in paths]
    seen: dict[str, int] = {}
    for stem in stems:
        seen[_fold(stem)] = seen.get(_fold(stem), 0) + 1
    used = {_fold(s) for s in RESERVED_STEMS}

    def free(stem: str) -> bool:
        return _fold(stem) not in used and not any(_fold(stem + s) in busy for s in suffixes)

    names: list[str | None] = [None] * len(stems)
    for i, stem in enumerate(stems):
        if seen[_fold(stem)] == 1 and free(stem):
            names[i] = stem
    used.update(_fold(n) for n in names if n)
    for i, stem in enumerate(stems):
        if names[i] is not None:
            continue
        digest = hashlib.sha1(os.path.abspath(paths[i]).encode("utf-8", "surrogatepass")).hexdigest()
        candidates = [f"{stem}-{digest[:k]}" for k in (8, 12, 16, 40)]
        name = next((c for c in candidates if free(c)), None)
        number = 2
        while name is None:
            name = f"{stem}-{digest[:8]}-{number}" if free(f"{stem}-{digest[:8]}-{number}") else None
            number += 1
        used.add(_fold(name))
        names[i] = name
    return [n for n in names if n is not None]


@dataclass(frozen=True)
class FileTask:
    """One input of a batch: its position, path, and the output file name of each format."""

    number: int
    path: Path
    outputs: dict[str, str]

    def __str__(self) -> str:
        return str(self.path)


def _input_names_in(out_dir: Path, paths: Sequence[Path]) -> set[str]:
    """Names of the inputs that sit in the output folder itself (outputs must never take them)."""
    root = _resolve(out_dir)
    return {p.name for p in paths if _resolve(p).parent == root}


def _resolve(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, ValueError, RuntimeError):
        return Path(os.path.abspath(path))


def plan_tasks(paths: Sequence[Path], formats: Sequence[str], out_dir: Path,
               taken: Iterable[str] = ()) -> Iterator[FileTask]:
    """The batch's tasks: each input with its output names (see `plan_names`), all planned at once and made
    one at a time as the executor takes them."""
    taken = set(taken) | _input_names_in(out_dir, paths)
    names = plan_names(paths, [SUFFIX[f] for f in SUFFIX], taken)
    return (FileTask(i, Path(p), {fmt: name + SUFFIX[fmt] for fmt in formats})
            for i, (p, name) in enumerate(zip(paths, names, strict=True)))


# --------------------------------------------------------------------------- writing


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def protected_files(paths: Iterable[Path]) -> frozenset[tuple[int, int]]:
    """Device and inode of each input: an output is never written over one of them (or a link to it)."""
    return frozenset(i for i in (_identity(p) for p in paths) if i is not None)


def _temp_name(name: str) -> str:
    return f".{name}.tmp"


def write_files(out_dir: Path, files: dict[str, str | bytes | Iterable[str] | Iterable[bytes]],
                protected: frozenset[tuple[int, int]] = frozenset()) -> None:
    """Write `{name: content}` into `out_dir` as a group: every file to its temporary name first, then all
    renamed into place, so a process killed while writing leaves only temporaries (which `discard_outputs`
    removes). Content is text, bytes, or text generated piece by piece (written as it comes, never joined).

    No fsync per file (the rename keeps each file whole; `sync_folder` flushes the folder once at the end).
    CSV files get a UTF-8 BOM so that spreadsheet programs read Chinese text correctly.
    """
    written: list[tuple[Path, Path]] = []
    hashes: list[str] = []
    try:
        for name, content in files.items():
            if not name or name in (".", "..") or "/" in name or "\0" in name or name.startswith("."):
                raise GkError(f"输出文件名不安全：{name!r}")
            target, temp = out_dir / name, out_dir / _temp_name(name)
            if _identity(target) in protected or is_foreign(target):
                raise GkError(f"输出文件夹中已有 {name}，它不是 gkcheck 写的，拒绝覆盖；请用另一个输出文件夹", name)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
            written.append((temp, target))
            with os.fdopen(fd, "wb") as fh:
                hashes.append(_write_content(fh, name, content))
        for (temp, target), sha256 in zip(written, hashes, strict=True):
            os.replace(temp, target)
            record(out_dir, target.name, sha256)
    except OSError as exc:
        raise GkError(f"无法写入输出文件：{errno_text(exc)}", str(out_dir)) from exc
    finally:
        for temp, _ in written:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _write_content(fh: Any, name: str, content: str | bytes | Iterable[str] | Iterable[bytes]) -> str:
    """Write one file's content; returns the SHA-256 hex digest of the bytes written."""
    hasher = hashlib.sha256()
    pieces: Iterable[str | bytes] = [content] if isinstance(content, (str, bytes)) else content
    prefix = b"\xef\xbb\xbf" if name.lower().endswith(".csv") and not isinstance(content, bytes) else b""
    for piece in pieces:
        data = prefix + (piece if isinstance(piece, bytes) else piece.encode("utf-8", "replace"))
        prefix = b""
        hasher.update(data)
        fh.write(data)
    if prefix:  # an empty CSV still gets its BOM
        hasher.update(prefix)
        fh.write(prefix)
    return hasher.hexdigest()


def discard_temporaries(out_dir: Path, task: FileTask) -> None:
    """Remove the temporaries a worker stopped while writing this file's outputs may have left."""
    for name in task.outputs.values():
        with contextlib.suppress(OSError):
            os.unlink(out_dir / _temp_name(name))


def discard_outputs(out_dir: Path, task: FileTask, since: float) -> None:
    """Remove what a failed file's worker may have left: temporaries, and outputs written since `since`."""
    discard_temporaries(out_dir, task)
    for name in task.outputs.values():
        with contextlib.suppress(OSError):
            if os.lstat(out_dir / name).st_mtime >= since:
                os.unlink(out_dir / name)


def sync_folder(out_dir: Path) -> None:
    """Flush the output folder's entries to disk once (where the platform allows it)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(out_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- the compact record


@dataclass
class FileRecord:
    """What the batch keeps of one file: enough for every summary, never the report itself.

    `document`, `score`, `summary`, `findings` and `suspects` have the shapes of the JSON result
    (schemas/findings.schema.json). `extra` holds what worker-side hooks (`BatchJob.hooks`) computed from the
    full result. The batch keeps its records on disk (`BatchRun.records`), so their size does not matter to
    its memory.
    """

    number: int
    file: str
    status: str = "checked"  # "checked" | "failed" | "missing"
    error: str | None = None  # why a failed file could not be checked (Chinese)
    outputs: dict[str, str] = field(default_factory=dict)  # format → file name in the output folder
    document: dict[str, Any] = field(default_factory=dict)
    score: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, int] = field(default_factory=dict)  # findings per severity
    findings: list[dict[str, Any]] = field(default_factory=list)
    suspects: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    path: str = ""  # the input as given (`file` is its readable name; they differ for names that are not UTF-8)

    @classmethod
    def from_result(cls, task: FileTask, result: dict[str, Any]) -> FileRecord:
        return cls(
            number=task.number, file=display_name(task.path), path=os.fspath(task.path), outputs=dict(task.outputs),
            document=result.get("document") or {}, score=result.get("score") or {},
            summary=result.get("summary") or {}, findings=list(result.get("findings") or []),
            suspects=list(result.get("suspects") or []),
        )

    @classmethod
    def failed_file(cls, task: FileTask, reason: str) -> FileRecord:
        """The record of a file that could not be checked: no outputs, the reason kept."""
        return cls(number=task.number, file=display_name(task.path), path=os.fspath(task.path), status="failed",
                   error=reason,
                   score={"total": None, "reason": f"无法检查：{reason}", "categories": {}},
                   summary={"error": 0, "warning": 0, "info": 0})

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def exit_code(self) -> int:
        """2 could not be checked; 1 has error findings; 0 neither."""
        return EXIT_UNREADABLE if self.failed else EXIT_FINDINGS if (self.summary or {}).get("error") else EXIT_OK

    def to_data(self) -> dict[str, Any]:
        """The record as JSON data (`from_data` reads it back)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FileRecord:
        return cls(**data)

    def as_result(self) -> dict[str, Any]:
        """The record in the shape of a check result (without the report), as the renderers read it."""
        return {
            "file": self.file, "document": self.document, "score": self.score, "summary": self.summary,
            "findings": self.findings, "suspects": self.suspects, "outputs": self.outputs, "error": self.error,
            **{k: v for k, v in self.extra.items() if not k.startswith("_")},  # e.g. unit, dismissed, sha256
        }

    def summary_result(self) -> dict[str, Any]:
        """The record as the batch summaries read it: findings dismissed by a review decision included,
        flagged `dismissed` (shown apart, not counted)."""
        result = self.as_result()
        dismissed = [dict(f, dismissed=True) for f in self.extra.get("dismissed") or []]
        if dismissed:
            result["findings"] = list(result["findings"]) + dismissed
        return result


class RecordSpool(Spool[FileRecord]):
    """The batch's records, in input order, kept on disk in the output folder while the batch runs."""

    def __init__(self, folder: Path | str | None = None) -> None:
        super().__init__(folder, ".gkcheck-records-", encode=FileRecord.to_data, decode=FileRecord.from_data)
        self._codes = bytearray()  # each record's exit code: the batch's needs no pass over the records on disk

    def append(self, value: FileRecord) -> int:
        position = super().append(value)
        self._codes.append(value.exit_code)
        return position

    def __setitem__(self, index: int, value: FileRecord) -> None:
        super().__setitem__(index, value)
        self._codes[index] = value.exit_code

    def exit_code(self) -> int:
        """The highest exit code of the records (see `BatchRun.exit_code`)."""
        return max(self._codes, default=EXIT_OK)


class SummaryResults(Sequence[dict[str, Any]]):
    """The batch's records as the summaries read them (`FileRecord.summary_result`), one at a time."""

    def __init__(self, records: Sequence[FileRecord]) -> None:
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        return self.records[index].summary_result()


# --------------------------------------------------------------------------- the per-file work


Hook = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class BatchJob:
    """The per-file work: check, render every format, write the outputs, return the compact record.

    Runs in a worker; a plain picklable object so that another executor can run it elsewhere. `hooks` run in
    the worker on the full result (report included) and add their dicts to `FileRecord.extra`.
    """

    rules: list[Any]
    profile: Any
    formats: tuple[str, ...]
    out_dir: Path
    max_bytes: int
    protected: frozenset[tuple[int, int]] = frozenset()
    hooks: tuple[Hook, ...] = ()
    published: str | None = None  # --published: the publication date to use for every file
    prepare: tuple[Hook, ...] = ()  # run before rendering: may add fields to the result; dicts go to `extra`

    def compile_rules(self) -> None:
        """Compile the rules for every template layout once, where the job starts (a parent process before it
        forks its workers; on another engine, each worker at start)."""
        from gkcheck.engine.checks.sum_identity import compile_rules
        from gkcheck.templates import load_template, template_versions

        compile_rules(self.rules, [t for v in template_versions() for t in load_template(v).tables.values()])

    def __call__(self, task: FileTask) -> FileRecord:
        from gkcheck.pipeline import check_file

        result = check_file(task.path, self.rules, self.profile, self.max_bytes, self.published)
        return self.finish(task, result, [hook(result) for hook in self.prepare])

    def finish(self, task: FileTask, result: dict[str, Any], prepared: Sequence[dict[str, Any]] = ()) -> FileRecord:
        """Render a checked file's result in every format, write the pages and return its record (with what the
        `prepare` hooks returned and what the `hooks` compute)."""
        from gkcheck.render import render

        pages = {task.outputs[fmt]: render(result, fmt) for fmt in self.formats}
        write_files(self.out_dir, pages, self.protected)
        record = FileRecord.from_result(task, result)
        for extra in prepared:
            record.extra.update(extra)
        for hook in self.hooks:
            record.extra.update(hook(result))
        return record


# --------------------------------------------------------------------------- the run


@dataclass
class BatchRun:
    """The outcome of a batch: one record per input, in input order, kept on disk until `close`."""

    out_dir: Path
    records: RecordSpool
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 no error findings; 1 a report has error findings; 2 a file could not be checked."""
        return self.records.exit_code()

    def close(self) -> None:
        """Remove the records from disk (safe to call twice)."""
        self.records.close()

    def __enter__(self) -> BatchRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_batch(paths: Sequence[Path], job: BatchJob, executor: Executor | None = None,
              on_file: Callable[[FileRecord], None] | None = None, taken: Iterable[str] = ()) -> BatchRun:
    """Check every input with `job` on `executor` (in this process when None); call `on_file` for each
    file's record in input order, and return the run, its records kept on disk (`close` removes them)."""
    started = time.time()
    out_dir = Path(job.out_dir)
    taken = set(taken)
    if len(paths) > 1:  # plans shared by the workers; a single file's worker makes only those its report needs
        job.compile_rules()
    run = BatchRun(out_dir, RecordSpool(out_dir))
    outcomes = in_order((executor or InProcess()).imap(job, plan_tasks(paths, job.formats, out_dir, taken)))
    try:
        for task, outcome in outcomes:
            if isinstance(outcome, FileRecord):
                record = outcome
            else:
                reason = outcome.message if isinstance(outcome, GkError) else str(outcome)
                record = FileRecord.failed_file(task, reason)
                discard_outputs(out_dir, task, started)
            if on_file is not None:
                on_file(record)
            run.records.append(record)
    except BaseException:  # e.g. Ctrl-C: the workers are stopped first, then what they were writing goes
        outcomes.close()
        run.close()
        for task in plan_tasks(paths, job.formats, out_dir, taken):
            discard_temporaries(out_dir, task)
        raise
    sync_folder(out_dir)
    run.seconds = time.time() - started
    return run


def write_summaries(run: BatchRun, summary: Any, protected: frozenset[tuple[int, int]] = frozenset(),
                    formats: Sequence[str] = ("html",)) -> list[str]:
    """Write the batch summaries (gkcheck/render/outputs.py) of `summary`, a `BatchSummary` of the run's
    records (`SummaryResults`); return the names written."""
    from gkcheck.render.outputs import summary_files

    files = summary_files(summary, tuple(formats), str(run.out_dir))
    try:
        write_files(run.out_dir, files, protected)
    finally:  # e.g. another summary could not be written: a child still making its bytes is stopped
        for content in files.values():
            if isinstance(content, Background):
                content.close()
    sync_folder(run.out_dir)
    return list(files)
