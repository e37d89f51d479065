"""One module per rule kind; each exposes KIND and check(rule, ctx) -> list[Finding]."""

from __future__ import annotations

from collections.abc import Callable

from gkcheck.engine.checks import (
    attachment_present,
    cell_type,
    deadline,
    document_kind,
    label_wording,
    numbering_gap,
    section_order,
    section_present,
    section_substance,
    section_wording,
    sum_identity,
    table_complete,
    table_present,
    template_version,
    text_claim,
    text_figure,
    text_mentions,
)
from gkcheck.engine.context import Context, Finding
from gkcheck.rulepack import Rule

CheckFn = Callable[[Rule, Context], list[Finding]]

CHECKS: dict[str, CheckFn] = {
    module.KIND: module.check
    for module in (
        attachment_present,
        cell_type,
        deadline,
        document_kind,
        label_wording,
        numbering_gap,
        section_order,
        section_present,
        section_substance,
        section_wording,
        sum_identity,
        table_complete,
        table_present,
        template_version,
        text_claim,
        text_figure,
        text_mentions,
    )
}
