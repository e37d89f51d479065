"""Synthetic annual reports for tests: consistent cell values and realistic HTML / text / DOCX / PDF documents.

Every narrative sentence here is invented for tests. The values satisfy identities A1–A4 of
docs/template.md; the tables follow the layout of the official templates (merged header cells included).

    values = synth_values("2021", seed=3)
    bad = inject(values, "t3.total_processed.total", values["t3.total_processed.total"] + 10)
    page = build_html("2021", bad, issuer="示例县人民政府")
"""

from __future__ import annotations

import html
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gkcheck.templates import Row, TableDef, load_template

Value = int | float | str | None  # str/None let tests plant blanks ("—") and junk

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org")
T3_BALANCE = ("new_received", "carried_over", "total_processed", "carried_forward")
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
LITIGATION_TOTALS = ("t4.litigation_direct.total", "t4.litigation_after_review.total")
WRAP_WIDTH = 38
PDF_FONT = "STSong-Light"

# --------------------------------------------------------------------------- values


def _t2_value(row: str, col: str, kind: str, rng: random.Random) -> int | float:
    """A plausible 表二 figure; `regulations` rows are small, decimals carry two places."""
    if kind == "decimal":
        cents = rng.randint(1000, 99999)
        return (cents + 45 if cents % 100 == 0 else cents) / 100
    if kind == "signed":
        return rng.choice([-1, 1]) * rng.randint(1, 5 if row == "fees" else 20)
    small = row == "regulations"
    ranges = {
        "issued": (1, 3) if small else (5, 40),
        "made": (1, 3) if small else (5, 40),
        "published": (1, 3) if small else (5, 40),
        "repealed": (1, 2) if small else (1, 12),
        "in_force": (8, 30) if small else (60, 400),
        "total_published": (8, 30) if small else (60, 400),
        "previous_count": (5, 40) if row == "fees" else (20, 600),
        "decisions": {"coercion": (3, 90), "licensing": (300, 6000)}.get(row, (80, 2500)),
        "count": (10, 240),
    }
    low, high = ranges.get(col, (1, 50))
    return rng.randint(low, high)


def _t2_values(tdef: TableDef, rng: random.Random) -> dict[str, int | float]:
    return {
        f"t2.{row.key}.{col}": _t2_value(row.key, col, tdef.columns[col].type, rng)
        for row in tdef.rows
        for col in tdef.row_columns(row)
    }


def _t3_column(result_rows: list[str], scale: int, rng: random.Random) -> dict[str, int]:
    """One applicant column: result rows, their total (A2) and a balanced carry-over (A1)."""
    weights = {"granted": 6, "partial": 2, "unable_not_held": 3, "refused_petition": 2}
    column = {key: rng.randint(1, max(1, scale * weights.get(key, 1))) for key in result_rows}
    processed = sum(column.values())
    forward = rng.randint(1, max(1, scale))
    over = rng.randint(1, min(processed, max(1, scale)))
    column.update(
        total_processed=processed,
        carried_forward=forward,
        carried_over=over,
        new_received=processed + forward - over,
    )
    return column


def _t3_values(tdef: TableDef, rng: random.Random) -> dict[str, int]:
    result_rows = [r.key for r in tdef.rows if r.key not in T3_BALANCE]
    scales = {"natural_person": 30, "commercial": 5, "research": 2, "public_interest": 2, "legal_service": 3,
              "other_org": 2}
    values: dict[str, int] = {}
    for col in APPLICANTS:
        for key, number in _t3_column(result_rows, scales[col], rng).items():
            values[f"t3.{key}.{col}"] = number
    for row in tdef.rows:  # A3: the 总计 column
        values[f"t3.{row.key}.total"] = sum(values[f"t3.{row.key}.{c}"] for c in APPLICANTS)
    return values


def _t4_values(tdef: TableDef, rng: random.Random) -> dict[str, int]:
    values: dict[str, int] = {}
    for row in tdef.rows:
        parts = {"upheld": rng.randint(1, 9), "corrected": rng.randint(1, 3), "other": rng.randint(1, 3),
                 "pending": rng.randint(1, 4)}
        parts["total"] = sum(parts.values())  # A4
        values.update({f"t4.{row.key}.{col}": parts[col] for col in tdef.row_columns(row)})
    return values


def synth_values(version: str, seed: int = 0) -> dict[str, int | float]:
    """A value for every canonical cell of the template, non-zero and consistent with A1–A4."""
    template = load_template(version)
    rng = random.Random(seed * 10007 + int(version))
    values: dict[str, int | float] = {}
    values.update(_t2_values(template.tables["t2"], rng))
    values.update(_t3_values(template.tables["t3"], rng))
    values.update(_t4_values(template.tables["t4"], rng))
    cells = template.cells()
    missing = set(cells) - set(values)
    if missing:
        raise ValueError(f"synth_values: no value for {sorted(missing)}")
    return {address: values[address] for address in cells}


