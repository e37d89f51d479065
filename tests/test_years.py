"""Years and dates in the text: statistics period, headings, body, template document, signature dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import check_bytes, findings_of, report_of
from synth import build_html, synth_values

from gkcheck.cli import main
from gkcheck.extract.garbled_date import garbled_date

VALUES = synth_values("2021", 3)


def page(replace: dict[str, str] | None = None, extra: str = "") -> str:
    html = build_html("2021", dict(VALUES), year=2024, published="2025-03-01")
    for old, new in (replace or {}).items():
        assert old in html, old
        html = html.replace(old, new)
    if extra:
        marker = '<p style="text-indent:2em;"><strong>二、主动公开政府信息情况'
        html = html.replace(marker, extra + marker)
    return html


def years_findings(html: str) -> dict[str, list[dict]]:
    result = check_bytes(html)
    return {r: findings_of(result, r) for r in ("years.period", "years.heading", "years.body_previous",
                                                  "years.template_document")}


def test_clean_report_has_no_year_finding():
    assert all(v == [] for v in years_findings(page()).values())


def test_statistics_period_of_another_year():
    html = page({"报告统计期为2024年1月1日至2024年12月31日": "报告统计期为2023年1月1日至2023年12月31日"})
    [found] = years_findings(html)["years.period"]
    assert found["severity"] == "warning" and "2023" in found["message"] and "2024" in found["message"]
    assert found["location"]["line"] >= 1


def test_previous_year_in_a_heading():
    html = page(extra='<p style="text-indent:2em;"><strong>七、2023年工作亮点</strong></p>')
    [found] = years_findings(html)["years.heading"]
    assert "2023年工作亮点" in found["message"]
    assert years_findings(page(extra='<p><strong>七、2025年工作打算</strong></p>'))["years.heading"] == []


@pytest.mark.parametrize("line,flagged", [
    ("2023年，我县共受理政府信息公开申请30件。", True),
    ("2023年度，全县各部门持续推进公开工作。", True),
    ("（二）依申请公开。2023年，我县持续规范办理流程。", True),
    ("2024年，我县共受理政府信息公开申请30件。", False),
    ("较2023年增长12%，工作取得新成效。", False),
    ("针对2023年度报告中指出的问题，已完成整改。", False),
    ("根据《2023年政务公开工作要点》部署，推进各项工作。", False),
    ("2025年，我县将进一步加强培训。", False),
])
def test_previous_year_at_the_start_of_a_paragraph(line, flagged):
    found = years_findings(page(extra=f"<p>{line}</p>"))["years.body_previous"]
    assert bool(found) == flagged
    if flagged:
        assert "2023" in found[0]["message"] and "第" in found[0]["message"]


def test_old_template_document_cited_in_a_2021_era_report():
    cite = "<p>本报告按照国办公开办函〔2019〕60号文件规定的格式编制。</p>"
    [found] = years_findings(page(extra=cite))["years.template_document"]
    assert "〔2021〕30号" in found["message"]
    both = "<p>本报告按照国办公开办函〔2021〕30号（替代〔2019〕60号）规定的格式编制。</p>"
    assert years_findings(page(extra=both))["years.template_document"] == []


@pytest.mark.parametrize("written,iso", [
    ("2020326", "2020-03-26"), ("20200326", "2020-03-26"), ("2020131", "2020-01-31"), ("202036", "2020-03-06"),
    ("2020111", None), ("2020123", None), ("20201301", None), ("2020年", None), ("12345678", None),
])
def test_garbled_dates_read_only_when_unambiguous(written, iso):
    assert garbled_date(written) == iso


def signed(date_line: str) -> bytes:
    return ("示例镇人民政府2024年政府信息公开工作年度报告\n一、总体情况\n本年度工作平稳有序。\n"
            f"示例镇人民政府\n{date_line}\n").encode()


def test_garbled_signature_date_becomes_the_publication_date():
    published = report_of(signed("2025326"), "r.txt").document.published
    assert published and (published.date, published.source) == ("2025-03-26", "signature")
    assert report_of(signed("2025111"), "r.txt").document.published is None  # 1月11日 or 11月1日: not guessed


def test_published_option_overrides_the_document(tmp_path: Path):
    source = tmp_path / "r.txt"
    source.write_bytes(signed("2025326"))
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(source), "--out", str(out), "--format", "json", "-q",
                                  "--published", "2025-04-02"])
    assert result.exit_code in (0, 1), result.output
    doc = json.loads((out / "r.json").read_text(encoding="utf-8"))["document"]
    assert doc["published"]["date"] == "2025-04-02" and doc["published"]["source"] == "override"
    assert doc["on_time"] is False
    bad = runner.invoke(main, ["check", str(source), "--out", str(out), "--published", "2025-13-02"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
