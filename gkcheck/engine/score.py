"""Scores 0–100 from a profile: category scores by deductions, total as the weighted mean."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from gkcheck.engine.context import Finding
from gkcheck.model import Report
from gkcheck.rulepack import Profile

NO_SCORE = {
    "not_annual_report": "不是政府信息公开工作年度报告",
    "legacy_annual_report": "2019年前的旧格式年度报告，现行年报模板不适用",
}


def score(report: Report, findings: list[Finding], profile: Profile, verified: bool = True) -> dict[str, Any]:
    """category = max(0, 100 − Σ_rules min(max_per_rule, Σ points)); total = Σ w·category / Σ w.

    `verified` is False when no arithmetic identity could be evaluated (no usable table): the
    arithmetic category then scores 0 — unverifiable figures earn nothing."""
    kind = report.document.kind
    if kind in NO_SCORE:
        return {"total": None, "reason": NO_SCORE[kind], "categories": {},
                "profile": profile.name}
    lost: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f in findings:
        points = profile.rules.get(f.rule, profile.deductions[f.severity]) if f.severity != "info" else \
            profile.deductions["info"]
        lost[f.category][f.rule] += points
    categories: dict[str, Any] = {}
    weighted = weights = 0.0
    for key, spec in profile.categories.items():
        deduction = sum(min(profile.max_per_rule, v) for v in lost[key].values())
        value = max(0.0, 100.0 - deduction) if verified or key != "arithmetic" else 0.0
        categories[key] = {"label": spec["label"], "score": round(value, 1), "weight": spec["weight"]}
        if key == "arithmetic" and not verified:
            categories[key]["note"] = "没有可核验的统计表"
        weighted += value * spec["weight"]
        weights += spec["weight"]
    total = round(weighted / weights, 1) if weights else None
    return {"total": total, "reason": None, "categories": categories, "profile": profile.name}
