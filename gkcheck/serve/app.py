"""The web application: the self-check page, the result pages and the JSON API.

Routes: `GET /` (upload form), `POST /check` (form → result page address), `GET /r/<id>` (waiting page, then
the report page with downloads), `GET /r/<id>/result.json|report.html` (downloads), `POST /api/check`,
`GET /api/rules`, `GET /healthz`, `GET /openapi.json`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from gkcheck import __version__
from gkcheck.executor import Executor, LocalPool, Submitter
from gkcheck.pipeline import warm_up
from gkcheck.render.files import safe_stem
from gkcheck.render.html import preload as preload_report
from gkcheck.rulepack import load_profile, load_rules
from gkcheck.serve import pages
from gkcheck.serve.guard import FORM_OVERHEAD, Admission, BodyDeadline, BodyLimit, SecurityHeaders
from gkcheck.serve.jobs import DONE, FAILED, QUEUED, Job, JobQueue, QueueFull, Runner
from gkcheck.serve.settings import Settings
from gkcheck.serve.work import CheckUpload, Folders, check_isolated, display_name

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
PASTED_NAME = "粘贴的文本"
REPORT_DATA_NAME = "report.json"
CHUNK_BYTES = 1 << 20
MAX_PASTE_BYTES = 5 * 1024 * 1024  # form fields are held in memory: pasted text longer than this is refused
UPLOAD_MARGIN = 8  # POST requests admitted beyond the queue's capacity (uploads still being received)
BUSY = "服务器繁忙：正在检查和排队的报告已满，请稍后再试。"
NOT_FOUND_RESULT = "检查结果不存在或已过期删除（结果只保留一段时间）。请重新上传文件检查。"
STATUS_MESSAGES = {
    400: "请求格式不正确，请通过页面上传文件或粘贴文字。",
    404: "页面不存在。",
    405: "不支持这种请求方式。",
    408: "上传超时。",
    413: "文件过大。",
    415: "不支持的请求类型：请用 multipart/form-data 上传文件（字段 file），或以 application/json 提交报告数据。",
    422: "请求内容不完整或格式不正确。",
    500: "服务器内部错误，请稍后重试。",
    503: BUSY,
}
UNREADABLE_HINT = "可以检查的格式：网页（HTML）、有文字层的 PDF、Word（DOCX）、纯文本和报告数据（JSON）。" \
                  "旧版 .doc、.wps 请先另存为 .docx 或 PDF；扫描件无法核验。"

API_CHECK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary",
                                        "description": "报告文件（HTML、PDF、DOCX、TXT 或报告数据 JSON）"}}}},
            "application/json": {"schema": {
                "type": "object", "description": "报告数据，格式见 schemas/report.schema.json"}},
        },
    },
    "responses": {
        "200": {"description": "检查结果，格式见 schemas/findings.schema.json",
                "content": {"application/json": {"schema": {"type": "object"}}}},
        "408": {"description": "上传超时：规定时间内没有收完上传的内容"},
        "413": {"description": "文件超过大小上限"},
        "422": {"description": "文件无法读取（原因见 error）"},
        "503": {"description": "正在检查和排队的报告已满"},
    },
}


class Refusal(Exception):
    """A request the server answers with a Chinese message and a status code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _is_api(request_or_scope: Request | dict) -> bool:
    scope = request_or_scope.scope if isinstance(request_or_scope, Request) else request_or_scope
    path = scope.get("path", "")
    return path.startswith("/api/") or path in ("/healthz", "/openapi.json")


def default_runner(folders: Folders, checks: Submitter) -> Runner:
    """Each check on the next free worker of the server's pool (`settings.jobs` persistent worker processes with
    the time and memory limits of `settings.limits`, replaced after a crash, a timeout or a number of checks);
    the queue runs at most `settings.jobs` checks at once."""
    return lambda job: check_isolated(folders.upload(job.id), checks, folders.root)


