"""Text claims (A8): every phrase pattern and scope word of rules/checks/narrative.yaml, true and false cases."""

from __future__ import annotations

from functools import cache

import pytest
from helpers import needs_corpus, report_of
from synth import build_html, synth_values

from gkcheck.engine.checks import CHECKS
from gkcheck.engine.context import Context
from gkcheck.engine.textscan import cn_to_int, parse_figure
from gkcheck.model import Report
from gkcheck.rulepack import load_rules

VALUES = {**synth_values("2021", 5), "t3.new_received.total": 151, "t3.carried_over.total": 15,
          "t3.total_processed.total": 163, "t3.carried_forward.total": 3, "t4.review.total": 12}


@cache
def rules() -> dict:
    return {r.id: r for r in load_rules()}


@cache
def base() -> Report:
    values = dict(VALUES)
    return report_of(build_html("2021", values, year=2024, published="2025-03-01"))


def findings(rule_id: str, text: str) -> list:
    report = base()
    saved = report.text
    report.text = text
    try:
        rule = rules()[rule_id]
        return CHECKS[rule.kind](rule, Context(report=report))
    finally:
        report.text = saved


def cell(address: str) -> int:
    return int(base().cells[address].value)


def test_fixture_values_are_the_ones_the_sentences_assume():
    assert (cell("t3.new_received.total"), cell("t3.carried_over.total"), cell("t3.total_processed.total"),
            cell("t3.carried_forward.total")) == (151, 15, 163, 3)


# (rule, sentence that agrees with the table, the same sentence contradicting it)
AGREE_DISAGREE = [
    ("narrative.new_received", "本年新收151件。", "本年新收152件。"),
    ("narrative.new_received", "全年受理政府信息公开申请151件。", "全年受理政府信息公开申请150件。"),
    ("narrative.new_received", "全年收到依申请公开申请一百五十一件。", "全年收到依申请公开申请十七件。"),
    ("narrative.new_received", "全年受理申请166件（含上年结转）。", "全年受理申请167件。"),
    ("narrative.carried_over", "上年结转15件。", "上年结转16件。"),
    ("narrative.carried_over", "上年度结转申请十五件。", "上年度结转申请五件。"),
    ("narrative.total_processed", "办结163件。", "办结160件。"),
    ("narrative.total_processed", "全年答复政府信息公开申请163件。", "全年答复政府信息公开申请161件。"),
    ("narrative.carried_forward", "结转下年度继续办理3件。", "结转下年度继续办理三十件。"),
    ("narrative.carried_forward", "另有3件顺延到下年度答复。", "另有4件顺延到下年度答复。"),
    ("narrative.review", "被申请行政复议12件。", "被申请行政复议13件。"),
    ("narrative.review", "政府信息公开行政复议十二起。", "政府信息公开行政复议二起。"),
    ("narrative.new_received", "共受理151件政府信息公开申请。", "共受理150件政府信息公开申请。"),
    ("narrative.carried_over", "上年度未办结的申请15件已全部办结。", "上年度未办结的申请14件已全部办结。"),
    ("narrative.total_processed", "办理完毕163件。", "办理完毕162件。"),
    ("narrative.carried_forward", "顺延至下年度办理的申请3件。", "顺延至下年度办理的申请2件。"),
]


@pytest.mark.parametrize("rule_id,agree,disagree", AGREE_DISAGREE)
def test_claim_agrees_and_same_scope_contradiction_is_a_warning(rule_id, agree, disagree):
    assert findings(rule_id, agree) == []
    [found] = findings(rule_id, disagree)
    assert found.severity == "warning"
    assert found.location == {"line": 1}


def test_warning_carries_both_numbers_and_the_cell():
    [found] = findings("narrative.new_received", "本年新收152件。")
    assert "152件" in found.message and "151" in found.message
    assert found.cells == ["t3.new_received.total"]


def test_litigation_is_direct_plus_after_review():
    total = cell("t4.litigation_direct.total") + cell("t4.litigation_after_review.total")
    assert findings("narrative.litigation", f"行政诉讼{total}件。") == []
    [found] = findings("narrative.litigation", f"行政诉讼{total + 2}件。")
    assert found.severity == "warning" and str(total) in found.message


def test_granted_may_include_partial_and_denied_sums_the_reasons():
    granted, partial = cell("t3.granted.total"), cell("t3.partial.total")
    denied = sum(int(c.value or 0) for a, c in base().cells.items() if a.startswith("t3.denied_") and
                 a.endswith(".total"))
    assert findings("narrative.granted", f"予以公开{granted}件。") == []
    assert findings("narrative.granted", f"予以公开{granted + partial}件。") == []
    assert findings("narrative.granted", f"予以公开{granted + partial + 1}件。")
    assert findings("narrative.granted", f"不予公开{granted + 1}件。") == []  # not a 予以公开 claim
    assert findings("narrative.denied", f"不予公开{denied}件。") == []
    assert findings("narrative.denied", f"不予公开{denied + 1}件。")


