"""Issuer, year and publication date from what the page itself states — never from saved-page wrappers.

Fixtures are government pages as real CMS platforms lay them out (a 信息公开目录 table above the article, an
info bar, `<meta>` tags), pages saved by crawlers or browsers (采集时间, 保存时间, 标题：/单位： lines, a
source URL) and converted text (markdown `#` titles, titles broken over lines, `2025 年`). All names invented.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from helpers import check_bytes, findings_of, report_of, rule_ids, validator
from synth import document_blocks, html_table, synth_values

from gkcheck.extract.metadata import issuer_kind
from gkcheck.extract.page_meta import parse_date

VALUES = synth_values("2021", 5)


def body_html(year: int, issuer: str, signed: str | None) -> str:
    """The report body (sections, tables, optional 落款) as a CMS article shows it, without title or date."""
    parts = []
    for kind, payload in document_blocks("2021", VALUES, year=year, issuer=issuer, published=signed)[1:]:
        if kind == "meta":
            continue
        if kind == "table":
            parts.append(html_table(payload))
        elif kind == "signature":
            parts.append(f'<p style="text-align:right">{html.escape(str(payload))}</p>')
        else:
            parts.append(f"<p>{html.escape(str(payload))}</p>")
    return "\n".join(parts)


def body_text(year: int, issuer: str, signed: str | None) -> list[str]:
    """The same body as page text (one paragraph or table cell a line)."""
    lines: list[str] = []
    for kind, payload in document_blocks("2021", VALUES, year=year, issuer=issuer, published=signed)[1:]:
        if kind == "meta":
            continue
        if kind == "table":
            lines += [c.text for row in payload.rows for c in row]
        else:
            lines.append(str(payload))
    return lines


def catalogue_table(rows: list[tuple[str, str, str, str]]) -> str:
    """The 信息公开目录 header table: label cells without colons beside their values, two pairs a row."""
    trs = "".join(f"<tr><td class='t'>{a}</td><td>{b}</td><td class='t'>{c}</td><td>{d}</td></tr>"
                  for a, b, c, d in rows)
    return f'<table class="xxgk-table" width="100%" border="0">{trs}</table>'


def gov_page(*, head: str = "", above: str = "", catalogue: str = "", title: str, info: str = "", body: str,
             charset: str = "gbk") -> bytes:
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
{head}<title>{html.escape(title)}_示例市人民政府门户网站</title></head>
<body>
{above}
<div class="header"><div class="logo">示例市人民政府门户网站</div>
<ul class="nav"><li>首页</li><li>要闻动态</li><li>政务公开</li><li>政务服务</li><li>互动交流</li></ul></div>
<div class="crumb">您现在的位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>
{catalogue}
<div class="article"><h1>{html.escape(title)}</h1>
<div class="info">{info}</div>
<div id="zoom">{body}</div></div>
<div class="related"><h3>相关链接</h3><ul><li>示例市2024年政务公开工作要点</li>
<li>示例市教育局2019年政府信息公开工作年度报告</li></ul></div>
<div class="footer">主办：示例市人民政府办公室 网站标识码：0000000000</div>
</body></html>"""
    return page.encode("gbk" if charset == "gbk" else "utf-8")


CRAWLER = ("<div class='crawler'><p>采集时间：2022-12-28 10:11:12</p>"
           "<p>原文链接：http://www.example.gov.cn/xxgk/jyj/202101/t20210125_1.html</p></div>")


def document(data: bytes | str, name: str = "page.html") -> dict[str, Any]:
    result = check_bytes(data, name)
    return result["document"] | {"rules": rule_ids(result), "result": result}


# --------------------------------------------------------------------------- metadata table + crawler header


