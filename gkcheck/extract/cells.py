"""Shared helpers for filling template cells from a table found by label anchoring."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from gkcheck.extract.normalize import matches, norm
from gkcheck.extract.numbers import parse_number
from gkcheck.model import CellValue
from gkcheck.templates import Row, TableDef


def match_row(label: str, table: TableDef, exclude: tuple[str, ...] = ()) -> Row | None:
    """The template row whose match patterns occur in the (normalised) label text."""
    text = norm(label)
    if not text:
        return None
    for row, words, regexes in table.row_needles:
        if row.key in exclude:
            continue
        for word in words:
            if word in text:
                return row
        if regexes and any(regex.search(text) for regex in regexes):
            return row
    return None


_KEEP = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]")


def _bare(text: str) -> str:
    return _KEEP.sub("", norm(text))


@lru_cache(maxsize=4096)  # pure; the same labels come back in report after report
def label_deviation(label: str, row: Row) -> str | None:
    """The part of a matched label that deviates from the template wording (typo, rewording), if any.

    Wrapped labels (a fragment of the template label on one line) are not deviations; single characters
    (a vertical group label printed letter by letter) are ignored."""
    expected = _bare(row.label)
    for token in label.split():
        text = norm(token)
        if len(_bare(token)) < 2 or not matches(text, row.match):
            continue
        bare = _bare(token)
        if bare in expected or expected in bare or len(bare) < 4:
            return None
        return token
    return None


def make_cell(raw: str, source: dict[str, Any]) -> CellValue:
    value, status = parse_number(raw)
    return CellValue(value, raw, source, status)


def detect_version(text: str, versions: dict[str, TableDef], default: str) -> str:
    """The template version whose signature labels occur most in the table text (ties: `default`)."""
    joined = norm(text)
    scores = {v: sum(1 for s in t.signatures if norm(s) in joined) for v, t in versions.items()}
    if not any(scores.values()):
        return default
    return max(scores, key=lambda v: (scores[v], v == default))
