"""Multi-report rules (rules/multi/*.yaml) and the findings they produce (plain dicts, like the engine's)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from gkcheck.engine.context import cell_label, fill
from gkcheck.errors import RuleError
from gkcheck.multi.digest import Digest
from gkcheck.paths import RULES_DIR
from gkcheck.rulepack import Rule, load_rules
from gkcheck.templates import TableDef, default_version, load_template, template_versions

MULTI_DIR = RULES_DIR / "multi"


@cache
def load_multi_rules(directory: Path = MULTI_DIR) -> tuple[Rule, ...]:
    """The multi-report rules, validated by schemas/rules.schema.json like every rule file (a pack validated
    before comes from the per-user cache, see `load_rules`)."""
    try:
        return tuple(load_rules(directory))
    except RuleError as exc:
        raise RuleError(exc.message.replace("规则文件无效", "跨报告规则文件无效", 1)) from exc


def rules_of(kind: str, rules: tuple[Rule, ...] | None = None) -> list[Rule]:
    return [r for r in (rules if rules is not None else load_multi_rules()) if r.kind == kind]


def applies(rule: Rule, digest: Digest) -> bool:
    """The rule's applies_to (document kind, report years, issuer kind) for a digest."""
    cond = rule.applies_to
    if digest.kind not in cond.get("kind", ["annual_report"]):
        return False
    if "issuer_kind" in cond and digest.issuer_kind not in cond["issuer_kind"]:
        return False
    years = cond.get("years")
    return not years or (digest.year is not None and years.get("min", -1) <= digest.year <= years.get("max", 9999))


def table_def(digest: Digest, name: str) -> TableDef:
    """The layout of one table as the report used it."""
    return _table(_version(digest, name), name)


def table_cells(digest: Digest, name: str) -> list[str]:
    """The cell addresses of one table as the report used it (computed once per layout)."""
    return _cells(_version(digest, name), name)


def _version(digest: Digest, name: str) -> str:
    version = digest.templates.get(name)
    return version if version in template_versions() else default_version(digest.year)


@cache
def _table(version: str, name: str) -> TableDef:
    return load_template(version).tables[name]


@cache
def _cells(version: str, name: str) -> list[str]:
    return _table(version, name).cells()


def label(address: str, digest: Digest) -> str:
    return cell_label(address, table_def(digest, address.split(".", 1)[0]))


def make_finding(rule: Rule, values: dict[str, Any], cells: list[str], *, severity: str | None = None,
                 key: str = "", related: dict[str, Any] | None = None) -> dict[str, Any]:
    """A finding dict in the engine's shape, plus `key` (what tells it apart) and `related` (the other report)."""
    finding: dict[str, Any] = {
        "rule": rule.id, "title": rule.title, "severity": severity or rule.severity, "category": rule.category,
        "message": fill(tidy(rule.message), values),
        "cells": cells, "location": None,
        "suggestion": fill(tidy(rule.suggestion), values) if rule.suggestion else None,
        "multi": True,
    }
    if key:
        finding["key"] = key
    if related:
        finding["related"] = related
    return finding


_CJK = "\u3000-\u303f\uff00-\uffef\u4e00-\u9fff"
_FOLD = re.compile(rf"\s*\n\s*|(?<=[{_CJK}])\s+(?=[{_CJK}])")


def tidy(text: str) -> str:
    """Rule text folded over several YAML lines, without the spaces folding puts between Chinese characters."""
    return _FOLD.sub("", text.strip())


def show(value: float | int | None) -> str:
    """A figure as shown in messages (integers without decimals)."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