def test_gbk_catalogue_table_publication_date_beats_crawler_time_and_other_year_written_date():
    catalogue = catalogue_table([
        ("索引号", "000000000/2021-00017", "主题分类", "综合政务\\政务公开"),
        ("发布机构", "示例市教育局", "成文日期", "2020-12-30"),
        ("名称", "示例市教育局2020年政府信息公开工作年度报告", "文号", ""),
        ("公开日期", "2021-01-25", "有效性", "有效"),
    ])
    page = gov_page(above=CRAWLER, catalogue=catalogue, title="示例市教育局2020年政府信息公开工作年度报告",
                    info="<span>来源：示例市教育局</span> <span>浏览次数：312</span>",
                    body=body_html(2020, "示例市教育局", None))
    doc = document(page)
    assert (doc["kind"], doc["year"], doc["issuer"], doc["issuer_kind"]) == (
        "annual_report", 2020, "示例市教育局", "department")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2021-01-25", "page")
    assert "公开日期" in doc["published"]["evidence"]
    assert doc["deadline"] == "2021-01-31" and doc["on_time"] is True
    assert "doc.deadline" not in doc["rules"]


def test_wrapper_time_never_makes_an_on_time_department_late():
    """The classic failure: 采集时间 of a later year taken as publication (reported ~700 days late)."""
    catalogue = catalogue_table([
        ("索引号", "000000000/2023-00003", "主题分类", "政务公开"),
        ("发文机关", "示例县卫生健康局", "成文日期", "2022-01-08"),
    ])
    crawler = ("<div><p>抓取时间：2025-12-30 09:00:00</p><p>打印时间：2025-12-30</p>"
               "<p>保存时间：2025-12-30 09:01</p></div>")
    page = gov_page(above=crawler, catalogue=catalogue, title="示例县卫生健康局2023年政府信息公开工作年度报告",
                    body=body_html(2023, "示例县卫生健康局", "2024-01-22"))
    doc = document(page)
    assert (doc["year"], doc["issuer"], doc["issuer_kind"]) == (2023, "示例县卫生健康局", "department")
    # the 成文日期 belongs to another year; the 落款 is the best evidence left
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2024-01-22", "signature")
    assert doc["on_time"] is True and "doc.deadline" not in doc["rules"]


def test_only_wrapper_and_other_year_dates_leave_the_date_unknown():
    catalogue = catalogue_table([("发布机构", "示例县卫生健康局", "成文日期", "2019-12-30")])
    page = gov_page(above=CRAWLER, catalogue=catalogue, title="示例县卫生健康局2023年政府信息公开工作年度报告",
                    body=body_html(2023, "示例县卫生健康局", None))
    doc = document(page)
    assert doc["published"] is None and doc["on_time"] is None
    assert "doc.published_unknown" in doc["rules"] and "doc.deadline" not in doc["rules"]


def test_late_finding_names_its_evidence():
    catalogue = catalogue_table([("发布机构", "示例县卫生健康局", "发布日期", "2024-02-20")])
    page = gov_page(catalogue=catalogue, title="示例县卫生健康局2023年政府信息公开工作年度报告",
                    body=body_html(2023, "示例县卫生健康局", "2024-01-20"))
    doc = document(page)
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2024-02-20", "page")  # 发布日期 > 落款
    late = findings_of(doc["result"], "doc.deadline")
    assert len(late) == 1
    assert "2024-01-31" in late[0]["message"] and "2024-02-20" in late[0]["message"]
    assert "依据：页面“发布日期”标注" in late[0]["message"] and "逾期20天" in late[0]["message"]


def test_catalogue_as_label_lines_with_letter_spacing_and_bullets():
    catalogue = ("<ul class='xxgk'><li>• 索\u2002引\u2002号: 11350100MB0000000X/2021-00025</li>"
                 "<li>• 主题分类:</li><li>• 发文机关: 示例市人民政府办公室</li><li>• 成文日期:2021-03-02</li>"
                 "<li>• 标\u2002\u2002\u2002\u2002题: 2020年政府信息公开工作年度报告</li>"
                 "<li>• 发布日期:2021-03-05</li><li>• 有 效 性: 有效</li></ul>")
    page = gov_page(catalogue=catalogue, title="2020年政府信息公开工作年度报告", body=body_html(2020, "示例市", None),
                    charset="utf-8")
    doc = document(page)
    # the title names no issuer: the page's 发文机关 does; an office reporting for itself is a department
    assert (doc["year"], doc["issuer"], doc["issuer_kind"]) == (2020, "示例市人民政府办公室", "department")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2021-03-05", "page")


