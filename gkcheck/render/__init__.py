"""Renderers of a check result: HTML page, JSON, Chinese terminal summary, CSV scorecard.

A check result is the plain dict described by the JSON output (`schema_version`, `file`, `document`,
`score`, `summary`, `findings`, `suspects`, `report`). Every function here only reads it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from gkcheck.errors import GkError
from gkcheck.labels import (
    ISSUER_KIND_LABELS,
    KIND_LABELS,
    PUBLISHED_SOURCE_LABELS,
    SEVERITY_LABELS,
    TABLE_SHORT_NAMES,
    TEMPLATE_LABELS,
)

FORMATS = ("html", "json", "text", "csv")
SEVERITIES = ("error", "warning", "info")
MAX_TEXT_SUSPECTS = 3


# --------------------------------------------------------------------------- small formatting helpers


def fmt_number(value: Any) -> str:
    """A number as shown to users: integers without decimals, others with at most two decimals."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fmt_score(value: Any) -> str:
    """A score with one decimal, or a dash when there is none."""
    return f"{float(value):.1f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "—"


def document(result: dict) -> dict:
    """The `document` part of a result (empty dict when missing)."""
    return result.get("document") or {}


def kind_label(doc: dict) -> str:
    return KIND_LABELS.get(doc.get("kind") or "", "未知类型")


def issuer_text(doc: dict) -> str:
    """Issuer with its kind, e.g. `淮安市人民政府（政府）`."""
    kind = ISSUER_KIND_LABELS.get(doc.get("issuer_kind") or "unknown", "未知")
    return f"{doc.get('issuer') or '未识别'}（{kind}）"


def year_text(doc: dict) -> str:
    return f"{doc['year']} 年" if doc.get("year") else "未识别"


def template_text(doc: dict) -> str:
    """The template in Chinese; for a mixed report, the template of each table."""
    template = doc.get("template")
    if not template:
        return "未识别"
    label = TEMPLATE_LABELS.get(str(template), str(template))
    if template != "mixed":
        return label
    per_table = doc.get("templates") or {}
    parts = [f"{TABLE_SHORT_NAMES.get(t, t)} {per_table[t] or '未识别'}" for t in sorted(per_table)]
    return f"{label}（{'，'.join(parts)}）" if parts else label


def timeliness_text(doc: dict) -> str:
    """按时 / 逾期 / 未知."""
    on_time = doc.get("on_time")
    return "按时" if on_time is True else "逾期" if on_time is False else "未知"


def published_text(doc: dict) -> str:
    """Publication date with its source and timeliness, e.g. `2025-02-25（网页标注），截止 2025-03-31，按时`."""
    published = doc.get("published")
    if not published:
        text = "未找到发布日期"
    else:
        source = PUBLISHED_SOURCE_LABELS.get(published.get("source") or "", published.get("source") or "未知")
        text = f"{published.get('date')}（来源：{source}）"
    if doc.get("deadline"):
        text += f"，截止 {doc['deadline']}"
    return f"{text}，{timeliness_text(doc)}"


def category_score_text(category: dict) -> str:
    """A category score as shown: `85.0`, or `未知（记 0.0）` when it could not be judged (publication date)."""
    score = fmt_score(category.get("score"))
    return f"未知（记 {score}）" if category.get("unknown") else score


def counts(result: dict) -> dict[str, int]:
    """Findings per severity, from `summary` or counted from `findings`."""
    summary = result.get("summary")
    if isinstance(summary, dict) and summary:
        return {s: int(summary.get(s) or 0) for s in SEVERITIES}
    found = {s: 0 for s in SEVERITIES}
    for finding in result.get("findings") or []:
        if finding.get("severity") in found:
            found[finding["severity"]] += 1
    return found


def score_total(result: dict) -> float | None:
    total = (result.get("score") or {}).get("total")
    return float(total) if isinstance(total, (int, float)) and not isinstance(total, bool) else None


