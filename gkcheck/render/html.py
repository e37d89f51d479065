"""HTML renderers: one self-contained Chinese page per checked file, and a ranked index page for a batch.

All report text goes through Jinja2 with autoescaping forced on; the Python side only builds plain view
dicts (no markup), so nothing from a report can reach the page unescaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from gkcheck.extract.normalize import to_cn
from gkcheck.labels import SEVERITY_LABELS, TABLE_SHORT_NAMES
from gkcheck.model import page_of
from gkcheck.render import (
    SEVERITIES,
    category_score_text,
    counts,
    document,
    fmt_number,
    fmt_score,
    issuer_text,
    kind_label,
    location_text,
    published_text,
    score_total,
    template_text,
    year_text,
)
from gkcheck.render.files import output_name
from gkcheck.render.summary import BatchSummary, UnitRow
from gkcheck.templates import TABLE_TITLES, Row, TableDef, load_template, template_versions

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TABLES = ("t2", "t3", "t4")
DEFAULT_VERSION = "2021"
TABLE_STATUS_LABELS = {
    "present": "已提供",
    "absent": "缺失",
    "referenced": "仅引用未附",
    "image": "以图片形式提供，无法核验",
    "blank": "表格未填写",
}
MAX_CELLS_SHOWN = 4  # cells named under a finding; the table below marks them all
CORNER_LABELS = {"t2": "信息内容", "t3": "申请处理情况", "t4": "案件类别"}


@lru_cache(maxsize=1)
def preload() -> None:
    """Compile the page templates now (before files are handed to child processes)."""
    for name in ("report.html.j2", "index.html.j2"):
        _env().get_template(name)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _PageEnvironment(Environment):
    """Jinja2's `view.name` looks for an attribute first and takes the item after the AttributeError; the page
    views are plain dicts, so for a name that is no attribute of a dict the item is taken at once (same result)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@lru_cache(maxsize=1)
def _env() -> Environment:
    """Jinja2 environment (one per process, so templates compile once); autoescape is on for every
    template, whatever its extension."""
    from jinja2 import FileSystemBytecodeCache

    from gkcheck.cache import folder

    compiled = folder("jinja")  # compiled templates kept per user, so one-file runs skip compiling them
    return _PageEnvironment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        bytecode_cache=FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass
class Marks:
    """Cells to highlight: named in error / warning findings, or named as suspects (cell → suspect)."""

    errors: set[str] = field(default_factory=set)
    warnings: set[str] = field(default_factory=set)
    suspects: dict[str, dict] = field(default_factory=dict)


def _marks(result: dict) -> Marks:
    marks = Marks()
    for finding in result.get("findings") or []:
        target = {"error": marks.errors, "warning": marks.warnings}.get(finding.get("severity"))
        if target is not None:
            target.update(str(c) for c in finding.get("cells") or [])
    for suspect in result.get("suspects") or []:
        if suspect.get("cell"):
            marks.suspects.setdefault(str(suspect["cell"]), suspect)
    return marks


# --------------------------------------------------------------------------- header, score, findings


def _facts(result: dict) -> list[tuple[str, str]]:
    doc = document(result)
    facts = [
        ("文件", str(result.get("file") or "（未知）")),
        ("类型", kind_label(doc)),
        ("标题", doc.get("title") or "未识别"),
        ("年度", year_text(doc)),
        ("发布机关", issuer_text(doc)),
        ("模板", template_text(doc)),
        ("发布日期", published_text(doc)),
    ]
    if doc.get("kind_reason"):
        facts.insert(2, ("类型判断依据", str(doc["kind_reason"])))
    return facts


def _grade(score: float | None) -> str:
    if score is None:
        return "none"
    return "good" if score >= 85 else "fair" if score >= 60 else "poor"


def _score_view(result: dict) -> dict[str, Any]:
    score = result.get("score") or {}
    total = score_total(result)
    categories = []
    for key, raw in (score.get("categories") or {}).items():
        cat = raw if isinstance(raw, dict) else {}
        value = cat.get("score")
        number = float(value) if isinstance(value, (int, float)) else None
        categories.append({
            "key": str(key),
            "label": str(cat.get("label") or key),
            "score": category_score_text(cat),
            "note": str(cat.get("note") or ""),
            "weight": fmt_number(cat.get("weight")) if cat.get("weight") is not None else "",
            "width": f"{max(0.0, min(100.0, number or 0.0)):.1f}",
            "grade": _grade(number),
        })
    return {
        "total": fmt_score(total) if total is not None else None,
        "grade": _grade(total),
        "reason": str(score.get("reason") or "缺少评分所需的内容"),
        "categories": categories,
    }


