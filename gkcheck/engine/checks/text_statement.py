"""text_statement: a sentence the tables contradict (所有申请均已办结 while 结转下年度 > 0, 均获维持 …).

A rule gives phrase patterns (no figures) and the cells whose sum must be zero for the statement to hold;
sentences holding any `sentence_none` word (e.g. 结转, 顺延: the sentence itself names the exception) or
lacking every `sentence_any` word are not read.
"""

from __future__ import annotations

from gkcheck.engine.checks.text_claim import candidate_values
from gkcheck.engine.context import Context, Finding
from gkcheck.engine.patterns import compile_pattern
from gkcheck.engine.textscan import compact
from gkcheck.rulepack import Rule

KIND = "text_statement"
FIELDS = frozenset({"cells_text", "quote", "total"})
QUOTE_CHARS = 60


def check(rule: Rule, ctx: Context) -> list[Finding]:
    values = candidate_values(ctx, [rule.params["cells"]])
    if not values or values[0][1] <= 0:
        return []
    addresses, total = values[0]
    nonzero = [a for a in addresses if (ctx.report.value(a) or 0) > 0]
    text = compact(ctx.report.text)
    need = rule.params.get("sentence_any")
    for pattern in rule.params["patterns"]:
        for match in text.matches(compile_pattern(pattern)):
            start, end = text.sentence_start(match.start()), text.sentence_end(match.end())
            sentence = text.compact[start:end]
            if need and not any(w in sentence for w in need):
                continue
            if any(w in sentence for w in rule.params.get("sentence_none", [])):
                continue
            quote = sentence if len(sentence) <= QUOTE_CHARS else text.compact[
                max(start, match.start() - QUOTE_CHARS // 2):match.end() + 8]
            cells_text = "、".join(f"{ctx.cell_label(a)} = {ctx.report.value(a)}" for a in nonzero)
            return [ctx.finding(rule, {"quote": quote, "cells_text": cells_text, "total": total},
                                cells=nonzero, location={"line": text.line_at(match.start())})]
    return []