SCOPE_WORDS = ["全市", "全区", "全县", "各部门", "本机关", "本级", "区政府办代表区政府", "含备案", "同比",
               "较上年增长", "累计", "历年", "其中", "约"]


@pytest.mark.parametrize("word", SCOPE_WORDS)
def test_scope_words_turn_a_mismatch_into_a_review_note(word):
    [found] = findings("narrative.new_received", f"2024年，{word}受理政府信息公开申请17件。")
    assert found.severity == "info" and "请核实口径" in found.message and "17件" in found.message


@pytest.mark.parametrize("text", ["全年受理政府信息公开申请170余件。", "全年受理政府信息公开申请170件以上。"])
def test_approximate_figures_are_review_notes(text):
    [found] = findings("narrative.new_received", text)
    assert found.severity == "info" and "约数" in found.message


def test_other_year_is_a_review_note():
    [found] = findings("narrative.new_received", "2023年受理政府信息公开申请140件。")
    assert found.severity == "info" and "2023" in found.message


@pytest.mark.parametrize("text", [
    "全年受理群众咨询200件。", "受理人大代表建议20件。", "办理12345热线诉求300件。", "办结率100%。",
    "行政复议纠正2件。", "受理政府信息公开申请。",
])
def test_other_quantities_are_not_claims(text):
    for rule_id in ("narrative.new_received", "narrative.total_processed", "narrative.review"):
        assert findings(rule_id, text) == [], (rule_id, text)


def test_wrapped_pdf_lines_are_read_as_one_sentence():
    [found] = findings("narrative.new_received", "第一行\n全年受理政府信息公开申请 1\n52 件。")
    assert found.location == {"line": 2} and "152件" in found.message


def test_no_claim_without_the_table():
    report = base()
    saved = report.tables["t3"].status
    report.tables["t3"].status = "absent"
    try:
        assert findings("narrative.new_received", "本年新收152件。") == []
    finally:
        report.tables["t3"].status = saved


@pytest.mark.parametrize("written,value", [("三", 3), ("十七", 17), ("一百零五", 105), ("两千", 2000),
                                           ("一万二千", 12000), ("二十", 20), ("一千二百三十四", 1234)])
def test_chinese_numerals(written, value):
    assert cn_to_int(written) == value


def test_figures_carry_their_written_precision():
    wan = parse_figure("17.83万")
    assert wan and wan.agrees(178300) and wan.agrees(178340) and not wan.agrees(178400)
    assert parse_figure("1.2万").agrees(12000) and not parse_figure("1.2万").agrees(12600)
    assert parse_figure("3,119").agrees(3119) and not parse_figure("3119").agrees(3118)
    assert parse_figure("十七").value == 17 and parse_figure("abc") is None


# ---- section 五: its own text, not its heading


FIVE_HEADING = '<p style="text-indent:2em;"><strong>五、存在的主要问题及改进情况'
SIX_HEADING = '<p style="text-indent:2em;"><strong>六、其他需要报告的事项'


def with_section_five(body: str) -> list[str]:
    from helpers import check_bytes, rule_ids

    page = build_html("2021", dict(VALUES), year=2024, published="2025-03-01")
    five, six = page.index(FIVE_HEADING), page.index(SIX_HEADING)
    heading_end = page.index("</p>", five) + len("</p>")
    changed = page[:heading_end] + "".join(f"<p>{p}</p>" for p in body.split("\n") if p) + page[six:]
    return [i for i in rule_ids(check_bytes(changed)) if i.startswith("content.problems")]


@pytest.mark.parametrize("body", ["", "无", "暂无问题。", "无。", "本年度工作总体较好。"])
def test_empty_or_stub_section_five_is_a_warning_although_the_heading_names_both(body):
    assert with_section_five(body) == ["content.problems_improvements_substance"]


def test_problems_without_measures_is_a_warning():
    body = "本年度工作仍存在一些不足：一是部分单位对公开属性的认定仍偏保守；二是政策解读形式较为单一。"
    assert with_section_five(body) == ["content.problems_improvements"]


def test_problems_and_measures_pass():
    body = ("本年度工作仍存在一些不足：一是部分单位对公开属性的认定仍偏保守；二是政策解读形式较为单一。\n"
            "下一步将细化公开属性认定指引，丰富多元解读方式，加强业务培训。")
    assert with_section_five(body) == []


# ---- statements the tables contradict


def with_cells(changes: dict[str, int]):
    report = base()
    saved = {a: (report.cells[a].value, report.cells[a].status) for a in changes}
    for address, value in changes.items():
        report.cells[address].value, report.cells[address].status = value, "ok"
    return report, saved


