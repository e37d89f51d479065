"""Review decisions that persist across runs (`--decisions review.yaml`, schemas/decisions.schema.json).

A reviewer marks a finding, by its fingerprint, `confirmed` or `dismissed` with a reason. Dismissed findings
are moved to the result's `dismissed` list (shown apart, not deducted); confirmed ones stay, marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gkcheck.engine.score import score_of, timeliness_unknown
from gkcheck.multi.units import Units, clean, normalise
from gkcheck.multi.yamlfile import InputFileError, load_validated
from gkcheck.rulepack import Profile

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Decision:
    fingerprint: str
    status: str  # confirmed | dismissed
    reason: str
    unit: str | None = None
    year: int | None = None
    rule: str | None = None
    line: int = 0


@dataclass
class Decisions:
    path: str
    by_fingerprint: dict[str, Decision]

    def __len__(self) -> int:
        return len(self.by_fingerprint)

    def check_units(self, known: set[str], units: Units | None = None) -> None:
        """Every decision naming a unit must name a unit known to this run (InputFileError otherwise)."""
        names = {normalise(n) for n in known if n}
        for decision in self.by_fingerprint.values():
            if not decision.unit:
                continue
            if units and units.find(decision.unit):
                continue
            if normalise(decision.unit) not in names and clean(decision.unit) not in known:
                where = "单位清单和" if units else ""
                raise InputFileError(f"第 {decision.line} 行：单位「{decision.unit}」不在{where}本次检查的报告中，"
                                     "请核对单位名称", self.path)


def load_decisions(path: Path) -> Decisions:
    """Read and validate a decisions file; InputFileError (Chinese, with the line) when it is unusable."""
    import yaml  # only when a decisions file is given

    data = load_validated(path, "decisions.schema.json", "复核决定文件")
    node = yaml.compose(path.read_text(encoding="utf-8"))
    items = next((v for k, v in node.value if k.value == "decisions"), None)
    found: dict[str, Decision] = {}
    for i, item in enumerate(data["decisions"]):
        line = items.value[i].start_mark.line + 1 if items is not None else 0
        if item["fingerprint"] in found:
            raise InputFileError(f"第 {line} 行：指纹 {item['fingerprint']} 重复（第 {found[item['fingerprint']].line}"
                                 " 行已有决定）", str(path))
        found[item["fingerprint"]] = Decision(
            fingerprint=item["fingerprint"], status=item["status"], reason=item["reason"].strip(),
            unit=item.get("unit"), year=item.get("year"), rule=item.get("rule"), line=line)
    return Decisions(str(path), found)


def apply_decisions(result: dict[str, Any], decisions: Decisions | None) -> None:
    """Mark the result's findings with their decisions; move dismissed ones to `dismissed`."""
    if not decisions:
        return
    kept, dismissed = [], list(result.get("dismissed") or [])
    for finding in result.get("findings") or []:
        decision = decisions.by_fingerprint.get(finding.get("fingerprint", ""))
        if decision:
            finding["decision"] = {"status": decision.status, "reason": decision.reason}
        (dismissed if decision and decision.status == "dismissed" else kept).append(finding)
    result["findings"] = kept
    result["dismissed"] = dismissed


def rescore(result: dict[str, Any], profile: Profile) -> None:
    """Summary and score from the findings that count (after multi-report findings and decisions)."""
    findings = result.get("findings") or []
    result["summary"] = {s: sum(1 for f in findings if f.get("severity") == s) for s in SEVERITIES}
    old = result.get("score") or {}
    if old.get("total") is None and old.get("reason"):
        return  # not scored (not an annual report, pre-2019 format): stays so
    verified = not ((old.get("categories") or {}).get("arithmetic") or {}).get("note")
    doc = result.get("document") or {}
    result["score"] = score_of(doc.get("kind") or "annual_report",
                               [(f["rule"], f["severity"], f["category"]) for f in findings], profile, verified,
                               timeliness_unknown(doc.get("published"), doc.get("deadline")))
