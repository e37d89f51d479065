"""The batch pages in a real browser (headless Chromium): sort the ranking, filter it by unit, follow a link
to a report page and read what it shows. Screenshots are saved in the test's temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from batchdata import check_batch
from browser import page_url, screenshot


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder, result = check_batch(tmp_path)
    assert result.exit_code == 2, result.output  # the empty file
    return folder


def _units(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, "#units tbody tr")
    return [r.get_attribute("data-unit") for r in rows if r.is_displayed()]


def test_ranking_sorts_filters_and_links_to_report_pages(browser, out: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(page_url(out / "index.html"))
    screenshot(browser, tmp_path, "1-index")
    assert "检查汇总" in browser.title
    assert _units(browser) == ["甲县人民政府", "乙县人民政府", "丁县财政局", "丙县人民政府", "empty"]

    score = browser.find_element(By.CSS_SELECTOR, "th[data-key=score] .sort")
    score.click()
    assert _units(browser) == ["empty", "丙县人民政府", "丁县财政局", "乙县人民政府", "甲县人民政府"]
    assert browser.find_element(By.CSS_SELECTOR, "th[data-key=score]").get_attribute("aria-sort") == "ascending"
    screenshot(browser, tmp_path, "2-sorted-ascending")
    score.click()
    assert _units(browser)[0] == "甲县人民政府"
    browser.find_element(By.CSS_SELECTOR, "th[data-key=errors] .sort").click()
    assert set(_units(browser)[:2]) == {"乙县人民政府", "丁县财政局"}

    search = browser.find_element(By.ID, "filter")
    search.send_keys("乙县")
    assert _units(browser) == ["乙县人民政府"]
    assert browser.find_element(By.ID, "shown").text == "显示 1 / 5 个单位"
    screenshot(browser, tmp_path, "3-filtered")
    search.clear()
    search.send_keys("没有这个单位")
    assert _units(browser) == [] and browser.find_element(By.ID, "no-match").is_displayed()
    search.clear()
    search.send_keys(" ")  # whitespace only: every unit again
    assert len(_units(browser)) == 5
    browser.find_element(By.ID, "only-errors").click()
    assert set(_units(browser)) == {"乙县人民政府", "丁县财政局"}
    browser.find_element(By.ID, "only-errors").click()

    search.clear()
    search.send_keys("乙县")
    browser.find_element(By.LINK_TEXT, "乙县人民政府").click()
    screenshot(browser, tmp_path, "4-report")
    assert browser.find_element(By.TAG_NAME, "h1").text == "政府信息公开工作年度报告检查结果"
    facts = browser.find_element(By.CSS_SELECTOR, ".facts").text
    assert "乙县人民政府" in facts and "2024" in facts
    cell = browser.find_element(By.CSS_SELECTOR, "td[data-cell='t4.review.total']")
    assert cell.text.startswith("999") and "cell-suspect" in cell.get_attribute("class")
    assert "错误 1" in browser.find_element(By.CSS_SELECTOR, ".counts").text
    for name in ("1-index", "2-sorted-ascending", "3-filtered", "4-report"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def test_printed_ranking_repeats_its_header_and_leaves_out_the_controls(browser, tmp_path: Path) -> None:
    """Print the ranking page of 40 units to PDF as Chromium does (A4 landscape from the page's own CSS)."""
    import base64
    import io

    import pdfplumber
    from click.testing import CliRunner
    from synth import build_html, inject, synth_values

    from gkcheck.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    units = [f"第{i:02d}号县人民政府" for i in range(40)]
    for i, unit in enumerate(units):
        values = synth_values("2021", seed=200 + i)
        if i % 3 == 0:
            values = inject(values, "t4.review.total", 999)
        (folder / f"r{i:02d}.html").write_text(build_html("2021", values, issuer=unit), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["check", str(folder), "--out", str(out), "--format", "html", "-q"])
    assert result.exit_code == 1, result.output
    browser.get(page_url(out / "index.html"))
    printed = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    data = base64.b64decode(printed["data"])
    (tmp_path / "index.pdf").write_bytes(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        landscape = all(page.width > page.height for page in pdf.pages)
    assert len(pages) >= 2 and landscape
    table_pages = [text for text in pages if "人民政府" in text]
    assert len(table_pages) >= 2
    for text in table_pages:  # the header row is printed again on every page of the table
        assert "排名" in text and "主要问题" in text and "是否按时" in text
    everything = "".join(pages)
    assert all(everything.count(unit) == 1 for unit in units)  # every unit printed, once
    assert "只看有" not in everything and "筛选" not in everything  # no on-screen controls on paper