def inject(values: dict[str, Any], address: str, new_value: Value) -> dict[str, Any]:
    """A copy of `values` with one cell changed (a number, or text such as "—" for a blank cell)."""
    if address not in values:
        raise KeyError(f"unknown cell address: {address}")
    changed = dict(values)
    changed[address] = new_value
    return changed


def fmt_value(value: Value) -> str:
    """A cell value as printed in a report: `12`, `123.45`, `-3`; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


# --------------------------------------------------------------------------- table layouts


@dataclass(frozen=True)
class Cell:
    """One table cell as laid out in the template (spans like the official Word file)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    vertical: bool = False
    label: bool = False


@dataclass
class Table:
    name: str
    rows: list[list[Cell]]


def positions(table: Table) -> Iterator[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, skipping the slots covered by earlier merged cells."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            yield r, c, cell
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan


def table_width(table: Table) -> int:
    return max(c + cell.colspan for _, c, cell in positions(table))


def _spread(texts: list[str], width: int, header: bool = False) -> list[Cell]:
    """Cells filling `width` columns: the last one spans what is left (like 本年处理决定数量 colspan 3)."""
    cells = [Cell(t, header=header) for t in texts[:-1]]
    return cells + [Cell(texts[-1], colspan=width - len(texts) + 1, header=header)]


def _t2_table(tdef: TableDef, values: dict[str, Any]) -> Table:
    rows: list[list[Cell]] = []
    previous: str | None = None
    for row in tdef.rows:
        columns = tdef.row_columns(row)
        if row.caption != previous:
            previous = row.caption
            rows.append([Cell(row.caption or "", colspan=4, header=True)])
            rows.append([Cell("信息内容", header=True)] + _spread([tdef.columns[c].label for c in columns], 3, True))
        numbers = [fmt_value(values[f"t2.{row.key}.{c}"]) for c in columns]
        rows.append([Cell(row.label, label=True)] + _spread(numbers, 3))
    return Table("t2", rows)


def _t3_lead(row: Row, grouped: list[Row], runs: dict[str, int], seen: set[str]) -> list[Cell]:
    """The label cells in front of a 表三 row: the vertical 三、本年度办理结果, a sub-group, the label."""
    if row.group is None:
        return [Cell(row.label, colspan=3, label=True)]
    top = grouped[0].group or ""
    lead = [Cell(top, rowspan=len(grouped), vertical=True, label=True)] if row is grouped[0] else []
    if row.group == top:
        return lead + [Cell(row.label, colspan=2, label=True)]
    if row.group not in seen:
        seen.add(row.group)
        lead.append(Cell(row.group, rowspan=runs[row.group], label=True))
    return lead + [Cell(row.label, label=True)]


def _t3_table(tdef: TableDef, values: dict[str, Any]) -> Table:
    columns = list(tdef.columns)
    labels = [tdef.columns[c].label for c in columns]
    rows = [
        [Cell(T3_NOTE, rowspan=3, colspan=3, header=True), Cell("申请人情况", colspan=7, header=True)],
        [Cell(labels[0], rowspan=2, header=True), Cell("法人或其他组织", colspan=5, header=True),
         Cell(labels[-1], rowspan=2, header=True)],
        [Cell(label, header=True) for label in labels[1:-1]],
    ]
    grouped = [r for r in tdef.rows if r.group]
    runs: dict[str, int] = {}
    for r in grouped:
        runs[r.group or ""] = runs.get(r.group or "", 0) + 1
    seen: set[str] = set()
    for row in tdef.rows:
        numbers = [Cell(fmt_value(values[f"t3.{row.key}.{c}"])) for c in columns]
        rows.append(_t3_lead(row, grouped, runs, seen) + numbers)
    return Table("t3", rows)


def _t4_table(tdef: TableDef, values: dict[str, Any]) -> Table:
    columns = list(tdef.columns)
    labels = [tdef.columns[c].label for c in columns]
    return Table("t4", [
        [Cell("行政复议", colspan=5, header=True), Cell("行政诉讼", colspan=10, header=True)],
        [Cell(label, rowspan=2, header=True) for label in labels]
        + [Cell("未经复议直接起诉", colspan=5, header=True), Cell("复议后起诉", colspan=5, header=True)],
        [Cell(label, header=True) for label in labels * 2],
        [Cell(fmt_value(values[f"t4.{row.key}.{c}"])) for row in tdef.rows for c in columns],
    ])


def build_tables(version: str, values: dict[str, Any]) -> dict[str, Table]:
    """The three tables of a report in the official layout."""
    tables = load_template(version).tables
    return {
        "t2": _t2_table(tables["t2"], values),
        "t3": _t3_table(tables["t3"], values),
        "t4": _t4_table(tables["t4"], values),
    }


# --------------------------------------------------------------------------- narrative

Block = tuple[str, Any]  # (kind, payload): title | meta | heading | subheading | para | table | signature


def _v(values: dict[str, Any], address: str) -> str:
    return fmt_value(values.get(address))


def _section_one(version: str, values: dict[str, Any], year: int, issuer: str) -> list[Block]:
    doc_key = "issued" if version == "2021" else "made"
    return [
        ("heading", "一、总体情况"),
        ("para", f"{year}年，{issuer}以提升政务透明度为目标，把政府信息公开同日常政务工作同步谋划、同步推进，"
                 "各项工作保持平稳有序。"),
        ("subheading", "（一）主动公开"),
        ("para", f"全年制发并公开行政规范性文件{_v(values, f't2.normative_documents.{doc_key}')}件，"
                 "围绕乡村振兴、营商环境、社会保障等群众关心的领域，及时发布政策文件、资金分配和项目进展信息，"
                 "重要政策同步配发图文解读。"),
        ("subheading", "（二）依申请公开"),
        ("para", f"全年新收政府信息公开申请{_v(values, 't3.new_received.total')}件，"
                 f"上年结转{_v(values, 't3.carried_over.total')}件，"
                 f"办结{_v(values, 't3.total_processed.total')}件，"
                 f"结转下年度继续办理{_v(values, 't3.carried_forward.total')}件。"
                 "申请登记、审核、答复各环节均留存记录，答复文书统一使用规范格式。"),
        ("subheading", "（三）政府信息管理"),
        ("para", "建立公开属性源头认定机制，公文在起草环节即明确公开方式；定期清理已公开的规范性文件，"
                 "对失效和废止文件作出醒目标注。"),
        ("subheading", "（四）政府信息公开平台建设"),
        ("para", "优化门户网站政府信息公开专栏的栏目设置，完善站内检索功能，政务新媒体与门户网站信息同步更新，"
                 "政务服务中心设置公开查阅点，方便群众现场查询。"),
        ("subheading", "（五）监督保障"),
        ("para", "明确分管负责同志和专职工作人员，组织业务培训两期，开展季度自查和年度抽查，"
                 "对发现的问题建立台账并限期整改。"),
    ]


def _section_six(year: int, issuer: str) -> list[Block]:
    blocks: list[Block] = [("heading", "六、其他需要报告的事项")]
    if year >= 2021:
        blocks.append(("para", "依据《政府信息公开信息处理费管理办法》，本年度收取信息处理费0元。"))
    blocks.append(("para", "本年度办理人大代表建议和政协委员提案的答复全文，已按规定在门户网站公开。"))
    if "人民政府" in issuer:
        blocks.append(("para", "工作考核、社会评议和责任追究结果情况：政府信息公开工作已纳入年度绩效考核，"
                               "通过网上问卷开展社会评议，群众总体评价良好；本年度未发生需要追究责任的情形。"))
    return blocks


def _signature(issuer: str, published: str | None) -> list[Block]:
    blocks: list[Block] = [("signature", issuer)]
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", published or "")
    if match:
        y, m, d = match.groups()
        blocks.append(("signature", f"{y}年{int(m)}月{int(d)}日"))
    return blocks


def document_blocks(
    version: str,
    values: dict[str, Any],
    *,
    year: int = 2024,
    issuer: str = "示例县人民政府",
    title: str | None = None,
    published: str | None = "2025-03-20",
) -> list[Block]:
    """The report as a list of blocks, shared by the HTML, text, DOCX and PDF builders."""
    tables = build_tables(version, values)
    blocks: list[Block] = [("title", title or f"{issuer}{year}年政府信息公开工作年度报告")]
    if published:
        blocks.append(("meta", f"发布日期：{published}"))
    blocks.append(("para", f"按照《中华人民共和国政府信息公开条例》第五十条的要求，{issuer}编制本年度报告。"
                           f"报告统计期为{year}年1月1日至{year}年12月31日，内容包括总体情况、主动公开、依申请公开、"
                           "行政复议和行政诉讼、存在问题及改进、其他事项六个部分。"))
    blocks += _section_one(version, values, year, issuer)
    blocks += [("heading", "二、主动公开政府信息情况"), ("table", tables["t2"])]
    blocks += [("heading", "三、收到和处理政府信息公开申请情况"), ("table", tables["t3"])]
    blocks += [
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("para", f"本年度因政府信息公开被申请行政复议{_v(values, 't4.review.total')}件，"
                 f"被提起行政诉讼{_sum_text(values, LITIGATION_TOTALS)}件，具体情况如下表。"),
        ("table", tables["t4"]),
        ("heading", "五、存在的主要问题及改进情况"),
        ("subheading", "（一）存在的主要问题"),
        ("para", "一是部分单位对公开属性的认定仍偏保守；二是政策解读形式较为单一，图表、视频等形式运用不多；"
                 "三是基层工作人员变动较频繁，业务熟练程度参差不齐。"),
        ("subheading", "（二）改进情况"),
        ("para", "针对上一年度报告提出的栏目更新不及时问题，已建立每周巡查制度并完成整改。下一步将细化公开属性"
                 "认定指引，丰富多元解读方式，并把业务培训纳入新入职人员必修内容。"),
    ]
    blocks += _section_six(year, issuer)
    return blocks + _signature(issuer, published)


def _sum_text(values: dict[str, Any], addresses: tuple[str, ...]) -> str:
    numbers = [values.get(a) for a in addresses]
    if all(isinstance(n, (int, float)) for n in numbers):
        return fmt_value(sum(numbers))  # type: ignore[arg-type]
    return "若干"


# --------------------------------------------------------------------------- HTML

_PAGE_STYLE = """body{margin:0;font-family:"Microsoft YaHei","宋体",sans-serif;background:#f5f5f5;}
.top{background:#b8141b;color:#fff;padding:10px 40px;font-size:20px;}
.crumb{width:1000px;margin:10px auto;color:#666;font-size:13px;}
.article{width:1000px;margin:0 auto;background:#fff;padding:30px 60px;}
.article h1{text-align:center;font-size:24px;color:#222;}
.info{text-align:center;color:#888;font-size:13px;border-bottom:1px dashed #ccc;padding-bottom:10px;}
.content p{font-size:16px;line-height:2;}
.footer{text-align:center;color:#888;font-size:12px;padding:20px;}"""


def _html_cell(cell: Cell) -> str:
    spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
        f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    )
    style = ' style="writing-mode:vertical-rl;"' if cell.vertical else ""
    align = "left" if cell.label else "center"
    return (f'<td{spans} valign="middle"{style}><p style="text-align:{align};">'
            f'<span style="font-family:宋体;font-size:14px;">{html.escape(cell.text)}</span></p></td>')


