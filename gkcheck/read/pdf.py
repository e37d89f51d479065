"""PDF reader (pdfplumber): the text layer of every page, page numbers dropped; no OCR.

Pages that carry images but (almost) no text are reported in `Source.image_pages`: they are scans the
checker cannot verify. Every pdfminer/pdfplumber failure becomes a ReadError with a Chinese message.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date
from types import SimpleNamespace
from typing import Any

import pdfminer.pdftypes
import pdfplumber
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.utils import decode_text
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from gkcheck.causes import cause_text
from gkcheck.errors import GkError, ReadError
from gkcheck.model import Source

# Keep pdfminer's warnings about sloppy PDFs off the user's terminal unless the application asks for them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())
logging.getLogger("pdfplumber").addHandler(logging.NullHandler())

MAX_PAGES = 500
MIN_TEXT_CHARS = 20  # a page with images and fewer visible characters than this is treated as a scan
MAX_STREAM_BYTES = 64 * 1024 * 1024  # one decoded stream
MAX_DECODED_BYTES = 256 * 1024 * 1024  # all decoded streams of one document
BOMB_MIN_BYTES = 8 * 1024 * 1024
BOMB_RATIO = 200
MAX_REF_HOPS = 32
_IN_CHUNK = 16 * 1024
_OUT_CHUNK = 1024 * 1024

_PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        [-－—–―~～·•]+\s*\d{1,4}\s*[-－—–―~～·•]+     # - 4 -   — 4 —
      | 第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?  # 第 4 页 / 第4页 共6页
      | \d{1,4}\s*/\s*\d{1,4}                          # 4/6
      | [Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?          # Page 4 of 6
    )\s*$""",
    re.X,
)
_BARE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_PDF_DATE = re.compile(r"^(?:D:)?\s*(\d{4})(\d{2})?(\d{2})?")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CID = re.compile(r"\(cid:\d+\)")  # a glyph pdfminer cannot map to Unicode (font without ToUnicode)


# ---- pdfminer hardening ---------------------------------------------------------------------------
# pdfminer inflates streams without any size limit, decodes corrupt Flate data in quadratic time and
# follows an object that refers to itself forever. While `read_pdf` runs, decoding is bounded by a
# per-document budget; outside it pdfminer behaves as shipped (except for the reference-loop guard).


class _Budget:
    """Decoded-byte allowance of the document being read."""

    def __init__(self) -> None:
        self.left = MAX_DECODED_BYTES

    def check(self, produced: int, consumed: int) -> None:
        bomb = produced > BOMB_MIN_BYTES and produced > BOMB_RATIO * max(consumed, 1)
        if bomb or produced > min(self.left, MAX_STREAM_BYTES):
            raise ReadError("PDF 中的压缩数据解压后异常庞大（疑似压缩炸弹），已停止读取")

    def spend(self, data: bytes | bytearray) -> bytes:
        self.left -= len(data)
        return bytes(data)


_BUDGET: ContextVar[_Budget | None] = ContextVar("gkcheck_pdf_budget", default=None)
_ORIGINAL = SimpleNamespace(
    decompress=zlib.decompress,
    corrupted=pdfminer.pdftypes.decompress_corrupted,
    lzwdecode=pdfminer.pdftypes.lzwdecode,
    rldecode=pdfminer.pdftypes.rldecode,
    resolve=PDFObjRef.resolve,
)


def _inflate(data: bytes, budget: _Budget, tolerant: bool) -> bytes:
    """zlib.decompress within the budget; `tolerant` keeps what was decoded before corrupt data."""
    inflater = zlib.decompressobj()
    out = bytearray()
    for start in range(0, len(data), _IN_CHUNK):
        pending = data[start : start + _IN_CHUNK]
        while pending and not inflater.eof:
            try:
                out += inflater.decompress(pending, _OUT_CHUNK)
            except zlib.error:
                if tolerant:
                    return budget.spend(out)
                raise
            pending = inflater.unconsumed_tail
            budget.check(len(out), start + _IN_CHUNK - len(pending))
        if inflater.eof:
            break
    while not inflater.eof and (piece := inflater.decompress(b"", _OUT_CHUNK)):
        out += piece
        budget.check(len(out), len(data))
    if not inflater.eof and not tolerant:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return budget.spend(out)


def _decompress(data: bytes, *args: Any, **kwargs: Any) -> bytes:
    budget = _BUDGET.get()
    if budget is None or args or kwargs:
        return _ORIGINAL.decompress(data, *args, **kwargs)
    return _inflate(data, budget, tolerant=False)