def sorted_findings(result: dict) -> list[dict]:
    """Findings ordered error → warning → info, keeping the engine's order inside a severity."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(result.get("findings") or [], key=lambda f: order.get(f.get("severity"), len(order)))


def location_text(location: dict | None) -> str:
    """`{"line": 12}` → `第 12 行`; `{"line": 12, "page": 2}` (PDF) → `第 2 页`;
    `{"table": 3, "row": 4, "col": 5}` → `第 3 个表格第 4 行第 5 列`."""
    if not location:
        return ""
    if location.get("table") is not None:
        text = f"第 {location['table']} 个表格"
        if location.get("row") is not None:
            text += f"第 {location['row']} 行"
        if location.get("col") is not None:
            text += f"第 {location['col']} 列"
        return text
    if location.get("page") is not None:
        return f"第 {location['page']} 页"
    if location.get("line") is not None:
        return f"第 {location['line']} 行"
    return ""


def verdict(result: dict) -> str:
    """The one-line conclusion, e.g. `结论：得分 72.5，错误 3 项，警告 2 项`."""
    doc = document(result)
    n = counts(result)
    if doc.get("kind") == "not_annual_report":
        reason = doc.get("kind_reason") or "未找到年度报告的标题、章节或表格"
        return f"结论：不是政府信息公开工作年度报告（{reason}），不评分"
    tally = f"错误 {n['error']} 项，警告 {n['warning']} 项"
    total = score_total(result)
    if total is None:
        reason = (result.get("score") or {}).get("reason") or "缺少评分所需的内容"
        return f"结论：{reason}，不评分；{tally}"
    return f"结论：得分 {fmt_score(total)}，{tally}"


# --------------------------------------------------------------------------- text and JSON


def _score_lines(result: dict) -> list[str]:
    score = result.get("score") or {}
    total = score_total(result)
    if total is None:
        return [f"得分：无法评分（{score.get('reason') or '缺少评分所需的内容'}）"]
    parts = [
        f"{c.get('label') or key} {category_score_text(c)}"
        for key, c in (score.get("categories") or {}).items()
    ]
    line = f"得分：{fmt_score(total)} / 100"
    return [line + (f"（{'，'.join(parts)}）" if parts else "")]


def _suspect_lines(result: dict) -> list[str]:
    suspects = result.get("suspects") or []
    if not suspects:
        return []
    lines = ["最可能出错的单元格："]
    for s in suspects[:MAX_TEXT_SUSPECTS]:
        message = s.get("message") or (
            f"{s.get('cell')}：填报 {fmt_number(s.get('found'))}，应为 {fmt_number(s.get('expected'))}"
        )
        lines.append(f"  {message}")
    return lines


def render_text(result: dict) -> str:
    """The Chinese terminal summary of one file; the last line is the verdict."""
    doc = document(result)
    n = counts(result)
    lines = [
        f"文件：{result.get('file') or '（未知）'}",
        f"类型：{kind_label(doc)}",
        f"年度：{year_text(doc)}",
        f"发布机关：{issuer_text(doc)}",
        f"模板：{template_text(doc)}",
        f"发布日期：{published_text(doc)}",
    ]
    if doc.get("kind") != "not_annual_report":
        lines += _score_lines(result)
    lines.append(f"问题：错误 {n['error']} 项，警告 {n['warning']} 项，提示 {n['info']} 项")
    for finding in sorted_findings(result):
        label = SEVERITY_LABELS.get(finding.get("severity"), "提示")
        lines.append(f"  [{label}] {finding.get('message') or finding.get('title') or finding.get('rule')}")
    dismissed = result.get("dismissed") or []
    if dismissed:
        lines.append(f"已按复核决定排除（不扣分）：{len(dismissed)} 项")
        for finding in dismissed:
            reason = (finding.get("decision") or {}).get("reason") or ""
            lines.append(f"  [已排除] {finding.get('message')}（{reason}）")
    lines += _suspect_lines(result)
    lines.append(verdict(result))
    return "\n".join(lines) + "\n"


# json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False)'s C encoder, made once instead of
# once per value (results are trees built afresh, never circular: no check for cycles); NaN is not JSON
_C_ENCODER = c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None, ": ", ", ", False, False, False)


def _compact(value: Any) -> str:
    return encode_basestring(value) if isinstance(value, str) else "".join(_C_ENCODER(value, 0))


def _layout(value: Any, depth: int, pad: str = "") -> str:
    """JSON with one member per line down to `depth` levels, each deeper value on a single line: readable,
    and encoded by the C encoder (an indented `json.dumps` runs the pure-Python one, several times slower)."""
    if depth <= 0 or not isinstance(value, (dict, list)) or not value:
        return _compact(value)
    inner = pad + "  "
    if depth == 1:
        return _last_level(value, pad, inner)
    if isinstance(value, dict):
        items = [f"{inner}{_compact(str(k))}: {_layout(v, depth - 1, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return "[\n" + ",\n".join(f"{inner}{_layout(v, depth - 1, inner)}" for v in value) + "\n" + pad + "]"


def _last_level(value: dict | list, pad: str, inner: str) -> str:
    """`_layout` of a non-empty container at its last level: each member encoded whole on its own line."""
    encode = _C_ENCODER
    if isinstance(value, dict):
        items = [f"{inner}{encode_basestring(str(k))}: {''.join(encode(v, 0))}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return "[\n" + ",\n".join([f"{inner}{''.join(encode(v, 0))}" for v in value]) + "\n" + pad + "]"


def render_json(result: dict) -> str:
    """The result as JSON (UTF-8 text, Chinese kept readable; one finding, cell or section per line)."""
    return _layout(result, 3) + "\n"


def render(result: dict, fmt: str) -> str:
    """Render one result as `html`, `json` or `text` (`csv` gives a one-row scorecard)."""
    if fmt == "html":
        from gkcheck.render.html import render_html

        return render_html(result)
    if fmt == "json":
        return render_json(result)
    if fmt == "text":
        from gkcheck.terminal import clean

        return clean(render_text(result))  # the .txt is read in terminals too: no escape sequences
    if fmt == "csv":
        return render_csv([result])
    raise GkError(f"不支持的输出格式：{fmt}（可选：html、json、text、csv）")


# --------------------------------------------------------------------------- ranking and CSV


LEGACY_KIND = "legacy_annual_report"


def rank_order(keys: Iterable[tuple[float | None, str, bool, int]]) -> list[tuple[str, int]]:
    """Competition ranks (1, 2, 2, 4) from each result's (score, file, duplicate, group): (rank, position) best
    first, unscored last; unscored and duplicate reports get an empty rank. Groups are ranked apart, each from 1:
    group 0 (the current template) first, then group 1 (reports of the pre-2019 format, scored by their own
    scheme). Ties keep the input order."""
    items = sorted((total is None, group, -(total or 0.0), file, position, duplicate)
                   for position, (total, file, duplicate, group) in enumerate(keys))
    out: list[tuple[str, int]] = []
    previous: float | None = None
    current_group: int | None = None
    rank = counted = 0
    for unscored, group, negative, _, position, duplicate in items:
        if unscored or duplicate:
            out.append(("", position))
            continue
        if group != current_group:
            current_group, previous, counted = group, None, 0
        counted += 1
        if -negative != previous:
            rank, previous = counted, -negative
        out.append((str(rank), position))
    return out


def rank_key(result: dict) -> tuple[float | None, str, bool, int]:
    """What `rank_order` ranks a result by (pre-2019 reports in a group of their own)."""
    return (score_total(result), str(result.get("file") or ""), bool((result.get("unit") or {}).get("duplicate_of")),
            int(document(result).get("kind") == LEGACY_KIND))


def _csv_text(value: Any) -> str:
    """Neutralise spreadsheet formulas in free text (a file name starting with `=` must stay text)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_line(values: Iterable[Any]) -> str:
    """One CSV line (quoted where needed), for files written a line at a time."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(list(values))
    return buf.getvalue()


def render_csv(results: Sequence[dict]) -> str:
    """A scorecard: one row per file, ranked by score (unscored files last), as the batch's scorecard.csv."""
    from gkcheck.render.summary import BatchSummary

    summary = BatchSummary(results=list(results))
    return "".join(scorecard_lines(summary.ranked_results(), summary.category_columns()))


