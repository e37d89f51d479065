"""What a batch summary says about each unit and each rule, shared by every summary output
(scorecard.xlsx, findings.csv, summary.json, index.html).

Built from check results or batch records in the shape of a result (`FileRecord.as_result()`): `file`,
`document`, `score`, `summary`, `findings` (the main ones are enough), `suspects`, optional `outputs`
(format → file name written), `error` (why a file could not be checked), and, where known, `unit`,
`fingerprint` of each finding and `dismissed` flags.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gkcheck import __version__
from gkcheck.labels import SEVERITY_LABELS
from gkcheck.render import (
    LEGACY_KIND,
    SEVERITIES,
    counts,
    csv_line,
    document,
    fmt_number,
    kind_label,
    location_text,
    rank_key,
    rank_order,
    score_total,
    timeliness_text,
)

MAIN_PROBLEMS = 3
CATEGORY_LABELS = {
    "structure": "结构完整", "tables": "表格完整", "arithmetic": "数据勾稽", "template": "模板规范",
    "content": "内容要求", "timeliness": "发布时效",
}
SUMMARY_SCHEMA_VERSION = "1"
FINDING_COLUMNS = ("单位", "文件", "严重程度", "类别", "规则编号", "规则名称", "问题", "涉及单元格", "位置",
                   "最可能出错的单元格", "填报值", "应为", "修改建议", "指纹")


def unit_name(result: dict) -> str:
    """The unit a report belongs to: its declared unit, else its issuer, else the file's name."""
    doc = document(result)
    for value in (result.get("unit"), doc.get("unit"), doc.get("issuer")):
        if isinstance(value, dict):
            value = value.get("name")
        if value:
            return str(value)
    return Path(str(result.get("file") or "未知文件")).stem or "未知文件"


MISSING_TEXT = "未发布/未提交"
LEGACY_NOTE = "2019 年前旧格式年报：按旧格式评分方案评分，只与旧格式年报一起排名"


def row_status(result: dict) -> str:
    """`failed` (could not be checked), `missing` (an expected unit without a report), `duplicate` (another
    report of the same unit and year is ranked instead) or `checked`."""
    unit = result.get("unit") if isinstance(result.get("unit"), dict) else {}
    if result.get("error"):
        return "failed"
    if unit.get("status") == "missing" or document(result).get("kind") == "missing":
        return "missing"
    return "duplicate" if unit.get("duplicate_of") else "checked"


def rules_version(rules: Sequence[Any]) -> str:
    """The rule pack as printed on summaries: tool version, rule count and a fingerprint of the rules' text,
    e.g. `gkcheck 0.1.0 · 规则 34 条 · 3fa2c1d0`; the same rules always give the same fingerprint."""
    digest = hashlib.sha1()
    for rule in sorted(rules, key=lambda r: getattr(r, "id", "")):
        fields = {k: getattr(rule, k, None) for k in ("id", "kind", "severity", "category", "message", "suggestion",
                                                        "applies_to", "when", "params")}
        digest.update(json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
    return f"gkcheck {__version__} · 规则 {len(rules)} 条 · {digest.hexdigest()[:8]}"


@dataclass
class FindingRow:
    """One finding of one unit, flattened for 问题明细 and findings.csv."""

    unit: str
    file: str
    severity: str
    category: str
    rule: str
    title: str
    message: str
    cells: list[str]
    location: str
    suspect: str
    found: str
    expected: str
    suggestion: str
    fingerprint: str

    def values(self) -> list[Any]:
        return [self.unit, self.file, SEVERITY_LABELS.get(self.severity, self.severity),
                CATEGORY_LABELS.get(self.category, self.category), self.rule, self.title, self.message,
                "、".join(self.cells), self.location, self.suspect, self.found, self.expected, self.suggestion,
                self.fingerprint]


@dataclass
class UnitRow:
    """One unit's line in the ranking."""

    rank: str
    unit: str
    file: str
    kind: str
    year: int | None
    score: float | None
    categories: dict[str, float | None]
    category_notes: dict[str, str]
    counts: dict[str, int]
    problems: list[str]
    problems_text: str
    timeliness: str
    published: str
    reason: str
    error: str
    outputs: dict[str, str]
    dismissed: int = 0
    status: str = "checked"  # see row_status
    ranking: str = ""  # "current" or "legacy" (pre-2019 reports, ranked among themselves); "" when not ranked
    note: str = ""  # e.g. which report of the unit is ranked instead of this duplicate

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": int(self.rank) if self.rank else None, "unit": self.unit, "file": self.file, "kind": self.kind,
            "year": self.year, "score": self.score, "categories": self.categories, "counts": self.counts,
            "main_problems": self.problems, "timeliness": self.timeliness, "published": self.published or None,
            "reason": self.reason or None, "error": self.error or None, "outputs": self.outputs,
            "dismissed": self.dismissed, "status": self.status, "note": self.note or None,
            "ranking": self.ranking or None,
        }


