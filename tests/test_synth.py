"""Light self-tests of the synthetic report builder (tests/synth.py)."""

from __future__ import annotations

import io

import docx
import pytest
from lxml import html as lxml_html
from synth import (
    APPLICANTS,
    build_docx,
    build_html,
    build_pdf,
    build_tables,
    build_text,
    inject,
    positions,
    synth_values,
)

from gkcheck.read.html import read_html
from gkcheck.templates import load_template

VERSIONS = ("2019", "2021")
SEEDS = range(6)


def _result_rows(version: str) -> list[str]:
    balance = {"new_received", "carried_over", "total_processed", "carried_forward"}
    return [r.key for r in load_template(version).tables["t3"].rows if r.key not in balance]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("seed", SEEDS)
def test_values_cover_every_cell_and_hold_identities(version: str, seed: int) -> None:
    v = synth_values(version, seed)
    template = load_template(version)
    assert list(v) == template.cells()
    columns = list(template.tables["t3"].columns)
    for col in columns:  # A1, A2
        assert v[f"t3.new_received.{col}"] + v[f"t3.carried_over.{col}"] == (
            v[f"t3.total_processed.{col}"] + v[f"t3.carried_forward.{col}"]
        )
        assert v[f"t3.total_processed.{col}"] == sum(v[f"t3.{r}.{col}"] for r in _result_rows(version))
    for row in template.tables["t3"].rows:  # A3
        assert v[f"t3.{row.key}.total"] == sum(v[f"t3.{row.key}.{c}"] for c in APPLICANTS)
    for group in ("review", "litigation_direct", "litigation_after_review"):  # A4
        parts = ("upheld", "corrected", "other", "pending")
        assert v[f"t4.{group}.total"] == sum(v[f"t4.{group}.{p}"] for p in parts)
    counts = [x for a, x in v.items() if not a.endswith((".change", ".amount"))]
    assert all(isinstance(x, int) and x > 0 for x in counts)


def test_values_are_deterministic_and_vary_by_seed() -> None:
    assert synth_values("2021", 3) == synth_values("2021", 3)
    assert synth_values("2021", 3) != synth_values("2021", 4)


def test_decimal_and_signed_cells() -> None:
    amount = synth_values("2021", 1)["t2.fees.amount"]
    assert isinstance(amount, float) and not amount.is_integer()
    changes = [v for s in SEEDS for a, v in synth_values("2019", s).items() if a.endswith(".change")]
    assert any(c < 0 for c in changes) and all(c != 0 for c in changes)


def test_inject_copies() -> None:
    v = synth_values("2021")
    w = inject(v, "t4.review.total", 0)
    assert w["t4.review.total"] == 0 and v["t4.review.total"] != 0
    with pytest.raises(KeyError):
        inject(v, "t9.nope.total", 1)


@pytest.mark.parametrize("version", VERSIONS)
def test_html_page_has_three_template_tables(version: str) -> None:
    values = synth_values(version, 1)
    page = build_html(version, values, year=2020 if version == "2019" else 2024)
    page.encode("gbk")  # GBK-friendly text only
    root = lxml_html.fromstring(page)
    assert len(root.findall(".//table")) == 3
    assert root.find(".//meta").get("charset") == "utf-8"
    text = root.text_content()
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in text
    assert "发布日期：2025-03-20" in text
    source = read_html(page.encode("utf-8"), "synth.html")
    widths = [len(g.rows[0]) for g in source.tables]
    assert widths == [4, 10, 15]
    t3 = source.tables[1].rows
    assert t3[3][:3] == ["一、本年新收政府信息公开申请数量"] * 3
    assert t3[3][3:] == [str(values[f"t3.new_received.{c}"]) for c in (*APPLICANTS, "total")]
    assert source.tables[2].rows[3] == [str(values[f"t4.{g}.{c}"]) for g in
                                        ("review", "litigation_direct", "litigation_after_review")
                                        for c in ("upheld", "corrected", "other", "pending", "total")]


def test_html_sections_five_and_six() -> None:
    page = build_html("2021", synth_values("2021"), extra_body="<p id='planted'>X</p>")
    six = page.index("六、其他需要报告的事项")
    assert six < page.index("<p id='planted'>X</p>")
    assert "本年度收取信息处理费0元" in page and "工作考核、社会评议和责任追究" in page
    department = build_html("2021", synth_values("2021"), issuer="示例县教育局")
    assert "工作考核、社会评议和责任追究" not in department
    assert "信息处理费" not in build_html("2019", synth_values("2019"), year=2020)


def test_table_layout_spans_fill_grid() -> None:
    tables = build_tables("2021", synth_values("2021"))
    for table, width in zip(tables.values(), (4, 10, 15), strict=True):
        covered = sum(c.rowspan * c.colspan for _, _, c in positions(table))
        assert covered == width * len(table.rows)


@pytest.mark.parametrize("version", VERSIONS)
def test_text_styles(version: str) -> None:
    values = synth_values(version, 2)
    rows = build_text(version, values, style="rows").splitlines()
    total = " ".join(str(values[f"t3.new_received.{c}"]) for c in (*APPLICANTS, "total"))
    assert f"一、本年新收政府信息公开申请数量 {total}" in rows
    t4 = " ".join(str(v) for a, v in values.items() if a.startswith("t4."))
    assert t4 in rows and "申请人情况" in rows and "结果维持" in rows
    cells = build_text(version, values, style="cells").splitlines()
    i = cells.index("一、本年新收政府信息公开申请数量")
    assert cells[i + 1 : i + 5] == ["", str(values["t3.new_received.natural_person"]), "",
                                    str(values["t3.new_received.commercial"])]
    with pytest.raises(ValueError):
        build_text(version, values, style="columns")


@pytest.mark.parametrize("version", VERSIONS)
def test_docx_has_three_merged_tables(version: str) -> None:
    data = build_docx(version, synth_values(version), year=2024)
    doc = docx.Document(io.BytesIO(data))
    assert len(doc.tables) == 3
    t3 = doc.tables[1]
    assert t3.cell(0, 0)._tc is t3.cell(2, 2)._tc  # the 勾稽 note block is one merged cell
    assert "六、其他需要报告的事项" in [p.text for p in doc.paragraphs]


def test_pdf_bytes() -> None:
    data = build_pdf("2021", synth_values("2021"), year=2024)
    assert data.startswith(b"%PDF")
    assert b"STSong-Light" in data
