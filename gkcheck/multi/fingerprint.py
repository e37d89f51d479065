"""Stable finding fingerprints: rule, unit, year and cells — never line numbers or figures.

A finding without cells (a missing section, a copied section) is told apart by its message with every digit
removed (line numbers and counts change between versions of a report, the wording of the problem does not);
multi-report findings pass an explicit `key` instead (the section, the other unit).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

_DIGITS = re.compile(r"[0-9０-９.]+")


def fingerprint(rule: str, unit: str | None, year: int | None, cells: list[str] | tuple[str, ...] = (),
                key: str = "") -> str:
    """16 hex digits identifying one finding of one unit's report for one year."""
    text = "\x1f".join([rule, unit or "?", str(year or "?"), ",".join(sorted(cells)), key])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def finding_key(finding: dict[str, Any]) -> str:
    """What tells apart two findings of one rule without cells: an explicit key, else the digit-free message."""
    if finding.get("key"):
        return str(finding["key"])
    return "" if finding.get("cells") else _DIGITS.sub("#", finding.get("message") or "")


def add_fingerprints(findings: list[dict[str, Any]], unit: str | None, year: int | None) -> None:
    """Set `fingerprint` on every finding; a repeat within one report gets an ordinal so each stays unique."""
    seen: dict[str, int] = {}
    for finding in findings:
        base = fingerprint(finding["rule"], unit, year, finding.get("cells") or [], finding_key(finding))
        count = seen.get(base, 0)
        seen[base] = count + 1
        finding["fingerprint"] = base if count == 0 else fingerprint(base, unit, year, (), str(count))
