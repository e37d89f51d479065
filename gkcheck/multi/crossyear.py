"""Cross-year checks of one unit's report for year Y against its report for Y−1 (rules/multi/crossyear.yaml).

Rule kinds: `cross_year_identity` (Σlhs = Σrhs over terms of both years: `prev:` reads last year's cell,
`-` subtracts), `cross_year_copied` (a table identical to last year's and not all zero), `cross_year_jump`
(a count changing by more than the profile's ratio). Cells that are unreadable or missing in either report
are never compared: nothing is guessed.
"""

from __future__ import annotations

import re
from typing import Any

from gkcheck.engine.checks.sum_identity import expand
from gkcheck.multi.digest import Digest
from gkcheck.multi.findings import applies, label, make_finding, rules_of, show, table_cells, table_def
from gkcheck.rulepack import Profile, Rule

_TERM = re.compile(r"^(?P<sign>-?)(?P<prev>prev:)?(?P<address>.+)$")
DEFAULT_RATIO, DEFAULT_MIN_COUNT = 3.0, 10


def _bindings(rule: Rule, digest: Digest) -> list[dict[str, str]]:
    for_each = rule.params.get("for_each") or {}
    if not for_each:
        return [{}]
    table = table_def(digest, rule.params["table"])
    var, over = next(iter(for_each.items()))
    if over == "rows":
        return [{var: r.key, f"{var}_label": r.label} for r in table.rows]
    return [{var: c.key, f"{var}_label": c.label} for c in table.columns.values()]


def _side(terms: list[str], binding: dict[str, str], current: Digest, previous: Digest,
          table: str) -> tuple[float, list[str]] | None:
    """Σ of one side and the current report's cells it reads; None when a cell is not in both reports."""
    total = 0.0
    cells: list[str] = []
    for term in terms:
        m = _TERM.match(term)
        assert m  # the schema guarantees the shape
        source = previous if m.group("prev") else current
        addresses = expand([m.group("address")], binding, table_cells(source, table))
        if not addresses:
            return None
        for address in addresses:
            value = source.value(address)
            if value is None:
                return None
            total += -value if m.group("sign") else value
            if source is current:
                cells.append(address)
    return total, cells


def identity(rule: Rule, current: Digest, previous: Digest) -> list[dict[str, Any]]:
    """cross_year_identity: one finding per binding where Σlhs ≠ Σrhs."""
    table = rule.params["table"]
    if not (current.has_table(table) and previous.has_table(table)):
        return []
    template = rule.params.get("template")
    if template and not (current.templates[table] == previous.templates[table] == template):
        return []
    out = []
    for binding in _bindings(rule, current):
        lhs = _side(rule.params["lhs"], binding, current, previous, table)
        rhs = _side(rule.params["rhs"], binding, current, previous, table)
        if lhs is None or rhs is None or abs(lhs[0] - rhs[0]) < 1e-6:
            continue
        cells = list(dict.fromkeys(lhs[1] + rhs[1]))
        values = {**binding, "lhs": show(lhs[0]), "rhs": show(rhs[0]), "diff": show(abs(lhs[0] - rhs[0])),
                  "file": current.file, "previous_file": previous.file}
        out.append(make_finding(rule, values, cells, related={"file": previous.file, "year": previous.year,
                                                              "lhs": lhs[0], "rhs": rhs[0]}))
    return out


def copied(rule: Rule, current: Digest, previous: Digest) -> list[dict[str, Any]]:
    """cross_year_copied: every cell of the table equal to last year's, and not all zero."""
    table = rule.params["table"]
    if not (current.has_table(table) and previous.has_table(table)):
        return []
    if current.templates[table] != previous.templates[table]:
        return []
    addresses = table_cells(current, table)
    now = [current.value(a) for a in addresses]
    before = [previous.value(a) for a in addresses]
    if any(v is None for v in now + before) or now != before or not any(now):
        return []
    values = {"count": len(addresses), "file": current.file, "previous_file": previous.file}
    return [make_finding(rule, values, [], key=table, related={"file": previous.file, "year": previous.year})]


def jump(rule: Rule, current: Digest, previous: Digest, profile: Profile | None) -> list[dict[str, Any]]:
    """cross_year_jump: a count that grew or shrank by more than the profile's ratio."""
    settings = (profile.multi if profile else {}).get("jump", {})
    ratio = float(settings.get("ratio", DEFAULT_RATIO))
    min_count = float(settings.get("min_count", DEFAULT_MIN_COUNT))
    out = []
    for address in rule.params["cells"]:
        now, before = current.value(address), previous.value(address)
        if now is None or before is None:
            continue
        high, low = max(now, before), min(now, before)
        if high < min_count or high / max(low, 1) < ratio:
            continue
        values = {"cell_label": label(address, current), "current": show(now), "previous": show(before),
                  "ratio": f"{high / max(low, 1):.1f}", "limit": show(ratio), "file": current.file,
                  "previous_file": previous.file}
        out.append(make_finding(rule, values, [address], related={"file": previous.file, "year": previous.year,
                                                                  "previous": before, "current": now}))
    return out


def check_pair(current: Digest, previous: Digest, profile: Profile | None = None,
               rules: tuple[Rule, ...] | None = None) -> list[dict[str, Any]]:
    """All cross-year findings of `current` (year Y) against `previous` (year Y−1 of the same unit)."""
    out: list[dict[str, Any]] = []
    for rule in rules_of("cross_year_identity", rules):
        if applies(rule, current) and applies(rule, previous):
            out += identity(rule, current, previous)
    for rule in rules_of("cross_year_copied", rules):
        if applies(rule, current) and applies(rule, previous):
            out += copied(rule, current, previous)
    for rule in rules_of("cross_year_jump", rules):
        if applies(rule, current) and applies(rule, previous):
            out += jump(rule, current, previous, profile)
    return out