@dataclass
class RuleRow:
    """How often one rule fails across the batch."""

    rule: str
    title: str
    severity: str
    category: str
    units: int = 0
    findings: int = 0
    problem_units: int = 0  # units where it found an error or a warning (not only notes)


@dataclass
class _Pass:
    """What one pass over the batch's results gives: every aggregate the summaries need, and the two orders
    (ranking, findings) as positions, so that rows are read back one result at a time."""

    categories: dict[str, str] = field(default_factory=dict)
    rule_counts: dict[str, RuleRow] = field(default_factory=dict)
    status: list[str] = field(default_factory=list)
    ranked: list[tuple[str, int]] = field(default_factory=list)  # (rank, position) best first
    by_unit: list[int] = field(default_factory=list)  # positions ordered by unit and file (findings order)
    totals: dict[str, Any] = field(default_factory=dict)
    bands: list[int] = field(default_factory=list)
    first_failed: int | None = None  # position of the first file that could not be checked


@dataclass
class BatchSummary:
    """The batch's results, then the rows and aggregates every summary output reads.

    `results` is any sequence of results in result shape: a list filled by `add`, or a disk-backed view of
    the batch's records (gkcheck/batch.py), read one result at a time. Aggregates come from one pass over it
    (repeated only when results were added since); rows are generated, never all held at once."""

    rules: Sequence[Any] = ()
    generated: datetime = field(default_factory=lambda: datetime.now().astimezone())
    results: Sequence[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._titles = {getattr(r, "id", ""): getattr(r, "title", "") for r in self.rules}
        self._meta = {getattr(r, "id", ""): (getattr(r, "severity", ""), getattr(r, "category", ""))
                      for r in self.rules}
        self._pass: _Pass | None = None

    @property
    def version(self) -> str:
        return rules_version(self.rules)

    def title(self, rule: str) -> str:
        return self._titles.get(rule, "")

    def add(self, result: dict) -> None:
        """Take one file's result (its report, if any, is not kept)."""
        if not isinstance(self.results, list):
            raise TypeError("results added to a summary must be kept in a list")
        self.results.append({k: v for k, v in result.items() if k != "report"})

    # ----------------------------------------------------------------------- the pass

    def _aggregate(self) -> _Pass:
        if self._pass is not None and len(self._pass.status) == len(self.results):
            return self._pass
        agg = _Pass()
        keys: list[tuple[float | None, str, bool]] = []
        units: list[tuple[str, str, int]] = []
        for position, result in enumerate(self.results):
            status = row_status(result)
            agg.status.append(status)
            if status == "failed" and agg.first_failed is None:
                agg.first_failed = position
            for key, cat in ((result.get("score") or {}).get("categories") or {}).items():
                agg.categories.setdefault(key, (cat or {}).get("label") or CATEGORY_LABELS.get(key, key))
            findings = _kept(result)
            for rule, number in _rule_counts(findings).items():
                self._count_rule(agg.rule_counts, rule, number, findings)
            keys.append(rank_key(result))
            units.append((unit_name(result), str(result.get("file") or ""), position))
            legacy = document(result).get("kind") == LEGACY_KIND
            self._total(agg, status, score_total(result), counts(result)["error"], legacy)
        agg.ranked = rank_order(keys)
        agg.by_unit = [position for _, _, position in sorted(units)]
        points, current = agg.totals.pop("_sum", 0.0), agg.totals.pop("_current", 0)
        agg.totals["average"] = round(points / current, 1) if current else None
        self._pass = agg
        return agg

    @staticmethod
    def _total(agg: _Pass, status: str, total: float | None, errors: int, legacy: bool) -> None:
        """Count one file. Pre-2019 reports are scored by their own scheme and ranked among themselves: they count
        as scored, but the average and the score bands are those of current-format reports."""
        t = agg.totals
        if not t:
            t.update(files=0, checked=0, scored=0, legacy_scored=0, with_errors=0, unreadable=0, missing=0,
                     duplicates=0, _sum=0.0, _current=0)
            agg.bands = [0] * 10
        t["files"] += status != "missing"
        t["checked"] += status in ("checked", "duplicate")
        t["unreadable"] += status == "failed"
        t["missing"] += status == "missing"
        t["duplicates"] += status == "duplicate"
        if status == "checked":
            t["with_errors"] += bool(errors)
            if total is not None:
                t["scored"] += 1
                if legacy:
                    t["legacy_scored"] += 1
                    return
                t["_current"] += 1
                t["_sum"] += total
                agg.bands[min(int(total // 10), 9)] += 1

    def _count_rule(self, table: dict[str, RuleRow], rule: str, number: int, findings: list[dict]) -> None:
        if not rule:
            return
        row = table.get(rule)
        if row is None:
            severity, category = self._meta.get(rule, ("", ""))
            sample = next((f for f in findings if f.get("rule") == rule), {})
            row = table[rule] = RuleRow(rule, self.title(rule) or str(sample.get("title") or ""),
                                        severity or str(sample.get("severity") or ""),
                                        category or str(sample.get("category") or ""))
        row.units += 1
        row.findings += number
        row.problem_units += any(f.get("rule") == rule and f.get("severity") != "info" for f in findings)

    # ----------------------------------------------------------------------- rows

    def finding_rows(self) -> Iterator[FindingRow]:
        """Every kept (not dismissed) finding of every unit, ordered by unit, file and severity."""
        for position in self._aggregate().by_unit:
            result = self.results[position]
            unit = unit_name(result)
            suspects = {str(s.get("cell")): s for s in result.get("suspects") or [] if s.get("cell")}
            for finding in sorted(_kept(result), key=_severity_key):
                yield self._row(unit, result, finding, suspects)

    def finding_count(self) -> int:
        return sum(row.findings for row in self._aggregate().rule_counts.values())

    @property
    def rule_counts(self) -> dict[str, RuleRow]:
        return self._aggregate().rule_counts

    def __len__(self) -> int:
        return len(self.results)

    def first_failed(self) -> dict | None:
        """The first result of a file that could not be checked, if any."""
        position = self._aggregate().first_failed
        return None if position is None else self.results[position]

    def ranked_results(self) -> Iterator[tuple[str, dict]]:
        """(rank, result) best first; unranked (unscored, duplicate) last, with an empty rank."""
        for rank, position in self._aggregate().ranked:
            yield rank, self.results[position]

    def _row(self, unit: str, result: dict, finding: dict, suspects: dict[str, dict]) -> FindingRow:
        cells = [str(c) for c in finding.get("cells") or []]
        suspect = next((suspects[c] for c in cells if c in suspects), None)
        return FindingRow(
            unit=unit, file=str(result.get("file") or ""), severity=str(finding.get("severity") or ""),
            category=str(finding.get("category") or ""), rule=str(finding.get("rule") or ""),
            title=str(finding.get("title") or self.title(str(finding.get("rule") or ""))),
            message=str(finding.get("message") or ""), cells=cells, location=location_text(finding.get("location")),
            suspect=str(suspect.get("cell")) if suspect else "",
            found=fmt_number(suspect.get("found")) if suspect else "",
            expected=fmt_number(suspect.get("expected")) if suspect else "",
            suggestion=str(finding.get("suggestion") or ""), fingerprint=str(finding.get("fingerprint") or ""),
        )

    # ----------------------------------------------------------------------- reading

    def category_columns(self) -> list[tuple[str, str]]:
        return list(self._aggregate().categories.items())

    def unit_rows(self) -> Iterator[UnitRow]:
        """Units ranked by score (best first; unscored and unreadable last)."""
        for rank, result in self.ranked_results():
            yield self.unit_row(rank, result)

    def unit_row(self, rank: str, result: dict) -> UnitRow:
        doc = document(result)
        cats = (result.get("score") or {}).get("categories") or {}
        problems = self.main_problems(result)
        error = str(result.get("error") or "")
        status = row_status(result)
        total = score_total(result)
        note = ""
        if status == "duplicate":
            note = f"重复报告，排名计入 {(result.get('unit') or {}).get('duplicate_of')}"
        ranking = ("legacy" if doc.get("kind") == LEGACY_KIND else "current") if rank else ""
        if ranking == "legacy":
            note = LEGACY_NOTE
        kind = {"failed": "无法检查", "missing": MISSING_TEXT}.get(status) or kind_label(doc)
        text = "；".join(problems) + ("。" if problems else "")
        return UnitRow(
            rank=rank, unit=unit_name(result), file=str(result.get("file") or ""),
            kind=kind, year=doc.get("year"), score=total,
            categories={k: _number((c or {}).get("score")) for k, c in cats.items()},
            category_notes={k: str((c or {}).get("note") or "") for k, c in cats.items() if (c or {}).get("unknown")},
            counts=counts(result), problems=problems, status=status, note=note, ranking=ranking,
            problems_text={"failed": f"无法检查：{error}", "missing": MISSING_TEXT}.get(status, text),
            timeliness="—" if status in ("failed", "missing") or doc.get("kind") == "not_annual_report"
            else timeliness_text(doc),
            published=str((doc.get("published") or {}).get("date") or ""),
            reason="" if total is not None else str((result.get("score") or {}).get("reason") or ""),
            error=error, outputs=dict(result.get("outputs") or {}),
            dismissed=sum(1 for f in result.get("findings") or [] if f.get("dismissed")),
        )

    def main_problems(self, result: dict) -> list[str]:
        """Up to three short phrases naming the unit's most severe problems (errors, then warnings)."""
        phrases: list[str] = []
        for finding in sorted(result.get("findings") or [], key=_severity_key):
            if finding.get("severity") == "info" or finding.get("dismissed"):
                continue
            rule = str(finding.get("rule") or "")
            phrase = str(finding.get("title") or self.title(rule) or finding.get("message") or rule)
            if phrase not in phrases:
                phrases.append(phrase)
            if len(phrases) == MAIN_PROBLEMS:
                break
        return phrases

    def rule_rows(self) -> list[RuleRow]:
        """Rules ordered by how many units fail them (most first); notes (提示) after errors and warnings."""
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(self._aggregate().rule_counts.values(),
                      key=lambda r: (r.severity == "info", -r.units, order.get(r.severity, 3), r.rule))

    def totals(self) -> dict[str, Any]:
        """Files given, checked, scored (ranked; of which pre-2019 reports, ranked among themselves), ranked units
        with errors, unreadable files, expected units without a report, duplicate reports, and the average score
        of the ranked current-format reports."""
        totals = self._aggregate().totals
        return dict(totals) if totals else {"files": 0, "checked": 0, "scored": 0, "legacy_scored": 0,
                                            "with_errors": 0, "unreadable": 0, "missing": 0, "duplicates": 0,
                                            "average": None}

    def score_histogram(self) -> list[tuple[str, int]]:
        """Scored current-format reports per band of ten points: [("0–9", n), …, ("90–100", n)]."""
        bands = self._aggregate().bands or [0] * 10
        return [(f"{i * 10}–{i * 10 + (10 if i == 9 else 9)}", n) for i, n in enumerate(bands)]


def _kept(result: dict) -> list[dict]:
    """A result's findings that count (those dismissed by a review decision do not)."""
    return [f for f in result.get("findings") or [] if not f.get("dismissed")]


def _severity_key(finding: dict) -> int:
    return {s: i for i, s in enumerate(SEVERITIES)}.get(finding.get("severity"), 3)


def _rule_counts(findings: Iterable[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for finding in findings:
        rule = str(finding.get("rule") or "")
        out[rule] = out.get(rule, 0) + 1
    return out


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# --------------------------------------------------------------------------- findings.csv and summary.json


def csv_text(value: Any) -> str:
    """Neutralise spreadsheet formulas in free text (a cell starting with `=` must stay text)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def findings_csv(summary: BatchSummary) -> Iterator[str]:
    """findings.csv line by line: one row per finding of every unit (written with a UTF-8 BOM, so
    spreadsheet programs read Chinese)."""
    yield csv_line(FINDING_COLUMNS)
    for row in summary.finding_rows():
        yield csv_line(csv_text(v) for v in row.values())


def summary_json(summary: BatchSummary, out_dir: str = "", files: Sequence[str] = ()) -> Iterator[str]:
    """summary.json piece by piece: totals, ranked units with category scores and main problems, rule
    statistics, the rule-pack version and generation time (the same text as one `json.dumps(indent=2)`)."""
    data = {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "generated": summary.generated.isoformat(timespec="seconds"),
        "rules_version": summary.version,
        "out_dir": out_dir,
        "files": list(files),
        "totals": summary.totals(),
        "categories": dict(summary.category_columns()),
        "units": [],
        "rules": [{"rule": r.rule, "title": r.title, "severity": r.severity, "category": r.category,
                   "units": r.units, "findings": r.findings} for r in summary.rule_rows()],
    }
    before, after = json.dumps(data, ensure_ascii=False, indent=2).split('"units": []', 1)
    yield before + '"units": ['
    separator = "\n    "
    for row in summary.unit_rows():
        yield separator + json.dumps(row.to_dict(), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        separator = ",\n    "
    yield ("]" if separator == "\n    " else "\n  ]") + after + "\n"
