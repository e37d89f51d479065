"""Engine behaviour on synthetic reports: each rule kind passes and fails, suspects name injected cells."""

from __future__ import annotations

import random

import pytest
from helpers import check_bytes, check_report, findings_of, report_of, rule_ids
from synth import build_html, build_text, inject, synth_values

from gkcheck.engine import applies
from gkcheck.engine.context import fill
from gkcheck.model import Published
from gkcheck.rulepack import load_rules
from gkcheck.templates import load_template

YEAR = {"2019": 2020, "2021": 2024}


def page(version: str, values: dict, **kw) -> str:
    """A synthetic report page for the version's usual year, published on time."""
    year = kw.pop("year", YEAR[version])
    kw.setdefault("published", f"{year + 1}-03-01")
    return build_html(version, values, year=year, **kw)


def clean(version: str, seed: int = 0, **kw) -> dict:
    return check_bytes(page(version, synth_values(version, seed), **kw))


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_complete_synthetic_report_has_no_error(version):
    result = clean(version)
    assert result["findings"] == []
    assert result["document"]["template"] == version
    assert result["score"]["total"] == 100.0
    assert not result["suspects"]


# ---- suspects: a single wrong cell in a complete table is named top-1 with the value it needs


T3_INNER = ["t3.granted.natural_person", "t3.partial.commercial", "t3.denied_state_secret.research",
            "t3.unable_not_held.natural_person", "t3.refused_repeat.legal_service", "t3.new_received.other_org",
            "t3.carried_forward.natural_person", "t3.carried_over.commercial"]
T3_TOTALS = ["t3.total_processed.total", "t3.new_received.total", "t3.granted.total",
             "t3.total_processed.natural_person", "t3.carried_forward.total"]
T4_TOTALS = ["t4.review.total", "t4.litigation_direct.total", "t4.litigation_after_review.total"]


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("address", T3_INNER + T3_TOTALS + T4_TOTALS)
@pytest.mark.parametrize("delta", [7, -1])
def test_injected_error_is_top_suspect(version, address, delta):
    values = synth_values(version, seed=len(address))
    true = values[address]
    if true + delta < 0:
        delta = -delta
    result = check_bytes(page(version, inject(values, address, true + delta)))
    assert result["summary"]["error"] >= 1
    top = result["suspects"][0]
    assert (top["cell"], top["found"], top["expected"]) == (address, true + delta, true)
    assert f"最可能出错：{address}，应为 {true}" == top["message"]


def test_injected_error_in_other_subrow_2021_only_layout():
    values = synth_values("2021", seed=5)
    address = "t3.other_no_fee.natural_person"
    result = check_bytes(build_html("2021", inject(values, address, values[address] + 3)))
    assert result["suspects"][0]["cell"] == address


@pytest.mark.parametrize("seed", range(6))
def test_random_single_cell_errors_in_text_reports(seed):
    rng = random.Random(seed)
    version = rng.choice(["2019", "2021"])
    values = synth_values(version, seed)
    cells = [a for a in load_template(version).tables["t3"].cells()]
    address = rng.choice(cells)
    wrong = values[address] + rng.randint(1, 9)
    result = check_bytes(build_text(version, inject(values, address, wrong), style="rows", year=YEAR[version]),
                         "r.txt")
    assert result["suspects"][0]["cell"] == address
    assert result["suspects"][0]["expected"] == values[address]


# ---- one passing and one failing case per rule kind


def test_sum_identity_message_carries_numbers_and_cells():
    values = synth_values("2021", 2)
    bad = inject(values, "t4.review.total", values["t4.review.total"] + 4)
    result = check_bytes(build_html("2021", bad))
    [finding] = findings_of(result, "arith.t4.group_total")
    assert str(values["t4.review.total"] + 4) in finding["message"] and "相差 4" in finding["message"]
    assert finding["cells"][0] == "t4.review.total" and len(finding["cells"]) == 5
    assert "t4.review.total" in finding["suggestion"]


def test_cell_type_negative_and_fraction_counts():
    values = synth_values("2021", 3)
    bad = inject(inject(values, "t2.licensing.decisions", -5), "t4.review.upheld", 2.5)
    ids = rule_ids(check_bytes(build_html("2021", bad)))
    assert ids.count("cell.count") == 2
    assert "cell.count" not in rule_ids(clean("2021", 3))


def test_cell_type_2019_change_may_be_negative():
    values = synth_values("2019", 4)
    result = check_bytes(page("2019", inject(values, "t2.licensing.change", -8)))
    assert "cell.change" not in rule_ids(result) and "cell.count" not in rule_ids(result)
    result = check_bytes(page("2019", inject(values, "t2.licensing.change", 1.5)))
    assert "cell.change" in rule_ids(result)