def test_label_and_value_in_separate_blocks():
    info = "<div class='row'><label>发布时间：</label></div><div class='row'>2021-01-29 16:30</div>"
    page = gov_page(title="示例县司法局2020年政府信息公开工作年度报告", info=info,
                    body=body_html(2020, "示例县司法局", None), charset="utf-8")
    doc = document(page)
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2021-01-29", "page")


# --------------------------------------------------------------------------- <meta> tags


def test_meta_tags_give_date_and_issuer_when_the_title_names_none():
    head = ('<meta name="SiteName" content="示例市人民政府门户网站">\n'
            '<meta name="ColumnName" content="政府信息公开年报">\n'
            '<meta name="ArticleTitle" content="2020年政府信息公开工作年度报告">\n'
            '<meta name="PubDate" content="2021-02-20 10:00">\n'
            '<meta name="ContentSource" content="示例市交通运输局">\n')
    page = gov_page(head=head, title="2020年政府信息公开工作年度报告", body=body_html(2020, "示例市交通运输局", None))
    doc = document(page)
    assert (doc["year"], doc["issuer"], doc["issuer_kind"]) == (2020, "示例市交通运输局", "department")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2021-02-20", "page_meta")
    late = findings_of(doc["result"], "doc.deadline")
    assert late and "网页元数据 PubDate" in late[0]["message"] and "逾期20天" in late[0]["message"]


def test_firstpublishedtime_format_and_website_content_source_is_not_an_issuer():
    head = ('<meta name="firstpublishedtime" content="2021-03-26-09:15:00">\n'
            '<meta name="ContentSource" content="示例市人民政府门户网站">\n')
    page = gov_page(head=head, title="2020年政府信息公开工作年度报告", body=body_html(2020, "示例市", None))
    doc = document(page)
    assert doc["published"]["date"] == "2021-03-26" and doc["published"]["source"] == "page_meta"
    assert doc["issuer"] is None and doc["issuer_kind"] == "unknown"


# --------------------------------------------------------------------------- saved pages (text)

SAVED_HEADER = [
    "标题：示例县农业农村局2023年政府信息公开工作年度报告",
    "单位：示例县人民政府",
    "来源：https://www.example.gov.cn/xxgk/nyncj/202401/t20240125_88.html",
    "保存时间：2025-11-03 16:20:11",
    "",
]


def test_saved_page_labels_are_not_part_of_the_issuer():
    lines = SAVED_HEADER + [
        "示例县农业农村局2023年政府信息公开工作年度报告",
        "发布时间：2024-01-25 09:30  来源：示例县农业农村局  浏览次数：128",
        *body_text(2023, "示例县农业农村局", None),
    ]
    doc = document("\n".join(lines), "saved.txt")
    assert doc["title"] == "示例县农业农村局2023年政府信息公开工作年度报告"
    assert (doc["year"], doc["issuer"], doc["issuer_kind"]) == (2023, "示例县农业农村局", "department")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2024-01-25", "page")
    assert doc["on_time"] is True


def test_saved_page_whose_only_title_is_the_wrapper_title():
    lines = SAVED_HEADER + body_text(2023, "示例县农业农村局", "2024-01-19")
    doc = document("\n".join(lines), "saved.txt")
    assert (doc["kind"], doc["year"], doc["issuer"]) == ("annual_report", 2023, "示例县农业农村局")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2024-01-19", "signature")


