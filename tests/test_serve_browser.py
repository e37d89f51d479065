"""`gkcheck serve` as people use it: the real server on 127.0.0.1, and a corpus PDF uploaded through the page
in headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import screenshot
from helpers import CORPUS, needs_corpus
from live_server import LiveServer, running_server

RESULT_SECONDS = 120


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with running_server("--jobs", "1", "--queue", "4") as live:
        yield live


def listening_addresses(port: int) -> list[str]:
    """Local addresses (hex, as the kernel lists them) of sockets listening on `port`."""
    found = []
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        if table.exists():
            for line in table.read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, _, hex_port = local.partition(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.append(address)
    return found


def test_running_server_listens_on_loopback_only_and_names_no_software(server: LiveServer) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    if Path("/proc/net/tcp").exists():
        assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1, nothing else
    status, headers, body = server.get("/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert "server" not in headers
    status, headers, body = server.get("/")
    assert "年度报告自查" in body.decode("utf-8") and "uvicorn" not in body.decode("utf-8").lower()


@needs_corpus
def test_corpus_pdf_uploaded_through_the_page(server: LiveServer, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/")
    assert "年度报告自查" in browser.title
    browser.find_element(By.ID, "file").send_keys(str(CORPUS / "huaian-2024.pdf"))
    assert "huaian-2024.pdf" in browser.find_element(By.ID, "chosen").text
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, RESULT_SECONDS).until(seen.presence_of_element_located((By.ID, "serve-actions")))
    screenshot(browser, tmp_path, "serve-result")
    assert browser.title == "检查结果：huaian-2024.pdf"
    assert "/r/" in browser.current_url and "huaian" not in browser.current_url
    facts = browser.find_element(By.CSS_SELECTOR, ".facts").text
    assert "淮安市人民政府" in facts and "2024" in facts
    cell = browser.find_element(By.CSS_SELECTOR, 'td[data-cell="t3.new_received.total"]')
    assert cell.text == "3119"
    assert browser.find_element(By.CSS_SELECTOR, 'td[data-cell="t4.review.total"]').text == "351"
    assert not browser.find_elements(By.CSS_SELECTOR, "td.cell-error")  # every identity holds
    assert browser.find_element(By.CSS_SELECTOR, ".score-big").text
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#serve-actions a")}
    status, headers, body = server.get(links["下载检查结果（JSON）"].removeprefix(server.url))
    assert status == 200 and headers["content-disposition"].startswith("attachment")
    assert json.loads(body)["document"]["issuer"] == "淮安市人民政府"
