"""condition: one finding when the rule's declarative `when:` condition holds (the engine only runs a rule
whose condition holds, so this check just words the finding)."""

from __future__ import annotations

from gkcheck.engine.conditions import cells_of
from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule

KIND = "condition"
FIELDS = frozenset({"facts", "issuer", "year"})


def _number(value: float | int | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def check(rule: Rule, ctx: Context) -> list[Finding]:
    cells = [c for c in cells_of(rule.when or {}) if c in ctx.report.cells]
    facts = "，".join(f"{ctx.cell_label(c)} = {_number(ctx.report.value(c))}" for c in cells)
    doc = ctx.report.document
    return [ctx.finding(rule, {"facts": facts or "—", "year": doc.year or "未识别", "issuer": doc.issuer or "未识别"},
                        cells=cells)]