def html_table(table: Table) -> str:
    """A table as Word-exported HTML with rowspan/colspan."""
    rows = ["<tr>" + "".join(_html_cell(c) for c in row) + "</tr>" for row in table.rows]
    return ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="640" '
            'style="border-collapse:collapse;margin:0 auto;">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


def _html_block(kind: str, payload: Any) -> str:
    if kind == "table":
        return html_table(payload)
    text = html.escape(str(payload))
    if kind in ("heading", "subheading"):
        return f'<p style="text-indent:2em;"><strong>{text}</strong></p>'
    if kind == "signature":
        return f'<p style="text-align:right;">{text}</p>'
    return f'<p style="text-indent:2em;">{text}</p>'


def build_html(
    version: str,
    values: dict[str, Any],
    *,
    year: int = 2024,
    issuer: str = "示例县人民政府",
    title: str | None = None,
    published: str | None = "2025-03-20",
    extra_body: str = "",
) -> str:
    """A complete government web page carrying the report; `extra_body` (raw HTML) goes into section 六."""
    blocks = document_blocks(version, values, year=year, issuer=issuer, title=title, published=published)
    heading = str(blocks[0][1])
    body: list[str] = []
    planted = not extra_body
    for kind, payload in blocks[1:]:
        if kind == "meta":
            continue
        if kind == "signature" and not planted:
            body.append(extra_body)
            planted = True
        body.append(_html_block(kind, payload))
    info = f"<span>发布日期：{html.escape(published)}</span>&nbsp;&nbsp;" if published else ""
    pubdate = f'<meta name="PubDate" content="{html.escape(published)} 09:30">\n' if published else ""
    site = html.escape(f"{issuer}门户网站")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{pubdate}<title>{html.escape(heading)}_{site}</title>
