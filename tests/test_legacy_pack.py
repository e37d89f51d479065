"""The pre-2019 rule pack: the old 附表 read from text, its sums, the text against it, the legacy profile."""

from __future__ import annotations

import pytest
from helpers import check_bytes, corpus, findings_of, needs_corpus, report_of, rule_ids

from gkcheck.engine import run
from gkcheck.pipeline import extract_file
from gkcheck.rulepack import load_profile, load_rules

ROWS = [  # (label, 本年度, 历年累计) — an invented county, consistent figures
    ("主动公开信息数", 5210, 40118), ("其中：1.政府网站公开数", 5100, 39000), ("2.政府公报公开数", 110, 1118),
    ("受理政府信息公开申请总数", 60, 410), ("其中：1.当面申请数", 12, 150), ("2.网络申请数", 40, 200),
    ("3.信函、传真申请数", 8, 60), ("对申请的答复总数", 58, 405), ("其中：1.同意公开答复数", 30, 250),
    ("2.同意部分公开答复数", 8, 40), ("3.不予公开答复数", 5, 35), ("4.其他类型答复数", 15, 80),
    ("行政复议数", 2, 11), ("行政诉讼数", 1, 6),
]


def legacy_text(rows=ROWS, one_cell_per_line: bool = True, narrative: str = "", unit: str = "") -> str:
    """A pre-2019 report (scraped-text style) with its 附表."""
    lines = ["示例县人民政府2017年政府信息公开工作年度报告",
             "本报告统计期限自2017年1月1日起至2017年12月31日止。",
             "一、概述", "本县坚持以公开为常态，持续推进政府信息公开工作。",
             "二、主动公开政府信息情况", "全年主动公开政府信息5210条。",
             "三、依申请公开政府信息情况", narrative or "全年共收到政府信息公开申请60件，本年度已答复58件。",
             "四、政府信息公开的收费及减免情况", "本年度未收取任何费用。",
             "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
             "截至2017年12月31日，历年来被申请行政复议共11件、提起行政诉讼6起。",
             "六、存在的主要问题及改进措施", "存在的问题是队伍不稳定，下一步将加强培训。",
             "七、需要说明的其他事项与附表", "附表："]
    if one_cell_per_line:
        lines += ["指 标 名 称", "计量单位", "2017年度", "历年累计"]
        for label, year, total in rows:
            lines += [label] + ([unit] if unit else []) + [str(year), str(total)]
    else:
        lines += ["指标名称 计量单位 2017年度 历年累计"]
        lines += [f"{label} {unit} {year} {total}".replace("  ", " ") for label, year, total in rows]
    return "\n".join(lines + ["示例县人民政府", "2018年3月20日"]) + "\n"


def check(text: str) -> dict:
    return check_bytes(text.encode("utf-8"), "report.txt")


@pytest.mark.parametrize("one_cell_per_line", [True, False])
@pytest.mark.parametrize("unit", ["", "件"])
def test_legacy_table_read_from_text(one_cell_per_line, unit):
    report = report_of(legacy_text(one_cell_per_line=one_cell_per_line, unit=unit).encode("utf-8"), "r.txt")
    assert report.document.kind == "legacy_annual_report"
    assert report.tables["legacy"].status == "present" and report.tables["legacy"].template == "legacy"
    assert report.cells["legacy.received.year"].value == 60
    assert report.cells["legacy.received.cumulative"].value == 410
    assert report.cells["legacy.received_letter_fax.year"].value == 8
    assert report.cells["legacy.answered_other.cumulative"].value == 80
    assert report.cells["legacy.litigation.cumulative"].value == 6


def test_consistent_legacy_report_is_scored_with_the_legacy_profile():
    result = check(legacy_text())
    legacy = [f for f in result["findings"] if f["rule"].startswith(("legacy.", "text."))]
    assert legacy == []
    assert result["score"]["profile"] == "legacy" and result["score"]["total"] == 100.0
    assert not [f for f in result["findings"] if f["severity"] == "error"]


def test_the_legacy_profile_is_not_applied_to_a_current_format_report():
    from synth import build_html, synth_values

    report = report_of(build_html("2021", synth_values("2021", 3)).encode("utf-8"), "r.html")
    result = run(report, load_rules(), load_profile("legacy"))
    assert report.document.kind == "annual_report"
    assert result["score"]["profile"] == "default"
    assert not [c for c in result["score"]["categories"].values() if "旧" in c["label"]]