def test_fee_amount_may_be_decimal_not_negative():
    values = synth_values("2021", 5)
    assert "cell.amount" not in rule_ids(check_bytes(build_html("2021", inject(values, "t2.fees.amount", 12.75))))
    assert "cell.amount" in rule_ids(check_bytes(build_html("2021", inject(values, "t2.fees.amount", -1))))


def test_table_complete_reports_blank_cells_and_blank_is_not_zero():
    values = synth_values("2021", 6)
    bad = inject(values, "t3.refused_mass.research", "—")
    result = check_bytes(build_html("2021", bad))
    [finding] = findings_of(result, "table.complete")
    assert finding["cells"] == ["t3.refused_mass.research"] and "空白" in finding["message"]
    cell = result["report"]["cells"]["t3.refused_mass.research"]
    assert cell["value"] is None and cell["status"] == "blank" and cell["raw"] == "—"


def test_table_present_absent_and_image():
    values = synth_values("2021", 7)
    page = build_html("2021", values)
    start = page.index("<table", page.index("四、政府信息公开行政复议"))
    end = page.index("</table>", start) + len("</table>")
    no_t4 = page[:start] + page[end:]
    assert "表四 政府信息公开行政复议、行政诉讼情况：报告中没有这张表" in \
        findings_of(check_bytes(no_t4), "table.present")[0]["message"]
    as_image = page[:start] + '<p><img src="t4.png" alt="表四"></p>' + page[end:]
    result = check_bytes(as_image)
    assert result["report"]["tables"]["t4"]["status"] == "image"
    assert "图片" in findings_of(result, "table.present")[0]["message"]


def test_template_version_2019_tables_in_2021_report():
    values = synth_values("2019", 8)
    result = check_bytes(page("2019", values, year=2022))
    messages = [f["message"] for f in findings_of(result, "template.version")]
    assert len(messages) == 2 and any("只有一行" in m for m in messages)
    assert "template.version" not in rule_ids(check_bytes(page("2019", values)))


def test_section_present_wording_and_order():
    values = synth_values("2021", 9)
    page = build_html("2021", values)
    assert not [i for i in rule_ids(check_bytes(page)) if i.startswith("struct.")]
    reworded = page.replace("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况")
    [wording] = findings_of(check_bytes(reworded), "struct.section.wording")
    assert "政府信息公开工作存在的主要问题及改进情况" in wording["message"]
    dropped = page.replace("六、其他需要报告的事项", "其他情况说明")
    assert "六、其他需要报告的事项" in findings_of(check_bytes(dropped), "struct.section.missing")[0]["message"]


def test_numbering_gap():
    values = synth_values("2021", 10)
    page = build_html("2021", values).replace("五、存在的主要问题及改进情况", "六、存在的主要问题及改进情况") \
        .replace("六、其他需要报告的事项", "七、其他需要报告的事项")
    result = check_bytes(page)
    assert "缺少“五”" in findings_of(result, "struct.numbering_gap")[0]["message"]
    assert findings_of(result, "struct.section.order")


def test_text_mentions_fee_from_2021_and_government_results():
    values = synth_values("2021", 11)
    page = build_html("2021", values)
    assert "content.processing_fee" not in rule_ids(check_bytes(page))
    no_fee = page.replace("信息处理费", "费用")
    assert "content.processing_fee" in rule_ids(check_bytes(no_fee))
    assert "content.gov_assessment" not in rule_ids(check_bytes(page))
    for word in ("工作考核", "考核", "社会评议", "评议", "责任追究", "追责", "问责"):
        page = page.replace(word, "工作")
    [gov] = findings_of(check_bytes(page), "content.gov_assessment")
    assert "工作考核、社会评议、责任追究" in gov["message"]


def test_government_content_rule_does_not_apply_to_departments():
    values = synth_values("2021", 12)
    page = build_html("2021", values, issuer="示例县教育局")
    for word in ("考核", "评议", "追究", "追责", "问责"):
        page = page.replace(word, "工作")
    result = check_bytes(page)
    assert result["document"]["issuer_kind"] == "department"
    assert "content.gov_assessment" not in rule_ids(result)


def test_deadline_by_issuer_kind():
    values = synth_values("2021", 13)
    dept = check_bytes(build_html("2021", values, issuer="示例县教育局", published="2025-02-10"))
    assert dept["document"]["deadline"] == "2025-01-31" and dept["document"]["on_time"] is False
    assert "逾期10天" in findings_of(dept, "doc.deadline")[0]["message"]
    gov = check_bytes(build_html("2021", values, published="2025-02-10"))
    assert gov["document"]["deadline"] == "2025-03-31" and "doc.deadline" not in rule_ids(gov)