def statement(rule_id: str, text: str, changes: dict[str, int]) -> list:
    report, saved = with_cells(changes)
    try:
        return findings(rule_id, text)
    finally:
        for address, (value, status) in saved.items():
            report.cells[address].value, report.cells[address].status = value, status


REVIEW = ["t4.review.corrected", "t4.review.pending"]
LITIGATION = ["t4.litigation_direct.corrected", "t4.litigation_direct.pending",
              "t4.litigation_after_review.corrected", "t4.litigation_after_review.pending"]
STATEMENTS = [  # (rule, sentence, the cells that must all be 0 for it to hold)
    ("statement.all_processed", "本年度所有申请均已办结。", ["t3.carried_forward.total"]),
    ("statement.all_processed", "受理的政府信息公开申请全部已办结。", ["t3.carried_forward.total"]),
    ("statement.review_upheld", "行政复议案件均获维持。", REVIEW),
    ("statement.review_upheld", "行政复议无一起被纠错。", REVIEW),
    ("statement.litigation_upheld", "行政诉讼案件均获胜诉。", LITIGATION),
    ("statement.all_upheld", "行政复议和行政诉讼案件均获维持。", REVIEW + LITIGATION),
    ("statement.no_fee", "本年度未收取任何费用。", ["t3.other_no_fee.total"]),
]


@pytest.mark.parametrize("rule_id,text,cells", STATEMENTS)
def test_statement_contradicted_by_the_table(rule_id, text, cells):
    zero = dict.fromkeys(cells, 0)
    assert statement(rule_id, text, zero) == []
    for address in cells:
        [found] = statement(rule_id, text, {**zero, address: 2})
        assert found.cells == [address] and text.rstrip("。") in found.message


def test_statement_naming_its_exception_is_not_a_contradiction():
    text = "除3件结转下年度继续办理外，所有申请均已办结。"
    assert statement("statement.all_processed", text, {"t3.carried_forward.total": 3}) == []
    zero = dict.fromkeys(REVIEW + LITIGATION, 0)
    both = "行政复议、行政诉讼均获维持。"
    assert statement("statement.review_upheld", both, {**zero, "t4.review.corrected": 1}) == []
    assert statement("statement.all_upheld", both, {**zero, "t4.review.corrected": 1})


# ---- the text's own arithmetic


@pytest.mark.parametrize("text", [
    "全省主动公开政府信息178300条，其中各级政府主动公开52796条，各级政府部门主动公开125504条。",
    "全年主动公开政府信息17.83万条。全省主动公开政府信息178300条，其中各级政府52796条，各级部门125504条。",
    "在1235件已答复件中，同意公开382件，部分公开112件，其他741件。",
    "收到申请1235件，其中当面申请143件，占11.58%；网上申请722件，占58.46%；信函申请370件，占29.96%。",
    "复议351件，其中维持72件，纠正64件，其他178件，尚未审结37件；诉讼46件，其中维持25件，纠正21件。",
    "开设新媒体32个，其中微博5个，微信公众号26个，分属于17个部门。",
])
def test_consistent_text_arithmetic(text):
    for rule_id in ("text.parts_sum", "text.percent", "text.repeat"):
        assert [f for f in findings(rule_id, text) if f.severity != "info"] == [], (rule_id, text)


def test_parts_above_the_total_are_a_warning_below_a_note():
    [over] = findings("text.parts_sum", "累计主动公开579574条，其中本级443610条，下级136006条。")
    assert over.severity == "warning" and "579616" in over.message and "579574" in over.message
    [under] = findings("text.parts_sum", "在1222件已答复件中，同意公开382件，部分公开112件，不予公开151件。")
    assert under.severity == "info" and "645" in under.message


def test_percentage_that_fits_no_base():
    [found] = findings("text.percent", "收到申请208件，其中当面申请100件，占70%。")
    assert "70%" in found.message and "48.08" in found.message
    assert findings("text.percent", "收到申请208件，其中当面申请100件，占48.08%。") == []
    assert findings("text.percent", "其中当面申请100件，占70%。") == []  # nothing to measure against


@pytest.mark.parametrize("first,second", [
    ("全年受理政府信息公开申请151件。", "本年度受理政府信息公开申请152件。"),
    ("依法办结政府信息公开申请9124件。", "累积办结政府信息公开申请9125件。"),
])
def test_repeated_request_figures(first, second):
    assert findings("text.repeat", first + "\n" + first) == []
    assert len(findings("text.repeat", first + "\n" + second)) == 1


def test_same_figure_written_twice_differently():
    [found] = findings("text.repeat", "全年主动公开政府信息17.83万条。\n全省主动公开政府信息179300条。")
    assert "17.83万条" in found.message and "179300条" in found.message and found.location == {"line": 2}


