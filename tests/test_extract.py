"""Reading and extraction on synthetic documents: formats, encodings, messy labels, data JSON input."""

from __future__ import annotations

import json

import pytest
from helpers import report_of, validator
from synth import build_html, build_text, synth_values

from gkcheck.extract.numbers import parse_number
from gkcheck.extract.tables_text import rebuild_tables
from gkcheck.read import read_bytes
from gkcheck.read.decode import decode_bytes

YEAR = {"2019": 2020, "2021": 2024}


def values_of(report) -> dict:
    return {k: c.value for k, c in report.cells.items()}


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("style", ["html", "rows", "cells"])
def test_every_cell_extracted_exactly(version, style):
    values = synth_values(version, 3)
    if style == "html":
        doc, name = build_html(version, values, year=YEAR[version]), "r.html"
    else:
        doc, name = build_text(version, values, style=style, year=YEAR[version]), "r.txt"
    report = report_of(doc, name)
    assert values_of(report) == values
    assert {t: (i.status, i.template) for t, i in report.tables.items()} == {
        "t2": ("present", version), "t3": ("present", version), "t4": ("present", version)}
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]


def test_extract_output_validates_against_schema():
    report = report_of(build_html("2021", synth_values("2021", 1)))
    validator("report.schema.json").validate(json.loads(json.dumps(report.to_dict())))


def test_gbk_page_without_declaration_and_with_wrong_declaration():
    page = build_html("2021", synth_values("2021", 2)).replace('<meta charset="utf-8">', "")
    undeclared = report_of(page.encode("gbk"), "gbk.html")
    assert undeclared.document.issuer == "示例县人民政府" and undeclared.tables["t3"].status == "present"
    wrong = report_of(page.replace("<head>", '<head><meta charset="utf-8">').encode("gbk"), "wrong.html")
    assert values_of(wrong) == values_of(undeclared)
    utf8_declared_gbk = page.replace("<head>", '<head><meta charset="gb2312">').encode("utf-8")
    assert values_of(report_of(utf8_declared_gbk)) == values_of(undeclared)


def test_decode_bom_and_gb18030_text():
    text = "一、总体情况\n本年新收政府信息公开申请数量"
    assert decode_bytes("\ufeff".encode() + text.encode("utf-8"))[0].lstrip("\ufeff") == text
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")
    assert decode_bytes(text.encode("utf-16"))[0] == text


def test_html_fragment_without_html_or_body():
    fragment = "<p>一、总体情况</p><table><tr><td rowspan='2'>行政复议</td><td>x</td></tr><tr><td>y</td></tr></table>"
    source = read_bytes(fragment.encode(), "frag.html")
    assert source.lines[0] == "一、总体情况"
    assert source.tables[0].rows == [["行政复议", "x"], ["行政复议", "y"]]


def test_scripts_styles_dropped_and_entities_not_resolved():
    page = ("<html><head><style>p{}</style></head><body><script>var a='本年新收';</script>"
            "<p>一、总体情况 &amp; 说明</p><!-- 注释 --></body></html>")
    source = read_bytes(page.encode(), "p.html")
    assert source.lines == ["一、总体情况 & 说明"]


def test_html_cell_text_in_reading_order_with_breaks():
    page = ("<table><tr><td><span>本年<b>新</b>收</span>申请</td><td><p>第一行</p><p>第二行<br>第三行</p></td>"
            "<td>\n  <p>\u3000 7 </p></td></tr></table>")
    assert read_bytes(page.encode(), "cells.html").tables[0].rows == [["本年新收申请", "第一行\n第二行\n第三行", "7"]]


def test_html_page_own_private_use_characters_are_not_taken_for_tables_or_images():
    """The reader marks tables and images with private-use characters; a page's own (as characters or as
    character references) must not be read as tables, cells or images."""
    refs = "&#xE000;&#57345;&#xe003;&#xE004;"
    page = (f"<p>一、总体情况\ue000\ue001\ue002\ue003\ue004</p><table><tr><td>申请{refs}</td>"
            f"<td rowspan='{refs}2'>1</td></tr><tr><td>2</td></tr></table><p>六、其他需要报告的事项{refs}</p>")
    source = read_bytes(page.encode(), "marks.html")
    assert source.lines == ["一、总体情况", "六、其他需要报告的事项"]
    assert [grid.rows for grid in source.tables] == [[["申请", "1"], ["2", "1"]]]
    assert source.tables[0].line == 1 and source.images == 0 and source.image_lines == []


