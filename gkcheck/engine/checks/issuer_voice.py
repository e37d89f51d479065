"""issuer_voice: the report speaks of itself in a voice that does not fit its issuer — a government writing
我局 or a department giving 全市 as the scope of its own figures — a sign of text copied from another
body's report. Each finding quotes the line.
"""

from __future__ import annotations

from gkcheck.engine.context import Context, Finding
from gkcheck.engine.patterns import compile_pattern
from gkcheck.extract.normalize import norm
from gkcheck.rulepack import Rule

KIND = "issuer_voice"
FIELDS = frozenset({"issuer", "line", "quote", "word"})
QUOTE_CHARS = 16


def check(rule: Rule, ctx: Context) -> list[Finding]:
    issuer = ctx.report.document.issuer or ""
    if any(w in issuer for w in rule.params.get("issuer_none", [])):
        return []
    skip = [norm(w) for w in rule.params.get("skip_words", [])]
    lines = ctx.lines()
    texts = lines.lines
    patterns = [compile_pattern(p) for p in rule.params["patterns"]]
    candidates = set().union(*(p.matching_lines(lines) for p in patterns))  # lines no pattern can match are skipped
    out: list[Finding] = []
    for index in sorted(candidates):
        number, text = index + 1, texts[index]
        if not text or any(w in text for w in skip):
            continue
        for pattern in patterns:
            m = pattern.search(text)
            if m:
                quote = text[max(0, m.start() - QUOTE_CHARS):m.end() + QUOTE_CHARS]
                out.append(ctx.finding(rule, {"issuer": issuer or "发布机关", "line": number, "quote": quote,
                                              "word": m.group(0)}, location={"line": number}))
                break
        if len(out) >= rule.params.get("max", 2):
            break
    return out