def test_published_unknown_is_said_not_guessed():
    values = synth_values("2021", 14)
    report = report_of(build_html("2021", values))
    report.document.published = None
    result = check_report(report)
    assert result["document"]["published"] is None and result["document"]["on_time"] is None
    assert "doc.published_unknown" in rule_ids(result)
    report.document.published = Published(date="2025-03-01", source="page")
    assert "doc.published_unknown" not in rule_ids(check_report(report))


def test_applies_to_years_and_kind():
    fee = next(r for r in load_rules() if r.id == "content.processing_fee")
    report = report_of(page("2019", synth_values("2019", 1)))
    assert not applies(fee, report)
    report.document.year = 2021
    assert applies(fee, report)
    report.document.kind = "legacy_annual_report"
    assert not applies(fee, report)


def test_score_categories_and_weights():
    values = synth_values("2021", 15)
    result = check_bytes(build_html("2021", inject(values, "t4.review.total", values["t4.review.total"] + 1)))
    cats = result["score"]["categories"]
    assert cats["arithmetic"]["score"] == 75.0 and cats["structure"]["score"] == 100.0
    weights = sum(c["weight"] for c in cats.values())
    assert result["score"]["total"] == round(sum(c["score"] * c["weight"] for c in cats.values()) / weights, 1)


def test_message_fill_has_no_attribute_access():
    assert fill("{a}-{a.__class__}-{b}", {"a": 1}) == "1-{a.__class__}-{b}"
    assert fill("{x}", {"x": 2.50}) == "2.5"


def test_narrative_figures_against_tables():
    values = synth_values("2021", 16)
    html = page("2021", values)
    assert not [i for i in rule_ids(check_bytes(html)) if i.startswith("narrative.")]
    received = values["t3.new_received.total"]
    changed = html.replace(f"新收政府信息公开申请{received}件", f"新收政府信息公开申请{received + 5}件")
    [note] = findings_of(check_bytes(changed), "narrative.new_received")
    assert note["severity"] == "warning" and str(received + 5) in note["message"] and str(received) in note["message"]
    assert note["cells"] == ["t3.new_received.total"]


def test_sections_out_of_order():
    html = page("2021", synth_values("2021", 17))
    heading = '<p style="text-indent:2em;"><strong>'
    five = html.index(heading + "五、存在的主要问题及改进情况")
    six = html.index(heading + "六、其他需要报告的事项")
    end = html.index('<p style="text-align:right;">', six)
    swapped = html[:five] + html[six:end] + html[five:six] + html[end:]
    messages = [f["message"] for f in findings_of(check_bytes(swapped), "struct.section.order")]
    assert any("位置" in m and "五、存在的主要问题及改进情况" in m for m in messages)


def test_attachment_referenced_but_absent():
    html = page("2021", synth_values("2021", 18))
    assert "table.attachment_missing" not in rule_ids(check_bytes(html))
    marker = '<p style="text-indent:2em;"><strong>六、其他需要报告的事项'
    with_ref = html.replace(marker, "<p>附件：2024年政府信息公开统计表</p>" + marker)
    [finding] = findings_of(check_bytes(with_ref), "table.attachment_missing")
    assert "统计表" in finding["message"]


def test_unknown_publication_date_is_not_on_time(tmp_path):
    """No publication date: 发布时效 says 未知 and earns what the profile gives (default nothing)."""
    import yaml
    from helpers import report_of
    from synth import build_html, synth_values

    from gkcheck.engine import run
    from gkcheck.render import render_text
    from gkcheck.render.html import render_html
    from gkcheck.rulepack import PROFILES_DIR, load_profile, load_rules

    report = report_of(build_html("2021", synth_values("2021", 1), published=None).replace(
        "2025年3月20日", "").replace("2025-03-20", ""))
    assert report.document.published is None
    result = run(report, load_rules(), load_profile())
    timeliness = result["score"]["categories"]["timeliness"]
    assert timeliness["score"] == 0 and timeliness["unknown"] is True and "未知" in timeliness["note"]
    assert result["document"]["on_time"] is None
    assert "发布时效 未知（记 0.0）" in render_text(result)
    assert "未知（记 0.0）" in render_html(result)
    data = yaml.safe_load((PROFILES_DIR / "default.yaml").read_text(encoding="utf-8"))
    data["unknown_publication"] = 50
    custom = tmp_path / "lenient.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lenient = run(report, load_rules(), load_profile(str(custom)))["score"]["categories"]["timeliness"]
    assert lenient["score"] == 50 and lenient["unknown"] is True
    dated = report_of(build_html("2021", synth_values("2021", 1), published="2025-03-20"))
    known = run(dated, load_rules(), load_profile())["score"]["categories"]["timeliness"]
    assert known["score"] == 100 and "unknown" not in known
