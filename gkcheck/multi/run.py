"""The checks across reports inside one `gkcheck check` run (gkcheck/batch.py does the per-file work).

1. In each worker, `prepare` (a `BatchJob.prepare` hook) adds unit, fingerprints and review decisions to the
   fresh result, plus the findings across reports already known for its file, before the result is rendered;
   the file's digest travels in the record (`extra["_digest"]`).
2. In the batch process, `collect` takes each record's digest out, writes its section texts to an on-disk
   `TextStore` (memory keeps only the compact digest) and records the report in the history database (one
   transaction per report).
3. `finish`: the `--previous` reports, the checks across reports (the store is removed after them; `close`
   removes it when the batch stops earlier), a second pass over the files that got findings across reports
   or a duplicate flag (`SecondPass`: their pages written again from the first pass's JSON result, so they
   show them), rows for expected units without a report, and the exit code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from gkcheck import __version__
from gkcheck.batch import EXIT_OK, EXIT_UNREADABLE, BatchJob, BatchRun, FileRecord, FileTask
from gkcheck.errors import GkError
from gkcheck.executor import Executor
from gkcheck.isolate import in_order
from gkcheck.labels import SEVERITY_LABELS
from gkcheck.multi.analyse import MISSING_STATUS, Outcome, analyse, copy_settings, is_compared
from gkcheck.multi.batch import MultiOptions, annotate, known_units, merge
from gkcheck.multi.decisions import load_decisions
from gkcheck.multi.digest import Digest
from gkcheck.multi.findings import load_multi_rules
from gkcheck.multi.history import DEFAULT_NAME, Recorder, start_run
from gkcheck.multi.similarity import SentenceCounts
from gkcheck.multi.textstore import TextStore
from gkcheck.multi.units import load_units
from gkcheck.outdir import is_ours
from gkcheck.rulepack import Profile
from gkcheck.terminal import display_name, echo

DIGEST_KEY = "_digest"
BRIEF = ("rule", "severity", "category", "message", "cells", "fingerprint", "decision", "related")


def load_options(units: Path | None, decisions: Path | None, previous: Iterable[Path],
                 rollup: bool | None) -> MultiOptions:
    """The user's units and decisions files, read and validated (InputFileError otherwise); the rules across
    reports are validated here too, before any file is checked (RuleError)."""
    load_multi_rules()
    loaded_units = load_units(units) if units else None
    loaded = load_decisions(decisions) if decisions else None
    if loaded and loaded_units:
        loaded.check_units({u.name for u in loaded_units.units}, loaded_units)
    return MultiOptions(units=loaded_units, decisions=loaded, previous=list(previous), rollup=rollup)


def history_path(option: Path | None, out_dir: Path) -> Path:
    return option if option is not None else out_dir / DEFAULT_NAME


def is_history_file(path: Path, history: Path) -> bool:
    """The history database (and its journal files) is never an input."""
    try:
        return path.resolve().parent == history.resolve().parent and path.name.startswith(history.name)
    except OSError:
        return False


def _brief(finding: dict[str, Any]) -> dict[str, Any]:
    return {k: finding[k] for k in BRIEF if k in finding}


@dataclass
class PreviousJob:
    """The work for a `--previous` report: check it and return its digest (nothing is written)."""

    rules: list[Any]
    profile: Profile
    max_bytes: int
    options: MultiOptions

    def __call__(self, path: Path) -> dict[str, Any]:
        from gkcheck.pipeline import check_file

        result = check_file(path, self.rules, self.profile, self.max_bytes)
        return annotate(result, path, self.options, self.profile).to_dict()


@dataclass
class Annotator:
    """A `BatchJob.prepare` hook, run in the worker: unit, fingerprints, review decisions and the findings across
    reports already known for the file (`pending`) on the fresh result; returns the record's share of it."""

    options: MultiOptions
    profile: Profile
    pending: dict[str, tuple[list[dict[str, Any]], str | None]] = field(default_factory=dict)

    def __call__(self, result: dict[str, Any]) -> dict[str, Any]:
        digest = annotate(result, str(result.get("file") or ""), self.options, self.profile)
        return {**self.add_pending(result), DIGEST_KEY: digest.to_dict()}

    def add_pending(self, result: dict[str, Any]) -> dict[str, Any]:
        """Add the file's findings across reports and duplicate flag to an annotated result (scored again)."""
        extra, duplicate_of = self.pending.get(str(result.get("file") or ""), ([], None))
        merge(result, [dict(f) for f in extra], duplicate_of, self.options, self.profile)
        return {"unit": result["unit"], "sha256": result.get("sha256"),
                "dismissed": [_brief(f) for f in result.get("dismissed") or []],
                "multi_findings": [_brief(f) for f in result.get("findings") or [] if f.get("multi")]}


