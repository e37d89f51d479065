"""Content duties and plausibility: self-references that do not fit the issuer; implausible tables (notes)."""

from __future__ import annotations

import pytest
from helpers import check_bytes, findings_of, report_of
from synth import build_html, synth_values

TOWN = "示例镇人民政府"
BUREAU = "示例县教育局"


def page(issuer: str, extra: str = "", values: dict | None = None) -> str:
    html = build_html("2021", values or synth_values("2021", 4), year=2024, issuer=issuer, published="2025-01-20")
    marker = '<p style="text-indent:2em;"><strong>二、主动公开政府信息情况'
    return html.replace(marker, extra + marker) if extra else html


@pytest.mark.parametrize("issuer,line,rule,flagged", [
    (TOWN, "我局坚持以公开为常态，推进各项工作。", "duties.government_as_bureau", True),
    (TOWN, "本委严格落实公开属性源头认定。", "duties.government_as_bureau", True),
    (TOWN, "我镇坚持以公开为常态，推进各项工作。", "duties.government_as_bureau", False),
    (TOWN, "县教育局局长带队开展专项检查。", "duties.government_as_bureau", False),
    (TOWN, "各村委会按要求公开村务信息。", "duties.government_as_bureau", False),
    (BUREAU, "2024年，全县共受理政府信息公开申请120件。", "duties.department_as_region", True),
    (BUREAU, "全县被申请政府信息公开行政复议3件。", "duties.department_as_region", True),
    (BUREAU, "2024年，我局共受理政府信息公开申请12件。", "duties.department_as_region", False),
    (BUREAU, "全县教育系统共有学校85所。", "duties.department_as_region", False),
    (BUREAU, "我局坚持以公开为常态。", "duties.government_as_bureau", False),  # a department may say 我局
])
def test_self_reference_fits_the_issuer(issuer, line, rule, flagged):
    found = findings_of(check_bytes(page(issuer, f"<p>{line}</p>")), rule)
    assert bool(found) == flagged
    if flagged:
        assert found[0]["severity"] == "warning" and "第" in found[0]["message"] and line[:4] in found[0]["message"]


def test_government_office_reporting_for_the_region_is_not_flagged():
    found = findings_of(check_bytes(page("示例县人民政府办公室", "<p>全县共受理政府信息公开申请120件。</p>")),
                        "duties.department_as_region")
    assert found == []


def zero_requests(values: dict) -> dict:
    out = dict(values)
    for address in list(out):
        if address.startswith("t3."):
            out[address] = 0
    return out


def test_government_without_any_request_is_a_note():
    values = synth_values("2021", 6)
    [note] = findings_of(check_bytes(page(TOWN, values=zero_requests(values))), "plausibility.government_no_requests")
    assert note["severity"] == "info" and TOWN in note["message"]
    assert findings_of(check_bytes(page(TOWN, values=values)), "plausibility.government_no_requests") == []
    bureau = check_bytes(page(BUREAU, values=zero_requests(values)))
    assert findings_of(bureau, "plausibility.government_no_requests") == []  # departments often have none


def test_cases_without_requests_is_a_note():
    values = zero_requests(synth_values("2021", 7))
    values = {**values, "t4.review.upheld": 1, "t4.review.corrected": 0, "t4.review.other": 0, "t4.review.pending": 0,
              "t4.review.total": 1}
    [note] = findings_of(check_bytes(page(BUREAU, values=values)), "plausibility.cases_without_requests")
    assert note["severity"] == "info" and "行政复议" in note["message"]


def test_government_without_decisions_is_a_note():
    values = {**synth_values("2021", 8), "t2.licensing.decisions": 0, "t2.punishment.decisions": 0}
    [note] = findings_of(check_bytes(page(TOWN, values=values)), "plausibility.government_no_decisions")
    assert note["severity"] == "info"


def test_plausibility_thresholds_come_from_the_profile(tmp_path):
    import yaml

    from gkcheck.engine import run
    from gkcheck.paths import PROFILES_DIR
    from gkcheck.rulepack import load_profile, load_rules

    values = {**synth_values("2021", 9), "t3.new_received.total": 4, "t3.carried_over.total": 1}
    report = report_of(page(TOWN, values=values))
    default = run(report, load_rules(), load_profile())
    assert findings_of(default, "plausibility.government_no_requests") == []
    data = yaml.safe_load((PROFILES_DIR / "default.yaml").read_text(encoding="utf-8"))
    data["thresholds"]["government_min_requests"] = 10
    strict = tmp_path / "strict.yaml"
    strict.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [note] = findings_of(run(report, load_rules(), load_profile(str(strict))), "plausibility.government_no_requests")
    assert "低于 10" in note["message"] and "= 5" in note["message"]


def test_administrative_committee_may_call_itself_wowei():
    result = check_bytes(page("示例高新技术产业开发区管理委员会", "<p>我委坚持以公开为常态，推进各项工作。</p>"))
    assert result["document"]["issuer_kind"] == "government"  # so the rule applies, and stays silent
    assert findings_of(result, "duties.government_as_bureau") == []