<style>{_PAGE_STYLE}</style>
</head>
<body>
<div class="top">{site}</div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<div class="article">
<h1>{html.escape(heading)}</h1>
<div class="info">{info}<span>来源：{html.escape(issuer)}</span>&nbsp;&nbsp;<span>字号：大 中 小</span></div>
<div class="content" id="zoom">
{chr(10).join(body)}
</div>
</div>
<div class="footer">版权所有：{html.escape(issuer)}&nbsp;&nbsp;本站为示例页面，内容均为测试虚构</div>
</body>
</html>
"""


# --------------------------------------------------------------------------- text

_NO_LINE_START = "，。、；：？！）》”’"


def wrap(text: str, width: int = WRAP_WIDTH) -> list[str]:
    """Break a paragraph into PDF-like lines, never inside a number, never before closing punctuation."""
    lines: list[str] = []
    current = ""
    for token in re.findall(r"[0-9A-Za-z.%]+|.", text):
        if len(current) + len(token) > width and current and token[0] not in _NO_LINE_START:
            lines.append(current)
            current = ""
        current += token
    return lines + ([current] if current else [])


def _row_lines(table: Table) -> list[str]:
    """A table as a PDF text layer shows it: header tokens and group labels alone, data rows on one line."""
    lines: list[str] = []
    for row in table.rows:
        inline: list[str] = []
        for cell in row:
            if cell.header or (cell.label and cell.rowspan > 1):
                lines.append(cell.text)
            else:
                inline.append(cell.text or "-")
        if inline:
            lines.append(" ".join(inline))
    return lines


def _cell_lines(table: Table) -> list[str]:
    """A table as scraped page text: every cell on its own line, blank lines between them."""
    lines: list[str] = []
    for row in table.rows:
        for cell in row:
            lines += [cell.text, ""]
    return lines


def _text_lines(kind: str, payload: Any, style: str) -> list[str]:
    if kind == "table":
        return _row_lines(payload) if style == "rows" else _cell_lines(payload)
    if kind == "meta" and style == "rows":
        return []
    if kind == "para" and style == "rows":
        return wrap(str(payload))
    return [str(payload)] if style == "rows" else [str(payload), ""]


def build_text(
    version: str,
    values: dict[str, Any],
    *,
    style: str = "rows",
    year: int = 2024,
    issuer: str = "示例县人民政府",
    title: str | None = None,
    published: str | None = "2025-03-20",
) -> str:
    """The report as flattened text: `rows` like a PDF text layer, `cells` like text scraped from a page."""
    if style not in ("rows", "cells"):
        raise ValueError(f"unknown style: {style}")
    lines: list[str] = []
    for kind, payload in document_blocks(version, values, year=year, issuer=issuer, title=title,
                                         published=published):
        lines += _text_lines(kind, payload, style)
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- DOCX


def _docx_table(doc: Any, table: Table) -> None:
    grid = doc.add_table(rows=len(table.rows), cols=table_width(table))
    grid.style = "Table Grid"
    for r, c, cell in positions(table):
        target = grid.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(grid.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = cell.text


def build_docx(version: str, values: dict[str, Any], **kw: Any) -> bytes:
    """The report as a Word file with real merged cells (keywords as for `build_text`)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    blocks = document_blocks(version, values, **kw)
    for kind, payload in blocks:
        if kind == "meta":
            continue
        if kind == "table":
            _docx_table(doc, payload)
            continue
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(str(payload))
        run.bold = kind in ("title", "heading", "subheading")
        if kind == "title":
            run.font.size = Pt(18)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "signature":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.core_properties.title = str(blocks[0][1])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- PDF


def build_pdf(version: str, values: dict[str, Any], **kw: Any) -> bytes:
    """The report as a PDF whose text layer is `build_text(style="rows")`, line by line, with page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    kw.pop("style", None)
    lines = build_text(version, values, style="rows", **kw).splitlines()
    width, height = A4
    margin, size, leading = 56.0, 11.0, 19.0
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    stamp = re.sub(r"\D", "", str(kw.get("published") or "2025-03-20"))[:8] or "20250320"
    pdf.setDateFormatter(lambda *_: f"D:{stamp}093000+08'00'")
    pdf.setTitle(lines[0] if lines else "")
    page, y = 1, height - margin

    def footer() -> None:
        pdf.setFont(PDF_FONT, 9)
        pdf.drawCentredString(width / 2, 30, f"- {page} -")

    for line in lines:
        if y < margin + 20:
            footer()
            pdf.showPage()
            page, y = page + 1, height - margin
        if line:
            fit = (width - 2 * margin) / max(1.0, pdfmetrics.stringWidth(line, PDF_FONT, 1))
            pdf.setFont(PDF_FONT, min(size, fit))
            pdf.drawString(margin, y, line)
        y -= leading
    footer()
    pdf.save()
    return buf.getvalue()