def cell_name(address: str, result: dict) -> str:
    """A cell in Chinese, e.g. `表四「行政复议」/「总计」`, laid out like the report's own table; the address
    itself when it is not a template cell."""
    parts = address.split(".")
    if len(parts) != 3 or parts[0] not in TABLES:
        return address
    tdef = load_template(_table_version(parts[0], result)).tables[parts[0]]
    row = next((r for r in tdef.rows if r.key == parts[1]), None)
    col = tdef.columns.get(parts[2])
    if row is None or col is None:
        return address
    return f"{TABLE_SHORT_NAMES.get(parts[0], parts[0])}「{row.label.replace('·', '')}」/「{col.label}」"


def _finding_view(finding: dict, result: dict) -> dict[str, Any]:
    return {
        "title": str(finding.get("title") or ""),
        "message": str(finding.get("message") or finding.get("title") or finding.get("rule") or ""),
        "rule": str(finding.get("rule") or ""),
        "category": str(finding.get("category") or ""),
        "cells": [{"address": str(c), "name": cell_name(str(c), result)}
                  for c in (finding.get("cells") or [])[:MAX_CELLS_SHOWN]],
        "more_cells": max(0, len(finding.get("cells") or []) - MAX_CELLS_SHOWN),
        "location": location_text(finding.get("location")),
        "suggestion": str(finding.get("suggestion") or ""),
        "fingerprint": str(finding.get("fingerprint") or ""),
        "decision": _decision_text(finding.get("decision")),
    }


DECISION_LABELS = {"confirmed": "已确认", "dismissed": "已排除"}


def _decision_text(decision: dict | None) -> str:
    """`已确认：理由` for a reviewed finding, empty otherwise."""
    if not decision:
        return ""
    return f"{DECISION_LABELS.get(decision.get('status'), '已复核')}：{decision.get('reason') or ''}"


def _finding_groups(result: dict) -> list[dict[str, Any]]:
    groups = []
    for severity in SEVERITIES:
        items = [_finding_view(f, result) for f in result.get("findings") or [] if f.get("severity") == severity]
        groups.append({"severity": severity, "label": SEVERITY_LABELS[severity], "entries": items})
    return groups


def _suspect_view(suspect: dict, result: dict) -> dict[str, Any]:
    return {
        "cell": str(suspect.get("cell") or ""),
        "name": cell_name(str(suspect.get("cell") or ""), result),
        "found": fmt_number(suspect.get("found")),
        "expected": fmt_number(suspect.get("expected")),
        "fixes": suspect.get("fixes") or 0,
        "message": str(suspect.get("message") or ""),
    }


# --------------------------------------------------------------------------- tables


def _table_version(name: str, result: dict) -> str:
    """The template used to lay out a table: the table's own, else the document's, else 2021."""
    report = result.get("report") or {}
    info = (report.get("tables") or {}).get(name) or {}
    versions = template_versions()
    for candidate in (info.get("template"), document(result).get("template")):
        if candidate and str(candidate) in versions:
            return str(candidate)
    return DEFAULT_VERSION


def _cell_view(address: str, cells: dict, marks: Marks) -> dict[str, Any]:
    cell = cells.get(address)
    classes = ["num"]
    title = address
    if cell is None or cell.get("status") == "missing":
        text = "未提取"
        classes.append("cell-missing")
    else:
        raw = str(cell.get("raw") or "").strip()
        status = str(cell.get("status") or "ok")
        text = raw or (fmt_number(cell.get("value")) if cell.get("value") is not None else "")
        if status == "blank" or not text:
            classes.append("cell-blank")
            text = text or "空白"
            title += "（空白）"
        elif status == "unreadable":
            classes.append("cell-unreadable")
            title += "（无法识别）"
    if address in marks.errors:
        classes.append("cell-error")
    elif address in marks.warnings:
        classes.append("cell-warning")
    suspect = marks.suspects.get(address)
    expected = ""
    if suspect is not None:
        classes.append("cell-suspect")
        expected = f"应为 {fmt_number(suspect.get('expected'))}"
        title = expected
    return {"address": address, "text": text, "classes": " ".join(classes), "title": title, "expected": expected}


