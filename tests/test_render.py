"""Tests of the renderers (HTML, JSON, text, CSV, index page) and of safe output writing."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from synth import inject, synth_values

from gkcheck.errors import GkError
from gkcheck.model import CellValue, Document, Published, Report, Section, TableInfo
from gkcheck.render import files as files_mod
from gkcheck.render import render, render_csv, render_json, render_text
from gkcheck.render.files import write_output
from gkcheck.render.html import render_html, render_index_html

SCRIPT = "<script>alert(1)</script>"


def sample_result(
    *,
    file: str = "reports/x.html",
    score: float | None = 83.5,
    issuer: str = "淮安市示例区人民政府",
    kind: str = "annual_report",
    t2_status: str = "present",
) -> dict[str, Any]:
    """A realistic check result of a 2021-template report whose t4.review.total reads 0 instead of 11."""
    values = synth_values("2021", seed=1)
    values = inject(values, "t4.review.upheld", 5)
    values = inject(values, "t4.review.corrected", 2)
    values = inject(values, "t4.review.other", 1)
    values = inject(values, "t4.review.pending", 3)
    values = inject(values, "t4.review.total", 0)
    cells = {
        address: CellValue(value=value, raw=str(value), source={"table": 1 + i // 100, "row": i, "col": 1})
        for i, (address, value) in enumerate(values.items())
    }
    cells["t2.regulations.repealed"] = CellValue(value=None, raw="—", source={"table": 1, "row": 3, "col": 3},
                                                 status="blank")
    published = Published(date="2025-02-25", source="page")
    doc = Document(kind=kind, year=2024, issuer=issuer, issuer_kind="government", published=published,
                   template="2021", title=f"{issuer}2024年政府信息公开工作年度报告", kind_reason="标题含“年度报告”")
    sections = [
        Section(number=1, title="一、总体情况", heading_number=1, line=8, text="……"),
        Section(number=2, title=f"二、主动公开{SCRIPT}情况", heading_number=2, line=20, wording="variant"),
        Section(number=4, title="四、政府信息公开行政复议、行政诉讼情况", heading_number=4, line=60),
    ]
    report = Report(
        file=file, format="html", document=doc, sections=sections,
        other_headings=[Section(number=None, title="（一）主动公开", heading_number=None, line=10, wording="other")],
        numbering_gaps=[3],
        tables={t: TableInfo(status="present", template="2021", source="grid") for t in ("t2", "t3", "t4")},
        cells=cells,
    )
    report.tables["t2"].status = t2_status
    findings = [
        {"rule": "arith.t4.group_total", "title": "表四合计与分项不符", "severity": "error", "category": "arithmetic",
         "message": f"表四行政复议：总计 0 ≠ 5+2+1+3 = 11 {SCRIPT}",
         "cells": ["t4.review.total", "t4.review.upheld", "t4.review.corrected", "t4.review.other",
                   "t4.review.pending"],
         "location": {"table": 3, "row": 4, "col": 5}, "suggestion": "核对表四行政复议各列数字"},
        {"rule": "structure.section_missing", "title": "缺少章节", "severity": "error", "category": "structure",
         "message": "未找到“三、收到和处理政府信息公开申请情况”", "cells": [], "location": None,
         "suggestion": "按模板补齐章节"},
        {"rule": "structure.wording", "title": "章节标题措辞偏差", "severity": "warning", "category": "structure",
         "message": "第二章标题与模板不一致", "cells": [], "location": {"line": 20}, "suggestion": None},
        {"rule": "content.fee_statement", "title": "未说明信息处理费", "severity": "warning", "category": "content",
         "message": "第六部分未说明信息处理费收取情况", "cells": ["t2.fees.amount"], "location": None,
         "suggestion": None},
        {"rule": "content.assessment", "title": "未报告考核评议", "severity": "warning", "category": "content",
         "message": "未说明工作考核、社会评议和责任追究结果", "cells": [], "location": None, "suggestion": None},
        {"rule": "cells.blank", "title": "空白单元格", "severity": "info", "category": "completeness",
         "message": "表二规章本年废止件数为空白", "cells": ["t2.regulations.repealed"], "location": None,
         "suggestion": None},
    ]
    categories = {
        "structure": {"label": "结构", "score": 90.0, "weight": 20},
        "arithmetic": {"label": "勾稽", "score": 70.0, "weight": 40},
        "content": {"label": "内容", "score": 95.5, "weight": 40},
    }
    return {
        "schema_version": "1",
        "file": file,
        "document": {
            "kind": kind, "kind_reason": doc.kind_reason, "template": "2021",
            "templates": {"t2": "2021", "t3": "2021", "t4": "2021"}, "year": 2024, "issuer": issuer,
            "issuer_kind": "government", "title": doc.title,
            "published": {"date": "2025-02-25", "source": "page"}, "deadline": "2025-03-31", "on_time": True,
        },
        "score": {"total": score, "reason": None if score is not None else "表格以图片形式提供，无法核验数据",
                  "categories": categories if score is not None else {}},
        "summary": {"error": 2, "warning": 3, "info": 1},
        "findings": findings,
        "suspects": [{"cell": "t4.review.total", "found": 0, "expected": 11, "fixes": 1,
                      "message": "最可能出错：t4.review.total，应为 11"}],
        "report": report.to_dict(),
    }


def not_report_result() -> dict[str, Any]:
    result = sample_result(file="reports/notice.html", score=None, kind="not_annual_report")
    result["document"].update(kind_reason="没有年度报告标题、章节或表格", template=None, year=None)
    result["score"]["reason"] = "不是年度报告"
    result["findings"], result["suspects"] = [], []
    result["summary"] = {"error": 0, "warning": 0, "info": 0}
    result["report"]["cells"], result["report"]["tables"] = {}, {}
    return result


def _td(page: str, address: str) -> Any:
    found = lxml_html.fromstring(page).xpath(f'//td[@data-cell="{address}"]')
    assert len(found) == 1, address
    return found[0]


# --------------------------------------------------------------------------- HTML


def test_html_escapes_report_text() -> None:
    page = render_html(sample_result())
    assert SCRIPT not in page
    assert "<script" not in page.lower()
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2  # finding message and section title


def test_html_escapes_facts_and_index() -> None:
    hostile = f"{SCRIPT}人民政府"
    page = render_html(sample_result(issuer=hostile, file=f"reports/{SCRIPT}.html"))
    assert "<script" not in page.lower()
    index = render_index_html([sample_result(issuer=hostile, file=f"a/{SCRIPT}\"x.html")])
    assert SCRIPT not in index and index.lower().count("<script") == 1  # only the page's own sorting script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_html_highlights_error_and_suspect_cells() -> None:
    page = render_html(sample_result())
    total = _td(page, "t4.review.total")
    assert {"cell-error", "cell-suspect"} <= set(total.get("class").split())
    assert total.get("title") == "应为 11"
    upheld = _td(page, "t4.review.upheld")
    assert "cell-error" in upheld.get("class").split() and "cell-suspect" not in upheld.get("class")
    assert "cell-warning" in _td(page, "t2.fees.amount").get("class").split()
    plain = _td(page, "t3.new_received.total")
    assert plain.get("class") == "num" and plain.get("title") == "t3.new_received.total"
    blank = _td(page, "t2.regulations.repealed")
    assert "cell-blank" in blank.get("class") and blank.text_content().strip() == "—"


def test_html_table_reconstruction_uses_template_rows() -> None:
    result = sample_result()
    page = render_html(result)
    root = lxml_html.fromstring(page)
    labels = [th.text_content().strip() for th in root.xpath('//th[@class="row-label"]')]
    assert "一、本年新收政府信息公开申请数量" in labels and "3.其他" in labels and "行政许可" in labels
    value = result["report"]["cells"]["t3.new_received.total"]["raw"]
    assert _td(page, "t3.new_received.total").text_content().strip() == value
    assert len(root.xpath("//td[@data-cell]")) == 200  # 10 + 175 + 15 cells of the 2021 template


def test_html_no_score_box_and_table_status() -> None:
    page = render_html(sample_result(score=None, t2_status="image"))
    assert "无法评分" in page and "表格以图片形式提供，无法核验数据" in page
    assert "以图片形式提供，无法核验" in page
    assert not lxml_html.fromstring(page).xpath('//td[starts-with(@data-cell, "t2.")]')


def test_html_outline_and_findings() -> None:
    page = render_html(sample_result())
    for text in ("措辞偏差", "未找到", "（一）主动公开", "缺少：“三”", "arith.t4.group_total",
                 "第 3 个表格第 4 行第 5 列", "修改建议：核对表四行政复议各列数字", "最可能出错的单元格"):
        assert text in page, text
    assert "score-big" in page and ">83.5<" in page


def test_html_not_a_report() -> None:
    page = render_html(not_report_result())
    assert "不是政府信息公开工作年度报告" in page
    assert "表格数据还原" not in page


def test_html_mixed_template_uses_table_version() -> None:
    result = sample_result()
    result["report"]["tables"]["t3"]["template"] = "2019"
    page = render_html(result)
    labels = [th.text_content() for th in lxml_html.fromstring(page).xpath('//th[@class="row-label"]')]
    assert "（六）其他处理" in labels


def test_renderers_accept_a_minimal_result() -> None:
    minimal: dict[str, Any] = {"file": "x.txt", "findings": [{"severity": "error", "message": "读取失败"}]}
    assert render_text(minimal).splitlines()[-1] == "结论：缺少评分所需的内容，不评分；错误 1 项，警告 0 项"
    page = render_html(minimal)
    assert "读取失败" in page and "无法评分" in page
    assert render_csv([minimal]).splitlines()[1].startswith(",x.txt,")
    assert "x.html" in render_index_html([minimal])


# --------------------------------------------------------------------------- text, JSON, dispatch


def test_text_summary() -> None:
    text = render_text(sample_result())
    lines = text.rstrip("\n").splitlines()
    assert lines[0] == "文件：reports/x.html"
    assert "发布机关：淮安市示例区人民政府（政府）" in lines
    assert any(line.startswith("发布日期：2025-02-25") and line.endswith("按时") for line in lines)
    assert "  [错误] 未找到“三、收到和处理政府信息公开申请情况”" in lines
    assert "  [提示] 表二规章本年废止件数为空白" in lines
    assert "  最可能出错：t4.review.total，应为 11" in lines
    assert lines[-1] == "结论：得分 83.5，错误 2 项，警告 3 项"
    errors = [i for i, line in enumerate(lines) if line.startswith("  [错误]")]
    infos = [i for i, line in enumerate(lines) if line.startswith("  [提示]")]
    assert max(errors) < min(infos)


def test_text_verdicts_without_score() -> None:
    assert render_text(not_report_result()).splitlines()[-1] == (
        "结论：不是政府信息公开工作年度报告（没有年度报告标题、章节或表格），不评分"
    )
    last = render_text(sample_result(score=None)).splitlines()[-1]
    assert last == "结论：表格以图片形式提供，无法核验数据，不评分；错误 2 项，警告 3 项"


def test_json_round_trip() -> None:
    result = sample_result()
    text = render(result, "json")
    assert text == render_json(result)
    assert json.loads(text) == result
    assert "淮安市示例区人民政府" in text and "\n  " in text


def test_render_dispatch() -> None:
    result = sample_result()
    assert render(result, "text") == render_text(result)
    assert render(result, "html").startswith("<!DOCTYPE html>")
    with pytest.raises(GkError):
        render(result, "xml")


# --------------------------------------------------------------------------- CSV and index


def _batch() -> list[dict[str, Any]]:
    return [
        sample_result(file="b/mid.html", score=60.0, issuer="乙区人民政府"),
        not_report_result(),
        sample_result(file="a/top.html", score=91.5, issuer="=HYPERLINK(1)"),
        sample_result(file="c/tie.html", score=60.0, issuer="丙局"),
    ]


def test_csv_ranking() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(_batch()))))
    header = rows[0]
    assert header[:7] == ["排名", "文件", "发布机关", "年度", "类型", "模板", "得分"]
    assert header[7:10] == ["结构", "勾稽", "内容"]
    assert header[-6:] == ["错误数", "警告数", "提示数", "发布日期", "是否按时", "说明"]
    assert [r[1] for r in rows[1:]] == ["a/top.html", "b/mid.html", "c/tie.html", "reports/notice.html"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "2", ""]
    assert rows[1][2] == "'=HYPERLINK(1)"  # no formula injection
    assert rows[1][6] == "91.5" and rows[1][7:10] == ["90.0", "70.0", "95.5"]
    assert rows[2][-6:] == ["2", "3", "1", "2025-02-25", "按时", ""]


def test_index_page() -> None:
    page = render_index_html(_batch())
    root = lxml_html.fromstring(page)
    links = [a.get("href") for a in root.xpath("//a")]
    assert links == ["top.html", "mid.html", "tie.html", "notice.html"]
    assert "不评分" in page and "平均分" in page


def test_index_links_follow_clash_names() -> None:
    batch = [sample_result(file="a/x.html"), sample_result(file="b/x.html", score=50.0)]
    links = [a.get("href") for a in lxml_html.fromstring(render_index_html(batch)).xpath("//a")]
    assert len(set(links)) == 2 and all(link.startswith("x-") for link in links)


# --------------------------------------------------------------------------- write_output


def test_write_output_never_overwrites_input_takes_another_name(tmp_path: Path) -> None:
    source = tmp_path / "x.html"
    source.write_text("original", encoding="utf-8")
    written = write_output(tmp_path, source, ".html", "<p>result</p>", {source})
    assert written.name.startswith("x-") and written.read_text(encoding="utf-8") == "<p>result</p>"
    assert source.read_text(encoding="utf-8") == "original"
    relative = Path(os.path.relpath(source))
    again = write_output(tmp_path / "." / "sub" / "..", relative, ".html", "r", {relative})
    assert again.resolve() != source.resolve()
    assert source.read_text(encoding="utf-8") == "original"


def test_write_output_never_hits_another_input(tmp_path: Path) -> None:
    other = tmp_path / "y.json"
    other.write_text("keep", encoding="utf-8")
    source = tmp_path / "in" / "y.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF")
    written = write_output(tmp_path, source, ".json", "{}", {source, other})
    assert written != other.resolve() and written.name.startswith("y-")
    assert other.read_text(encoding="utf-8") == "keep"
    keep = tmp_path / "keep.txt"
    keep.write_text("keep", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "y.json").symlink_to(keep)  # a planted link to an input
    beside = write_output(tmp_path / "out", source, ".json", "{}", {source, keep})
    assert beside.name != "y.json" and (tmp_path / "out" / "y.json").is_symlink()
    assert keep.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("name", ["../../etc/passwd.html", "..\\..\\evil.html", "..", "a\x00b\nc.html",
                                  "\u202e..txt.html", "CON.html", "名" * 200 + ".html"])
def test_write_output_keeps_hostile_names_inside(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    written = write_output(out, Path(name), ".html", "ok", {Path(name)})
    assert written.parent == out.resolve()
    assert written.read_text(encoding="utf-8") == "ok"
    assert ".." not in written.name[:-5] and "/" not in written.name and "\\" not in written.name
    assert not any(ord(ch) < 32 for ch in written.name) and len(written.name.encode()) < 200


def test_write_output_same_base_name_no_clobber(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "x.html", tmp_path / "b" / "x.html"
    inputs = {a, b}
    out = tmp_path / "out"
    pa = write_output(out, a, ".json", "A", inputs)
    pb = write_output(out, b, ".json", "B", inputs)
    assert pa != pb and pa.read_text(encoding="utf-8") == "A" and pb.read_text(encoding="utf-8") == "B"
    assert write_output(out, tmp_path / "z.pdf", ".json", "Z", inputs | {tmp_path / "z.pdf"}).name == "z.json"


def test_write_output_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first = write_output(out, Path("r.pdf"), ".txt", "old", set())
    calls: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        calls.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(files_mod.os, "replace", spy)
    write_output(out, Path("r.pdf"), ".txt", "new", set())
    assert first.read_text(encoding="utf-8") == "new"
    assert Path(calls[0][0]).parent == out.resolve() and calls[0][1] == str(first)

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_mod.os, "replace", broken)
    with pytest.raises(GkError):
        write_output(out, Path("r.pdf"), ".txt", "partial", set())
    assert first.read_text(encoding="utf-8") == "new"
    leftovers = sorted(p.name for p in out.iterdir() if not p.name.startswith(".gkcheck"))
    assert leftovers == ["r.txt"]  # no temp file left behind


def test_write_output_csv_has_bom_and_bad_suffix_rejected(tmp_path: Path) -> None:
    path = write_output(tmp_path, Path("scorecard"), ".csv", "排名\n", set())
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(GkError):
        write_output(tmp_path, Path("x"), "/../../y", "z", set())