def test_info_bar_date_beside_a_website_source():
    lines = ["示例市2019年政府信息公开工作年度报告", "来源:示例市人民政府门户网站 2020-03-31 14:45",
             *body_text(2019, "示例市人民政府", None)]
    doc = document("\n".join(lines), "page.txt")
    assert (doc["issuer"], doc["issuer_kind"]) == ("示例市", "government")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2020-03-31", "page_other")
    assert doc["on_time"] is True


def test_info_bar_led_by_an_unlabelled_date():
    lines = ["示例区应急管理局2022年政府信息公开工作年度报告", "2023-01-16 10:02  来源：示例区应急管理局  浏览：56",
             *body_text(2022, "示例区应急管理局", None)]
    doc = document("\n".join(lines), "page.txt")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2023-01-16", "page_other")
    assert doc["on_time"] is True


def test_weak_evidence_is_named_in_the_late_finding():
    lines = ["示例市人力资源和社会保障局2019年政府信息公开工作年度报告", "日期：2020-02-14",
             *body_text(2019, "示例市人力资源和社会保障局", None)]
    doc = document("\n".join(lines), "page.txt")
    late = findings_of(doc["result"], "doc.deadline")
    assert len(late) == 1 and "逾期14天" in late[0]["message"]
    assert "依据：页面第2行“日期”一栏的日期；页面未标注公开日期或发布日期，也无落款日期" in late[0]["message"]


def test_other_page_date_long_after_the_year_is_not_taken_for_publication():
    lines = ["示例市商务局2022年政府信息公开工作年度报告", "更新时间：2024-12-30",
             *body_text(2022, "示例市商务局", None)]
    doc = document("\n".join(lines), "page.txt")
    assert doc["published"] is None and "doc.deadline" not in doc["rules"]


def test_browser_print_header_is_not_part_of_the_title():
    lines = ["2025/11/3 16:20 示例县民政局2024年政府信息公开工作年度报告",
             "示例县民政局2024年政府信息公开工作年度报告", *body_text(2024, "示例县民政局", "2025-01-24")]
    doc = document("\n".join(lines), "printed.txt")
    assert (doc["title"], doc["issuer"]) == ("示例县民政局2024年政府信息公开工作年度报告", "示例县民政局")
    assert doc["published"]["date"] == "2025-01-24"


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(("head", "issuer", "kind", "year"), [
    (["2019年示例市人民政府办公厅政府信息公开工作年度报告"], "示例市人民政府办公厅", "department", 2019),
    (["2020年度示例市政府信息公开工作年度报告"], "示例市", "government", 2020),
    (["示例县人民政府办公室", "2021年政府信息公开工作年度报告"], "示例县人民政府办公室", "department", 2021),
    (["示例市2022年政府信息公开", "工作年度报告"], "示例市", "government", 2022),
    (["示例县人民政府2024年政府信息", "公开工作年度报告"], "示例县人民政府", "government", 2024),
    (["示例县人民政府", "", "2024年政府信息公开", "工作年度报告"], "示例县人民政府", "government", 2024),
    (["示例区人民政府 2025 年政府信息公开工作年度报告"], "示例区人民政府", "government", 2025),
    (["# 示例县卫生健康委员会2024年政府信息公开工作年度报告"], "示例县卫生健康委员会", "department", 2024),
    (["## **2023 年示例新区管委会政府信息公开工作年度报告**"], "示例新区管委会", "government", 2023),
    (["示例综合实验区2024年政府信息公开工作年度报告"], "示例综合实验区", "government", 2024),
    (["中共示例县委办公室（示例县人民政府办公室）２０２３年政府信息公开工作年度报告"],
     "中共示例县委办公室（示例县人民政府办公室）", "department", 2023),
    (["《示例市人民政府2023年政府信息公开工作年度报告》"], "示例市人民政府", "government", 2023),
    (["示例高新区管委会办公室2024年政府信息公开工作年度报告"], "示例高新区管委会办公室", "department", 2024),
    (["示例经济开发区管理委员会", "2024年度政府信息公开工作年度报告"], "示例经济开发区管理委员会", "government", 2024),
])
def test_title_forms(head: list[str], issuer: str, kind: str, year: int):
    lines = head + ["", *body_text(year, issuer, None)]
    report = report_of("\n".join(lines), "report.md")
    doc = report.document
    assert (doc.kind, doc.year, doc.issuer, doc.issuer_kind) == ("annual_report", year, issuer, kind)