def _create_upload(folders: Folders, job: Job) -> BinaryIO:
    """The upload file, named by the check's id (never by the client), and the side file with the name shown."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(folders.name_file(job.id), flags, 0o600), "w", encoding="utf-8") as out:
        out.write(job.name)
    return open(os.open(folders.upload(job.id), flags, 0o600), "wb")


async def _file_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    await upload.seek(0)
    while chunk := await upload.read(CHUNK_BYTES):
        yield chunk


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


def create_app(settings: Settings | None = None, wrap_runner: Callable[[Runner], Runner] | None = None,
               executor: Executor | None = None) -> FastAPI:
    """The application; checks run on `executor` (by default `settings.jobs` worker processes on this machine
    with the limits of `settings.limits`), opened when the app's lifespan starts and closed when it ends."""
    settings = settings or Settings()
    executor = executor or LocalPool(settings.limits, jobs=settings.jobs)
    rules = load_rules(settings.rules_dir)
    profile = load_profile(settings.profile)
    warm_up()
    preload_report()
    pages.preload()
    keep_text = pages.duration_text(settings.keep_seconds)
    too_large = f"文件过大：上限为 {pages.size_text(settings.max_bytes)}。"
    too_slow = f"上传超时：{pages.duration_text(settings.upload_seconds)}内没有收完上传的内容，请检查网络后重新上传。"
    paste_limit = min(settings.max_bytes, MAX_PASTE_BYTES)
    paste_too_long = f"粘贴的文字过长（上限 {pages.size_text(paste_limit)}），请改为上传文件。"

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        folders = Folders(Path(tempfile.mkdtemp(prefix="gkcheck-serve-")))
        checks = executor.open(CheckUpload(folders, rules, profile, settings.max_bytes))
        runner = default_runner(folders, checks)
        queue = JobQueue(folders, wrap_runner(runner) if wrap_runner else runner, settings.jobs,
                         settings.queue, settings.keep_seconds, settings.max_kept)
        await queue.start()
        app.state.queue, app.state.checks = queue, checks
        try:
            yield
        finally:
            await queue.stop()
            await asyncio.to_thread(checks.close)
            shutil.rmtree(folders.root, ignore_errors=True)

    app = FastAPI(
        title="gkcheck 政府信息公开工作年度报告检查",
        version=__version__,
        description="上传年度报告文件或报告数据，返回与 `gkcheck check` 相同的检查结果（JSON）。",
        docs_url=None, redoc_url=None,  # their pages load scripts from the internet; the schema is enough
        lifespan=lifespan,
    )

    # ------------------------------------------------------------------ answers in Chinese

    def page(status: int, title: str, message: str, name: str | None = None, hint: str | None = None,
             base: str = "") -> HTMLResponse:
        return HTMLResponse(pages.render("message.html.j2", title=title, message=message, name=name, hint=hint,
                                         base=base, keep_text=keep_text), status_code=status)

    def answer(scope: dict, status: int, message: str) -> Response:
        """A refusal in Chinese: JSON `{"error": ...}` for the API, a page otherwise."""
        headers = {"Retry-After": "30"} if status == 503 else {"Connection": "close"} if status == 408 else None
        if _is_api(scope):
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        title = {408: "上传超时", 413: "文件过大", 503: "服务器繁忙"}.get(status, "无法处理")
        response = page(status, title, message, base=scope.get("root_path", ""))
        if headers:
            response.headers.update(headers)
        return response

    @app.exception_handler(Refusal)
    async def on_refusal(request: Request, exc: Refusal) -> Response:
        return answer(request.scope, exc.status, exc.message)

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> Response:
        return answer(request.scope, exc.status_code, STATUS_MESSAGES.get(exc.status_code, "请求无法处理。"))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        return answer(request.scope, 422, STATUS_MESSAGES[422])

    @app.exception_handler(Exception)
    async def on_error(request: Request, exc: Exception) -> Response:
        return answer(request.scope, 500, STATUS_MESSAGES[500])

    # ------------------------------------------------------------------ accepting a check

    def queue_of(request: Request) -> JobQueue:
        return request.app.state.queue

    async def accept(request: Request, name: str, chunks: AsyncIterator[bytes]) -> Job:
        """Reserve a place in the line, write the upload as it arrives (never more than the size limit),
        then hand the check to the workers."""
        queue = queue_of(request)
        try:
            job = queue.reserve(name)
        except QueueFull:
            raise Refusal(503, BUSY) from None
        size = 0
        try:
            with await asyncio.to_thread(_create_upload, queue.folders, job) as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > settings.max_bytes:
                        break
                    await asyncio.to_thread(out.write, chunk)
        except BaseException:
            queue.cancel(job)
            raise
        if size > settings.max_bytes:
            queue.cancel(job)
            raise Refusal(413, too_large)
        queue.submit(job)
        return job

    async def read_form(request: Request) -> Any:
        queue = queue_of(request)
        if queue.active >= queue.capacity:
            raise Refusal(503, BUSY)  # before the upload is received
        try:
            return await request.form(max_files=1, max_fields=8, max_part_size=paste_limit)
        except HTTPException as exc:  # the multipart parser's refusals (malformed, too many parts, too long)
            if "size" in str(exc.detail):  # a form field (the pasted text); files are capped by BodyLimit
                raise Refusal(413, paste_too_long) from None
            raise Refusal(400, STATUS_MESSAGES[400]) from None

    # ------------------------------------------------------------------ pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(pages.render("index.html.j2", base=request.scope.get("root_path", ""),
                                         keep_text=keep_text, max_size=pages.size_text(settings.max_bytes)))

    @app.post("/check", include_in_schema=False)
    async def check_page(request: Request) -> Response:
        form = await read_form(request)
        try:
            upload = form.get("file")
            text = form.get("text")
            if isinstance(upload, UploadFile) and (upload.filename or upload.size):
                job = await accept(request, display_name(upload.filename), _file_chunks(upload))
            elif isinstance(text, str) and text.strip():
                job = await accept(request, PASTED_NAME, _one_chunk(text.encode("utf-8")))
            else:
                raise Refusal(400, "请选择一个报告文件，或粘贴报告全文后再检查。")
        finally:
            await form.close()
        return RedirectResponse(f"{request.scope.get('root_path', '')}/r/{job.id}", status_code=303)

    def job_or_404(request: Request, check_id: str) -> Job:
        job = queue_of(request).get(check_id) if ID_PATTERN.fullmatch(check_id) else None
        if job is None:
            raise Refusal(404, NOT_FOUND_RESULT)
        return job

    @app.get("/r/{check_id}", response_class=HTMLResponse, include_in_schema=False)
    async def result_page(request: Request, check_id: str) -> Response:
        job = job_or_404(request, check_id)
        base = request.scope.get("root_path", "")
        if job.state == DONE:
            report = await asyncio.to_thread(queue_of(request).result_path(job, ".html").read_text, "utf-8")
            return HTMLResponse(pages.with_actions(report, base=base, id=job.id, keep_text=keep_text))
        if job.state == FAILED:
            return page(422, "无法检查", job.message or "", name=job.name, hint=UNREADABLE_HINT, base=base)
        return HTMLResponse(pages.render(
            "wait.html.j2", base=base, keep_text=keep_text, name=job.name, state=job.state, label=job.label,
            ahead=queue_of(request).ahead(job) if job.state == QUEUED else 0, refresh=pages.REFRESH_SECONDS))

    def download(request: Request, check_id: str, suffix: str, media_type: str) -> Response:
        job = job_or_404(request, check_id)
        if job.state != DONE:
            raise Refusal(404, NOT_FOUND_RESULT)
        body = queue_of(request).result_path(job, suffix).read_bytes()
        stem = safe_stem(job.name)
        disposition = f"attachment; filename=\"gkcheck-result{suffix}\"; filename*=UTF-8''{quote(stem + suffix)}"
        return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})

    @app.get("/r/{check_id}/result.json", include_in_schema=False)
    async def download_json(request: Request, check_id: str) -> Response:
        return download(request, check_id, ".json", "application/json; charset=utf-8")

    @app.get("/r/{check_id}/report.html", include_in_schema=False)
    async def download_html(request: Request, check_id: str) -> Response:
        return download(request, check_id, ".html", "text/html; charset=utf-8")

    # ------------------------------------------------------------------ API

    @app.post("/api/check", summary="检查一份年度报告", openapi_extra=API_CHECK_BODY)
    async def api_check(request: Request) -> Response:
        """上传报告文件（multipart/form-data，字段 `file`），或直接提交报告数据（application/json），
        返回检查结果（`schemas/findings.schema.json`）。文件无法读取时返回 422 和中文原因 `error`。"""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "multipart/form-data":
            form = await read_form(request)
            try:
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    raise Refusal(400, "缺少文件：请在 multipart/form-data 的 file 字段中上传报告文件。")
                job = await accept(request, display_name(upload.filename), _file_chunks(upload))
            finally:
                await form.close()
        elif content_type == "application/json":
            if queue_of(request).active >= queue_of(request).capacity:
                raise Refusal(503, BUSY)
            job = await accept(request, REPORT_DATA_NAME, request.stream())
        else:
            raise Refusal(415, STATUS_MESSAGES[415])
        queue = queue_of(request)
        try:
            await job.ended.wait()
            if job.state != DONE:
                return JSONResponse({"error": job.message, "file": job.name}, status_code=422)
            body = await asyncio.to_thread(queue.result_path(job, ".json").read_bytes)
            return Response(body, media_type="application/json; charset=utf-8")
        finally:
            queue.forget(job.id)  # the caller has its answer: nothing is kept

    @app.get("/api/rules", summary="全部规则")
    async def api_rules() -> list[dict[str, Any]]:
        """编号、标题、严重程度、类别、种类和适用范围。"""
        return [{"id": r.id, "title": r.title, "severity": r.severity, "category": r.category, "kind": r.kind,
                 "applies_to": r.applies_to} for r in rules]

    @app.get("/healthz", summary="运行状态")
    async def healthz(request: Request) -> dict[str, Any]:
        queue = queue_of(request)
        return {"status": "ok", "running": queue.active - queue.waiting, "waiting": queue.waiting}

    app.add_middleware(BodyLimit, limit=settings.max_bytes + FORM_OVERHEAD,
                       refuse=lambda scope: answer(scope, 413, too_large))
    app.add_middleware(BodyDeadline, seconds=settings.upload_seconds,
                       refuse=lambda scope: answer(scope, 408, too_slow))
    app.add_middleware(Admission, limit=settings.jobs + settings.queue + UPLOAD_MARGIN,
                       refuse=lambda scope: answer(scope, 503, BUSY))
    app.add_middleware(SecurityHeaders)
    return app