@dataclass
class SecondPass:
    """The second pass over a file that got findings across reports: its result as the first pass wrote it
    (the JSON output, when that was written and nobody changed it since) with those findings added, every
    format written again. Without that JSON output the file is checked again. Runs in a worker."""

    job: BatchJob
    annotator: Annotator

    def __call__(self, task: FileTask) -> FileRecord:
        name = task.outputs.get("json")
        path = Path(self.job.out_dir) / name if name else None
        if path is None or not is_ours(path):
            return dataclasses.replace(self.job, prepare=(self.annotator,))(task)
        result = json.loads(path.read_text(encoding="utf-8"))
        return self.job.finish(task, result, [self.annotator.add_pending(result)])


@dataclass
class MultiRun:
    options: MultiOptions
    profile: Profile
    history: Path | None = None  # None: the run is not recorded
    digests: list[Digest] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # record index of each current digest
    pending: dict[str, tuple[list[dict[str, Any]], str | None]] = field(default_factory=dict)
    outcome: Outcome | None = None
    recorder: Recorder | None = None
    report_ids: dict[int, int] = field(default_factory=dict)  # record index -> history row
    seen: int = 0
    applied: set[str] = field(default_factory=set)  # fingerprints a review decision was applied to
    notable: set[int] = field(default_factory=set)  # record indices with something to say across reports
    spill_dir: Path | None = None  # where the section texts wait on disk (None: the system's temporary folder)
    store: TextStore | None = None  # section texts and figures by digest position; the digests keep none
    counts: SentenceCounts | None = None  # sentences of the compared digests, counted as they arrive
    _layouts: dict[tuple[tuple[str, str | None], ...], dict[str, str | None]] = field(default_factory=dict)

    @property
    def prepare(self) -> Annotator:
        """The `BatchJob.prepare` hook of this run (a plain picklable object, like the job itself)."""
        return Annotator(self.options, self.profile, dict(self.pending))

    # ----------------------------------------------------------------- in the batch process

    def collect(self, record: FileRecord) -> None:
        """Called for every record in input order (with all its findings): keep the digest, record history."""
        index = self.seen
        self.seen += 1
        self._note_decisions(record)
        if summary_lines([record]):
            self.notable.add(index)
        data = record.extra.pop(DIGEST_KEY, None)
        if data is not None:
            self._keep(Digest.from_dict(data))
            self.positions.append(index)
        if self.history is not None:
            if self.recorder is None:
                self.recorder = start_run(self.history, self.profile.name, __version__)
            self.report_ids[index] = self.recorder.report(record.as_result(), _status(record))

    def _keep(self, digest: Digest) -> None:
        """Add a digest; its section texts and figures go to the on-disk store, so memory holds only what
        groups the reports (unit, year, layouts, hash)."""
        if self.store is None:
            self.store = TextStore(self.spill_dir)
            self.counts = SentenceCounts(copy_settings(self.profile))
        if is_compared(digest):  # counted now, while the batch runs, not in a pass over the texts at the end
            self.counts.add(digest.sections)  # type: ignore[union-attr]
        number = self.store.put(digest.sections, digest.cells)
        digest.sections, digest.cells_data = {}, b""
        digest.cells_source = partial(self.store.cells, number)
        layouts = tuple(sorted(digest.templates.items()))  # a few distinct ones in a batch: shared
        digest.templates = self._layouts.setdefault(layouts, digest.templates)
        self.digests.append(digest)

    def close(self) -> None:
        """Remove the on-disk text store (after `finish`, or when the batch stopped on an error)."""
        if self.store is not None:
            self.store.close()
            self.store = None

    def _note_decisions(self, record: FileRecord) -> None:
        found = list(record.findings or []) + list(record.extra.get("dismissed") or [])
        self.applied.update(f["fingerprint"] for f in found if f.get("decision") and f.get("fingerprint"))

    def finish(self, run: BatchRun, job: BatchJob, executor: Callable[[], Executor], quiet: bool) -> int:
        """Everything across reports once the batch is checked: records replaced by the second pass, rows
        added for missing units; returns the exit code."""
        code = run.exit_code
        if self.options.previous:
            previous = PreviousJob(job.rules, job.profile, job.max_bytes, self.options)
            for path, outcome in in_order(executor().imap(previous, list(self.options.previous))):
                if isinstance(outcome, GkError) or not isinstance(outcome, dict):
                    echo(f"✗ 无法读取上年报告 {display_name(path)}：{getattr(outcome, 'message', outcome)}", err=True)
                    code = EXIT_UNREADABLE
                    continue
                digest = Digest.from_dict(outcome)
                digest.previous = True
                self._keep(digest)
        try:
            self.outcome = analyse(self.digests, self.profile, self.options.units, self.options.rollup,
                                   self.store.get if self.store else None, self.counts)
        finally:
            self.close()
        code = max(code, self._second_pass(run, job, executor))
        try:
            if self.options.decisions and not self.options.units:
                self.options.decisions.check_units(known_units((r.as_result() for r in run.records), self.digests))
        except GkError as exc:
            echo(f"✗ {exc}", err=True)
            code = EXIT_UNREADABLE
        for row in self.outcome.missing:
            record = FileRecord(number=len(run.records), file="", status="missing", document=row["document"],
                                score=row["score"], summary=row["summary"], extra={"unit": row["unit"]})
            self.notable.add(run.records.append(record))
            if self.recorder:
                self.recorder.report(record.as_result(), "missing")
        if self.recorder:
            self.recorder.finish(self.seen)
        notes = list(self.outcome.notes)
        if self.options.decisions:
            unused = len(set(self.options.decisions.by_fingerprint) - self.applied)
            if unused:
                notes.append(f"复核决定文件中有 {unused} 条决定在本次检查中没有对应的问题"
                             "（问题已不存在，或报告已更换）")
        lines = summary_lines(run.records[i] for i in sorted(self.notable))
        lines = (["跨报告检查："] + lines + notes) if lines or notes else []
        if lines and not quiet:
            echo("\n".join(lines))
        return EXIT_UNREADABLE if code == EXIT_UNREADABLE else run.exit_code

    def _second_pass(self, run: BatchRun, job: BatchJob, executor: Callable[[], Executor]) -> int:
        """Write again the pages and records of the files whose results change, so that they carry the findings."""
        assert self.outcome is not None
        tasks: list[tuple[int, FileTask]] = []
        for n, digest in enumerate(self.digests):
            if digest.previous:
                continue
            extra, duplicate_of = self.outcome.findings.get(n) or [], self.outcome.duplicate_of.get(n)
            if not extra and not duplicate_of:
                continue
            index = self.positions[n]
            record = run.records[index]
            self.pending[digest.file] = (extra, duplicate_of)
            tasks.append((index, FileTask(record.number, Path(record.path or record.file), dict(record.outputs))))
        if not tasks:
            return EXIT_OK
        again = SecondPass(job, self.prepare)
        code = EXIT_OK
        for (task, outcome), (index, _) in zip(in_order(executor().imap(again, [t for _, t in tasks])), tasks):
            if not isinstance(outcome, FileRecord):
                reason = getattr(outcome, "message", outcome)
                echo(f"✗ 无法写出 {display_name(task.path)} 的跨报告检查结果：{reason}", err=True)
                code = EXIT_UNREADABLE
                continue
            outcome.extra.pop(DIGEST_KEY, None)
            if self.recorder and index in self.report_ids:
                self.recorder.replace(self.report_ids[index], outcome.as_result(), _status(outcome))
            self._note_decisions(outcome)
            run.records[index] = outcome
            if summary_lines([outcome]):
                self.notable.add(index)
        return code


def _status(record: FileRecord) -> str:
    if record.failed:
        return "unreadable"
    return "duplicate" if (record.extra.get("unit") or {}).get("duplicate_of") else record.status


def summary_lines(records: Iterable[FileRecord]) -> list[str]:
    """The terminal's lines on checks across reports for these records: per file, its findings across reports
    (records with none give no line)."""
    lines = []
    for record in records:
        unit = record.extra.get("unit") or {}
        if record.status == "missing":
            lines.append(f"{unit.get('name')} {record.document.get('year') or ''} 年度：{MISSING_STATUS}")
            continue
        found = list(record.extra.get("multi_findings") or [])
        if unit.get("duplicate_of") and not found:
            found = [{"severity": "info", "message": f"重复报告，排名计入 {unit['duplicate_of']}"}]
        if found:
            lines.append(f"{display_name(record.file)}（{unit.get('name') or '未识别单位'}）：")
            lines += [f"  [{SEVERITY_LABELS.get(f['severity'], '提示')}] {f['message']}" for f in found]
        dismissed = record.extra.get("dismissed") or []
        if dismissed:
            lines.append(f"{display_name(record.file)}：{len(dismissed)} 项问题已按复核决定排除，不扣分")
    return lines
