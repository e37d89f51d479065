"""Signature dates whose separators were lost (`2020326`, `2020.3.26` typed as `2020326`).

Only unambiguous digit strings are read: `20200326` (8 digits) and 6–7 digit strings with exactly one valid
split into month and day (`2020326` → 2020-03-26, but `2020111` could be 1月11日 or 11月1日 and is not read).
"""

from __future__ import annotations

import re
from datetime import date

_DIGITS = re.compile(r"^\s*((?:19|20)\d{2})(\d{2,4})\s*日?\s*$")


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def garbled_date(text: str) -> str | None:
    """The ISO date a separator-less date string stands for, or None when it is not one or is ambiguous."""
    m = _DIGITS.match(text)
    if not m:
        return None
    year, rest = int(m.group(1)), m.group(2)
    splits = [(rest[:k], rest[k:]) for k in range(1, len(rest)) if len(rest[:k]) <= 2 and len(rest[k:]) <= 2]
    if len(rest) == 4:
        splits = [(rest[:2], rest[2:])]
    found = {d for mm, dd in splits if not dd.startswith("0") or len(dd) == 2
             if (d := _valid(year, int(mm), int(dd)))}
    return found.pop() if len(found) == 1 else None
