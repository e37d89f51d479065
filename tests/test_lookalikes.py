"""Documents that only look like annual reports: not scored, not ranked, one-line Chinese reason.

Letters and notices about disclosure work, work points and their 落实情况, budget/final-account documents, a
checker's comparison output quoting two reports, blank templates — and the real reports that merely mention
such things, which must stay annual reports. All names and texts are invented.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from helpers import CORPUS, check_bytes, corpus, findings_of, needs_corpus, rule_ids
from synth import build_docx, build_html, build_text, document_blocks, html_table, synth_values

from gkcheck.engine import run
from gkcheck.pipeline import extract_file
from gkcheck.render import render_text
from gkcheck.render.summary import BatchSummary
from gkcheck.rulepack import load_profile, load_rules

VALUES = synth_values("2021", 7)
BLANK = {address: None for address in VALUES}


def verdict(data: bytes | str, name: str = "doc.html") -> dict[str, Any]:
    return check_bytes(data, name)


def assert_not_report(result: dict[str, Any], *words: str) -> str:
    """Not a report, not scored, the only finding says why in one line naming the class."""
    doc = result["document"]
    assert doc["kind"] == "not_annual_report"
    assert result["score"]["total"] is None and result["score"]["reason"]
    assert rule_ids(result) == ["doc.kind.not_report"]
    reason = doc["kind_reason"]
    assert "\n" not in reason and all(w in reason for w in words), reason
    return reason


def page(title: str, body: str, catalogue: str = "") -> bytes:
    return f"""<html><head><meta charset="gbk"><title>{html.escape(title)}_示例市人民政府</title></head><body>
