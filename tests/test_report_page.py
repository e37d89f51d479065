"""The per-report HTML page: 表四 as in the template, highlighted rows, labels as printed, PDF pages, Chinese
cell names ahead of addresses, nothing that only works with a mouse, and a print stylesheet."""

from __future__ import annotations

from helpers import check_bytes
from lxml import html as lxml_html
from synth import build_html, build_pdf, inject, synth_values

from gkcheck.render.html import render_html


def _page(result: dict):
    return lxml_html.fromstring(render_html(result))


def test_table_four_is_one_row_of_fifteen_under_three_header_levels() -> None:
    values = inject(synth_values("2021", 3), "t4.review.total", 999)
    root = _page(check_bytes(build_html("2021", values)))
    table = root.xpath("//h3[@id='t4']/following::table[1]")[0]
    header = table.xpath("./thead/tr")
    assert len(header) == 3
    assert [th.text_content() for th in header[0].xpath("th")] == ["行政复议", "行政诉讼"]
    assert [th.get("colspan") for th in header[0].xpath("th")] == ["5", "10"]
    assert [th.text_content() for th in header[1].xpath("th")][-2:] == ["未经复议直接起诉", "复议后起诉"]
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [th.text_content() for th in header[2].xpath("th")] == results * 2
    body = table.xpath("./tbody/tr")
    assert len(body) == 1 and len(body[0].xpath("td")) == 15
    cells = [td.get("data-cell") for td in body[0].xpath("td")]
    assert cells[:5] == [f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
    assert cells[5] == "t4.litigation_direct.upheld" and cells[-1] == "t4.litigation_after_review.total"
    total = body[0].xpath("td[@data-cell='t4.review.total']")[0]
    assert total.text_content().startswith("999") and "应为" in total.xpath("span[@class='expected']")[0].text
    assert "row-error" in body[0].get("class")


def test_label_as_printed_beside_the_template_label_and_warned_row_highlighted() -> None:
    page = build_html("2021", synth_values("2021", 4)).replace("其他法律行政法规禁止公开", "其他法律行政止公开")
    result = check_bytes(page)
    assert [f["rule"] for f in result["findings"]] == ["table.label_wording"]
    root = _page(result)
    row = root.xpath("//td[@data-cell='t3.denied_law_forbidden.total']/..")[0]
    assert "row-warning" in row.get("class")
    label = row.xpath("th[contains(@class,'row-label')]")[-1]
    assert "其他法律行政法规禁止公开" in label.text_content()
    assert label.xpath("span[@class='printed']")[0].text == "报告原文：“2.其他法律行政止公开”"
    clean = _page(check_bytes(build_html("2021", synth_values("2021", 4))))
    assert not clean.xpath("//tr[contains(@class,'row-warning')]") and not clean.xpath("//span[@class='printed']")


def test_cells_named_in_chinese_with_the_address_secondary() -> None:
    values = inject(synth_values("2021", 5), "t3.total_processed.total", 1)
    root = _page(check_bytes(build_html("2021", values)))
    finding = root.xpath("//div[contains(@class,'finding') and contains(@class,'error')]")[0]
    names = [s.text for s in finding.xpath(".//span[@class='cell-name']")]
    assert names and all(n.startswith("表三「") for n in names)
    assert finding.xpath(".//code[@class='addr']")[0].text.startswith("t3.")
    assert finding.xpath(".//span[@class='rule-id']/code")[0].text.startswith("arith.")
    assert len(names) <= 4
    suspect = root.xpath("//ol[@class='suspects']/li")[0]
    assert suspect.xpath("span[@class='cell-name']")[0].text == "表三「（七）总计」/「总计」"


def test_pdf_locations_are_pages_not_text_lines() -> None:
    values = inject(synth_values("2021", 6), "t3.total_processed.total", 1)
    result = check_bytes(build_pdf("2021", values), "report.pdf")
    pages = result["report"]["page_starts"]
    assert len(pages) >= 2 and pages[0] == 1
    located = [f for f in result["findings"] if (f.get("location") or {}).get("line")]
    assert located and all(f["location"]["page"] >= 1 for f in located)
    page = render_html(result)
    outline = lxml_html.fromstring(page).xpath("//ul[@class='outline']")[0].text_content()
    assert "页）" in outline and "行）" not in outline
    html_result = check_bytes(build_html("2021", values))
    assert "行）" in lxml_html.fromstring(render_html(html_result)).xpath("//ul[@class='outline']")[0].text_content()


def test_nothing_depends_on_hovering_and_print_css_keeps_tables_whole() -> None:
    values = inject(synth_values("2021", 7), "t4.review.total", 999)
    page = render_html(check_bytes(build_html("2021", values)))
    assert "悬停" not in page and "鼠标" not in page
    assert "@media print" in page and "table-header-group" in page and "break-inside: avoid" in page
    root = lxml_html.fromstring(page)
    assert all(t.xpath("./thead") for t in root.xpath("//table[contains(@class,'report-table')]"))
