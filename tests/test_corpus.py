"""Acceptance on the real documents of ../shared/corpus (what EXPECTED.md says a correct checker reports)."""

from __future__ import annotations

import pytest
from helpers import corpus, findings_of, needs_corpus, rule_ids

from gkcheck.engine import run
from gkcheck.pipeline import extract_file
from gkcheck.rulepack import load_profile, load_rules

pytestmark = needs_corpus


@pytest.fixture(scope="module")
def results() -> dict:
    rules, profile = load_rules(), load_profile()
    names = ["000_06f82d3c865ffb02.txt", "001_256f0a0380d1c198.txt", "002_d89e21f17307f581.txt",
             "003_66749aa55c01b5c8.txt", "004_f445e6dab1fd063c.txt", "huaian-2024.pdf", "hongze-2023.pdf",
             "hongze-2024.pdf", "template-2021-tables-blank.docx"]
    keys = {n: n.split("_")[0].rsplit(".", 1)[0].replace("huaian-2024", "huaian") for n in names}
    return {keys[n]: run(extract_file(corpus(n)), rules, profile) for n in names}


def test_000_fujian_2019_government_on_time(results):
    r = results["000"]
    doc = r["document"]
    assert (doc["kind"], doc["year"], doc["issuer_kind"]) == ("annual_report", 2019, "government")
    assert doc["published"]["date"] == "2020-03-31" and doc["on_time"] is True


def test_000_sections_two_to_six_missing_and_problems_paragraph_found(results):
    missing = findings_of(results["000"], "struct.section.missing")
    assert sorted(f["message"][3] for f in missing) == sorted("二三四五六")
    five = next(f for f in missing if f["message"][3] == "五")
    assert "有相关内容" in five["message"]


def test_000_tables_referenced_not_present(results):
    r = results["000"]
    assert {t: i["status"] for t, i in r["report"]["tables"].items()} == {
        "t2": "referenced", "t3": "referenced", "t4": "referenced"}
    messages = [f["message"] for f in findings_of(r, "table.present")]
    assert len(messages) == 3 and all("附件" in m and "无法核验" in m for m in messages)
    cells = r["report"]["cells"]  # every 2019-template cell is listed, none could be read
    assert len(cells) == 22 + 161 + 15 and all(c["value"] is None and c["status"] == "missing" for c in cells.values())


def test_000_no_fee_demand_and_low_score(results):
    r = results["000"]
    assert "content.processing_fee" not in rule_ids(r)
    assert r["score"]["total"] < 50


def test_001_legacy_not_scored_against_new_template(results):
    r = results["001"]
    assert r["document"]["kind"] == "legacy_annual_report"
    assert r["score"]["profile"] == "legacy" and r["score"]["total"] is not None
    assert all("旧" in c["label"] for c in r["score"]["categories"].values())
    assert "doc.kind.legacy" in rule_ids(r)
    post2019 = [f for f in r["findings"] if f["category"] in ("arithmetic", "tables", "structure")
                and not f["rule"].startswith("legacy.")]
    assert post2019 == []
    late = findings_of(r, "doc.deadline")
    assert late and "2019-03-31" in late[0]["message"] and "2019-07-18" in late[0]["message"]


@pytest.mark.parametrize("key", ["002", "004"])
def test_not_annual_reports(results, key):
    r = results[key]
    assert r["document"]["kind"] == "not_annual_report"
    assert r["score"]["total"] is None and r["score"]["reason"]
    assert rule_ids(r) == ["doc.kind.not_report"]


def test_003_legacy_government_numbering_gap_and_absent_sheet(results):
    r = results["003"]
    assert r["document"]["kind"] == "legacy_annual_report" and r["document"]["issuer_kind"] == "government"
    assert r["report"]["numbering_gaps"] == [3]
    assert "缺少“三”" in findings_of(r, "struct.numbering_gap")[0]["message"]
    assert "统计表" in findings_of(r, "table.attachment_missing")[0]["message"]


HUAIAN = {
    "t3.new_received.total": 3119, "t3.carried_over.total": 34, "t3.total_processed.total": 3050,
    "t3.carried_forward.total": 103, "t2.fees.amount": 96171.6, "t4.review.total": 351,
    "t4.litigation_direct.total": 26, "t4.litigation_after_review.total": 20,
    "t3.other_no_correction.total": 71, "t3.unable_not_held.natural_person": 746, "t2.licensing.decisions": 447228,
}


def test_huaian_every_cell_extracted(results):
    r = results["huaian"]
    cells = r["report"]["cells"]
    assert len(cells) == 10 + 175 + 15
    assert all(c["status"] == "ok" for c in cells.values())
    for address, value in HUAIAN.items():
        assert cells[address]["value"] == value, address


def test_huaian_clean_arithmetic_fee_stated_gov_warning(results):
    r = results["huaian"]
    ids = rule_ids(r)
    assert not [i for i in ids if i.startswith("arith.")] and not r["suspects"]
    assert "content.processing_fee" not in ids
    assert "content.gov_assessment" in ids
    doc = r["document"]
    assert doc["template"] == "2021"
    assert (doc["published"]["date"], doc["published"]["source"]) == ("2025-02-25", "pdf_metadata")
    assert doc["on_time"] is True


def test_hongze_2023_t4_totals_wrong_with_suspects(results):
    r = results["hongze-2023"]
    errors = findings_of(r, "arith.t4.group_total")
    assert len(errors) == 2
    assert not [f for f in r["findings"] if f["rule"].startswith("arith.t3")]
    suspects = {s["cell"]: s["expected"] for s in r["suspects"]}
    assert suspects["t4.review.total"] == 11 and suspects["t4.litigation_after_review.total"] == 5
    assert any("t4.review.total" in (f["suggestion"] or "") and "应为 11" in f["suggestion"] for f in errors)


@pytest.mark.parametrize("key", ["hongze-2023", "hongze-2024"])
def test_hongze_single_row_other_and_label_typo(results, key):
    r = results[key]
    version = findings_of(r, "template.version")
    assert version and "（六）其他处理" in version[0]["message"]
    typo = findings_of(r, "table.label_wording")
    assert typo and "其他法律行政止公开" in typo[0]["message"]
    assert r["report"]["cells"]["t3.denied_law_forbidden.total"]["value"] == 0


def test_hongze_2024_clean_and_cross_year_figures(results):
    r = results["hongze-2024"]
    assert not [i for i in rule_ids(r) if i.startswith("arith.")]
    cells = r["report"]["cells"]
    previous = results["hongze-2023"]["report"]["cells"]
    for col in ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total"):
        assert cells[f"t3.carried_over.{col}"]["value"] == previous[f"t3.carried_forward.{col}"]["value"] == 0
    n = "t2.normative_documents"
    assert previous[f"{n}.in_force"]["value"] + cells[f"{n}.issued"]["value"] - cells[f"{n}.repealed"]["value"] == \
        cells[f"{n}.in_force"]["value"] == 8


def test_blank_docx_template_recognised_as_blank_2021_tables(results):
    r = results["template-2021-tables-blank"]
    tables = r["report"]["tables"]
    assert {t: (i["status"], i["template"]) for t, i in tables.items()} == {
        "t2": ("blank", "2021"), "t3": ("blank", "2021"), "t4": ("blank", "2021")}
    assert len(r["report"]["cells"]) == 200
    assert all("表格未填写" in f["message"] for f in findings_of(r, "table.present"))
    assert not r["report"]["tables"]["t3"]["label_deviations"]