<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 通知公告</div>{catalogue}
<h1>{html.escape(title)}</h1><div class="info">发布日期：2023-12-05 来源：示例市人民政府办公室</div>
<div id="zoom">{body}</div></body></html>""".encode("gbk")


def paras(*texts: str) -> str:
    return "".join(f"<p>{html.escape(t)}</p>" for t in texts)


# --------------------------------------------------------------------------- letters and notices


def test_notice_about_compiling_the_annual_reports():
    title = "示例市人民政府办公室关于做好2023年度政府信息公开工作年度报告编制发布工作的通知"
    body = paras(
        "各区县人民政府，市政府各部门：",
        "为做好2023年度政府信息公开工作年度报告编制和发布工作，现就有关事项通知如下：",
        "一、严格按照《中华人民共和国政府信息公开工作年度报告格式》编制，主动公开、依申请公开、行政复议和"
        "行政诉讼等统计数据要真实准确。",
        "二、市政府各部门应于2024年1月31日前、各区县人民政府应于2024年3月31日前在门户网站公开年度报告。",
        "示例市人民政府办公室", "2023年12月5日")
    result = verdict(page(title, body))
    assert_not_report(result, "函件或通知", "编制发布工作的通知")
    assert result["document"]["issuer"] == "示例市人民政府办公室"


def test_letter_in_plain_text():
    text = "\n".join([
        "示例县教育局关于报送2023年政府信息公开工作年度报告的函",
        "县政府办公室：",
        "根据《中华人民共和国政府信息公开条例》第五十条要求，现将我局2023年政府信息公开工作年度报告报送你们，"
        "请审阅。",
        "附件：示例县教育局2023年政府信息公开工作年度报告",
        "示例县教育局", "2024年1月15日"])
    assert_not_report(verdict(text, "letter.txt"), "函件或通知")


# --------------------------------------------------------------------------- work points and their implementation


def test_work_points_notice_with_disclosure_sections_but_no_tables():
    catalogue = ("<table class='xxgk'><tr><td>索引号</td><td>000000000/2024-00031</td><td>主题分类</td>"
                 "<td>政务公开</td></tr><tr><td>发文机关</td><td>示例市人民政府办公室</td><td>成文日期</td>"
                 "<td>2024-04-18</td></tr><tr><td>标题</td><td colspan='3'>示例市2024年政务公开工作要点</td></tr>"
                 "<tr><td>发文字号</td><td>示政办〔2024〕9号</td><td>发布日期</td><td>2024-04-22</td></tr></table>")
    body = paras(
        "一、深化主动公开，围绕稳经济、促发展加大政策发布和解读力度。",
        "二、规范依申请公开，完善收到和处理政府信息公开申请的办理流程。",
        "三、做好政府信息公开行政复议、行政诉讼的应诉工作，降低纠错率。",
        "四、针对存在的主要问题及改进情况开展专项整改，年底前完成。",
        "五、其他需要报告的事项按年度报告格式要求一并报告。")
    result = verdict(page("示例市2024年政务公开工作要点", body, catalogue))
    assert_not_report(result, "工作要点")
    doc = result["document"]
    assert doc["issuer"] == "示例市人民政府办公室" and doc["published"]["date"] == "2024-04-22"


def test_implementation_report_of_the_work_points():
    text = "\n".join([
        "示例区2023年政务公开工作要点落实情况",
        "2023年，我区认真落实年度政务公开工作要点，现将落实情况报告如下。",
        "一、主动公开方面，全年主动公开政府信息一千余条。",
        "二、依申请公开方面，依法按时答复全部申请。"])
    assert_not_report(verdict(text, "luoshi.txt"), "落实情况")


# --------------------------------------------------------------------------- budgets and final accounts


def test_department_budget_document():
    table = ("<table border='1'><tr><td>收入</td><td>预算数</td><td>支出</td><td>预算数</td></tr>"
             "<tr><td>一般公共预算拨款收入</td><td>1,234.56</td><td>教育支出</td><td>1,100.00</td></tr>"
             "<tr><td>收入总计</td><td>1,234.56</td><td>支出总计</td><td>1,234.56</td></tr></table>")
    body = paras("第一部分 示例县教育局概况", "一、部门主要职责", "二、部门预算单位构成",
                 "第二部分 2024年部门预算情况说明", "一、收支预算总体情况") + table + paras(
                 "三、“三公”经费预算情况说明", "第三部分 名词解释")
    result = verdict(page("示例县教育局2024年部门预算公开说明", body))
    assert_not_report(result, "预算或决算")


def test_final_accounts_in_text():
    text = "\n".join(["示例市财政局2023年度部门决算", "目录", "第一部分 部门概况", "第二部分 2023年度部门决算表",
                      "一、收入支出决算总表", "二、收入决算表", "三、支出决算表"])
    assert_not_report(verdict(text, "juesuan.txt"), "预算或决算")


# --------------------------------------------------------------------------- a checker's comparison output


def test_comparison_output_with_an_audit_heading():
    text = "\n".join([
        "# 年报数据比对结果",
        "",
        "比对对象：《示例区人民政府2023年政府信息公开工作年度报告》与《示例区人民政府2024年政府信息公开工作年度报告》",
        "",
        "| 单元格 | 2023年 | 2024年 | 说明 |",
        "| --- | --- | --- | --- |",
        "| 表三 本年新收 总计 | 21 | 95 | 口径不同 |",
        "| 表四 行政复议 总计 | 0 | 3 | 2023年应为11，勾稽关系不一致 |",
    ])
    assert_not_report(verdict(text, "compare.md"), "比对或审核")


def test_checker_output_quoting_two_reports_without_a_heading_of_its_own():
    text = "\n".join([
        "示例区人民政府2023年政府信息公开工作年度报告",
        "示例区人民政府2024年政府信息公开工作年度报告",
        "1. 表四“行政复议”总计填写为0，按分项之和应为11，勾稽关系不一致，疑似错填。",
        "2. 2024年“上年结转”与2023年“结转下年度”逐列比对一致。",
        "3. 表三“（六）其他处理”为单行，与2021年格式不符。",
    ])
    reason = assert_not_report(verdict(text, "audit.txt"), "多份不同的年度报告")
    assert "2023年" in reason and "2024年" in reason


def test_a_checkers_text_summary_given_back_as_input():
    checked = verdict(build_html("2021", {**VALUES, "t4.review.total": 99}, issuer="示例县人民政府"))
    summary = render_text(checked)
    assert "最可能出错" in summary
    reason = assert_not_report(verdict(summary, "summary.txt"), "检查或比对结果")
    assert "格式模板" not in reason


# --------------------------------------------------------------------------- blank templates


def test_blank_template_docx_titled_as_the_format():
    data = build_docx("2021", BLANK, title="政府信息公开工作年度报告格式", published=None, issuer="（单位名称）")
    result = verdict(data, "format.docx")
    assert_not_report(result, "格式模板")
    assert {t: i["status"] for t, i in result["report"]["tables"].items()} == {
        "t2": "blank", "t3": "blank", "t4": "blank"}


def test_blank_tables_without_an_issuer_are_a_template():
    data = build_html("2021", BLANK, title="2021年政府信息公开工作年度报告", published=None, issuer="（单位名称）")
    assert_not_report(verdict(data), "未填写")


def test_blank_tables_of_a_named_issuer_stay_a_report_with_findings():
    data = build_html("2021", BLANK, issuer="示例县人民政府", published="2022-03-20")
    result = verdict(data)
    assert result["document"]["kind"] == "annual_report" and result["score"]["total"] is not None
    assert findings_of(result, "table.present")


# --------------------------------------------------------------------------- real reports that mention such things


def report_page(before: str = "", after: str = "") -> bytes:
    """A department's full report page with other markup before and after the article."""
    blocks = document_blocks("2021", VALUES, year=2023, issuer="示例县教育局", published="2024-01-20")
    body = "".join(html_table(p) if k == "table" else f"<p>{html.escape(str(p))}</p>" for k, p in blocks[1:]
                   if k != "meta")
    return (f"<html><body>{before}<h1>{blocks[0][1]}</h1><p>发布日期：2024-01-20</p>{body}{after}</body></html>"
            ).encode()