# ---- precision on the real documents


TEXT_RULES = ("narrative.", "statement.", "text.", "years.", "duties.", "plausibility.", "content.problems")


@cache
def corpus_result(name: str) -> dict:
    from helpers import corpus

    from gkcheck.engine import run
    from gkcheck.pipeline import extract_file
    from gkcheck.rulepack import load_profile

    return run(extract_file(corpus(name)), load_rules(), load_profile())


@needs_corpus
@pytest.mark.parametrize("name", ["huaian-2024.pdf", "hongze-2024.pdf", "hongze-2023.pdf"])
def test_consistent_reports_have_no_text_warning(name):
    found = [f for f in corpus_result(name)["findings"] if f["rule"].startswith(TEXT_RULES)]
    assert [f for f in found if f["severity"] != "info"] == []


@needs_corpus
def test_hongze_2024_office_figure_is_a_review_note():
    [note] = [f for f in corpus_result("hongze-2024.pdf")["findings"] if f["rule"] == "narrative.new_received"]
    assert note["severity"] == "info" and "17件" in note["message"] and "95" in note["message"]


@needs_corpus
def test_fujian_text_arithmetic_is_consistent():
    result = corpus_result("000_06f82d3c865ffb02.txt")
    assert [f for f in result["findings"] if f["rule"].startswith(TEXT_RULES[:-1])] == []


# --------------------------------------------------------------------------- phrases that begin with the figure

FIGURE_TEXT = "0123456789,.一二三十百万余多件条元万元申请结转至下年度占%（(），。栏目 abAB"


@pytest.mark.parametrize("pattern", [
    "{n}", "{n}(?:申请)?(?:顺延|结转)(?:至|到)下(?:一)?年度?", "{n}[，,]?其中", "{n}(?![%％])", "{n}(?<=件)申请",
    "{n}(?<!1件)", "{n}(?:占)(?P<pct>\\d+)%",
    # not tried at figure positions only (a match need not begin with the figure), still the same matches:
    "{n}?申请", "{n}|结转", "{n}*", "{n}(?i)ab", "{n}[|]结转|至", "{n}(?:a|b)|下年",
])
def test_phrases_beginning_with_the_figure_find_what_a_full_scan_finds(pattern: str) -> None:
    """Such phrases are tried only where figure characters stand before a unit; the matches must be those a
    scan from every position finds, on any text."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from gkcheck.engine.textscan import expand_pattern

    phrase = expand_pattern(pattern, ("件", "万元", "元", "AB"))

    def same(text: str) -> None:
        found = [(m.span(), m.group("n")) for m in phrase.finditer(text)]
        assert found == [(m.span(), m.group("n")) for m in phrase.bounded.finditer(text)]

    fixed = ("栏目12ab申请结转至下年度，共3万元，其中1,2.5件", "结转1件|结转5AB申请", "a件申请b下年", "12申请", "5")
    for text in fixed:
        same(text)
    settings(max_examples=300, deadline=None)(given(st.text(alphabet=FIGURE_TEXT, max_size=60))(same))()


def test_only_figure_positions_are_tried_for_a_phrase_beginning_with_the_figure() -> None:
    from gkcheck.engine.textscan import expand_pattern, figure_starts

    assert expand_pattern("{n}[，,]?其中", ("件",)).units == ("件",)
    assert expand_pattern("{n}|其中", ("件",)).units is None  # a match may hold no figure at all
    assert expand_pattern("共{n}", ("件",)).units is None
    text = "栏目123相关网站共1,234件，其中三十余件已办结，另有5件"
    assert figure_starts(text, ("件",)) == [text.index("1,234") + i for i in (0, 2, 3, 4)] \
        + [text.index("三十余") + i for i in (0, 1)] + [text.index("5件")]
    after = expand_pattern("{n}[，,]?其中", ("件",)).after  # what must follow the unit, and within how far
    assert after == ((frozenset({"其中"}),), 3)
    assert figure_starts(text, ("件",), after) == [text.index("1,234") + i for i in (0, 2, 3, 4)]


@pytest.mark.parametrize("text", ["", " \n\n", "甲 乙\n\n 丙\t丁\n \n戊", "ａ１\n\n\n２ ３\n"])
def test_compacted_text_keeps_each_characters_line(text: str) -> None:
    from gkcheck.engine.textscan import compact

    found = compact(text)
    lines = [n for n, line in enumerate(text.split("\n"), start=1) for ch in line if not ch.isspace()]
    assert len(found.compact) == len(lines)
    assert [found.line_at(i) for i in range(len(lines) + 2)] == (lines + lines[-1:] * 2 if lines else [1, 1])