def _label(text: str, rowspan: int = 1, colspan: int = 1, cls: str = "row-label") -> dict[str, Any]:
    return {"text": text, "rowspan": rowspan, "colspan": colspan, "cls": cls, "printed": ""}


def _lead_cells(rows: list[Row]) -> tuple[list[list[dict[str, Any]]], int]:
    """Label cells in front of each row, nested like the template (三、本年度办理结果 › （三）不予公开 › 1.…),
    and the number of label columns."""
    grouped = [r for r in rows if r.group]
    top = grouped[0].group if grouped else None
    runs = Counter(r.group for r in grouped if r.group != top)
    depth = 1 + bool(grouped) + bool(runs)
    leads: list[list[dict[str, Any]]] = []
    seen: set[str] = set()
    for row in rows:
        if row.group is None:
            leads.append([_label(row.label, colspan=depth)])
            continue
        lead = [_label(top or "", rowspan=len(grouped), cls="group vertical")] if row is grouped[0] else []
        if row.group == top:
            lead.append(_label(row.label, colspan=depth - 1))
        else:
            if row.group not in seen:
                seen.add(row.group)
                lead.append(_label(row.group, rowspan=runs[row.group], cls="group"))
            lead.append(_label(row.label))
        leads.append(lead)
    return leads, depth


def _row_class(cells: list[dict[str, Any]], printed: str) -> str:
    """`row-error` when a cell of the row is named in an error, `row-warning` for a warning or a row label
    printed unlike the template."""
    classes = " ".join(c["classes"] for c in cells).split()
    if "cell-error" in classes:
        return "row-error"
    return "row-warning" if "cell-warning" in classes or printed else ""


def _block_rows(tdef: TableDef, rows: list[Row], cells: dict, marks: Marks,
                printed: dict[str, str]) -> dict[str, Any]:
    leads, depth = _lead_cells(rows)
    out = []
    for row, lead in zip(rows, leads, strict=True):
        views = [_cell_view(f"{tdef.name}.{row.key}.{c}", cells, marks) for c in tdef.row_columns(row)]
        if lead and printed.get(row.key):
            lead[-1] = {**lead[-1], "printed": printed[row.key]}
        out.append({"lead": lead, "cells": views, "cls": _row_class(views, printed.get(row.key, ""))})
    return {
        "caption": rows[0].caption,
        "columns": [tdef.columns[c].label for c in tdef.row_columns(rows[0])],
        "depth": depth,
        "rows": out,
    }


def _blocks(tdef: TableDef, cells: dict, marks: Marks, printed: dict[str, str]) -> list[dict[str, Any]]:
    """Consecutive rows with the same caption and columns form one block with its own header row; the
    last column of a narrower block spans the rest of the table, as in the template's 表二."""
    groups: list[list[Row]] = []
    for row in tdef.rows:
        last = groups[-1][-1] if groups else None
        if last and last.caption == row.caption and tdef.row_columns(last) == tdef.row_columns(row):
            groups[-1].append(row)
        else:
            groups.append([row])
    blocks = [_block_rows(tdef, rows, cells, marks, printed) for rows in groups]
    width = max(b["depth"] + len(b["columns"]) for b in blocks)
    for block in blocks:
        block["width"] = width
        block["span"] = width - block["depth"] - len(block["columns"]) + 1
        block["corner"] = CORNER_LABELS.get(tdef.name, "")
    return blocks


def _table_view(name: str, result: dict, marks: Marks) -> dict[str, Any]:
    report = result.get("report") or {}
    info = (report.get("tables") or {}).get(name) or {}
    status = str(info.get("status") or "absent")
    version = _table_version(name, result)
    view: dict[str, Any] = {
        "name": name,
        "title": TABLE_TITLES.get(name, name),
        "status": status,
        "status_label": TABLE_STATUS_LABELS.get(status, status),
        "version": version if info.get("template") else "",
        "reference": str(info.get("reference") or ""),
        "blocks": [],
        "wide": None,
    }
    if status == "present":
        tdef = load_template(version).tables[name]
        printed = {str(d.get("row")): str(d.get("found") or "") for d in info.get("label_deviations") or []
                   if d.get("row")}
        cells = report.get("cells") or {}
        if name == "t4":
            view["wide"] = _wide_table(tdef, cells, marks)
        else:
            view["blocks"] = _blocks(tdef, cells, marks, printed)
    return view


