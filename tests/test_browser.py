"""The batch pages in a real browser (headless Chromium): ranking page, links to report pages."""

from __future__ import annotations

from pathlib import Path

from browser import page_url, screenshot
from click.testing import CliRunner
from synth import build_html, inject, synth_values

from gkcheck.cli import main

UNITS = {"甲县人民政府": 0, "乙县人民政府": 999, "丙县人民政府": None}


def _batch(folder: Path) -> Path:
    """Three reports (one with a wrong 表四 total, one without publication date) checked into folder/out."""
    paths = []
    for i, (issuer, wrong) in enumerate(UNITS.items()):
        values = synth_values("2021", seed=10 + i)
        if wrong:
            values = inject(values, "t4.review.total", wrong)
        path = folder / f"report{i}.html"
        published = None if wrong is None else "2025-03-20"
        path.write_text(build_html("2021", values, issuer=issuer, published=published), encoding="utf-8")
        paths.append(str(path))
    out = folder / "out"
    result = CliRunner().invoke(main, ["check", *paths, "--out", str(out), "-q"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return out


def test_index_page_opens_and_links_to_a_report_page(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    out = _batch(tmp_path)
    browser.get(page_url(out / "index.html"))
    screenshot(browser, tmp_path, "index")
    assert "检查汇总" in browser.title
    links = browser.find_elements(By.CSS_SELECTOR, "table a")
    assert len(links) == 3
    links[0].click()
    screenshot(browser, tmp_path, "report")
    assert "检查结果" in browser.find_element(By.TAG_NAME, "h1").text