def test_html_control_characters_in_text_are_read():
    source = read_bytes("<p>一、总体情况\x0b说明</p><table><tr><td>\x0c3</td></tr></table>".encode(), "ctl.html")
    assert source.lines == ["一、总体情况\x0b说明"] and source.tables[0].rows == [["3"]]


def test_html_images_counted_where_they_stand():
    page = ("<p>一、总体情况</p><div>说明<br>表格如下<img src='t2.png'></div><table><tr><td><img src='a.png'></td>"
            "</tr></table><noscript><img src='t2.png'></noscript><p>三、收到和处理政府信息公开申请情况<img></p>")
    source = read_bytes(page.encode(), "img.html")
    assert source.lines == ["一、总体情况", "说明", "表格如下", "三、收到和处理政府信息公开申请情况"]
    assert source.image_lines == [2, 3]  # on the line of 表格如下 and of the section-3 heading
    assert source.images == 3 and source.tables[0].images == 1  # the <noscript> copy is not counted


def test_html_text_after_the_page_is_not_read():
    source = read_bytes(b"<html><body><p>\xe4\xb8\x80</p></body></html><p>\xe5\x90\x8e</p>", "after.html")
    assert source.lines == ["一"]


MESSY_T3 = """三、收到和处理政府信息公开申请情况
申请人情况
自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
一、本年新收政府信息公开申请数量 5 1 0 0 0 0 6
二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1
(一)予以公开 2 0 0 0 0 0 2
（二）部分公开（区分处理的，只计这一情
1 0 0 0 0 0 1
形，不计其他情形）
1 0 0 0 0 0 1
1、属于国家秘密
2.其他法律行政止公开 0 0 0 0 0 0 0
3．危及"三安全一稳定" 0 0 0 0 0 0 0
4.保护第三方合法权益 0 0 0 0 0 0 0
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
1.本机关不掌握相关政府信息 1 1 0 0 0 0 2
2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
1.信访举报投诉类申请 0 0 0 0 0 0 0
2.重复申请 0 0 0 0 0 0 0
3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复申请 0 0 0 0 0 0 0
5.要求行政机关确认或重新出
具已获取信息 0 0 0 0 0 0 0
1、申请人无正当理由逾期不补
正、行政机关不再处理其政府信 0 0 0 0 0 0 0
息公开申请
2、申请人逾期未按收费通知要
求缴纳费用、行政机关不再处理 0 0 0 0 0 0 0
其政府信息公开申请
3、其他 0 0 0 0 0 0 0
（七）总计 5 1 0 0 0 0 6
四、结转下年度继续办理 1 0 0 0 0 0 1
"""


def test_messy_text_table_wrapped_labels_numbers_before_label_typos():
    table = rebuild_tables(MESSY_T3.split("\n"), "2021")["t3"]
    assert table.version == "2021"
    value = {k: c.value for k, c in table.cells.items()}
    assert value["t3.partial.total"] == 1 and value["t3.denied_state_secret.total"] == 1
    assert value["t3.unable_not_held.commercial"] == 1 and value["t3.total_processed.total"] == 6
    assert len(value) == 175
    assert [d["found"] for d in table.label_deviations] == ["2.其他法律行政止公开"]


def test_single_row_other_is_2019_layout():
    lines = MESSY_T3.split("\n")
    start = next(i for i, x in enumerate(lines) if x.startswith("1、申请人无正当"))
    end = next(i for i, x in enumerate(lines) if x.startswith("3、其他"))
    lines[start:end + 1] = ["（六）其他处理 0 0 0 0 0 0 0"]
    table = rebuild_tables(lines, "2021")["t3"]
    assert table.version == "2019" and "other_single_row" in table.notes and len(table.cells) == 161


@pytest.mark.parametrize(("raw", "expected"), [
    ("3,119", (3119, "ok")), ("１２", (12, "ok")), ("96171.6万元", (96171.6, "ok")), ("12件", (12, "ok")),
    ("—", (None, "blank")), ("/", (None, "blank")), ("无", (None, "blank")), ("", (None, "blank")),
    ("-8", (-8, "ok")), ("约10", (None, "unreadable")),
])
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_json_report_data_as_input():
    report = report_of(build_html("2021", synth_values("2021", 4)))
    data = json.dumps(report.to_dict(), ensure_ascii=False).encode()
    again = report_of(data, "data.json")
    assert values_of(again) == values_of(report) and again.document == report.document


