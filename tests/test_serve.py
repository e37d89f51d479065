"""The web page and JSON API of `gkcheck serve`, through the framework's test client (real checks in real
child processes)."""

from __future__ import annotations

import json
import re
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import validator
from synth import build_html, build_text, inject, synth_values
from test_hostile import (
    LOL_ENTITIES,
    make_docx,
    one_page_pdf,
    para,
    pdf_stream,
    reportlab_pdf,
    w_document,
)

from gkcheck.isolate import Limits
from gkcheck.rulepack import load_rules
from gkcheck.serve import Settings, create_app
from gkcheck.serve.jobs import Runner
from gkcheck.serve.work import display_name

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`:DeprecationWarning")
TestClient = pytest.importorskip("fastapi.testclient").TestClient

CJK = re.compile(r"[\u4e00-\u9fff]")
ID_URL = re.compile(r"^/r/([A-Za-z0-9_-]{32})$")
WAIT_SECONDS = 60


def good_html(error_at: str | None = None) -> bytes:
    values = synth_values("2021", seed=3)
    if error_at:
        values = inject(values, error_at, values[error_at] + 5)
    return build_html("2021", values).encode("utf-8")


def client_for(settings: Settings, wrap: object = None) -> TestClient:
    return TestClient(create_app(settings, wrap_runner=wrap))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with client_for(Settings(jobs=2, queue=8, max_bytes=2_000_000)) as c:
        yield c


def root_of(c: TestClient) -> Path:
    return c.app.state.queue.folders.root


def submit_page(c: TestClient, files: dict | None = None, data: dict | None = None) -> str:
    r = c.post("/check", files=files, data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    match = ID_URL.match(r.headers["location"])
    assert match, r.headers["location"]
    return r.headers["location"]


def finished_page(c: TestClient, url: str) -> object:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        r = c.get(url)
        if 'http-equiv="refresh"' not in r.text:
            return r
        assert time.monotonic() < deadline, "check did not finish"
        time.sleep(0.1)


# ---------------------------------------------------------------------------------------------- API


def test_api_check_file_returns_findings_json(client: TestClient) -> None:
    r = client.post("/api/check", files={"file": ("县政府2024年报.html", good_html("t3.new_received.total"))})
    assert r.status_code == 200
    result = r.json()
    validator("findings.schema.json").validate(result)
    assert result["file"] == "县政府2024年报.html"
    assert result["summary"]["error"] >= 1
    assert any(s["cell"] == "t3.new_received.total" for s in result["suspects"])


def test_api_check_report_data_json(client: TestClient) -> None:
    extracted = client.post("/api/check", files={"file": ("a.html", good_html())}).json()
    r = client.post("/api/check", content=json.dumps(extracted["report"]).encode(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 200
    again = r.json()
    assert again["score"]["total"] == extracted["score"]["total"]
    assert [f["rule"] for f in again["findings"]] == [f["rule"] for f in extracted["findings"]]


def test_api_answers_in_chinese_for_bad_requests(client: TestClient) -> None:
    missing = client.post("/api/check", files={"other": ("a.html", b"x")})
    assert missing.status_code == 400 and "file" in missing.json()["error"]
    wrong_type = client.post("/api/check", content=b"hello", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415 and CJK.search(wrong_type.json()["error"])
    not_report = client.post("/api/check", content=b"{}", headers={"content-type": "application/json"})
    assert not_report.status_code == 422 and "报告数据" in not_report.json()["error"]
    assert client.get("/api/nothing").json()["error"] == "页面不存在。"
    assert client.get("/api/check").status_code == 405


def test_api_rules_and_health(client: TestClient) -> None:
    rules = client.get("/api/rules").json()
    assert [r["id"] for r in rules] == [r.id for r in load_rules()]
    assert all(CJK.search(r["title"]) for r in rules)
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["running"] >= 0 and health["waiting"] >= 0


def test_openapi_describes_the_api_and_no_page_loads_outside_resources(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/check", "/api/rules", "/healthz"} <= set(spec["paths"])
    body = spec["paths"]["/api/check"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(body)
    assert {"408", "413", "422", "503"} <= set(spec["paths"]["/api/check"]["post"]["responses"])
    assert client.get("/docs").status_code == 404  # the framework's docs page would load scripts from a CDN
    result = finished_page(client, submit_page(client, {"file": ("a.html", good_html())}))
    for page in (client.get("/").text, result.text):
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
        assert "@import" not in page and "url(http" not in page


def test_every_answer_carries_the_protective_headers(client: TestClient) -> None:
    for r in (client.get("/"), client.get("/healthz"), client.get("/r/" + "A" * 32)):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert r.headers["cache-control"] == "no-store"


# ---------------------------------------------------------------------------------------------- page


def test_page_upload_gives_the_report_page_with_downloads(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "拖到这里" in home.text and 'name="text"' in home.text
    url = submit_page(client, files={"file": ("本县年报.html", good_html("t3.new_received.total"))})
    page = finished_page(client, url)
    assert page.status_code == 200
    assert "检查结果：本县年报.html" in page.text and "最可能出错" in page.text
    assert "下载检查结果（JSON）" in page.text
    as_json = client.get(url + "/result.json")
    assert as_json.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in as_json.headers["content-disposition"]
    validator("findings.schema.json").validate(as_json.json())
    as_html = client.get(url + "/report.html")
    assert as_html.headers["content-type"].startswith("text/html")
    assert "检查结果：本县年报.html" in as_html.text and "serve-actions" not in as_html.text


def test_pasted_text_is_checked(client: TestClient) -> None:
    text = build_text("2021", synth_values("2021", seed=5))
    page = finished_page(client, submit_page(client, data={"text": text}))
    assert "检查结果：粘贴的文本" in page.text and "总分（满分 100）" in page.text


def test_empty_form_and_unreadable_file_give_chinese_pages(client: TestClient) -> None:
    empty = client.post("/check", data={"text": "   "})
    assert empty.status_code == 400 and "请选择一个报告文件" in empty.text
    page = finished_page(client, submit_page(client, files={"file": ("旧格式.doc", b"\xd0\xcf\x11\xe0" + bytes(600))}))
    assert page.status_code == 422 and "无法检查" in page.text and "旧格式.doc" in page.text
    assert "另存为" in page.text


# ---------------------------------------------------------------------------------------------- privacy


def test_ids_are_unguessable_and_nothing_is_listed(client: TestClient) -> None:
    urls = {submit_page(client, files={"file": ("a.html", good_html())}) for _ in range(3)}
    assert len(urls) == 3
    for url in urls:
        finished_page(client, url)
    for probe in ("/r/", "/r", "/r/" + "A" * 32, "/r/../etc/passwd", "/r/%2e%2e%2fetc", "/uploads", "/results"):
        r = client.get(probe)
        assert r.status_code == 404, probe
        assert "A" * 32 not in r.text


def test_client_file_names_are_never_paths_and_never_leak_server_paths(client: TestClient) -> None:
    root = root_of(client)
    marked = submit_page(client, files={"file": ("<img src=x onerror=alert(1)>报告.html", good_html())})
    page = finished_page(client, marked).text
    assert "<img src=x" not in page and "检查结果：&lt;img src=x onerror=alert(1)&gt;报告.html" in page
    climbing = submit_page(client, files={"file": ("../../../etc/cron.d/报告.html", good_html())})
    assert "检查结果：报告.html" in finished_page(client, climbing).text
    for url in (marked, climbing):
        for text in (finished_page(client, url).text, client.get(url + "/result.json").text):
            assert str(root) not in text and "/tmp" not in text and "../" not in text
    stored = [p.name for p in root.rglob("*")]
    assert all(re.fullmatch(r"uploads|results|[A-Za-z0-9_-]{32}(\.html|\.json|\.name)?", n) for n in stored), stored
    assert not list((root / "uploads").iterdir())  # uploads go as soon as their check has run


def test_display_names_are_base_names_without_control_characters() -> None:
    assert display_name("C:\\Users\\科员\\2024年报.pdf") == "2024年报.pdf"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("a\x00b\x1b[31m.html") == "ab[31m.html"
    assert display_name("") == display_name(None) == display_name("dir/") == "上传的文件"
    assert len(display_name("长" * 1000)) == 120


def test_results_are_deleted_after_the_keep_time() -> None:
    with client_for(Settings(jobs=1, queue=2, keep_seconds=1)) as c:
        url = submit_page(c, files={"file": ("a.html", good_html())})
        assert finished_page(c, url).status_code == 200
        assert list((root_of(c) / "results").iterdir())
        time.sleep(1.8)
        gone = c.get(url)
        assert gone.status_code == 404 and "已过期删除" in gone.text
        assert c.get(url + "/result.json").status_code == 404
        assert not list((root_of(c) / "results").iterdir())
    assert not root_of(c).exists()  # the working folder goes with the server


def test_api_keeps_nothing(client: TestClient) -> None:
    client.post("/api/check", files={"file": ("a.html", good_html())})
    names = [p.name for p in (root_of(client) / "results").iterdir()]
    pending = [u for u in names if u.endswith(".tmp")]
    assert not pending
    assert client.app.state.queue.get("x" * 32) is None


# ---------------------------------------------------------------------------------------------- limits


def test_upload_over_the_size_limit_is_refused() -> None:
    with client_for(Settings(jobs=1, queue=1, max_bytes=10_000)) as c:
        big = good_html() + b" " * 10_001
        api = c.post("/api/check", files={"file": ("big.html", big)})
        assert api.status_code == 413 and "文件过大" in api.json()["error"]
        huge = c.post("/api/check", content=b"{" + b" " * 3_000_000 + b"}",
                      headers={"content-type": "application/json"})
        assert huge.status_code == 413
        over = c.post("/api/check", content=b"{" + b" " * 20_000 + b"}", headers={"content-type": "application/json"})
        assert over.status_code == 413 and "文件过大" in over.json()["error"]
        page = c.post("/check", files={"file": ("big.html", big)})
        assert page.status_code == 413 and "文件过大" in page.text
        pasted = c.post("/check", data={"text": "一" * 10_000})
        assert pasted.status_code == 413 and "粘贴的文字过长" in pasted.text
        assert not list((root_of(c) / "uploads").iterdir())
        assert c.post("/api/check", files={"file": ("ok.txt", "一、总体情况".encode())}).status_code == 200


def test_a_check_over_its_time_limit_is_stopped() -> None:
    with client_for(Settings(jobs=1, queue=1, limits=Limits(timeout=0.5))) as c:
        [hung] = c.app.state.checks.worker_pids()
        started = time.monotonic()
        r = c.post("/api/check", files={"file": ("long.txt", long_text())})
        assert r.status_code == 422 and "超时" in r.json()["error"]
        assert time.monotonic() - started < 15
        assert c.post("/api/check", files={"file": ("a.html", good_html())}).status_code == 200
        [fresh] = c.app.state.checks.worker_pids()
        assert fresh != hung and not _alive(hung)  # the hung worker was killed and replaced
        assert c.post("/api/check", files={"file": ("b.html", good_html())}).status_code == 200
        assert c.app.state.checks.worker_pids() == [fresh] and c.app.state.checks.started == 2


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (OSError, IndexError):
        return False


def long_text() -> bytes:
    """A report followed by some 40 000 lines of narrative: a few seconds of checking."""
    lines = (f"本机关认真落实政府信息公开条例，第{i}项工作持续推进，主动公开信息{i}条。" for i in range(40_000))
    return (build_text("2021", synth_values("2021", seed=1)) + "\n" + "\n".join(lines)).encode("utf-8")


# ---------------------------------------------------------------------------------------------- worker pool


def test_checks_run_on_the_same_persistent_worker_process() -> None:
    with client_for(Settings(jobs=1, queue=2)) as c:
        checks = c.app.state.checks
        before = checks.worker_pids()
        assert len(before) == 1 and _alive(before[0])  # started with the server, before any upload
        assert c.post("/api/check", files={"file": ("a.html", good_html())}).status_code == 200
        assert "检查结果：b.html" in finished_page(c, submit_page(c, files={"file": ("b.html", good_html())})).text
        assert c.post("/api/check", files={"file": ("c.txt", build_text("2021", synth_values("2021", 4)).encode())}
                      ).status_code == 200
        assert checks.worker_pids() == before and checks.started == 1


def test_a_crashed_check_costs_only_itself_and_the_next_check_gets_a_fresh_worker() -> None:
    import os
    import signal

    with client_for(Settings(jobs=1, queue=2)) as c:
        checks = c.app.state.checks
        [victim] = checks.worker_pids()
        answers: list[object] = []
        sender = threading.Thread(target=lambda: answers.append(
            c.post("/api/check", files={"file": ("long.txt", long_text())})))
        sender.start()
        deadline = time.monotonic() + WAIT_SECONDS
        while c.get("/healthz").json()["running"] != 1:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(1.0)  # the upload is in the worker's hands, its check still running
        os.kill(victim, signal.SIGKILL)
        sender.join(WAIT_SECONDS)
        crashed = answers[0]
        assert crashed.status_code == 422  # type: ignore[attr-defined]
        assert "异常退出" in crashed.json()["error"] and crashed.json()["file"] == "long.txt"  # type: ignore
        assert c.post("/api/check", files={"file": ("a.html", good_html())}).status_code == 200
        [fresh] = checks.worker_pids()
        assert fresh != victim and checks.started == 2
        assert c.post("/api/check", files={"file": ("b.html", good_html())}).status_code == 200
        assert checks.worker_pids() == [fresh]


class Gate:
    """Holds every check at its start until opened (the checks themselves are real)."""

    def __init__(self) -> None:
        self.open = threading.Event()

    def __call__(self, runner: Runner) -> Runner:
        def held(job: object) -> str | None:
            self.open.wait(WAIT_SECONDS)
            return runner(job)  # type: ignore[arg-type]

        return held


def test_full_queue_answers_503_and_waiting_checks_say_so() -> None:
    gate = Gate()
    with client_for(Settings(jobs=1, queue=2), wrap=gate) as c:
        try:
            first = submit_page(c, files={"file": ("一.html", good_html())})
            deadline = time.monotonic() + WAIT_SECONDS
            while "检查中" not in c.get(first).text:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            second = submit_page(c, files={"file": ("二.html", good_html())})
            third = submit_page(c, files={"file": ("三.html", good_html())})
            waiting = c.get(second).text
            assert "排队中" in waiting and "已排在第一位" in waiting and 'http-equiv="refresh"' in waiting
            assert "前面还有 1 份报告" in c.get(third).text
            busy_page = c.post("/check", files={"file": ("四.html", good_html())})
            assert busy_page.status_code == 503 and "服务器繁忙" in busy_page.text
            busy_api = c.post("/api/check", files={"file": ("四.html", good_html())})
            assert busy_api.status_code == 503 and "服务器繁忙" in busy_api.json()["error"]
            assert busy_api.headers["retry-after"]
            assert c.get("/healthz").json() == {"status": "ok", "running": 1, "waiting": 2}
        finally:
            gate.open.set()
        for url, name in ((first, "一"), (second, "二"), (third, "三")):
            assert f"检查结果：{name}.html" in finished_page(c, url).text
        assert c.post("/api/check", files={"file": ("五.html", good_html())}).status_code == 200


# ---------------------------------------------------------------------------------------------- hostile


def _flate_bomb_pdf() -> bytes:
    packer = zlib.compressobj(9)
    bomb = b"".join(packer.compress(bytes(1 << 20)) for _ in range(200)) + packer.flush()
    return one_page_pdf(pdf_stream(bomb, b"/Filter /FlateDecode "))


def _zip_bomb_docx() -> bytes:
    return make_docx(w_document(para("一、总体情况")), {"word/media/zeros.bin": bytes(300 << 20)})


HOSTILE = {
    "empty.pdf": lambda: b"",
    "garbage.html": lambda: bytes(range(256)) * 64,
    "truncated.pdf": lambda: reportlab_pdf(pages=2)[:700],
    "encrypted.pdf": lambda: reportlab_pdf(pages=1, encrypt="secret"),
    "flate-bomb.pdf": _flate_bomb_pdf,
    "self-reference.pdf": lambda: make_pdf_loop(),
    "zip-bomb.docx": _zip_bomb_docx,
    "billion-laughs.docx": lambda: make_docx(w_document(para("&lol9;"), f"<!DOCTYPE w:document [{LOL_ENTITIES}]>")),
    "xxe.docx": lambda: make_docx(w_document(
        para("A&xxe;B"), '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')),
    "xxe.html": lambda: b'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><p>A&xxe;B</p>',
    "deep-divs.html": lambda: b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000,
    "span.html": lambda: b'<table><tr><td rowspan="999999" colspan="999999">x</td></tr></table>',
    "deep.json": lambda: b"[" * 100_000 + b"]" * 100_000,
}


def make_pdf_loop() -> bytes:
    from helpers import make_pdf
    from test_hostile import CATALOG, FONT, PAGE, PAGES

    page = PAGE.replace(b"/Contents 4 0 R", b"/Contents 6 0 R")
    return make_pdf([CATALOG, PAGES, page, pdf_stream(b""), FONT, b"6 0 R"])


@pytest.fixture(scope="module")
def hostile_client() -> Iterator[TestClient]:
    with client_for(Settings(jobs=2, queue=len(HOSTILE), max_bytes=2_000_000,
                             limits=Limits(timeout=20, memory_mb=2048))) as c:
        yield c


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_upload_gets_a_clear_answer_and_the_server_goes_on(hostile_client: TestClient, name: str) -> None:
    r = hostile_client.post("/api/check", files={"file": (name, HOSTILE[name]())})
    assert r.status_code in (200, 422), r.text[:300]
    answer = r.json()
    if r.status_code == 422:
        assert CJK.search(answer["error"]) and "Traceback" not in answer["error"]
        assert answer["file"] == name and "/tmp" not in answer["error"]
    else:
        assert answer["document"]["kind"] == "not_annual_report"
    assert "root:" not in r.text
    assert hostile_client.get("/healthz").json()["status"] == "ok"
    assert hostile_client.post("/api/check", files={"file": ("a.html", good_html())}).status_code == 200


def test_hostile_multipart_is_refused_in_chinese(hostile_client: TestClient) -> None:
    broken = hostile_client.post("/api/check", content=b"--xx\r\nContent-Disposition: form-data\r\n\r\nabc",
                                 headers={"content-type": "multipart/form-data; boundary=xx"})
    assert broken.status_code == 400 and CJK.search(broken.json()["error"])
    two = hostile_client.post("/api/check", files=[("file", ("a.html", b"x")), ("file", ("b.html", b"y"))])
    assert two.status_code == 400 and CJK.search(two.json()["error"])
    no_boundary = hostile_client.post("/check", content=b"abc", headers={"content-type": "multipart/form-data"})
    assert no_boundary.status_code == 400 and "请求格式不正确" in no_boundary.text


def test_uploads_in_progress_beyond_the_limit_are_refused_before_their_body_is_read() -> None:
    import asyncio

    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from gkcheck.serve.guard import Admission

    release = threading.Event()
    read: list[int] = []

    async def slow(request: object) -> PlainTextResponse:
        read.append(len(await request.body()))  # type: ignore[attr-defined]
        await asyncio.to_thread(release.wait, WAIT_SECONDS)
        return PlainTextResponse("ok")

    app = Admission(Starlette(routes=[Route("/", slow, methods=["GET", "POST"])]), limit=2,
                    refuse=lambda scope: PlainTextResponse("服务器繁忙", status_code=503))
    with TestClient(app) as c:
        answers: list[int] = []
        threads = [threading.Thread(target=lambda: answers.append(c.post("/", content=b"x" * 10).status_code))
                   for _ in range(2)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + WAIT_SECONDS
        while len(read) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        refused = c.post("/", content=b"y" * 1000)
        assert refused.status_code == 503 and refused.text == "服务器繁忙"
        assert read == [10, 10]  # the refused body was never read
        release.set()
        for t in threads:
            t.join()
        assert answers == [200, 200]
        assert c.post("/", content=b"z").status_code == 200  # admitted again once the others ended


def test_serve_command_help_and_bad_rules_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gkcheck.cli import main

    shown = CliRunner().invoke(main, ["serve", "--help"])
    assert shown.exit_code == 0
    for option in ("--host", "--port", "--jobs", "--queue", "--max-bytes", "--keep", "--upload-timeout", "--rules",
                   "--profile"):
        assert option in shown.output
    assert "127.0.0.1" in shown.output and "自查网页" in shown.output
    bad = CliRunner().invoke(main, ["serve", "--rules", str(tmp_path / "none")])
    assert bad.exit_code == 2 and "规则" in bad.output


def test_checks_still_waiting_when_the_server_stops_get_an_answer() -> None:
    gate = Gate()
    answers: list[object] = []
    try:
        with client_for(Settings(jobs=1, queue=1), wrap=gate) as c:
            waiter = threading.Thread(target=lambda: answers.append(
                c.post("/api/check", files={"file": ("a.html", good_html())})))
            waiter.start()
            deadline = time.monotonic() + WAIT_SECONDS
            while c.get("/healthz").json()["running"] != 1:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            queued = submit_page(c, files={"file": ("b.html", good_html())})
            assert "排队中" in c.get(queued).text
            queue = c.app.state.queue
            c.portal.call(queue.stop)  # what the server does on shutdown
            waiter.join(WAIT_SECONDS)
            answer = answers[0]
            assert answer.status_code == 422 and "服务正在停止" in answer.json()["error"]  # type: ignore[attr-defined]
            assert "服务正在停止" in c.get(queued).text
    finally:
        gate.open.set()


# ---------------------------------------------------------------------------------------------- slow uploads


def _slow_post(url: str, path: str, head: bytes, total: int) -> bytes:
    """POST to the real server: headers promising `total` body bytes, then only the bytes `head`, and read
    until the server closes the connection (a socket timeout fails the test if it never does)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=15) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                     f"Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: {total}\r\n\r\n".encode()
                     + head)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def test_an_upload_sent_too_slowly_is_refused_with_408_and_the_server_goes_on() -> None:
    from live_server import running_server

    head = b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.html"\r\n\r\n<html>'
    with running_server("--jobs", "1", "--upload-timeout", "1") as server:
        started = time.monotonic()
        api = _slow_post(server.url, "/api/check", head, 100_000)
        assert 0.9 < time.monotonic() - started < 10
        status_line, _, rest = api.partition(b"\r\n")
        assert status_line.startswith(b"HTTP/1.1 408")
        body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
        assert body["error"].startswith("上传超时：1 秒内没有收完上传的内容")
        page = _slow_post(server.url, "/check", head, 100_000)
        assert page.startswith(b"HTTP/1.1 408") and "上传超时" in page.decode("utf-8")
        # an upload that arrives in time is checked, however long the check itself then takes
        import httpx

        slow_check = httpx.post(server.url + "/api/check", files={"file": ("long.txt", long_text())},
                                timeout=WAIT_SECONDS)
        assert slow_check.status_code == 200, slow_check.text[:300]
        assert httpx.get(server.url + "/healthz").json() == {"status": "ok", "running": 0, "waiting": 0}
