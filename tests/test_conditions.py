"""Declarative rule conditions (`when:`) and placeholder checks of rule packs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import report_of
from synth import build_html, inject, synth_values

from gkcheck.engine import run
from gkcheck.engine.conditions import holds
from gkcheck.rulepack import load_profile, load_rules, validate_file

FEE_RULE = """pack: custom
rules:
  - id: custom.fees.unexplained
    title: 有收费但第六部分未提及收费
    kind: condition
    severity: warning
    category: content
    when:
      all:
        - {cell: t2.fees.amount, gt: 0}
        - not: {mentions: {section: 6, any: [收费]}}
    message: "{issuer}：{facts}，但第六部分没有提到收费。"
"""


def _report(section_six: str | None = None, **changes):
    values = synth_values("2021", 1)
    for address, value in changes.items():
        values = inject(values, address.replace("__", "."), value)
    page = build_html("2021", values, issuer="示例县人民政府")
    if section_six is not None:
        page = page.replace("本年度收取信息处理费0元。", section_six)
    return report_of(page)


def _rules(tmp_path: Path, text: str):
    (tmp_path / "custom.yaml").write_text(text, encoding="utf-8")
    return load_rules(tmp_path)


def test_condition_rule_fires_only_when_every_part_holds(tmp_path: Path) -> None:
    rules = _rules(tmp_path, FEE_RULE)
    profile = load_profile()
    fired = run(_report("本年度依法办理各项业务。", t2__fees__amount=12.5), rules, profile)["findings"]
    assert [f["rule"] for f in fired] == ["custom.fees.unexplained"]
    assert fired[0]["cells"] == ["t2.fees.amount"]
    assert fired[0]["message"] == ("示例县人民政府：表二「行政事业性收费」/「本年收费金额（单位：万元）」 = 12.5，"
                                   "但第六部分没有提到收费。")
    mentioned = run(_report("本年度收费12.5万元。", t2__fees__amount=12.5), rules, profile)["findings"]
    assert mentioned == []
    no_fees = run(_report("本年度依法办理各项业务。", t2__fees__amount=0), rules, profile)["findings"]
    assert no_fees == []
    blank = run(_report("本年度依法办理各项业务。", t2__fees__amount="—"), rules, profile)["findings"]
    assert blank == []  # an unknown value never satisfies a comparison


@pytest.mark.parametrize(("condition", "expected"), [
    ({"fact": "year", "eq": 2024}, True),
    ({"fact": "year", "ge": 2025}, False),
    ({"fact": "issuer_kind", "in": ["government", "department"]}, True),
    ({"fact": "template", "eq": "2019"}, False),
    ({"fact": "published", "eq": True}, True),
    ({"fact": "on_time", "eq": True}, True),
    ({"any": [{"fact": "year", "lt": 2000}, {"cell": "t3.new_received.total", "ge": 0}]}, True),
    ({"not": {"cell": "t3.new_received.total", "is": "filled"}}, False),
    ({"cell": "t3.no_such_row.total", "is": "missing"}, True),
    ({"mentions": {"any": ["信息处理费"]}}, True),
    ({"mentions": {"section": 5, "any": ["信息处理费"]}}, False),
])
def test_condition_forms(condition: dict, expected: bool) -> None:
    assert holds(condition, _report()) is expected


def test_when_gates_any_rule_kind(tmp_path: Path) -> None:
    text = """pack: custom
rules:
  - id: custom.t4.review
    title: 复议总计
    kind: sum_identity
    severity: error
    category: arithmetic
    when: {fact: year, ge: 2030}
    params: {table: t4, lhs: ["t4.review.total"], rhs: ["t4.review.upheld", "t4.review.corrected"]}
    message: "{lhs} ≠ {rhs}"
"""
    rules = _rules(tmp_path, text)
    assert run(_report(t4__review__total=999), rules, load_profile())["findings"] == []
    rules = _rules(tmp_path, text.replace("ge: 2030", "le: 2030"))
    assert [f["rule"] for f in run(_report(t4__review__total=999), rules, load_profile())["findings"]] == \
        ["custom.t4.review"]


@pytest.mark.parametrize("when", [
    "{cell: t2.fees.amount, gt: zero}",
    "{cell: t2.fees.amount}",
    "{cell: t2.fees.amount, gt: 0, lt: 9}",
    "{fact: weather, eq: rain}",
    "{all: []}",
    "{python: 'report.cells[0] > 0'}",
    "{mentions: {section: 9, any: [收费]}}",
])
def test_invalid_conditions_are_rejected_with_a_line(tmp_path: Path, when: str) -> None:
    text = FEE_RULE.replace(
        "      all:\n        - {cell: t2.fees.amount, gt: 0}\n        - not: {mentions: {section: 6, any: [收费]}}\n",
        f"      {when}\n").replace("    when:\n      ", "    when: ")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    rules, problems = validate_file(path)
    assert rules == [] and problems
    assert problems[0].line >= 8 and "when" in problems[0].message


def test_condition_kind_needs_when(tmp_path: Path) -> None:
    data = yaml.safe_load(FEE_RULE)
    del data["rules"][0]["when"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, problems = validate_file(path)
    assert len(problems) == 1 and "缺少必填项：when" in problems[0].message


def test_unknown_placeholders_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(FEE_RULE.replace("{facts}", "{fees_amount}") + "    suggestion: 补充{col}说明\n", encoding="utf-8")
    rules, problems = validate_file(path)
    assert rules == []
    assert [p.line for p in problems] == [12, 13]
    assert "{fees_amount}" in problems[0].message and "{facts}" in problems[0].message
    assert "{col}" in problems[1].message


def test_placeholders_follow_the_loop_variable(tmp_path: Path) -> None:
    text = """pack: custom
rules:
  - id: custom.t3.balance
    title: 收结平衡
    kind: sum_identity
    severity: error
    category: arithmetic
    params:
      table: t3
      for_each: {column: columns}
      lhs: ["t3.new_received.{column}"]
      rhs: ["t3.total_processed.{col}"]
    message: "「{column_label}」列：{lhs} ≠ {rhs}（{row}）"
"""
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = validate_file(path)
    assert len(problems) == 2
    assert "占位符 {row} 无法填充" in problems[0].message and "地址中的 {col} 不是" in problems[1].message
    path.write_text(text.replace("{col}", "{column}").replace("（{row}）", ""), encoding="utf-8")
    assert validate_file(path)[1] == []
