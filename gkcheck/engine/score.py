"""Scores 0–100 from a profile: category scores by deductions, total as the weighted mean."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from gkcheck.engine.context import Finding
from gkcheck.extract.metadata import deadline
from gkcheck.model import Report
from gkcheck.rulepack import Profile, load_profile

NO_SCORE = {
    "not_annual_report": "不是政府信息公开工作年度报告",
}
LEGACY_PROFILE = "legacy"  # pre-2019 reports are scored with their own profile (rules/profiles/legacy.yaml)


@cache
def _named_profile(name: str) -> Profile:
    return load_profile(name)


def score(report: Report, findings: list[Finding], profile: Profile, verified: bool = True) -> dict[str, Any]:
    """category = max(0, 100 − Σ_rules min(max_per_rule, Σ points)); total = Σ w·category / Σ w.

    `verified` is False when no arithmetic identity could be evaluated (no usable table): the
    arithmetic category then scores 0 — unverifiable figures earn nothing."""
    return score_of(report.document.kind, [(f.rule, f.severity, f.category) for f in findings], profile, verified,
                    _timeliness_unknown(report))


def score_of(kind: str, findings: list[tuple[str, str, str]], profile: Profile, verified: bool = True,
             date_unknown: str | None = None) -> dict[str, Any]:
    """The score from (rule, severity, category) of the findings that count (see `score`); `date_unknown`
    says why timeliness cannot be judged, if it cannot."""
    if kind in NO_SCORE:
        return {"total": None, "reason": NO_SCORE[kind], "categories": {},
                "profile": profile.name}
    if (kind == "legacy_annual_report") != (profile.name == LEGACY_PROFILE):  # each format by its own scheme
        profile = _named_profile(LEGACY_PROFILE if kind == "legacy_annual_report" else "default")
    lost: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for rule, severity, category in findings:
        points = profile.rules.get(rule, profile.deductions[severity]) if severity != "info" else \
            profile.deductions["info"]
        lost[category][rule] += points
    categories: dict[str, Any] = {}
    weighted = weights = 0.0
    for key, spec in profile.categories.items():
        deduction = sum(min(profile.max_per_rule, v) for v in lost[key].values())
        value = max(0.0, 100.0 - deduction) if verified or key != "arithmetic" else 0.0
        if key == "timeliness" and date_unknown:
            value = min(value, float(profile.unknown_publication))
        categories[key] = {"label": spec["label"], "score": round(value, 1), "weight": spec["weight"]}
        if key == "arithmetic" and not verified:
            categories[key]["note"] = "没有可核验的统计表"
        if key == "timeliness" and date_unknown:
            categories[key].update(unknown=True, note=f"{date_unknown}，按评分方案记 {fmt_points(value)} 分")
        weighted += value * spec["weight"]
        weights += spec["weight"]
    total = round(weighted / weights, 1) if weights else None
    return {"total": total, "reason": None, "categories": categories, "profile": profile.name}


def _timeliness_unknown(report: Report) -> str | None:
    doc = report.document
    return timeliness_unknown(doc.published, deadline(doc.year, doc.kind, doc.issuer_kind))


def timeliness_unknown(published: Any, due: str | None) -> str | None:
    """Why timeliness cannot be judged (no publication date, or no deadline because the year is unknown)."""
    if published is None:
        return "未找到发布日期，是否按时未知"
    if due is None:
        return "报告年度不明，无法确定发布截止日期"
    return None


def fmt_points(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