def _decompress_corrupted(data: bytes) -> bytes:
    budget = _BUDGET.get()
    return _ORIGINAL.corrupted(data) if budget is None else _inflate(data, budget, tolerant=True)


def _lzwdecode(data: bytes) -> bytes:
    budget = _BUDGET.get()
    if budget is None:
        return _ORIGINAL.lzwdecode(data)
    out = bytearray()
    for piece in LZWDecoder(io.BytesIO(data)).run():
        out += piece
        budget.check(len(out), len(data))
    return budget.spend(out)


def _rldecode(data: bytes) -> bytes:
    budget = _BUDGET.get()
    if budget is None:
        return _ORIGINAL.rldecode(data)
    out = bytearray()
    i = 0
    while i < len(data) and data[i] != 128:
        length = data[i]
        if length < 128:
            out += data[i + 1 : i + 2 + length]
            i += length + 2
        else:
            out += data[i + 1 : i + 2] * (257 - length)
            i += 2
        budget.check(len(out), i)
    return budget.spend(out)


def _resolve(self: PDFObjRef, default: object = None) -> Any:
    """PDFObjRef.resolve that gives up on chains of references to references (`6 0 obj 6 0 R`)."""
    obj = _ORIGINAL.resolve(self, default)
    for _ in range(MAX_REF_HOPS):
        if not isinstance(obj, PDFObjRef):
            return obj
        obj = _ORIGINAL.resolve(obj, default)
    raise PDFSyntaxError("circular object reference")


def _harden_pdfminer() -> None:
    pdfminer.pdftypes.zlib = SimpleNamespace(  # type: ignore[assignment]
        decompress=_decompress, decompressobj=zlib.decompressobj, error=zlib.error
    )
    pdfminer.pdftypes.decompress_corrupted = _decompress_corrupted
    pdfminer.pdftypes.lzwdecode = _lzwdecode
    pdfminer.pdftypes.rldecode = _rldecode
    PDFObjRef.resolve = _resolve  # type: ignore[method-assign]


_harden_pdfminer()


def _is_page_number(line: str, last: bool, page_no: int) -> bool:
    """A page-number line: decorated (`- 4 -`, `第 4 页`, `4/6`) or a bare number close to the page's own."""
    if _PAGE_NUMBER.match(line):
        return True
    return last and bool(_BARE_NUMBER.match(line)) and abs(int(line) - page_no) <= 3


def _page_lines(text: str, page_no: int) -> list[str]:
    """The page's text lines, trailing blanks stripped, header/footer page numbers dropped."""
    lines = [line.rstrip() for line in text.splitlines()]
    lines = [line for line in lines if line.strip()]
    if lines and _is_page_number(lines[-1], True, page_no):
        lines.pop()
    if lines and _PAGE_NUMBER.match(lines[0]):
        lines.pop(0)
    return lines


def _iso_date(raw: object) -> str | None:
    """`D:20250225100250+08'00'` → `2025-02-25`; None when absent or not a real date."""
    if isinstance(raw, bytes):
        raw = raw.decode("latin-1")
    if not isinstance(raw, str):
        return None
    match = _PDF_DATE.match(raw.strip())
    if not match or not match.group(2) or not match.group(3):
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def _sensible(text: str) -> bool:
    return bool(text.strip()) and "\ufffd" not in text and text.isprintable()


def _decode_title(raw: object) -> str | None:
    """Decode a PDF text string: UTF-16 with either BOM, UTF-8, GB18030 or PDFDocEncoding; None if garbage."""
    if isinstance(raw, str):
        return raw.strip() if _sensible(raw) else None
    if not isinstance(raw, bytes):
        return None
    text: str | None = None
    try:
        if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
            text = raw.decode("utf-16")
        elif raw.startswith(b"\xef\xbb\xbf"):
            text = raw[3:].decode("utf-8")
        elif raw.isascii():
            text = decode_text(raw)
        else:
            text = _decode_legacy(raw)
    except UnicodeDecodeError:
        return None
    text = (text or "").replace("\x00", "").strip()
    return text if _sensible(text) else None


def _decode_legacy(raw: bytes) -> str | None:
    """Non-ASCII bytes without a BOM: Chinese producers often write UTF-8 or GBK; accept only real CJK."""
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CJK.search(text):
            return text
    return None


def _metadata(pdf: pdfplumber.PDF) -> dict[str, str]:
    """Creation/modification dates and title from the document information dictionary."""
    try:
        return _info_metadata(pdf)
    except GkError:
        raise
    except Exception:  # noqa: BLE001 - a damaged info dictionary only costs the metadata
        return {}