def report_with_sidebar_first() -> bytes:
    return report_page(before="<div class='left'><ul><li>示例县2023年政务公开工作要点</li>"
                              "<li>关于报送2023年度预决算的通知</li><li>示例县教育局2024年部门预算</li></ul></div>")


def test_sidebar_links_above_the_title_do_not_make_a_report_a_look_alike():
    result = verdict(report_with_sidebar_first())
    doc = result["document"]
    assert (doc["kind"], doc["issuer"], doc["year"]) == ("annual_report", "示例县教育局", 2023)
    assert result["score"]["total"] is not None


def test_report_published_under_a_cover_notice_is_a_report():
    blocks = document_blocks("2021", VALUES, year=2023, issuer="示例县人民政府", published="2024-03-20")
    body = "".join(html_table(p) if k == "table" else f"<p>{html.escape(str(p))}</p>" for k, p in blocks
                   if k != "meta")
    data = f"<html><body><h1>关于公布示例县2023年政府信息公开工作年度报告的通知</h1>{body}</body></html>"
    result = verdict(data)
    assert result["document"]["kind"] == "annual_report" and result["document"]["year"] == 2023


def test_report_that_mentions_work_points_and_budgets_in_its_body():
    text = "\n".join([
        "示例县财政局2023年政府信息公开工作年度报告",
        "认真落实2023年政务公开工作要点",
        "部门预算决算公开",
        *[str(p) for k, p in document_blocks("2021", VALUES, year=2023, issuer="示例县财政局",
                                               published="2024-01-20")[1:] if k in ("para", "heading")],
    ])
    result = verdict(text, "r.txt")
    assert result["document"]["kind"] == "annual_report"


# --------------------------------------------------------------------------- shared corpus


@pytest.fixture(scope="module")
def corpus_results() -> dict[str, dict]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    rules, profile = load_rules(), load_profile()
    names = ("002_d89e21f17307f581.txt", "template-2021-tables-blank.docx", "huaian-2024.pdf")
    return {n: run(extract_file(corpus(n)), rules, profile) for n in names}


@needs_corpus
def test_corpus_blank_template_is_not_scored_and_not_ranked(corpus_results):
    result = corpus_results["template-2021-tables-blank.docx"]
    assert_not_report(result, "格式模板")
    order = BatchSummary(results=[result, corpus_results["huaian-2024.pdf"]]).ranked_results()
    assert [(rank, r["file"].rsplit("/", 1)[-1]) for rank, r in order] == [
        ("1", "huaian-2024.pdf"), ("", "template-2021-tables-blank.docx")]


