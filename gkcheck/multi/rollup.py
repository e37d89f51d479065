"""Roll-up: a summary report's 表三/表四 cells against the sum of its parts' reports (rules/multi/rollup.yaml).

Opt-in: a government's own report is not always the sum of its departments. The severity comes from the
profile (`multi.rollup.severity`, default info). A cell is compared only when the summary and every part
have it readable, in the same layout.
"""

from __future__ import annotations

from typing import Any

from gkcheck.multi.digest import Digest
from gkcheck.multi.findings import label, make_finding, rules_of, show
from gkcheck.rulepack import Profile, Rule


def severity(profile: Profile | None, rule: Rule) -> str:
    return ((profile.multi if profile else {}).get("rollup") or {}).get("severity", rule.severity)


def enabled(profile: Profile | None) -> bool:
    return bool(((profile.multi if profile else {}).get("rollup") or {}).get("enabled", False))


def check_rollup(summary: Digest, parts: list[Digest], profile: Profile | None = None,
                 rules: tuple[Rule, ...] | None = None) -> list[dict[str, Any]]:
    """Findings of `summary`: one per cell where it differs from the sum of `parts`."""
    if not parts:
        return []
    out: list[dict[str, Any]] = []
    for rule in rules_of("rollup_sum", rules):
        for table in rule.params["tables"]:
            if not summary.has_table(table):
                continue
            layout = summary.templates[table]
            if any(not p.has_table(table) or p.templates[table] != layout for p in parts):
                continue
            for address, value in summary.cells.items():
                if not address.startswith(table + "."):
                    continue
                figures = [p.value(address) for p in parts]
                if any(f is None for f in figures):
                    continue
                total = sum(figures)  # type: ignore[arg-type]
                if abs(total - value) < 1e-6:
                    continue
                values = {"cell_label": label(address, summary), "summary": show(value), "total": show(total),
                          "diff": show(abs(total - value)), "parts": len(parts), "file": summary.file}
                out.append(make_finding(rule, values, [address], severity=severity(profile, rule),
                                        related={"parts": [{"file": p.file, "unit": p.unit, "value": p.value(address)}
                                                           for p in parts]}))
    return out
