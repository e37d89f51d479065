"""Rule files: every shipped file validates; invalid files are reported with file and line."""

from __future__ import annotations

from pathlib import Path

import yaml

from gkcheck.engine.checks import CHECKS
from gkcheck.paths import PROFILES_DIR
from gkcheck.rulepack import CHECKS_DIR, load_profile, load_rules, validate_dir, validate_file

GOOD = """pack: custom
rules:
  - id: custom.t4.review
    title: 复议总计
    kind: sum_identity
    severity: error
    category: arithmetic
    params: {table: t4, lhs: ["t4.review.total"], rhs: ["t4.review.*"]}
    message: "{lhs} ≠ {rhs}"
"""


def test_shipped_rule_files_validate_and_every_kind_has_a_check():
    rules, problems = validate_dir(CHECKS_DIR)
    assert problems == []
    assert {r.kind for r in rules} <= set(CHECKS)
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.title + rule.message), rule.id


def test_every_profile_validates():
    for path in PROFILES_DIR.glob("*.yaml"):
        profile = load_profile(str(path))
        assert profile.categories and profile.deductions["error"] > 0


def test_invalid_rule_reports_file_and_line(tmp_path: Path):
    bad = GOOD.replace("severity: error", "severity: fatal")
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    rules, problems = validate_file(path)
    assert rules == [] and len(problems) == 1
    assert problems[0].line == 6 and problems[0].file == str(path)
    assert "fatal" in problems[0].message


def test_unknown_kind_and_missing_params_are_rejected(tmp_path: Path):
    data = yaml.safe_load(GOOD)
    data["rules"][0]["kind"] = "python_eval"
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    data["rules"][0]["kind"] = "sum_identity"
    del data["rules"][0]["params"]["lhs"]
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, problems = validate_dir(tmp_path)
    assert [Path(p.file).name for p in problems] == ["a.yaml", "b.yaml"]


def test_yaml_syntax_error_has_a_line(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("pack: x\nrules:\n  - id: [unclosed\n", encoding="utf-8")
    _, problems = validate_file(path)
    assert problems and problems[0].line >= 3 and "YAML" in problems[0].message


def test_duplicate_rule_ids_across_files(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    _, problems = validate_dir(tmp_path)
    assert len(problems) == 1 and "重复" in problems[0].message


def test_a_new_check_is_only_yaml(tmp_path: Path):
    """Adding an identity needs no code: a custom rule folder with one YAML rule runs through the engine."""
    from helpers import check_report, report_of
    from synth import build_html, inject, synth_values

    from gkcheck.engine import run

    (tmp_path / "custom.yaml").write_text(GOOD.replace('["t4.review.*"]', '["t4.review.upheld", "t4.review.corrected", '
                                                      '"t4.review.other", "t4.review.pending"]'), encoding="utf-8")
    rules = load_rules(tmp_path)
    values = synth_values("2021", 1)
    report = report_of(build_html("2021", inject(values, "t4.review.total", 0)))
    result = run(report, rules, load_profile())
    assert [f["rule"] for f in result["findings"]] == ["custom.t4.review"]
    assert check_report(report)["summary"]["error"] >= 1


def test_validation_messages_are_chinese(tmp_path: Path):
    data = yaml.safe_load(GOOD)
    rule = data["rules"][0]
    rule.update(severity="fatal", colour="red", title=3)
    del rule["params"]["rhs"]
    data["rules"].append({**yaml.safe_load(GOOD)["rules"][0], "id": "Bad", "params": {"table": "t5", "lhs": [],
                                                                                      "rhs": ["t4.review.total"]}})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, problems = validate_file(path)
    text = "\n".join(p.message for p in problems)
    for english in ("is a required property", "is not one of", "Additional properties", "is not of type",
                    "does not match", "should be non-empty", "is too short"):
        assert english not in text
    for chinese in ("缺少必填项：rhs", "“fatal” 不是允许的取值；可选：error、warning、info", "不认识的项：colour",
                    "应为文字，实际是整数", "“Bad” 的写法不符合要求", "“t5” 不是允许的取值", "不能为空列表"):
        assert chinese in text, chinese
    assert all(p.line > 1 for p in problems)
