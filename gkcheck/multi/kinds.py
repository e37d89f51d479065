"""The rule kinds of the checks across reports and the {placeholders} their messages may use."""

from __future__ import annotations

_PAIR = frozenset({"file", "previous_file"})

FIELDS: dict[str, frozenset[str]] = {
    "cross_year_identity": _PAIR | {"lhs", "rhs", "diff"},
    "cross_year_copied": _PAIR | {"count"},
    "cross_year_jump": _PAIR | {"cell_label", "current", "previous", "ratio", "limit"},
    "rollup_sum": frozenset({"cell_label", "summary", "total", "diff", "parts", "file"}),
    "text_similarity": frozenset({"section", "section_title", "similarity", "threshold", "other_file", "other_unit",
                                  "more"}),
    "unit_unlisted": frozenset({"issuer", "unit", "units_file"}),
    "unit_duplicate": frozenset({"unit", "year", "count", "files", "primary"}),
}