def test_legacy_sums_per_column():
    rows = [(label, year, total + (7 if label == "2.网络申请数" else 0)) for label, year, total in ROWS]
    [found] = findings_of(check(legacy_text(rows)), "legacy.arith.received_channels")
    assert "历年累计" in found["message"] and "417" in found["message"] and "410" in found["message"]
    assert found["severity"] == "error" and "legacy.received_online.cumulative" in found["cells"]
    rows = [(label, year + (1 if "不予公开" in label else 0), total) for label, year, total in ROWS]
    [found] = findings_of(check(legacy_text(rows)), "legacy.arith.answer_types")
    assert "本年度" in found["message"] and "59" in found["message"]


def test_denial_label_is_a_part_not_the_total():
    rows = [(label.replace("不予公开答复数", "否决公开答复总数"), y, t) for label, y, t in ROWS]
    report = report_of(legacy_text(rows).encode("utf-8"), "r.txt")
    assert report.cells["legacy.answered.year"].value == 58
    assert report.cells["legacy.answered_denied.year"].value == 5


@pytest.mark.parametrize("narrative,rule,expected", [
    ("全年共收到政府信息公开申请61件，本年度已答复58件。", "legacy.claim.received", "warning"),
    ("全年共收到政府信息公开申请60件，本年度已答复57件。", "legacy.claim.answered", "warning"),
    ("全年共收到政府信息公开申请60件，其中网上申请40件。", "legacy.claim.received", None),
    ("截至2017年12月31日，历年来共收到政府信息公开申请400件。", "legacy.claim.received_cumulative", "warning"),
    ("截至2017年12月31日，历年来共收到政府信息公开申请410件。", "legacy.claim.received_cumulative", None),
    ("2017年累计收到政府信息公开申请60件。", "legacy.claim.received", None),
])
def test_legacy_text_against_the_table(narrative, rule, expected):
    found = findings_of(check(legacy_text(narrative=narrative)), rule)
    assert [f["severity"] for f in found] == ([expected] if expected else [])


def test_cumulative_review_and_litigation_in_the_text():
    text = legacy_text().replace("被申请行政复议共11件、提起行政诉讼6起", "被申请行政复议共9件、提起行政诉讼7起")
    result = check(text)
    [review] = findings_of(result, "legacy.claim.review_cumulative")
    [litigation] = findings_of(result, "legacy.claim.litigation_cumulative")
    assert "9件" in review["message"] and "11" in review["message"]
    assert "7起" in litigation["message"] and "6" in litigation["message"]


def test_legacy_report_without_its_table():
    text = legacy_text().split("附表：")[0]
    result = check(text)
    assert rule_ids(result).count("legacy.table.present") == 1
    assert result["score"]["categories"]["arithmetic"]["score"] == 0


def test_legacy_rules_do_not_run_on_post_2019_reports():
    rules = [r for r in load_rules() if r.pack == "legacy"]
    assert rules and all(r.applies_to["kind"] == ["legacy_annual_report"] for r in rules)


@needs_corpus
def test_seed_001_inconsistencies():
    result = run(extract_file(corpus("001_256f0a0380d1c198.txt")), load_rules(), load_profile())
    messages = {f["rule"]: [] for f in result["findings"]}
    for f in result["findings"]:
        messages[f["rule"]].append(f["message"])
    assert any("7646" in m and "7738" in m for m in messages["legacy.arith.received_channels"])
    assert any("7687" in m and "7686" in m for m in messages["legacy.arith.answer_types"])
    assert any("579616" in m and "579574" in m for m in messages["text.parts_sum"])
    assert any("1124" in m and "1222" in m for m in messages["text.parts_sum"])
    assert any("119件" in m and "196" in m for m in messages["legacy.claim.review_cumulative"])
    assert any("67起" in m and "97" in m for m in messages["legacy.claim.litigation_cumulative"])
    assert result["score"]["profile"] == "legacy"


@needs_corpus
def test_seed_003_numbering_gap_and_missing_sheet():
    result = run(extract_file(corpus("003_66749aa55c01b5c8.txt")), load_rules(), load_profile())
    assert "缺少“三”" in findings_of(result, "struct.numbering_gap")[0]["message"]
    assert "附件2" in findings_of(result, "table.attachment_missing")[0]["message"]
    assert findings_of(result, "legacy.table.present")
    assert result["score"]["profile"] == "legacy"


def test_legacy_results_follow_the_published_schemas():
    from helpers import validator

    rows = [(label, year, total + (3 if label == "2.网络申请数" else 0)) for label, year, total in ROWS]
    result = check(legacy_text(rows))
    assert result["suspects"] and any(f["cells"] for f in result["findings"])
    assert list(validator("findings.schema.json").iter_errors(result)) == []
    assert list(validator("report.schema.json").iter_errors(result["report"])) == []
