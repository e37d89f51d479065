"""Batch summaries a supervisor hands on: scorecard.xlsx, findings.csv, summary.json, the ranking page, and
what the command prints while a batch runs."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from pathlib import Path

import pytest
from batchdata import UNITS, check_batch, write_batch
from click.testing import CliRunner
from helpers import validator
from lxml import html as lxml_html
from openpyxl import load_workbook

from gkcheck.cli import main
from gkcheck.progress import Progress, final_line
from gkcheck.render.summary import BatchSummary, findings_csv, summary_json, unit_name
from gkcheck.render.workbook import render_workbook
from gkcheck.rulepack import load_rules


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    return check_batch(tmp_path_factory.mktemp("batch"))


def _json_results(out: Path) -> dict[str, dict]:
    return {json.loads(p.read_text("utf-8"))["file"]: json.loads(p.read_text("utf-8"))
            for p in out.glob("report*.json")}


def test_workbook_ranking_sheet(batch) -> None:
    out, _ = batch
    book = load_workbook(out / "scorecard.xlsx")
    assert book.sheetnames == ["单位排名", "问题明细", "规则统计"]
    sheet = book["单位排名"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["排名", "单位", "类型", "年度", "得分"]
    assert {"结构完整", "数据勾稽", "发布时效", "错误数", "警告数", "主要问题", "是否按时"} <= set(header)
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}6"
    assert sheet.column_dimensions["B"].width >= 12
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [r["单位"] for r in rows[:4]] == ["甲县人民政府", "乙县人民政府", "丁县财政局", "丙县人民政府"]
    assert [r["排名"] for r in rows] == [1, 2, 3, 4, None]
    assert isinstance(rows[0]["得分"], (int, float)) and rows[0]["得分"] > rows[1]["得分"]
    assert rows[1]["错误数"] == 1 and "表四" in rows[1]["主要问题"]
    assert sheet.max_column == len(header)
    assert sheet.cell(3, header.index("主要问题") + 1).alignment.wrap_text
    assert rows[2]["是否按时"] == "逾期" and rows[3]["是否按时"] == "未知" and rows[3]["发布时效"] == 0
    failed = rows[4]
    assert failed["类型"] == "无法检查" and "文件为空" in failed["说明"] and failed["得分"] is None


def test_workbook_findings_and_rule_sheets_match_the_json_results(batch) -> None:
    out, _ = batch
    results = _json_results(out)
    book = load_workbook(out / "scorecard.xlsx")
    details = book["问题明细"]
    header = [c.value for c in details[1]]
    assert header[:7] == ["单位", "文件", "严重程度", "类别", "规则编号", "规则名称", "问题"]
    assert details.freeze_panes == "B2" and details.auto_filter.ref
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in details.iter_rows(min_row=2)]
    assert len(rows) == sum(len(r["findings"]) for r in results.values())
    arithmetic = [r for r in rows if r["单位"] == "乙县人民政府" and r["类别"] == "数据勾稽"]
    assert arithmetic and arithmetic[0]["严重程度"] == "错误"
    assert arithmetic[0]["最可能出错的单元格"] == "t4.review.total" and arithmetic[0]["填报值"] == "999"
    assert arithmetic[0]["应为"] and int(arithmetic[0]["应为"]) != 999
    rules = book["规则统计"]
    header = [c.value for c in rules[1]]
    assert header[:5] == ["规则编号", "规则名称", "严重程度", "类别", "不符合的单位数"]
    counted = {row[0].value: row[4].value for row in rules.iter_rows(min_row=2)}
    failing = {}
    for result in results.values():
        for rule in {f["rule"] for f in result["findings"]}:
            failing[rule] = failing.get(rule, 0) + 1
    assert counted == failing
    ordered = [(row[0].value, row[2].value, row[4].value) for row in rules.iter_rows(min_row=2)]
    serious = [units for _, severity, units in ordered if severity != "提示"]
    assert serious == sorted(serious, reverse=True) and ordered[0][1] != "提示"  # most failed first, notes last


def test_findings_csv_has_bom_and_one_row_per_finding(batch) -> None:
    out, _ = batch
    raw = (out / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["单位", "文件", "严重程度"] and rows[0][-1] == "指纹"
    assert len(rows) - 1 == sum(len(r["findings"]) for r in _json_results(out).values())
    assert {r[0] for r in rows[1:]} <= set(UNITS)


def test_summary_json(batch) -> None:
    out, _ = batch
    data = json.loads((out / "summary.json").read_text("utf-8"))
    validator("summary.schema.json").validate(data)
    severities = [r["severity"] for r in data["rules"]]
    assert severities == sorted(severities, key=lambda s: s == "info")  # notes after errors and warnings
    assert data["totals"] == {"files": 5, "checked": 4, "scored": 4, "legacy_scored": 0, "with_errors": 2,
                              "unreadable": 1, "missing": 0, "duplicates": 0, "average": data["totals"]["average"]}
    assert re.fullmatch(r"gkcheck \S+ · 规则 \d+ 条 · [0-9a-f]{8}", data["rules_version"])
    assert data["generated"][:4].isdigit() and "index.html" in data["files"]
    units = data["units"]
    assert [u["unit"] for u in units[:2]] == ["甲县人民政府", "乙县人民政府"]
    assert units[1]["main_problems"] and units[1]["counts"]["error"] == 1
    assert units[-1]["error"] == "文件为空" and units[-1]["rank"] is None
    assert all(set(u["categories"]) >= {"structure", "timeliness"} for u in units[:4])


def test_ranking_page(batch) -> None:
    out, _ = batch
    page = (out / "index.html").read_text("utf-8")
    root = lxml_html.fromstring(page)
    units = [a.text_content() for a in root.xpath("//td[contains(@class,'unit')]//a")]
    assert units == ["甲县人民政府", "乙县人民政府", "丁县财政局", "丙县人民政府"]
    for link in root.xpath("//td[contains(@class,'unit')]//a/@href"):
        assert (out / link).is_file()
    downloads = root.xpath("//p[@class='downloads']//a/@href")
    assert downloads == ["scorecard.xlsx", "scorecard.csv", "findings.csv", "summary.json"]
    assert all((out / d).is_file() for d in downloads)
    assert len(root.xpath("//svg")) == 2 and "生成时间" in page and "检查依据：gkcheck" in page
    headers = [th.text_content().strip() for th in root.xpath("//table[@id='units']/thead//th")]
    assert headers[:3] == ["排名", "单位", "得分"] and "数据勾稽" in headers and "主要问题" in headers
    assert root.xpath("//tr[contains(@class,'failed')]//td[contains(@class,'problems')]")[0].text_content().strip() \
        == "无法检查：文件为空"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no external resources
    assert "悬停" not in page and "@media print" in page and "table-header-group" in page


def test_json_only_batch_writes_no_ranking_page(tmp_path: Path) -> None:
    out, result = check_batch(tmp_path, "--format", "json", "-q")
    assert not (out / "index.html").exists()
    assert {"scorecard.xlsx", "scorecard.csv", "findings.csv", "summary.json"} <= {p.name for p in out.iterdir()}
    assert "index.html" not in json.loads((out / "summary.json").read_text("utf-8"))["files"]


def test_progress_lines_when_not_a_terminal(batch) -> None:
    out, result = batch
    lines = result.output.strip().splitlines()
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 5 and progress[0].startswith("[1/5] 甲县人民政府（") and "得分" in progress[0]
    assert any(line.startswith("[5/5] ✗ 无法检查") and "文件为空" in line for line in progress)
    last = lines[-1]
    assert last.startswith("完成：共 5 个文件，已评分 4，有“错误”的 2，无法读取 1")
    assert str(out.resolve()) in last and "index.html" in last


def test_quiet_prints_only_the_final_line(tmp_path: Path) -> None:
    out, result = check_batch(tmp_path, "-q")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith("完成：共 5 个文件") and "empty.html（文件为空）" in result.output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_shows_count_rate_and_time_left() -> None:
    stream, printed = Terminal(), []
    ticks = iter(range(100))
    progress = Progress(3, stream=stream, out=printed.append, clock=lambda: float(next(ticks)))
    assert threading.active_count() == 1  # no monitor thread: the batch can fork the child making scorecard.xlsx
    progress.file_done({"file": "a.html", "document": {"issuer": "甲县人民政府"}, "score": {"total": 90.0}})
    progress.file_done({"file": "b.html", "error": "文件为空"})
    progress.file_done({"file": "c.html", "document": {}, "score": {"total": 80.0}})
    line = progress.finish(BatchSummary(results=[{"file": "a.html"}, {"file": "b.html", "error": "文件为空"}]),
                           Path("out"), ["index.html"])
    bar = stream.getvalue()
    assert re.search(r"[123]/3 份", bar) and "每秒 1.0 份" in bar and "预计还需" in bar
    assert "✗ 无法检查 b.html：文件为空" in bar
    assert printed == [line] and line.startswith("完成：共 2 个文件")


def test_final_line_names_the_output_folder() -> None:
    line = final_line(BatchSummary(results=[{"file": "a.html", "score": {"total": 50.0}, "summary": {"error": 1}}]),
                      Path("/tmp/x"))
    assert line == "完成：共 1 个文件，已评分 1，有“错误”的 1，无法读取 0（用时 0.0 秒）；结果在 /tmp/x"


def test_unit_name_prefers_declared_unit_then_issuer_then_file() -> None:
    assert unit_name({"unit": "甲县", "document": {"issuer": "乙"}}) == "甲县"
    assert unit_name({"document": {"issuer": "乙县人民政府"}, "file": "x/y.pdf"}) == "乙县人民政府"
    assert unit_name({"document": {}, "file": "x/丙县年报.pdf"}) == "丙县年报"


def test_workbook_keeps_formulas_and_control_characters_out() -> None:
    summary = BatchSummary(load_rules())
    summary.add({"file": "=cmd|' /C calc'!A0.html", "document": {"issuer": "=HYPERLINK(\"http://x\")\x07"},
                 "score": {"total": 50.0, "categories": {}}, "summary": {"error": 1, "warning": 0, "info": 0},
                 "findings": [{"rule": "x.y", "severity": "error", "category": "content", "message": "=1+1",
                               "cells": []}]})
    summary.add({"file": "#REF!.html", "document": {"issuer": "#N/A"},  # spreadsheet error codes stay text too
                 "score": {"total": 40.0, "categories": {}}, "summary": {"error": 0, "warning": 0, "info": 0},
                 "findings": []})
    book = load_workbook(io.BytesIO(render_workbook(summary)))
    unit = book["单位排名"]["B2"]
    assert unit.value == "=HYPERLINK(\"http://x\")" and unit.data_type == "s"
    assert book["问题明细"]["G2"].value == "=1+1" and book["问题明细"]["G2"].data_type == "s"
    error_code = book["单位排名"]["B3"]
    assert error_code.value == "#N/A" and error_code.data_type == "s"
    assert "'=1+1" in "".join(findings_csv(summary))


def test_expected_unit_without_report_and_duplicate_report_rows(tmp_path: Path) -> None:
    units = tmp_path / "units.yaml"
    listed = "\n".join(f"  - {{name: {u}, kind: {'department' if u.endswith('局') else 'government'}}}"
                       for u in [*UNITS, "戊县人民政府"])
    units.write_text(f"units:\n{listed}\n", encoding="utf-8")
    write_batch(tmp_path / "in")
    (tmp_path / "in" / "report1b.html").write_bytes((tmp_path / "in" / "report1.html").read_bytes())
    out = tmp_path / "out"  # the copy is a second report of 乙县人民政府
    result = CliRunner().invoke(main, ["check", str(tmp_path / "in"), "--out", str(out), "--units", str(units), "-q"])
    assert "未提交报告的单位 1" in result.output and "共 6 个文件" in result.output
    data = json.loads((out / "summary.json").read_text("utf-8"))
    assert data["totals"]["missing"] == 1 and data["totals"]["files"] == 6 and data["totals"]["duplicates"] == 1
    duplicate = next(u for u in data["units"] if u["status"] == "duplicate")
    assert duplicate["rank"] is None and "重复报告，排名计入" in duplicate["note"]
    missing = next(u for u in data["units"] if u["status"] == "missing")
    assert missing["unit"] == "戊县人民政府" and missing["rank"] is None and missing["kind"] == "未发布/未提交"
    ranks = [u["rank"] for u in data["units"] if u["rank"]]
    assert ranks == list(range(1, len(ranks) + 1))  # no gap where a duplicate or missing row stands
    root = lxml_html.fromstring((out / "index.html").read_text("utf-8"))
    row = root.xpath("//tr[contains(@class,'missing')]")[0]
    assert row.get("data-unit") == "戊县人民政府" and "未发布/未提交" in row.text_content()
    assert not row.xpath(".//a")
    book = load_workbook(out / "scorecard.xlsx")["单位排名"]
    assert any(r[1].value == "戊县人民政府" and r[2].value == "未发布/未提交" for r in book.iter_rows(min_row=2))


def _scored(file: str, total: float, kind: str = "annual_report") -> dict:
    return {"file": file, "document": {"kind": kind, "issuer": file.split(".")[0]},
            "score": {"total": total, "categories": {}}, "summary": {"error": 0, "warning": 0, "info": 0},
            "findings": []}


def test_most_common_problems_chart_counts_a_rule_only_where_it_found_a_problem() -> None:
    rules = load_rules()
    rule = next(r for r in rules if r.severity == "warning")
    summary = BatchSummary(rules)
    for n, severity in enumerate(("warning", "info", "info")):  # the rule's finding is only a note in two units
        result = _scored(f"单位{n}.html", 90.0)
        result["findings"] = [{"rule": rule.id, "severity": severity, "category": rule.category, "message": "x",
                               "cells": []}]
        summary.add(result)
    [row] = [r for r in summary.rule_rows() if r.rule == rule.id]
    assert (row.units, row.problem_units) == (3, 1)
    from gkcheck.render.html import render_index_page

    root = lxml_html.fromstring("".join(render_index_page(summary)))
    bars = [t.text_content() for t in root.xpath("//svg[@aria-label='最常见的问题']/text")]
    assert bars[-1] == "1"


def test_pre_2019_reports_are_ranked_among_themselves_after_the_current_ones() -> None:
    summary = BatchSummary()
    for result in (_scored("甲县.html", 80.0), _scored("乙县旧.txt", 95.0, "legacy_annual_report"),
                   _scored("丙县.html", 90.0), _scored("丁县旧.txt", 60.0, "legacy_annual_report")):
        summary.add(result)
    rows = [(r.unit, r.rank, r.ranking) for r in summary.unit_rows()]
    assert rows == [("丙县", "1", "current"), ("甲县", "2", "current"),
                    ("乙县旧", "1", "legacy"), ("丁县旧", "2", "legacy")]
    legacy = [r for r in summary.unit_rows() if r.ranking == "legacy"]
    assert all("只与旧格式年报一起排名" in r.note for r in legacy)
    data = json.loads("".join(summary_json(summary)))
    assert [(u["unit"], str(u["rank"]), u["ranking"]) for u in data["units"]] == rows
    assert not list(validator("summary.schema.json").iter_errors(data))
    from gkcheck.render.html import render_index_page

    root = lxml_html.fromstring("".join(render_index_page(summary)))
    order = [(tr.get("data-unit"), int(tr.get("data-rank"))) for tr in root.xpath("//tbody/tr")]
    assert [u for u, _ in sorted(order, key=lambda x: x[1])] == ["丙县", "甲县", "乙县旧", "丁县旧"]
    assert "旧格式" in root.xpath("//tbody/tr")[2].xpath("./td")[0].text_content()
    # the average and the score bands are those of the current-format reports (80 and 90), not of all four
    assert data["totals"]["average"] == 85.0 and data["totals"]["scored"] == 4 and data["totals"]["legacy_scored"] == 2
    assert dict(summary.score_histogram()) == {**{label: 0 for label, _ in summary.score_histogram()},
                                               "80–89": 1, "90–100": 1}
    boxes = {div.text: div.findtext("strong") for div in root.xpath("//div[@class='summary']/div")}
    assert boxes["平均分（现行格式）"] == "85.0" and boxes["其中旧格式（另行排名）"] == "2"
    from gkcheck.progress import final_line

    assert "已评分 4（其中旧格式 2）" in final_line(summary, Path("."))


def test_a_document_that_is_not_a_report_says_why_and_has_no_timeliness() -> None:
    summary = BatchSummary()
    summary.add({"file": "notice.html", "document": {"kind": "not_annual_report", "issuer": "某局"},
                 "score": {"total": None, "reason": "不是政府信息公开工作年度报告", "categories": {}},
                 "summary": {"error": 0, "warning": 0, "info": 0}, "findings": []})
    [row] = summary.unit_rows()
    assert row.timeliness == "—" and row.rank == "" and row.reason == "不是政府信息公开工作年度报告"
    from gkcheck.render.html import render_index_page

    cell = lxml_html.fromstring("".join(render_index_page(summary))).xpath("//td[@class='problems']")[0]
    assert cell.text_content().strip() == "不评分：不是政府信息公开工作年度报告"


def test_workbook_interrupted_while_its_rows_are_made_leaves_nothing_behind(monkeypatch) -> None:
    """Ctrl-C while scorecard.xlsx is written: the interrupt goes through, openpyxl's half-written sheets are
    finished quietly (no "Exception ignored" on the terminal) and their temporary files are removed."""
    import gc
    import sys

    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    summary = BatchSummary()
    for n in range(30):
        result = _scored(f"单位{n}.html", 80.0)
        result["findings"] = [{"rule": "x", "severity": "error", "category": "c", "message": "m", "cells": []}]
        summary.add(result)
    rows = summary.finding_rows

    def interrupted():
        for k, row in enumerate(rows()):
            if k == 10:
                raise KeyboardInterrupt
            yield row

    monkeypatch.setattr(summary, "finding_rows", interrupted)
    unraisable: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: unraisable.append(info.exc_value))
    before = list(ALL_TEMP_FILES)
    with pytest.raises(KeyboardInterrupt):
        render_workbook(summary)
    gc.collect()
    assert unraisable == []
    assert list(ALL_TEMP_FILES) == before


def test_workbook_made_beside_the_other_summaries_and_its_failure_reported(tmp_path: Path, monkeypatch) -> None:
    """scorecard.xlsx is made in a child process while the other summaries are written; when making it fails,
    the command says so in Chinese and exits 2, no summary is put in place half-done, and the pages stay."""
    import gkcheck.render.workbook as workbook

    def fail(summary: BatchSummary) -> bytes:
        raise MemoryError

    monkeypatch.setattr(workbook, "render_workbook", fail)
    out, result = check_batch(tmp_path, "-q")
    assert result.exit_code == 2
    assert "✗ 无法写出汇总：无法生成 scorecard.xlsx（内存不足）" in result.output
    names = {p.name for p in out.iterdir()}
    assert not names & {"index.html", "scorecard.csv", "scorecard.xlsx", "findings.csv", "summary.json"}
    assert not [n for n in names if n.endswith(".tmp")]
    assert len([n for n in names if n.endswith(".html")]) == len(UNITS)