def test_title_broken_over_two_lines_in_a_page():
    title = "<h1>示例县自然资源局<br>2024年政府信息公开工作年度报告</h1>"
    page = (f"<html><body>{title}<p>发布日期：2025-01-20</p>{body_html(2024, '示例县自然资源局', None)}"
            "</body></html>")
    doc = document(page)
    assert (doc["issuer"], doc["year"], doc["issuer_kind"]) == ("示例县自然资源局", 2024, "department")
    assert doc["on_time"] is True


@pytest.mark.parametrize(("issuer", "kind"), [
    ("示例市人民政府", "government"), ("示例市", "government"), ("示例市人民政府办公厅", "department"),
    ("示例县人民政府办公室", "department"), ("示例新区管委会", "government"), ("示例综合实验区", "government"),
    ("示例综合实验区管理委员会", "government"), ("示例开发区管委会办公室", "department"),
    ("示例县教育局", "department"),
])
def test_issuer_kind_follows_the_template_rules(issuer: str, kind: str):
    assert issuer_kind(issuer) == kind


@pytest.mark.parametrize(("text", "iso"), [
    ("2021-01-25", "2021-01-25"), ("2021/1/5 10:00", "2021-01-05"), ("2021年1月5日", "2021-01-05"),
    ("20210105", "2021-01-05"), ("二〇二一年一月二十五日", "2021-01-25"), ("2021-02-30", None),
])
def test_date_forms(text: str, iso: str | None):
    assert parse_date(text) == iso


def test_chinese_numeral_signature_date():
    lines = ["示例县水利局2024年政府信息公开工作年度报告", *body_text(2024, "示例县水利局", None),
             "示例县水利局", "二〇二五年一月二十日"]
    doc = document("\n".join(lines), "r.txt")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2025-01-20", "signature")


def test_signature_issuer_when_the_title_names_none():
    lines = ["2024年政府信息公开工作年度报告", *body_text(2024, "示例县水利局", "2025-01-20")]
    doc = document("\n".join(lines), "r.txt")
    assert (doc["issuer"], doc["issuer_kind"]) == ("示例县水利局", "department")


def test_extracted_published_evidence_matches_the_schema():
    page = gov_page(catalogue=catalogue_table([("发布机构", "示例市教育局", "公开日期", "2021-01-25")]),
                    title="示例市教育局2020年政府信息公开工作年度报告", body=body_html(2020, "示例市教育局", None))
    report = report_of(page)
    assert report.document.published is not None
    data = report.to_dict()["document"]["published"]
    assert data["label"] == "公开日期" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["date"])
    assert not list(validator("report.schema.json").iter_errors(report.to_dict()))


# --------------------------------------------------------------------------- other CMS layouts

ARTICLE = body_html(2020, "示例市教育局", None)


