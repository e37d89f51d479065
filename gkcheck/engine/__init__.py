"""Engine stage: rules × report data → findings, suspects and score (the check result)."""

from __future__ import annotations

from typing import Any

from gkcheck.engine.checks import CHECKS
from gkcheck.engine.conditions import holds
from gkcheck.engine.context import Context, Finding
from gkcheck.engine.patterns import MATCH_TIMEOUT, PatternTimeout
from gkcheck.engine.score import score
from gkcheck.engine.suspects import best_fix, rank_suspects, ranked_repairs
from gkcheck.extract.metadata import deadline
from gkcheck.labels import published_evidence
from gkcheck.model import SCHEMA_VERSION, Published, Report, page_of
from gkcheck.rulepack import Profile, Rule

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def published_dict(published: Published) -> dict[str, Any]:
    """The publication date, its source code and the evidence in words."""
    data = {"date": published.date, "source": published.source, "label": published.label, "line": published.line}
    return {"date": published.date, "source": published.source, "evidence": published_evidence(data)}


def applies(rule: Rule, report: Report) -> bool:
    """Whether a rule's applies_to (document kind, template, report years, issuer kind) matches."""
    cond = rule.applies_to
    doc = report.document
    if doc.kind not in cond.get("kind", ["annual_report"]):
        return False
    if "issuer_kind" in cond and doc.issuer_kind not in cond["issuer_kind"]:
        return False
    if "template" in cond and doc.template not in cond["template"]:
        return False
    years = cond.get("years")
    if years:
        if doc.year is None:
            return False
        if not years.get("min", -1) <= doc.year <= years.get("max", 9999):
            return False
    return True


def pattern_timeout(rule: Rule) -> Finding:
    """The note for a rule whose text pattern could not be matched in time: the rule is not checked."""
    return Finding(rule=rule.id, title=rule.title, severity="info", category=rule.category,
                   message=f"规则 {rule.id} 的文本模式在 {MATCH_TIMEOUT:g} 秒内未能完成匹配，本条未检查"
                           "（请检查规则中的正则表达式）。")


def run(report: Report, rules: list[Rule], profile: Profile) -> dict[str, Any]:
    """Check one report; returns the result dict described by schemas/findings.schema.json."""
    ctx = Context(report=report, thresholds=profile.thresholds)
    findings: list[Finding] = []
    identity: list[Finding] = []
    for rule in rules:
        if not applies(rule, report) or (rule.when is not None and not holds(rule.when, report)):
            continue
        try:
            found = CHECKS[rule.kind](rule, ctx)
        except PatternTimeout:
            found = [pattern_timeout(rule)]
        findings.extend(found)
        if rule.kind == "sum_identity":
            identity.extend(found)
    repairs = ranked_repairs(ctx.equations, report)
    for finding in identity:
        fix = best_fix(finding.cells, repairs)
        if fix:
            finding.suggestion = f"最可能出错：{fix.cell}（{ctx.cell_label(fix.cell)}），应为 {fix.show_expected()}"
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.category, f.rule))
    for finding in findings:  # PDF: the page that holds the line, for people reading the printed report
        line = (finding.location or {}).get("line")
        page = page_of(line, report.page_starts) if isinstance(line, int) else None
        if page is not None:
            finding.location = {**(finding.location or {}), "page": page}
    doc = report.document
    due = deadline(doc.year, doc.kind, doc.issuer_kind) if doc.kind != "not_annual_report" else None
    on_time = None if due is None or doc.published is None else doc.published.date <= due
    summary = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    return {
        "schema_version": SCHEMA_VERSION,
        "file": report.file,
        "document": {
            "kind": doc.kind, "kind_reason": doc.kind_reason, "template": doc.template,
            "templates": {t: (i.template if i.status in ("present", "blank") else None)
                          for t, i in report.tables.items()},
            "year": doc.year, "issuer": doc.issuer, "issuer_kind": doc.issuer_kind, "title": doc.title,
            "published": (published_dict(doc.published) if doc.published else None),
            "deadline": due, "on_time": on_time,
        },
        "score": score(report, findings, profile, verified=bool(ctx.equations)),
        "summary": summary,
        "findings": [f.to_dict() for f in findings],
        "suspects": [s.to_dict() for s in rank_suspects(ctx.equations, repairs)],
        "report": report.to_dict(),
    }
