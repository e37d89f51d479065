"""Declarative rule conditions (`when:` in a rule file): comparisons of cell values and document facts,
and whether a section mentions a word, combined with all / any / not. Nothing is evaluated as code.

An unknown value (a blank, unreadable or missing cell; a year or publication date that was not found)
never satisfies a comparison, so a condition never fires on a guess.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from gkcheck.extract.metadata import deadline
from gkcheck.extract.normalize import norm
from gkcheck.model import Report

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le, "eq": operator.eq,
    "ne": operator.ne, "in": lambda value, options: value in options,
}
CELL_STATES = {"filled": "ok", "blank": "blank", "unreadable": "unreadable", "missing": "missing"}


def holds(condition: dict[str, Any], report: Report) -> bool:
    """Whether a (schema-valid) condition holds for a report."""
    if "all" in condition:
        return all(holds(c, report) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, report) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], report)
    if "cell" in condition:
        return _cell(condition, report)
    if "fact" in condition:
        return _compare(condition, fact(condition["fact"], report))
    if "mentions" in condition:
        return mentions(condition["mentions"], report)
    return False


def _comparison(condition: dict[str, Any]) -> tuple[str, Any]:
    return next((key, value) for key, value in condition.items() if key in COMPARE or key == "is")


def _compare(condition: dict[str, Any], value: Any) -> bool:
    key, target = _comparison(condition)
    if value is None or key == "is":
        return False
    try:
        return bool(COMPARE[key](value, target))
    except TypeError:  # e.g. a year compared with a string: a rule-writing mistake never matches
        return False


def _cell(condition: dict[str, Any], report: Report) -> bool:
    cell = report.cells.get(condition["cell"])
    key, target = _comparison(condition)
    if key == "is":
        status = cell.status if cell else "missing"
        wanted = target if isinstance(target, list) else [target]
        return status in {CELL_STATES[w] for w in wanted}
    if cell is None or cell.status != "ok":
        return False
    return _compare(condition, cell.value)


def fact(name: str, report: Report) -> Any:
    """A document fact by name: year, kind, issuer_kind, template, published (date known), on_time."""
    doc = report.document
    if name == "published":
        return doc.published is not None
    if name == "on_time":
        due = deadline(doc.year, doc.kind, doc.issuer_kind) if doc.kind != "not_annual_report" else None
        return None if due is None or doc.published is None else doc.published.date <= due
    return getattr(doc, name)


def mentions(spec: dict[str, Any], report: Report) -> bool:
    """Whether the report (or its template section `section`) contains any of the words."""
    number = spec.get("section")
    if number is None:
        text = report.text
    else:
        section = next((s for s in report.sections if s.number == number), None)
        if section is None:
            return False
        text = section.title + section.text
    text = norm(text)
    return any(norm(word) in text for word in spec["any"])


def cells_of(condition: dict[str, Any]) -> list[str]:
    """Cell addresses a condition looks at, in order, each once."""
    out: dict[str, None] = {}
    stack = [condition]
    while stack:
        item = stack.pop(0)
        if "cell" in item:
            out[item["cell"]] = None
        stack.extend(item.get("all") or item.get("any") or ([item["not"]] if "not" in item else []))
    return list(out)