@pytest.mark.parametrize("head", [
    # labels in square brackets, no colons
    "<div class='xxgk'><span>[发文机构]</span> 示例市教育局 <span>[联合发文单位]</span> <span>[成文日期]</span> "
    "2021-01-20 <span>[发布日期]</span> 2021-01-25</div>",
    # a row of labels over a row of values
    "<table><tr><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>"
    "<tr><td>000000000/2021-00001</td><td>示例市教育局</td><td>2021-01-25</td></tr></table>",
    # a layout table (it holds another table): each cell becomes a line of its own, labels without colons
    "<table><tr><td>发布机构</td><td>示例市教育局</td></tr><tr><td>发布日期</td><td>2021-01-25</td></tr>"
    "<tr><td><table><tr><td>分享到：</td></tr></table></td></tr></table>",
    # a long navigation menu before the article
    "<ul>" + "".join(f"<li>栏目{i}</li>" for i in range(300)) + "</ul><p>发布机构：示例市教育局</p>"
    "<p>发布日期：2021-01-25</p>",
])
def test_catalogue_layouts_of_other_platforms(head: str):
    page = f"<html><body>{head}<h1>2020年政府信息公开工作年度报告</h1>{ARTICLE}</body></html>"
    doc = document(page)
    assert (doc["year"], doc["issuer"], doc["issuer_kind"]) == (2020, "示例市教育局", "department")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2021-01-25", "page")


def test_title_and_info_bar_on_one_line():
    page = ("<html><body><p>示例县2020年政府信息公开工作年度报告 发布时间：2021-03-20 来源：县政府办</p>"
            f"{body_html(2020, '示例县人民政府', None)}</body></html>")
    doc = document(page)
    assert (doc["title"], doc["issuer"], doc["issuer_kind"]) == (
        "示例县2020年政府信息公开工作年度报告", "示例县", "government")
    assert doc["published"]["date"] == "2021-03-20"


def test_wrapper_title_with_a_site_name_tail():
    lines = ["标题：示例县农业农村局2023年政府信息公开工作年度报告_示例县人民政府", "单位：示例县人民政府",
             *body_text(2023, "示例县农业农村局", None)]
    doc = document("\n".join(lines), "saved.txt")
    assert (doc["title"], doc["issuer"]) == ("示例县农业农村局2023年政府信息公开工作年度报告", "示例县农业农村局")


def test_title_worded_as_annual_work_report():
    lines = ["示例市统计局2020年度政府信息公开工作报告", *body_text(2020, "示例市统计局", "2021-01-18")]
    doc = document("\n".join(lines), "r.txt")
    assert (doc["kind"], doc["year"], doc["issuer"]) == ("annual_report", 2020, "示例市统计局")


# --------------------------------------------------------------------------- a page printed to PDF by a browser


def printed_page_pdf(producer: str, creator: str) -> bytes:
    """A saved report page printed by a browser: time stamp and title atop each page, the URL at the foot."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title = "示例县民政局2023年政府信息公开工作年度报告"
    lines = [title, *[x[:40] for x in body_text(2023, "示例县民政局", None) if x]]
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    pdf.setDateFormatter(lambda *_: "D:20240305101500+08'00'")
    pdf.setProducer(producer)
    pdf.setCreator(creator)
    width, height = A4
    for number, start in enumerate(range(0, len(lines), 35), start=1):
        pdf.setFont("STSong-Light", 8)
        pdf.drawString(30, height - 20, f"2024/3/5 10:15    {title}")
        pdf.drawString(30, 20, f"https://www.example.gov.cn/xxgk/mzj/202401/t20240122_5.html    {number}/4")
        pdf.setFont("STSong-Light", 10)
        for k, line in enumerate(lines[start:start + 35]):
            pdf.drawString(50, height - 60 - 20 * k, line)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_browser_print_date_is_not_the_publication_date():
    data = printed_page_pdf("Skia/PDF m120", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.0.0")
    doc = document(data, "printed.pdf")
    assert (doc["title"], doc["issuer"], doc["year"]) == (
        "示例县民政局2023年政府信息公开工作年度报告", "示例县民政局", 2023)
    assert doc["published"] is None and "doc.deadline" not in doc["rules"]


def test_exported_pdf_creation_date_still_counts():
    doc = document(printed_page_pdf("Microsoft® Word 2016", "Microsoft® Word 2016"), "exported.pdf")
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2024-03-05", "pdf_metadata")
    assert "doc.deadline" in doc["rules"]