@needs_corpus
def test_corpus_work_points_notice_reason(corpus_results):
    result = corpus_results["002_d89e21f17307f581.txt"]
    assert_not_report(result, "工作要点的通知", "函件或通知")
    doc = result["document"]
    assert doc["issuer"] == "福州市人民政府办公厅"
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2021-06-09", "page")


def test_numbered_headings_are_not_document_headings():
    """A report whose title was lost: its numbered sub-headings (（一）预决算公开) do not make it a budget."""
    lines = ["一、总体情况", "（一）预决算公开", "（二）重点领域信息公开",
             *[str(p) for k, p in document_blocks("2021", VALUES, year=2023, issuer="示例县财政局",
                                                   published="2024-01-20")[1:] if k in ("para", "heading")]]
    result = verdict("\n".join(lines), "untitled.txt")
    assert result["document"]["kind"] == "annual_report"


def test_untitled_report_with_review_words_and_filled_tables_stays_a_report():
    text = build_text("2021", VALUES, issuer="示例县人民政府").split("\n", 1)[1]
    text += "\n开展网站检查，检查结果与上年对比，发现个别栏目数据不一致的问题已整改，应为常态化工作。\n"
    result = verdict(text, "untitled.txt")
    assert result["document"]["kind"] == "annual_report" and result["score"]["total"] is not None


# --------------------------------------------------------------------------- a list or review of several units' reports


def reviewed_reports_listing() -> str:
    """Notes on the reports of several units, written in English with the reports' Chinese titles as headings."""
    units = ("示例省", "示例市卫生健康委员会", "示例县人民政府")
    parts = ["# Review notes on published reports", ""]
    for i, unit in enumerate(units):
        parts += [f"## r{i}.txt — {unit}{2021 + i}年政府信息公开工作年度报告",
                  f"- Must: 表三 本年新收 {10 + i} 件; 一、总体情况 present; 二、主动公开政府信息情况 present.",
                  f"- Must not: report 表四 行政复议 as {i} 件.", ""]
    return "\n".join(parts)


def test_notes_on_several_units_reports_are_not_a_report_whatever_the_language():
    reason = assert_not_report(verdict(reviewed_reports_listing(), "notes.md"), "多个不同机关的年度报告")
    assert "示例省2021年" in reason


def test_a_report_page_linking_other_units_reports_stays_a_report():
    units = ("示例县财政局", "示例县民政局", "示例县卫生健康局")
    links = "".join(f"<li>{u}2023年政府信息公开工作年度报告</li>" for u in units)
    result = verdict(report_page(after=f"<ul>{links}</ul>"))
    assert result["document"]["kind"] == "annual_report" and result["score"]["total"] is not None


@needs_corpus
def test_corpus_notes_file_is_not_checked_as_a_report():
    result = verdict((CORPUS / "EXPECTED.md").read_bytes(), "EXPECTED.md")
    assert_not_report(result, "多个不同机关的年度报告")
    assert own_facts(result) == (None, None, None, "unknown")  # not the first quoted report's


# --------------------------------------------------------------------------- facts of a look-alike are its own only


def own_facts(result: dict[str, Any]) -> tuple[Any, Any, Any, str]:
    doc = result["document"]
    return doc["year"], doc["issuer"], doc["title"], doc["issuer_kind"]


def units_listing(own_title: str | None = None, signed: bool = False) -> str:
    """Short notes on three units' reports, each headed by the report's title; the first title is the first line
    unless the listing has a title of its own; with `signed`, every note ends with its report's 落款."""
    units = (("示例县人民政府", 2022), ("示例市卫生健康委员会", 2023), ("示例区教育局", 2023))
    parts = [own_title] if own_title else []
    for unit, year in units:
        parts += [f"{unit}{year}年政府信息公开工作年度报告",
                  f"{year}年1月1日至{year}年12月31日，本机关主动公开政府信息{len(unit)}条。"]
        if signed:
            parts += [unit, f"{year + 1}年1月2{len(unit) % 10}日"]
    return "\n".join(parts)