def test_json_that_is_not_report_data_is_an_error():
    from gkcheck.errors import ReadError

    with pytest.raises(ReadError, match="报告数据格式"):
        read_bytes(b'{"hello": 1}', "x.json")


def _pdf_with_scanned_page(text_lines: list[str]) -> bytes:
    """A PDF whose first page has the given text and whose second page is only an image (a scan)."""
    import io

    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), (230, 230, 230)).save(picture, "PNG")
    picture.seek(0)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.setFont("STSong-Light", 11)
    for i, line in enumerate(text_lines):
        pdf.drawString(50, 800 - 18 * i, line)
    if text_lines:
        pdf.showPage()
    pdf.drawImage(ImageReader(picture), 50, 300, 400, 300)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_tables_on_scanned_pages_are_images_not_missing():
    from helpers import check_bytes

    lines = ["示例县人民政府2024年政府信息公开工作年度报告", "一、总体情况", "本年度工作概述。",
             "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    result = check_bytes(_pdf_with_scanned_page(lines), "scan.pdf")
    assert {t: i["status"] for t, i in result["report"]["tables"].items()} == {"t2": "image", "t3": "image",
                                                                               "t4": "image"}
    assert all("图片" in f["message"] for f in result["findings"] if f["rule"] == "table.present")


def test_image_only_pdf_is_a_clear_error():
    from gkcheck.errors import ReadError

    with pytest.raises(ReadError, match="扫描图像"):
        report_of(_pdf_with_scanned_page([]), "scan.pdf")


def test_t2_split_into_one_table_per_caption():
    import re

    values = synth_values("2021", 3)
    page = build_html("2021", values)
    start = page.index("<table")
    end = page.index("</table>", start) + len("</table>")
    parts: list[list[str]] = []
    for row in re.findall(r"<tr>.*?</tr>", page[start:end], re.S):
        if "第二十条" in row or not parts:
            parts.append([])
        parts[-1].append(row)
    assert len(parts) == 4
    split = "".join(f"<table border='1'>{''.join(p)}</table><p>说明</p>" for p in parts)
    report = report_of(page[:start] + split + page[end:])
    assert {k: v for k, v in values_of(report).items() if k.startswith("t2.")} == \
        {k: v for k, v in values.items() if k.startswith("t2.")}


def test_declared_charset_forms():
    from gkcheck.read.decode import declared_charset

    assert declared_charset(b'<?xml version="1.0" encoding="GBK"?><html>') == "gbk"
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">') == "gb2312"
    assert declared_charset(b"<meta charset=utf-8>") == "utf-8"
    assert declared_charset(b"<p>no declaration</p>") is None


def test_json_input_is_validated_against_the_schema():
    from gkcheck.errors import ReadError

    report = report_of(build_html("2021", synth_values("2021", 4))).to_dict()
    report["document"]["issuer_kind"] = "ministry"
    with pytest.raises(ReadError, match="issuer_kind"):
        read_bytes(json.dumps(report, ensure_ascii=False).encode(), "bad.json")


def test_run_in_headings():
    from gkcheck.extract.sections import find_sections
    from gkcheck.templates import load_template

    lines = ["一、总体情况 2024年，本机关坚持公开为常态、不公开为例外，" + "持续推进各项工作。" * 6,
             "二、主动公开政府信息情况", "六、其他需要报告的事项。本年度未收取信息处理费。"]
    found, others, gaps = find_sections(lines, load_template("2021").sections)
    assert [(s.number, s.title, s.wording) for s in found] == [
        (1, "一、总体情况", "exact"), (2, "二、主动公开政府信息情况", "exact"), (6, "六、其他需要报告的事项", "exact")]
    assert gaps == [3, 4, 5] and not others


@pytest.mark.parametrize("position", [1, 6])
def test_added_org_subtotal_column_in_text_is_placed_and_checked(position):
    from helpers import check_bytes, findings_of

    values = synth_values("2021", 5)
    lines = build_text("2021", values, style="rows").split("\n")
    start = next(i for i, x in enumerate(lines) if "申请人情况" in x)
    end = next(i for i, x in enumerate(lines) if x.startswith("四、政府信息公开行政复议"))
    for i in range(start, end):
        parts = lines[i].split()
        nums = parts[-7:]
        if len(parts) > 7 and all(n.isdigit() for n in nums):
            subtotal = sum(int(n) for n in nums[1:6]) + (1 if "予以公开" in lines[i] else 0)  # one wrong subtotal
            nums.insert(position, str(subtotal))
            lines[i] = " ".join(parts[:-7] + nums)
    result = check_bytes("\n".join(lines), "sub.txt")
    cells = result["report"]["cells"]
    orgs = ("commercial", "research", "public_interest", "legal_service", "other_org")
    assert {k: v["value"] for k, v in cells.items() if not k.endswith("org_subtotal")} == values
    assert cells["t3.new_received.org_subtotal"]["value"] == sum(values[f"t3.new_received.{o}"] for o in orgs)
    [finding] = findings_of(result, "arith.t3.org_subtotal")
    assert "（一）予以公开" in finding["message"] and "相差 1" in finding["message"]
    assert result["suspects"][0]["cell"] == "t3.granted.org_subtotal"


def test_added_org_subtotal_column_in_html_table():
    from gkcheck.templates import load_template

    values = synth_values("2021", 6)
    page = build_html("2021", values)
    start = page.index("<table", page.index("三、收到和处理政府信息公开申请情况"))
    end = page.index("</table>", start) + len("</table>")
    cols = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")
    head = "".join(f"<th>{h}</th>" for h in ("项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                                             "其他", "法人或其他组织小计", "总计"))
    body = ""
    for row in load_template("2021").tables["t3"].rows:
        nums = [values[f"t3.{row.key}.{c}"] for c in cols]
        nums.insert(6, sum(nums[1:6]))
        body += f"<tr><td>{row.label}</td>" + "".join(f"<td>{n}</td>" for n in nums) + "</tr>"
    report = report_of(page[:start] + f"<table><tr>{head}</tr>{body}</table>" + page[end:])
    assert {k: v for k, v in values_of(report).items() if not k.endswith("org_subtotal")} == values
    assert values_of(report)["t3.total_processed.org_subtotal"] == sum(
        values[f"t3.total_processed.{c}"] for c in cols[1:6])


def test_template_titles_without_their_numbers_are_sections():
    """Word auto-numbering and HTML <ol> lists leave the number out of the text."""
    values = synth_values("2021", 7)
    page = build_html("2021", values)
    for number in "一二三四五六":
        page = page.replace(f"<strong>{number}、", "<strong>")
    report = report_of(page)
    assert [(s.number, s.heading_number, s.wording) for s in report.sections] == [
        (n, None, "exact") for n in range(1, 7)]
    assert report.numbering_gaps == []


def test_gb18030_text_with_every_cell_on_its_own_line():
    values = synth_values("2019", 8)
    text = build_text("2019", values, style="cells", year=2020)
    report = report_of(text.encode("gb18030"), "scraped.txt")
    assert values_of(report) == values and report.document.issuer == "示例县人民政府"


def test_fast_nfkc_is_unicode_nfkc() -> None:
    """Text made of the characters normalised by a table must come out as unicodedata's NFKC; none of those
    characters may combine with a neighbour, and other text takes the full normalisation."""
    import random
    import unicodedata

    from gkcheck.extract.normalize import PLAIN_NFKC, nfkc

    plain = [chr(c) for c in range(0x10000) if PLAIN_NFKC.fullmatch(chr(c))]
    assert len(plain) > 21_000 and "，" in plain and "\u0301" not in plain
    assert not [ch for ch in plain if unicodedata.combining(ch) or any(
        unicodedata.combining(x) for x in unicodedata.normalize("NFKC", ch))]
    assert [ch for ch in plain if nfkc(ch) != unicodedata.normalize("NFKC", ch)] == []
    rng = random.Random(7)
    others = ["\u0301", "\u3099", "\u302a", "\u2017", "\u1100", "\u1161", "\ufb01", "①", "\uf900", "ｶ", "\uff9e"]
    for _ in range(20_000):
        text = "".join(rng.choice(plain if rng.random() < 0.8 else others) for _ in range(rng.randint(0, 10)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_norm_keeps_only_the_last_few_long_texts():
    """Whole texts and sections are normalised a few times while their report is checked, then never again: a
    worker that checks hundreds of reports must not keep them all (lines, which repeat, are kept)."""
    from gkcheck.extract import normalize

    texts = [f"第{i}份报告。" + "本年度共收到政府信息公开申请１２件，" * 40 for i in range(200)]
    assert [normalize.norm(t) for t in texts] == [normalize._normalised(t) for t in texts]
    assert all("12件" in normalize.norm(t) and " " not in normalize.norm(t) for t in texts[-3:])
    assert normalize._norm_long.cache_info().currsize <= 16
    assert normalize.norm("（一）予以公开　１２") == "(一)予以公开12"