def _wide_table(tdef: TableDef, cells: dict, marks: Marks) -> dict[str, Any]:
    """表四 as printed in the template: one row of figures under a three-level header (行政复议 | 行政诉讼 ›
    未经复议直接起诉 / 复议后起诉 › 结果维持 … 总计). Row labels `A·B` give the second level."""
    columns = [tdef.columns[c].label for c in tdef.columns]
    groups: list[dict[str, Any]] = []
    for row in tdef.rows:
        top, _, sub = row.label.partition("·")
        if groups and groups[-1]["label"] == top and sub:
            groups[-1]["subs"].append(sub)
        else:
            groups.append({"label": top, "subs": [sub] if sub else []})
    level1 = [{"text": g["label"], "colspan": len(columns) * max(1, len(g["subs"])), "rowspan": 1} for g in groups]
    level2: list[dict[str, Any]] = []
    level3: list[str] = []
    for g in groups:
        if g["subs"]:
            level2 += [{"text": sub, "colspan": len(columns), "rowspan": 1} for sub in g["subs"]]
            level3 += columns * len(g["subs"])
        else:
            level2 += [{"text": c, "colspan": 1, "rowspan": 2} for c in columns]
    figures = [_cell_view(f"{tdef.name}.{row.key}.{c}", cells, marks) for row in tdef.rows for c in tdef.columns]
    return {"levels": [level1, level2], "columns": level3, "cells": figures, "cls": _row_class(figures, "")}


# --------------------------------------------------------------------------- outline


def _line_text(line: Any, pages: list[int]) -> str:
    """`第 3 页` for a PDF (its page is known), else `第 120 行` of the extracted text."""
    if not isinstance(line, int):
        return ""
    return location_text({"line": line, "page": page_of(line, pages)} if page_of(line, pages) else {"line": line})


def _outline_view(result: dict) -> dict[str, Any]:
    report = result.get("report") or {}
    pages = [int(p) for p in report.get("page_starts") or []]
    found: dict[int, dict] = {}
    for section in report.get("sections") or []:
        if isinstance(section.get("number"), int):
            found.setdefault(section["number"], section)
    expected = load_template(_table_version("t3", result)).sections
    items = []
    for spec in expected:
        number = int(spec["number"])
        section = found.get(number)
        items.append({
            "expected": f"{to_cn(number)}、{spec['title']}",
            "found": section is not None,
            "title": str(section.get("title") or "") if section else "",
            "line": _line_text(section.get("line"), pages) if section else "",
            "variant": bool(section and section.get("wording") == "variant"),
        })
    others = [
        {"title": str(h.get("title") or ""), "line": _line_text(h.get("line"), pages)}
        for h in report.get("other_headings") or []
    ]
    gaps = [to_cn(int(n)) for n in report.get("numbering_gaps") or [] if isinstance(n, int)]
    return {"items": items, "others": others, "gaps": gaps}


# --------------------------------------------------------------------------- pages


def _show_tables(result: dict) -> bool:
    report = result.get("report") or {}
    return document(result).get("kind") != "not_annual_report" or bool(report.get("cells"))


def render_html(result: dict) -> str:
    """The self-contained Chinese HTML page of one check result."""
    marks = _marks(result)
    show = _show_tables(result)
    context = {
        "file": str(result.get("file") or ""),
        "facts": _facts(result),
        "not_report": document(result).get("kind") == "not_annual_report",
        "score": _score_view(result),
        "counts": counts(result),
        "groups": _finding_groups(result),
        "dismissed": [_finding_view(f, result) for f in result.get("dismissed") or []],
        "suspects": [_suspect_view(s, result) for s in result.get("suspects") or []],
        "tables": [_table_view(t, result, marks) for t in TABLES] if show else [],
        "outline": _outline_view(result) if show else None,
        "severity_labels": SEVERITY_LABELS,
    }
    return _env().get_template("report.html.j2").render(**context)


def _href(result: dict, inputs: Callable[[], list[Path]]) -> str:
    """The report page of a result: the name the batch wrote (none when no page was written)."""
    if "outputs" in result:
        page = (result.get("outputs") or {}).get("html")
        return quote(page) if page else ""
    return quote(output_name(Path(str(result.get("file") or "report")), ".html", inputs()))


