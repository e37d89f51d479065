"""plausibility: figures that are possible but unusual for the issuer (an info note, never a defect).

Each test sums some cells and compares the sum with a threshold: `below` / `above` name a threshold of the
scoring profile (`thresholds:` in rules/profiles/*.yaml) or give a number; the rule's `defaults` apply when
the profile does not set the name. The rule fires when every test holds; a test over cells that are blank,
unreadable or missing never holds (no note on a guess).
"""

from __future__ import annotations

from typing import Any

from gkcheck.engine.checks.text_claim import candidate_values
from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule

KIND = "plausibility"
FIELDS = frozenset({"facts", "issuer", "threshold"})


def _threshold(rule: Rule, ctx: Context, value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    found = ctx.thresholds.get(value, rule.params.get("defaults", {}).get(value))
    return None if found is None else float(found)


def check(rule: Rule, ctx: Context) -> list[Finding]:
    facts: list[str] = []
    cells: list[str] = []
    limits: list[str] = []
    for test in rule.params["tests"]:
        values = candidate_values(ctx, [test["cells"]])
        if not values or any(ctx.report.cells[a].status != "ok" for a in values[0][0]):
            return []
        addresses, total = values[0]
        below, above = test.get("below"), test.get("above")
        limit = _threshold(rule, ctx, below if below is not None else above)
        if limit is None or not (total < limit if below is not None else total > limit):
            return []
        cells += addresses
        shown = "＋".join(ctx.cell_label(a) for a in addresses)
        facts.append(f"{shown} = {total:g}")
        limits.append(f"{'低于' if below is not None else '高于'} {limit:g}")
    doc = ctx.report.document
    return [ctx.finding(rule, {"facts": "；".join(facts), "threshold": "、".join(limits),
                               "issuer": doc.issuer or "发布机关"}, cells=cells)]