def test_listing_of_units_reports_states_no_year_or_issuer_of_its_own():
    result = verdict(units_listing(), "listing.txt")
    assert_not_report(result, "多个不同机关的年度报告")
    assert own_facts(result) == (None, None, None, "unknown")
    assert result["document"]["published"] is None
    summary = render_text(result)
    assert "年度：未识别" in summary and "发布机关：未识别" in summary
    assert "示例县人民政府（" not in summary


def test_listing_does_not_take_the_last_reports_signature_as_its_own():
    result = verdict(units_listing("# Notes on three reports", signed=True), "notes.md")
    assert_not_report(result, "多个不同机关的年度报告")
    assert own_facts(result) == (None, None, None, "unknown")
    assert result["document"]["published"] is None  # 2024-01-26 closes the last quoted report


def test_collection_titled_as_a_collection_keeps_what_its_own_title_states():
    result = verdict(units_listing("示例市2023年政府信息公开工作年度报告汇编"), "collection.txt")
    assert_not_report(result, "多个不同机关的年度报告")
    assert own_facts(result) == (2023, "示例市", "示例市2023年政府信息公开工作年度报告汇编", "government")


def test_collection_title_naming_only_a_group_gives_no_issuer():
    result = verdict(units_listing("2023年度各部门政府信息公开工作年度报告目录"), "catalogue.txt")
    assert_not_report(result, "多个不同机关的年度报告")
    year, issuer, title, _ = own_facts(result)
    assert (year, issuer) == (2023, None) and title and "目录" in title


def test_letter_quoting_a_report_title_gives_its_own_signature_not_the_reports_facts():
    text = "\n".join([
        "示例市人民政府办公室关于报送年度报告的函",
        "示例县人民政府2023年政府信息公开工作年度报告",
        "市政府各部门：",
        "请于2024年1月31日前报送2023年1月1日至2023年12月31日的政府信息公开工作年度报告，并抄送本办。",
        "示例市人民政府办公室",
        "2024年1月5日",
    ])
    result = verdict(text, "letter.txt")
    assert_not_report(result, "函件或通知")
    assert own_facts(result) == (None, "示例市人民政府办公室", None, "department")
    assert result["document"]["published"]["date"] == "2024-01-05"  # the letter's own 落款


def test_budget_page_linking_a_report_keeps_the_pages_own_issuer():
    body = paras("示例县财政局2023年政府信息公开工作年度报告",
                 "根据预算法规定，现将本部门2024年部门预算公开如下：一般公共预算收入1200万元。")
    catalogue = "<table><tr><td>发布机构：</td><td>示例县财政局</td></tr></table>"
    result = verdict(page("示例县财政局2024年部门预算公开说明", body, catalogue))
    assert_not_report(result, "预算或决算")
    assert own_facts(result) == (None, "示例县财政局", None, "department")


def test_notice_states_no_report_year_from_the_period_in_its_body():
    body = paras("各区县人民政府：", "年度报告统计期限为2023年1月1日至2023年12月31日，请按格式编制。")
    result = verdict(page("示例市人民政府办公室关于做好年度报告编制工作的通知", body))
    assert_not_report(result, "函件或通知")
    assert result["document"]["year"] is None


def test_batch_row_of_a_listing_names_the_file_not_a_quoted_unit(tmp_path):
    from click.testing import CliRunner

    from gkcheck.cli import main

    (tmp_path / "listing.txt").write_text(units_listing(), encoding="utf-8")
    (tmp_path / "report.html").write_text(build_html("2021", VALUES, issuer="示例镇人民政府"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["check", str(tmp_path / "listing.txt"), str(tmp_path / "report.html"),
                                       "--out", str(out), "--format", "json,html"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    row = next(u for u in summary["units"] if u["file"].endswith("listing.txt"))
    assert row["year"] is None and "示例县人民政府" not in json.dumps(row, ensure_ascii=False)
    page_html = (out / "listing.html").read_text(encoding="utf-8")
    assert "示例县人民政府（" not in page_html and "2022 年" not in page_html
