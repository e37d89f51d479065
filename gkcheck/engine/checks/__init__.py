"""One module per rule kind; each exposes KIND, FIELDS (the {placeholders} its messages may use) and
check(rule, ctx) -> list[Finding]."""

from __future__ import annotations

from collections.abc import Callable

from gkcheck.engine.checks import (
    attachment_present,
    cell_type,
    condition,
    deadline,
    document_kind,
    issuer_voice,
    label_wording,
    numbering_gap,
    plausibility,
    section_order,
    section_present,
    section_substance,
    section_wording,
    sum_identity,
    table_complete,
    table_note,
    table_present,
    template_version,
    text_arithmetic,
    text_claim,
    text_figure,
    text_mentions,
    text_statement,
    text_years,
)
from gkcheck.engine.context import Context, Finding
from gkcheck.multi.kinds import FIELDS as MULTI_FIELDS
from gkcheck.rulepack import Rule

CheckFn = Callable[[Rule, Context], list[Finding]]

MODULES = (
    attachment_present, cell_type, condition, deadline, document_kind, issuer_voice, label_wording, numbering_gap,
    plausibility, section_order, section_present, section_substance, section_wording, sum_identity, table_complete,
    table_note, table_present, template_version, text_arithmetic, text_claim, text_figure, text_mentions,
    text_statement, text_years,
)
CHECKS: dict[str, CheckFn] = {module.KIND: module.check for module in MODULES}
FIELDS: dict[str, frozenset[str]] = {module.KIND: module.FIELDS for module in MODULES}
FIELDS.update(MULTI_FIELDS)  # kinds checked across reports (gkcheck.multi), validated like the others
