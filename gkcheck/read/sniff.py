"""Content sniffing: decide the reader from magic bytes and the first kilobytes."""

from __future__ import annotations

import io
import re
import zipfile

from gkcheck.causes import cause_text
from gkcheck.errors import ReadError
from gkcheck.read.decode import wide_encoding

_HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|table|p|div|span|font|td|tr|meta|br)\b", re.I)


BINARY = "无法解码：文件内容是二进制数据，不是文本、HTML、PDF 或 Word 文档"
# JSON report data: an object whose first member name (or closing brace) follows the opening brace; a text
# that merely starts with "{" is not JSON.
_JSON_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*\{[ \t\r\n]*[\"}]")
_PDF_HEADER = re.compile(rb"%PDF-[0-9]\.[0-9]")
PDF_JUNK_WINDOW = 1024


def _is_pdf(data: bytes) -> bool:
    """A PDF header at the start (after blanks); or, as PDF readers also accept, within the first KB after
    some leading junk (a mail or HTTP header) provided the file also ends like a PDF (`%%EOF`), so that a text
    that merely mentions "%PDF-" near its start stays text."""
    if _PDF_HEADER.match(data.lstrip(b"\xef\xbb\xbf \t\r\n\x00")):
        return True
    return bool(_PDF_HEADER.search(data[:PDF_JUNK_WINDOW])) and b"%%EOF" in data[-2048:]


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"ZIP/Office 文件已损坏或被截断（{cause_text(exc)}）") from exc
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise ReadError("这是 Excel（.xlsx）文件：请将年度报告另存为 PDF、Word（.docx）或 HTML 后再检查")
    if any(n.startswith("ppt/") for n in names):
        raise ReadError("这是 PowerPoint 文件，不是年度报告支持的格式（PDF、DOCX、HTML、TXT）")
    if "mimetype" in names or "content.xml" in names:
        raise ReadError("这是 OpenDocument/WPS 文档：请用 LibreOffice 或 WPS 另存为 .docx 或 PDF 后再检查")
    raise ReadError("这是 ZIP 压缩包，不是可识别的报告格式：请解压后逐个检查")


def sniff(data: bytes) -> str:
    """Return html | text | json | pdf | docx, or raise ReadError for formats we do not read."""
    head = data[:8]
    if _is_pdf(data):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ReadError(
            "这是旧版 Office/WPS 二进制文件（.doc/.wps/.xls）：请另存为 .docx 或 PDF 后再检查，"
            "例如 `libreoffice --headless --convert-to docx 文件名`"
        )
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or data[:12].startswith(b"RIFF"):
        raise ReadError("这是图片文件：年度报告须有文字层才能核验（本工具不做文字识别）")
    if head.startswith(b"{\\rtf"):
        raise ReadError("这是 RTF 文件：请另存为 .docx 或 PDF 后再检查")
    if _JSON_START.match(data[:64]):
        return "json"
    sample = data[:65536]
    wide = wide_encoding(sample)
    if wide:  # UTF-16/UTF-32 text, e.g. Word's "Unicode text"
        decoded = sample.decode(wide, errors="replace").encode("utf-8")
        return "html" if _HTML_HINT.search(decoded[:16384]) else "text"
    if sample.count(0) > max(8, len(sample) // 1000):
        raise ReadError(BINARY)
    sample = sample.replace(b"\x00", b"")  # a stray NUL does not make a report binary
    if _HTML_HINT.search(sample[:16384]):
        return "html"
    if _looks_binary(sample):
        raise ReadError(BINARY)
    return "text"


def _looks_binary(sample: bytes) -> bool:
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 50)