def _bar_chart(items: list[tuple[str, int]], *, width: int = 460, bar: int = 18, label_width: int = 200,
               title: str = "") -> dict[str, Any]:
    """A horizontal bar chart as plain numbers for an inline SVG (no script, no external resource)."""
    top = max([n for _, n in items] + [1])
    span = width - label_width - 40
    bars = [{"label": label, "value": n, "y": i * (bar + 6), "width": round(span * n / top, 1),
             "text_x": label_width + round(span * n / top, 1) + 6} for i, (label, n) in enumerate(items)]
    return {"bars": bars, "width": width, "height": max(1, len(items)) * (bar + 6), "bar": bar,
            "label_width": label_width, "title": title}


def _histogram(bands: list[tuple[str, int]]) -> dict[str, Any]:
    """Vertical bars of the score distribution, for an inline SVG."""
    top = max([n for _, n in bands] + [1])
    column, height = 40, 120
    bars = [{"label": label, "value": n, "x": 30 + i * column, "height": round(height * n / top, 1),
             "y": 10 + height - round(height * n / top, 1), "grade": _grade(float(label.split("–")[0]))}
            for i, (label, n) in enumerate(bands)]
    return {"bars": bars, "width": 30 + column * len(bands) + 10, "height": height + 50, "base": height + 10,
            "column": column}


def _unit_view(row: UnitRow, result: dict, categories: list[tuple[str, str]],
               inputs: Callable[[], list[Path]]) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "unit": row.unit,
        "file": row.file,
        "href": "" if row.error else _href(result, inputs),
        "kind": row.kind,
        "year": str(row.year or "—"),
        "score": fmt_score(row.score) if row.score is not None else "",
        "sort_score": f"{row.score:.1f}" if row.score is not None else "-1",
        "grade": _grade(row.score),
        "categories": [{"key": key, "label": label,
                        "text": ("未知" if key in row.category_notes else fmt_score(row.categories.get(key)))
                        if row.categories.get(key) is not None else "—",
                        "note": row.category_notes.get(key, ""),
                        "sort": f"{row.categories[key]:.1f}" if row.categories.get(key) is not None else "-1",
                        "grade": _grade(row.categories.get(key))} for key, label in categories],
        "counts": row.counts,
        "problems": row.problems,
        "timeliness": row.timeliness,
        "reason": row.reason,
        "error": row.error,
        "status": row.status,
        "note": row.note,
        "legacy": row.ranking == "legacy",
        "dismissed": row.dismissed,
    }


def render_index_page(summary: BatchSummary, downloads: list[tuple[str, str]] | None = None,
                      inputs: list[Path] | None = None) -> Iterator[str]:
    """The batch's ranking page, piece by piece: units with category scores and main problems, sortable and
    filterable in the page, charts of the score distribution and the most frequently failed rules, links to
    the tables. Rows are generated one unit at a time."""
    paths = inputs

    def inputs_of() -> list[Path]:  # only results without written outputs need every input's path
        nonlocal paths
        if paths is None:
            paths = [Path(str(r.get("file") or "report")) for r in summary.results]
        return paths

    categories = summary.category_columns()
    rows = (_unit_view(summary.unit_row(rank, result), result, categories, inputs_of)
            for rank, result in summary.ranked_results())
    rules = sorted((r for r in summary.rule_rows() if r.severity != "info" and r.problem_units),
                   key=lambda r: -r.problem_units)[:10]  # a rule counts where it found a problem, not a note
    totals = summary.totals()
    context = {
        "rows": rows,
        "row_count": len(summary),
        "categories": categories,
        "totals": totals,
        "average": fmt_score(totals["average"]),
        "generated": summary.generated.strftime("%Y-%m-%d %H:%M"),
        "version": summary.version if summary.rules else "",
        "downloads": downloads or [],
        "histogram": _histogram(summary.score_histogram()),
        "rules_chart": _bar_chart([(f"{r.title or r.rule}", r.problem_units) for r in rules]),
        "rules": [{"rule": r.rule, "title": r.title, "units": r.problem_units,
                   "severity": SEVERITY_LABELS.get(r.severity, r.severity)} for r in rules],
    }
    return _env().get_template("index.html.j2").generate(**context)


def render_index_html(results: list[dict], inputs: list[Path] | None = None) -> str:
    """The ranking page for plain check results (see `render_index_page`); each file links to its page named
    as `write_output` names it (pass the same `inputs`, by default the results' files)."""
    summary = BatchSummary()
    for result in results:
        summary.add(result)
    return "".join(render_index_page(summary, inputs=inputs))
