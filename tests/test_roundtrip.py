"""The same synthetic report as HTML, flattened text, DOCX and PDF extracts to exactly the same cells."""

from __future__ import annotations

import pytest
from helpers import report_of
from synth import build_docx, build_html, build_pdf, build_text, synth_values

YEAR = {"2019": 2020, "2021": 2024}


def cells(report) -> dict:
    return {k: (c.value, c.status) for k, c in report.cells.items()}


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("seed", [0, 7])
def test_pdf_docx_text_match_html(version, seed):
    values = synth_values(version, seed)
    kw = {"year": YEAR[version], "published": f"{YEAR[version] + 1}-02-20"}
    html = report_of(build_html(version, values, **kw), "r.html")
    assert {k: v for k, (v, _) in cells(html).items()} == values
    for data, name in ((build_pdf(version, values, **kw), "r.pdf"), (build_docx(version, values, **kw), "r.docx"),
                       (build_text(version, values, style="rows", **kw), "r.txt"),
                       (build_text(version, values, style="cells", **kw), "c.txt")):
        other = report_of(data, name)
        assert cells(other) == cells(html), name
        assert other.document.year == html.document.year and other.document.issuer == html.document.issuer
        assert {t: i.template for t, i in other.tables.items()} == {t: i.template for t, i in html.tables.items()}
        assert [s.number for s in other.sections] == [1, 2, 3, 4, 5, 6]


def test_pdf_publication_date_from_metadata_when_text_has_none():
    values = synth_values("2021", 3)
    report = report_of(build_pdf("2021", values, published="2025-01-15"), "r.pdf")
    assert report.document.published is not None
    assert (report.document.published.date, report.document.published.source) == ("2025-01-15", "pdf_metadata")