def _info_metadata(pdf: pdfplumber.PDF) -> dict[str, str]:
    info: dict[str, object] = {}
    for entry in pdf.doc.info:
        if isinstance(entry, dict):
            info.update(entry)
    meta: dict[str, str] = {}
    for key, name in (("CreationDate", "created"), ("ModDate", "modified")):
        value = _iso_date(resolve1(info.get(key)))
        if value:
            meta[name] = value
    title = _decode_title(resolve1(info.get("Title")))
    if title:
        meta["title"] = title
    for key, name in (("Producer", "producer"), ("Creator", "creator")):
        value = _decode_title(resolve1(info.get(key)))
        if value:
            meta[name] = value[:200]  # tells a browser's "print to PDF" (a saved page) from an exported report
    return meta


def _pages(pdf: pdfplumber.PDF) -> Iterator[Page]:
    """Pages one by one (pdfplumber's `pdf.pages` would build them all first), at most MAX_PAGES: the page
    tree is counted (cheap: no content is parsed) before the first page's text is extracted."""
    for index, _ in enumerate(PDFPage.create_pages(pdf.doc)):
        if index >= MAX_PAGES:
            raise ReadError(f"PDF 页数超过上限（最多处理 {MAX_PAGES} 页），请拆分后再检查")
    for index, page in enumerate(PDFPage.create_pages(pdf.doc)):
        if index >= MAX_PAGES:
            raise ReadError(f"PDF 页数超过上限（最多处理 {MAX_PAGES} 页），请拆分后再检查")
        yield Page(pdf, page, page_number=index + 1, initial_doctop=0)


def _visible(lines: list[str]) -> int:
    return sum(len("".join(line.split())) for line in lines)


def _page_content(page: Page) -> tuple[str, bool]:
    """The page's raw text and whether it carries images."""
    try:
        return page.extract_text() or "", bool(page.images)
    finally:
        page.close()


def _read(pdf: pdfplumber.PDF, path: str) -> Source:
    lines: list[str] = []
    image_pages: list[int] = []
    garbled: list[str] = []
    unreadable: list[str] = []
    first_error: Exception | None = None
    page_starts: list[int] = []
    for page in _pages(pdf):
        page_starts.append(len(lines) + 1)  # page n begins at line page_starts[n - 1] (1-based)
        try:
            text, has_images = _page_content(page)
        except GkError:
            raise
        except Exception as exc:  # noqa: BLE001 - one damaged page must not cost the others
            unreadable.append(str(page.page_number))
            first_error = first_error or exc
            continue
        unmapped = len(_CID.findall(text))
        page_lines = _page_lines(_CID.sub("", text), page.page_number)
        visible = _visible(page_lines)
        if has_images and visible < MIN_TEXT_CHARS:
            image_pages.append(page.page_number)
        elif unmapped > visible:
            garbled.append(str(page.page_number))
        lines.extend(page_lines)
    if first_error is not None and not lines and not image_pages:
        raise _error(first_error)
    meta = _metadata(pdf)
    if garbled:
        meta["garbled_pages"] = ",".join(garbled)  # a text layer that does not map to Unicode
    if unreadable:
        meta["unreadable_pages"] = ",".join(unreadable)  # pages whose content could not be parsed
    return Source(path=path, format="pdf", lines=lines, metadata=meta, image_pages=image_pages,
                  page_starts=page_starts)


def _cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exceptions in PdfminerException; unwrap to the original."""
    if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc


def _error(exc: BaseException) -> ReadError:
    cause = _cause(exc)
    if isinstance(cause, ReadError):
        return cause
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return ReadError("PDF 文件已加密，无法读取文字：请提供未加密的版本")
    if isinstance(cause, (MemoryError, RecursionError)):
        return ReadError(f"PDF 文件结构过于复杂，无法在限定资源内读取（{cause_text(cause)}）")
    return ReadError(f"PDF 文件已损坏或被截断，无法读取（{cause_text(cause)}）")


def read_pdf(data: bytes, path: str) -> Source:
    """Read a PDF's text layer into a Source (lines, image-only pages, creation/modification dates, title)."""
    token = _BUDGET.set(_Budget())
    try:
        pdf = pdfplumber.PDF(io.BytesIO(data), stream_is_external=True)
        return _read(pdf, path)
    except GkError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types on broken files
        raise _error(exc) from exc
    finally:
        _BUDGET.reset(token)