def scorecard_lines(ranked_results: Iterable[tuple[str, dict]], categories: list[tuple[str, str]]) -> Iterator[str]:
    """The scorecard CSV line by line, from (rank, result) pairs in ranking order."""
    yield csv_line(["排名", "文件", "发布机关", "年度", "类型", "模板", "得分"] + [label for _, label in categories]
               + ["错误数", "警告数", "提示数", "发布日期", "是否按时", "说明"])
    for rank, result in ranked_results:
        doc = document(result)
        cats = (result.get("score") or {}).get("categories") or {}
        n = counts(result)
        published = doc.get("published") or {}
        total = score_total(result)
        yield csv_line(
            [rank, _csv_text(result.get("file")), _csv_text(doc.get("issuer")), doc.get("year") or "",
             "无法检查" if result.get("error") else kind_label(doc), _template_short(doc),
             fmt_score(total) if total is not None else ""]
            + [_category_score(cats.get(key)) for key, _ in categories]
            + [n["error"], n["warning"], n["info"], published.get("date") or "", timeliness_text(doc),
               _csv_text((result.get("score") or {}).get("reason") if total is None else "")]
        )


def _template_short(doc: dict) -> str:
    template = doc.get("template")
    return {"2019": "2019 年版", "2021": "2021 年版", "mixed": "混用"}.get(str(template), "未识别")


def _category_score(category: dict | None) -> str:
    score = (category or {}).get("score")
    return fmt_score(score) if isinstance(score, (int, float)) else ""
