"""text_claim: a figure the narrative states (受理 3119 件) against the table cells it may stand for (A8).

A rule lists phrase patterns (`{n}` = a number with one of the rule's units, digits or Chinese numerals) and
candidate cell expressions (each a list of addresses that are summed); the claim agrees when any candidate
equals the figure within its written precision. Sentences that speak of another scope (全市/本机关, 备案,
同比, 累计, 其中, 约/余/以上, another year) get the rule's milder `scoped_severity` and `scope_message`:
a review note, not a contradiction. Nothing in the rule is evaluated.
"""

from __future__ import annotations

import re
from typing import Any

from gkcheck.engine.checks.sum_identity import expand
from gkcheck.engine.context import Context, Finding, fill
from gkcheck.engine.textscan import Figure, Text, compact, expand_pattern, parse_figure
from gkcheck.rulepack import Rule

KIND = "text_claim"
FIELDS = frozenset({"cells_text", "label", "quote", "scope", "table_value", "text_value"})
QUOTE_CHARS = 40
ABOUT_AFTER = ("以上", "左右", "以内", "以下", "上下")
_YEAR = re.compile(r"((?:19|20)\d{2})年")


def candidate_values(ctx: Context, candidates: list[list[str]]) -> list[tuple[list[str], float]]:
    """(addresses, Σ values) of every candidate expression that can be evaluated (blank counts as 0)."""
    out: list[tuple[list[str], float]] = []
    for patterns in candidates:
        tables = {p.split(".", 1)[0] for p in patterns}
        if not all(ctx.present(t) for t in tables):
            continue
        addresses = expand(patterns, {}, ctx.cells_of(frozenset(tables)))
        cells = [ctx.report.cells[a] for a in addresses]
        if not cells or any(c.status not in ("ok", "blank") for c in cells) or all(c.value is None for c in cells):
            continue
        out.append((addresses, float(sum(c.value or 0 for c in cells))))
    return out


def scope_of(rule: Rule, ctx: Context, text: Text, match: re.Match[str]) -> str | None:
    """Why the sentence may speak of another quantity than the table cell, or None."""
    clause = text.compact[text.sentence_start(match.start()):match.end()]
    after = text.compact[match.end():match.end() + 2]
    for scope in rule.params.get("scopes", []):
        word = next((w for w in scope["words"] if w in clause), None)
        if word:
            return f"{scope['name']}（「{word}」）"
    if (match.group("about") or after.startswith(ABOUT_AFTER)) and rule.params.get("scopes"):
        return "约数"
    year = ctx.report.document.year
    other = next((int(y) for y in _YEAR.findall(clause) if year and int(y) != year), None)
    if other and rule.params.get("scopes"):
        return f"其他年度（{other}年）"
    return None


def _sentence_ok(rule: Rule, sentence: str) -> bool:
    need = rule.params.get("sentence_any")
    if need and not any(w in sentence for w in need):
        return False
    return not any(w in sentence for w in rule.params.get("sentence_none", []))


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def claims(rule: Rule, text: Text) -> list[tuple[re.Match[str], Figure]]:
    """Every figure the rule's patterns find, once per position."""
    seen: set[int] = set()
    out: list[tuple[re.Match[str], Figure]] = []
    for pattern in rule.params["patterns"]:
        for match in text.matches(expand_pattern(pattern, tuple(rule.params["units"]))):
            if match.start("n") in seen:
                continue
            figure = parse_figure(match.group("n"))
            if figure is None:
                continue
            sentence = text.compact[text.sentence_start(match.start()):text.sentence_end(match.end())]
            if not _sentence_ok(rule, sentence):
                continue
            seen.add(match.start("n"))
            out.append((match, figure))
    out.sort(key=lambda item: item[0].start("n"))
    return _without_parts(text, out)


def _without_parts(text: Text, found: list[tuple[re.Match[str], Figure]]) -> list[tuple[re.Match[str], Figure]]:
    """Drop the parts listed after a total the rule already read (`579574条，其中…443610条，…136006条`)."""
    out: list[tuple[re.Match[str], Figure]] = []
    first = 0  # the first kept figure in the current sentence (sentence starts only move forward)
    for match, figure in found:
        start = text.sentence_start(match.start())
        while first < len(out) and out[first][0].start() < start:
            first += 1
        if first < len(out) and "其中" in text.compact[out[first][0].end():match.start()]:
            continue
        out.append((match, figure))
    return out


def check(rule: Rule, ctx: Context) -> list[Finding]:
    values = candidate_values(ctx, rule.params["candidates"])
    if not values:
        return []
    text = compact(ctx.report.text)
    out: list[Finding] = []
    for match, figure in claims(rule, text):
        if any(figure.agrees(v) for _, v in values):
            continue
        scope = scope_of(rule, ctx, text, match)
        addresses, first = values[0]
        start = max(text.sentence_start(match.start()), match.end() - QUOTE_CHARS)
        shown: dict[str, Any] = {
            "quote": text.compact[start:match.end()],
            "text_value": figure.written + match.group("unit"),
            "table_value": _show(first),
            "label": "＋".join(ctx.cell_label(a) for a in addresses),
            "cells_text": "；".join(f"{'＋'.join(a)} = {_show(v)}" for a, v in values),
            "scope": scope or "",
        }
        finding = ctx.finding(rule, shown, cells=addresses, location={"line": text.line_at(match.start("n"))})
        if scope:
            finding.severity = rule.params.get("scoped_severity", "info")
            finding.message = fill(rule.params.get("scope_message", rule.message), shown)
        out.append(finding)
    return out[: rule.params.get("max", 3)]
