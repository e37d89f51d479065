"""Checks across reports on report data: units, cross-year, roll-up, copied text, fingerprints, decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import check_bytes, needs_corpus
from multi_fixtures import narrative, page, year_pair

from gkcheck.multi.analyse import analyse
from gkcheck.multi.batch import MultiOptions, annotate, merge
from gkcheck.multi.crossyear import check_pair
from gkcheck.multi.decisions import load_decisions
from gkcheck.multi.digest import Digest, pack_cells
from gkcheck.multi.rollup import check_rollup
from gkcheck.multi.similarity import SentenceCounts, Settings, find_copies, jaccard, shingles, signature
from gkcheck.multi.units import Units, load_units, normalise, split_parent
from gkcheck.multi.yamlfile import InputFileError
from gkcheck.pipeline import check_file
from gkcheck.rulepack import load_profile, load_rules

PROFILE = load_profile()


def digest_of(text: str, tmp_path: Path, name: str, units: Units | None = None) -> tuple[dict, Digest]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = check_file(path, load_rules(), PROFILE)
    return result, annotate(result, path, MultiOptions(units=units), PROFILE)


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(("issuer", "unit"), [
    ("淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("洪泽区人民政府", "洪泽区人民政府"),
    ("淮安市洪泽区人民政府办公室", "洪泽区人民政府办公室"),
    ("淮安市人民政府", "淮安市人民政府"),
    ("淮安市人民政府办公室", "淮安市人民政府办公室"),
    ("淮安市城市管理局", "淮安市城市管理局"),
    ("淮安市市场监督管理局", "淮安市市场监督管理局"),
    ("苏州市工业园区管理委员会", "苏州市工业园区管理委员会"),
    (" 淮安市 洪泽区 教育体育局", "洪泽区教育体育局"),
])
def test_issuer_normalised_to_unit(issuer: str, unit: str):
    assert normalise(issuer) == unit


def test_office_stays_distinct_from_government():
    assert normalise("洪泽区人民政府办公室") != normalise("淮安市洪泽区人民政府")
    assert split_parent("南京市鼓楼区人民政府") == ("南京市", "鼓楼区人民政府")


def test_same_named_districts_of_different_cities_are_different_units(tmp_path: Path):
    before, after = year_pair(2)
    _, a = digest_of(page(before, year=2023, issuer="南京市鼓楼区人民政府", seed=1), tmp_path, "a.html")
    _, b = digest_of(page(synth_shifted(after), year=2024, issuer="福州市鼓楼区人民政府", seed=2), tmp_path, "b.html")
    outcome = analyse([a, b], PROFILE)
    assert not [f for fs in outcome.findings.values() for f in fs if f["rule"].startswith("cross.")]


def synth_shifted(values: dict) -> dict:
    """The same figures with 上年结转 (and 新收) of the natural-person column moved by 3: A1 still holds."""
    out = dict(values)
    for row in ("carried_over", "new_received"):
        for col in ("natural_person", "total"):
            out[f"t3.{row}.{col}"] += 3 if row == "carried_over" else -3
    return out


def write_yaml(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_units_file_validated_with_line_numbers(tmp_path: Path):
    bad = write_yaml(tmp_path, "units.yaml", "units:\n  - name: 示例县人民政府\n    kind: county\n")
    with pytest.raises(InputFileError) as err:
        load_units(bad)
    assert "第 3 行" in err.value.message and "county" in err.value.message and "单位清单文件" in err.value.message
    broken = write_yaml(tmp_path, "broken.yaml", "units: [name: x\n")
    with pytest.raises(InputFileError, match="YAML"):
        load_units(broken)
    orphan = write_yaml(tmp_path, "orphan.yaml", "units:\n  - {name: 示例县教育局, kind: department, parent: 某县}\n")
    with pytest.raises(InputFileError, match="上级单位「某县」不在单位清单中"):
        load_units(orphan)


def test_units_file_matches_aliases_and_normalised_names(tmp_path: Path):
    units = load_units(write_yaml(tmp_path, "units.yaml", (
        "units:\n"
        "  - {name: 洪泽区人民政府, kind: government, aliases: [洪泽区政府]}\n"
        "  - {name: 洪泽区教育体育局, kind: department, parent: 洪泽区人民政府}\n")))
    assert units.find("淮安市洪泽区人民政府").name == "洪泽区人民政府"
    assert units.find("洪泽区政府").name == "洪泽区人民政府"
    assert units.find("洪泽区人民政府办公室") is None
    assert [u.name for u in units.children("洪泽区人民政府")] == ["洪泽区教育体育局"]


def test_missing_unlisted_and_duplicate_units(tmp_path: Path):
    units = load_units(write_yaml(tmp_path, "units.yaml", (
        "units:\n  - {name: 甲县人民政府, kind: government}\n  - {name: 乙县人民政府, kind: government}\n")))
    values = year_pair(3)[1]
    _, a = digest_of(page(values, year=2024, issuer="某市甲县人民政府", seed=1), tmp_path, "a.html", units)
    _, a2 = digest_of(page(values, year=2024, issuer="甲县人民政府", seed=2, published="2025-02-01"),
                      tmp_path, "a2.html", units)
    _, c = digest_of(page(values, year=2024, issuer="丙县人民政府", seed=3), tmp_path, "c.html", units)
    outcome = analyse([a, a2, c], PROFILE, units)
    assert [(m["unit"]["name"], m["document"]["year"], m["score"]["reason"]) for m in outcome.missing] == \
        [("乙县人民政府", 2024, "未发布/未提交")]
    assert outcome.duplicate_of == {0: a2.file}  # the later publication is ranked
    assert [f["rule"] for f in outcome.findings[2]] == ["unit.unlisted"]
    assert all("unit.duplicate" in [f["rule"] for f in outcome.findings[i]] for i in (0, 1))


# --------------------------------------------------------------------------- cross-year


def test_a5_broken_in_one_column(tmp_path: Path):
    before, after = year_pair(4)
    _, ok_prev = digest_of(page(before, year=2023, issuer="示例县人民政府", seed=1), tmp_path, "2023.html")
    _, ok_now = digest_of(page(after, year=2024, issuer="示例县人民政府", seed=2), tmp_path, "2024.html")
    assert not [f for f in check_pair(ok_now, ok_prev, PROFILE) if f["rule"] == "cross.t3.carry_over"]
    result, bad_now = digest_of(page(synth_shifted(after), year=2024, issuer="示例县人民政府", seed=2), tmp_path,
                                "2024-bad.html")
    assert not [f for f in result["findings"] if f["severity"] == "error"]  # the report alone is consistent
    found = [f for f in check_pair(bad_now, ok_prev, PROFILE) if f["rule"] == "cross.t3.carry_over"]
    assert [f["cells"] for f in found] == [["t3.carried_over.natural_person"], ["t3.carried_over.total"]]
    message = found[0]["message"]
    now, was = after["t3.carried_over.natural_person"] + 3, before["t3.carried_forward.natural_person"]
    assert f"为 {now}" in message and f"为 {was}" in message and "2024-bad.html" in message and "2023.html" in message
    assert found[0]["severity"] == "error" and found[0]["related"]["file"].endswith("2023.html")


def test_a6_in_force_identity_is_a_warning(tmp_path: Path):
    before, after = year_pair(5)
    after["t2.normative_documents.in_force"] += 4
    _, prev = digest_of(page(before, year=2023, issuer="示例县人民政府", seed=1), tmp_path, "2023.html")
    _, now = digest_of(page(after, year=2024, issuer="示例县人民政府", seed=2), tmp_path, "2024.html")
    found = [f for f in check_pair(now, prev, PROFILE) if f["rule"] == "cross.t2.in_force"]
    assert [(f["severity"], f["cells"][0]) for f in found] == [("warning", "t2.normative_documents.in_force")]
    assert "相差 4" in found[0]["message"]


def test_copied_table_and_jump(tmp_path: Path):
    before, after = year_pair(6)
    _, prev = digest_of(page(before, year=2023, issuer="示例县人民政府", seed=1), tmp_path, "2023.html")
    _, same = digest_of(page(before, year=2024, issuer="示例县人民政府", seed=2), tmp_path, "2024.html")
    rules = [f["rule"] for f in check_pair(same, prev, PROFILE)]
    assert "cross.t3.copied" in rules
    _, own = digest_of(page(after, year=2024, issuer="示例县人民政府", seed=2), tmp_path, "2024b.html")
    assert "cross.t3.copied" not in [f["rule"] for f in check_pair(own, prev, PROFILE)]
    jumped = dict(same.cells)
    jumped["t4.review.total"] = max(10, (prev.value("t4.review.total") or 0) * 5 + 10)
    same.cells_data = pack_cells(jumped)
    found = [f for f in check_pair(same, prev, PROFILE) if f["rule"] == "cross.jump"]
    assert [f["cells"] for f in found] == [["t4.review.total"]] and found[0]["severity"] == "info"


@needs_corpus
def test_hongze_2023_and_2024_pass_a5_as_one_unit(tmp_path: Path):
    from helpers import corpus

    digests = []
    for name in ("hongze-2023.pdf", "hongze-2024.pdf"):
        result = check_file(corpus(name), load_rules(), PROFILE)
        digests.append(annotate(result, corpus(name), MultiOptions(), PROFILE))
    assert digests[0].unit == digests[1].unit == "洪泽区人民政府"
    outcome = analyse(digests, PROFILE)
    rules = [f["rule"] for f in outcome.findings.get(1, [])]
    assert "cross.t3.carry_over" not in rules and "cross.t2.in_force" not in rules
    assert digests[1].value("t3.carried_over.total") == digests[0].value("t3.carried_forward.total") == 0


# --------------------------------------------------------------------------- roll-up


def test_rollup_with_one_wrong_part(tmp_path: Path):
    a, b = year_pair(7)[1], year_pair(8)[1]
    summary = {k: a[k] + b[k] if k.startswith(("t3.", "t4.")) else a[k] for k in a}
    _, total = digest_of(page(summary, year=2024, issuer="示例县人民政府", seed=1), tmp_path, "county.html")
    _, part_a = digest_of(page(a, year=2024, issuer="示例县教育局", seed=2), tmp_path, "edu.html")
    _, part_b = digest_of(page(b, year=2024, issuer="示例县卫生健康委员会", seed=3), tmp_path, "health.html")
    assert check_rollup(total, [part_a, part_b], PROFILE) == []
    wrong = dict(b)
    wrong["t4.review.upheld"] += 2
    wrong["t4.review.total"] += 2
    _, part_b = digest_of(page(wrong, year=2024, issuer="示例县卫生健康委员会", seed=3), tmp_path, "health2.html")
    found = check_rollup(total, [part_a, part_b], PROFILE)
    assert sorted(f["cells"][0] for f in found) == ["t4.review.total", "t4.review.upheld"]
    assert all(f["severity"] == "info" for f in found)  # the profile's default
    upheld = next(f for f in found if f["cells"] == ["t4.review.upheld"])
    assert f"为 {summary['t4.review.upheld']}" in upheld["message"]
    assert f"之和为 {summary['t4.review.upheld'] + 2}" in upheld["message"]


def test_rollup_through_units_parents_is_opt_in(tmp_path: Path):
    units = load_units(write_yaml(tmp_path, "units.yaml", (
        "units:\n  - {name: 示例县人民政府, kind: government}\n"
        "  - {name: 示例县教育局, kind: department, parent: 示例县人民政府}\n")))
    a = year_pair(9)[1]
    off = dict(a)
    off["t3.granted.natural_person"] += 1
    off["t3.total_processed.natural_person"] += 1
    off["t3.new_received.natural_person"] += 1
    _, total = digest_of(page(a, year=2024, issuer="示例县人民政府", seed=1), tmp_path, "county.html", units)
    _, part = digest_of(page(off, year=2024, issuer="示例县教育局", seed=2), tmp_path, "edu.html", units)
    assert not [f for fs in analyse([total, part], PROFILE, units).findings.values() for f in fs
                if f["rule"] == "rollup.sum"]
    found = [f for f in analyse([total, part], PROFILE, units, rollup_enabled=True).findings[0]
             if f["rule"] == "rollup.sum"]
    assert {f["cells"][0] for f in found} >= {"t3.granted.natural_person", "t3.new_received.natural_person"}


# --------------------------------------------------------------------------- copied text


def test_two_units_with_a_copied_section(tmp_path: Path):
    shared = narrative(777, sentences=8)
    digests = []
    for i, issuer in enumerate(("甲县人民政府", "乙县人民政府", "丙县人民政府", "丁县人民政府")):
        text = page(year_pair(10 + i)[1], year=2024, issuer=issuer, seed=20 + i,
                    section5=shared if i < 2 else None)
        digests.append(digest_of(text, tmp_path, f"{i}.html")[1])
    outcome = analyse(digests, PROFILE)
    copied = {i: [f for f in fs if f["rule"] == "copy.other_unit"] for i, fs in outcome.findings.items()}
    assert [f["related"]["section"] for f in copied[0]] == [5] and [f["related"]["file"] for f in copied[0]] == \
        [digests[1].file]
    assert copied[1] and not copied.get(2) and not copied.get(3)
    assert "第5部分「存在的主要问题及改进情况」与乙县人民政府的报告" in copied[0][0]["message"]


def test_boilerplate_shared_by_every_report_does_not_count():
    template_text = "本机关严格按照条例要求编制年度报告并向社会公开。报告所列数据统计期限为全年。"
    digests = [Digest(file=f"{i}.html", unit=f"单位{i}", region=None, issuer=f"单位{i}", issuer_kind="government",
                      year=2024, kind="annual_report", sections={5: template_text * 3 + narrative(i)})
               for i in range(8)]
    assert find_copies(digests, Settings(min_chars=40)) == []
    digests[3].sections[5] = digests[2].sections[5]
    assert [(p.a, p.b, p.section) for p in find_copies(digests, Settings(min_chars=40))] == [(2, 3, 5)]


def test_sentences_counted_as_reports_arrive_give_the_same_copies():
    """The batch counts sentences as the reports arrive (`SentenceCounts`); the copies found are those of the
    count made over the texts at the end, boilerplate included, and counts of other reports are refused."""
    template_text = "本机关严格按照条例要求编制年度报告并向社会公开。报告所列数据统计期限为全年。"
    digests = [Digest(file=f"{i}.html", unit=f"单位{i}", region=None, issuer=f"单位{i}", issuer_kind="government",
                      year=2024, kind="annual_report", sections={5: template_text * 3 + narrative(i)})
               for i in range(8)]
    digests[3].sections[5] = digests[2].sections[5]
    settings = Settings(min_chars=40)
    counts = SentenceCounts(settings)
    for digest in digests:
        counts.add(digest.sections)
    assert find_copies(digests, settings, counts=counts) == find_copies(digests, settings)
    assert [(p.a, p.b) for p in find_copies(digests, settings)] == [(2, 3)]
    fewer = SentenceCounts(settings)
    fewer.add(digests[0].sections)
    with pytest.raises(ValueError):
        find_copies(digests, settings, counts=fewer)


def test_minhash_signature_tracks_jaccard():
    a = shingles(narrative(1, 30), 5)
    b = set(list(a)[: len(a) * 9 // 10]) | shingles(narrative(2, 3), 5)
    sa, sb = signature(a), signature(b)
    estimate = sum(x == y for x, y in zip(sa, sb)) / len(sa)
    assert abs(estimate - jaccard(a, b)) < 0.2


# --------------------------------------------------------------------------- fingerprints and decisions


def test_fingerprints_do_not_depend_on_line_numbers(tmp_path: Path):
    values = year_pair(11)[1]
    values["t3.total_processed.total"] += 5
    text = page(values, year=2024, issuer="示例县人民政府", seed=1)
    first, _ = digest_of(text, tmp_path, "a.html")
    moved, _ = digest_of(text.replace("<body>", "<body><p>前言</p><p>说明</p>", 1), tmp_path, "b.html")
    key = {f["rule"]: f["fingerprint"] for f in first["findings"] if f["cells"]}
    assert key and key == {f["rule"]: f["fingerprint"] for f in moved["findings"] if f["cells"]}
    assert len({f["fingerprint"] for f in first["findings"]}) == len(first["findings"])


def test_decisions_dismiss_one_finding_without_deduction(tmp_path: Path):
    values = year_pair(12)[1]
    values["t3.total_processed.total"] += 5
    text = page(values, year=2024, issuer="示例县人民政府", seed=1)
    result, _ = digest_of(text, tmp_path, "a.html")
    target = next(f for f in result["findings"] if f["severity"] == "error")
    decisions = load_decisions(write_yaml(tmp_path, "review.yaml", (
        "decisions:\n"
        f"  - {{fingerprint: {target['fingerprint']}, status: dismissed, reason: 口径不同，已核实,"
        " unit: 示例县人民政府}\n")))
    path = tmp_path / "a.html"
    reviewed = check_file(path, load_rules(), PROFILE)
    annotate(reviewed, path, MultiOptions(decisions=decisions), PROFILE)
    assert [f["fingerprint"] for f in reviewed["dismissed"]] == [target["fingerprint"]]
    assert reviewed["dismissed"][0]["decision"] == {"status": "dismissed", "reason": "口径不同，已核实"}
    assert target["fingerprint"] not in [f["fingerprint"] for f in reviewed["findings"]]
    assert reviewed["summary"]["error"] == result["summary"]["error"] - 1
    assert reviewed["score"]["total"] > result["score"]["total"]


def test_decisions_file_errors(tmp_path: Path):
    bad = write_yaml(tmp_path, "review.yaml", "decisions:\n  - {fingerprint: xyz, status: waived, reason: 无}\n")
    with pytest.raises(InputFileError) as err:
        load_decisions(bad)
    assert "复核决定文件" in err.value.message and "第 2 行" in err.value.message
    unknown = write_yaml(tmp_path, "unknown.yaml", (
        "decisions:\n  - {fingerprint: 0123456789abcdef, status: dismissed, reason: 已核实, unit: 不存在县人民政府}\n"))
    with pytest.raises(InputFileError, match="单位「不存在县人民政府」不在"):
        load_decisions(unknown).check_units({"示例县人民政府"})


def test_merge_adds_fingerprinted_findings_and_rescores(tmp_path: Path):
    result, digest = digest_of(page(year_pair(13)[1], year=2024, issuer="示例县人民政府", seed=1),
                               tmp_path, "a.html")
    before = result["score"]["total"]
    extra = [{"rule": "cross.t3.carry_over", "title": "A5", "severity": "error", "category": "arithmetic",
              "message": "表三不一致", "cells": ["t3.carried_over.total"], "location": None, "suggestion": None,
              "multi": True}]
    merge(result, extra, None, MultiOptions(), PROFILE)
    assert result["findings"][0]["rule"] == "cross.t3.carry_over" and len(result["findings"][0]["fingerprint"]) == 16
    assert result["summary"]["error"] == 1 and result["score"]["total"] < before


def test_check_bytes_result_is_unchanged_by_multi_modules():
    result = check_bytes(page(year_pair(14)[1], year=2024, issuer="示例县人民政府", seed=1))
    assert "unit" not in result  # single-report engine output stays as it was; the batch adds the fields


def test_section_copied_from_the_units_previous_report(tmp_path: Path):
    before, after = year_pair(15)
    shared = narrative(4242, sentences=8)
    _, prev = digest_of(page(before, year=2023, issuer="示例县人民政府", seed=1, section5=shared), tmp_path, "a.html")
    _, now = digest_of(page(after, year=2024, issuer="示例县人民政府", seed=2, section5=shared), tmp_path, "b.html")
    _, other = digest_of(page(after, year=2024, issuer="另一县人民政府", seed=3), tmp_path, "c.html")
    outcome = analyse([prev, now, other], PROFILE)
    copied = [f for f in outcome.findings.get(1, []) if f["rule"] == "copy.previous_year"]
    assert [(f["severity"], f["related"]["file"], f["related"]["section"]) for f in copied] == \
        [("warning", prev.file, 5)]
    assert not [f for f in outcome.findings.get(0, []) if f["rule"].startswith("copy.")]  # the earlier one
    assert not [f for f in outcome.findings.get(2, []) if f["rule"].startswith("copy.")]


def test_batch_job_with_the_multi_hook_stays_picklable(tmp_path: Path):
    import pickle

    from gkcheck.batch import BatchJob
    from gkcheck.multi.run import MultiRun

    units = load_units(write_yaml(tmp_path, "units.yaml", "units:\n  - {name: 甲县人民政府, kind: government}\n"))
    run = MultiRun(MultiOptions(units=units), PROFILE, tmp_path / "h.sqlite")
    job = BatchJob(load_rules(), PROFILE, ("json",), tmp_path, 10**7, prepare=(run.prepare,))
    copy = pickle.loads(pickle.dumps(job))
    result = check_file(write_yaml(tmp_path, "a.html", page(year_pair(16)[1], year=2024, issuer="甲县人民政府",
                                                            seed=1)), load_rules(), PROFILE)
    extra = copy.prepare[0](result)
    assert extra["unit"]["name"] == "甲县人民政府" and extra["unit"]["listed"] is True
    assert all(len(f["fingerprint"]) == 16 for f in result["findings"])
