"""What a batch summary says about each unit and each rule, shared by every summary output
(scorecard.xlsx, findings.csv, summary.json, index.html).

Built from check results or batch records in the shape of a result (`FileRecord.as_result()`): `file`,
`document`, `score`, `summary`, `findings` (the main ones are enough), `suspects`, optional `outputs`
(format → file name written), `error` (why a file could not be checked), and, where known, `unit`,
`fingerprint` of each finding and `dismissed` flags.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gkcheck import __version__
from gkcheck.labels import SEVERITY_LABELS
from gkcheck.render import (
    SEVERITIES,
    counts,
    document,
    fmt_number,
    kind_label,
    location_text,
    ranked,
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
    note: str = ""  # e.g. which report of the unit is ranked instead of this duplicate

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": int(self.rank) if self.rank else None, "unit": self.unit, "file": self.file, "kind": self.kind,
            "year": self.year, "score": self.score, "categories": self.categories, "counts": self.counts,
            "main_problems": self.problems, "timeliness": self.timeliness, "published": self.published or None,
            "reason": self.reason or None, "error": self.error or None, "outputs": self.outputs,
            "dismissed": self.dismissed, "status": self.status, "note": self.note or None,
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


@dataclass
class BatchSummary:
    """Collects the batch: add every file's result (or record) as it arrives, then read the rows.

    Only flat finding rows are kept per file (never reports), so memory stays linear in the findings."""

    rules: Sequence[Any] = ()
    generated: datetime = field(default_factory=lambda: datetime.now().astimezone())
    results: list[dict] = field(default_factory=list)
    finding_rows: list[FindingRow] = field(default_factory=list)
    rule_counts: dict[str, RuleRow] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._titles = {getattr(r, "id", ""): getattr(r, "title", "") for r in self.rules}
        self._meta = {getattr(r, "id", ""): (getattr(r, "severity", ""), getattr(r, "category", ""))
                      for r in self.rules}

    @property
    def version(self) -> str:
        return rules_version(self.rules)

    def title(self, rule: str) -> str:
        return self._titles.get(rule, "")

    def add(self, result: dict, failed_rules: dict[str, int] | None = None) -> None:
        """Take one file's result: its findings become rows; its failing rules are counted per unit."""
        unit = unit_name(result)
        findings = [f for f in result.get("findings") or [] if not f.get("dismissed")]
        suspects = {str(s.get("cell")): s for s in result.get("suspects") or [] if s.get("cell")}
        for finding in findings:
            self.finding_rows.append(self._row(unit, result, finding, suspects))
        per_rule = failed_rules if failed_rules is not None else _rule_counts(findings)
        for rule, number in per_rule.items():
            if not rule:
                continue
            row = self.rule_counts.get(rule)
            if row is None:
                severity, category = self._meta.get(rule, ("", ""))
                sample = next((f for f in findings if f.get("rule") == rule), {})
                row = self.rule_counts[rule] = RuleRow(rule, self.title(rule) or str(sample.get("title") or ""),
                                                       severity or str(sample.get("severity") or ""),
                                                       category or str(sample.get("category") or ""))
            row.units += 1
            row.findings += number
        slim = {k: v for k, v in result.items() if k not in ("report", "findings")}
        slim["findings"] = sorted(findings, key=_severity_key)[:MAIN_PROBLEMS + 2]
        self.results.append(slim)

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
        seen: dict[str, str] = {}
        for result in self.results:
            for key, cat in ((result.get("score") or {}).get("categories") or {}).items():
                seen.setdefault(key, (cat or {}).get("label") or CATEGORY_LABELS.get(key, key))
        return list(seen.items())

    def unit_rows(self) -> list[UnitRow]:
        """Units ranked by score (best first; unscored and unreadable last)."""
        return [self._unit_row(rank, result) for rank, result in ranked(self.results)]

    def _unit_row(self, rank: str, result: dict) -> UnitRow:
        doc = document(result)
        cats = (result.get("score") or {}).get("categories") or {}
        problems = self.main_problems(result)
        error = str(result.get("error") or "")
        status = row_status(result)
        total = score_total(result)
        note = ""
        if status == "duplicate":
            note = f"重复报告，排名计入 {(result.get('unit') or {}).get('duplicate_of')}"
        kind = {"failed": "无法检查", "missing": MISSING_TEXT}.get(status) or kind_label(doc)
        text = "；".join(problems) + ("。" if problems else "")
        return UnitRow(
            rank=rank, unit=unit_name(result), file=str(result.get("file") or ""),
            kind=kind, year=doc.get("year"), score=total,
            categories={k: _number((c or {}).get("score")) for k, c in cats.items()},
            category_notes={k: str((c or {}).get("note") or "") for k, c in cats.items() if (c or {}).get("unknown")},
            counts=counts(result), problems=problems, status=status, note=note,
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
        return sorted(self.rule_counts.values(),
                      key=lambda r: (r.severity == "info", -r.units, order.get(r.severity, 3), r.rule))

    def totals(self) -> dict[str, Any]:
        """Files given, checked, scored (ranked), ranked units with errors, unreadable files, expected units
        without a report, duplicate reports, and the average score of the ranked units."""
        status = [row_status(r) for r in self.results]
        ranked_results = [r for r, s in zip(self.results, status, strict=True)
                          if s == "checked" and score_total(r) is not None]
        average = sum(score_total(r) or 0.0 for r in ranked_results) / len(ranked_results) if ranked_results else None
        return {
            "files": sum(1 for s in status if s != "missing"),
            "checked": sum(1 for s in status if s in ("checked", "duplicate")),
            "scored": len(ranked_results),
            "with_errors": sum(1 for r, s in zip(self.results, status, strict=True)
                               if s == "checked" and counts(r)["error"]),
            "unreadable": status.count("failed"),
            "missing": status.count("missing"),
            "duplicates": status.count("duplicate"),
            "average": round(average, 1) if average is not None else None,
        }

    def score_histogram(self, width: int = 10) -> list[tuple[str, int]]:
        """Scored units per band of `width` points: [("0–9", n), …, ("90–100", n)]."""
        bands = [0] * (100 // width)
        for result in self.results:
            total = score_total(result)
            if total is not None and row_status(result) == "checked":
                bands[min(int(total // width), len(bands) - 1)] += 1
        return [(f"{i * width}–{i * width + width - (0 if i == len(bands) - 1 else 1)}", n)
                for i, n in enumerate(bands)]


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


def render_findings_csv(summary: BatchSummary) -> str:
    """One row per finding of every unit (written with a UTF-8 BOM, so spreadsheet programs read Chinese)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    for row in sorted(summary.finding_rows, key=lambda r: (r.unit, r.file, _severity_key({"severity": r.severity}))):
        writer.writerow([csv_text(v) for v in row.values()])
    return buf.getvalue()


def render_summary_json(summary: BatchSummary, out_dir: str = "", files: Sequence[str] = ()) -> str:
    """The batch in one JSON document: totals, ranked units with category scores and main problems, rule
    statistics, the rule-pack version and generation time."""
    data = {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "generated": summary.generated.isoformat(timespec="seconds"),
        "rules_version": summary.version,
        "out_dir": out_dir,
        "files": list(files),
        "totals": summary.totals(),
        "categories": dict(summary.category_columns()),
        "units": [row.to_dict() for row in summary.unit_rows()],
        "rules": [{"rule": r.rule, "title": r.title, "severity": r.severity, "category": r.category,
                   "units": r.units, "findings": r.findings} for r in summary.rule_rows()],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
