"""Library failures described in Chinese (gkcheck/causes.py), never in the library's English words."""

from __future__ import annotations

import errno
import io
import re
import sqlite3
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree
from pdfminer.psparser import PSEOF

from gkcheck.causes import cause_text
from gkcheck.multi.history import HistoryError, connect

ENGLISH_PROSE = re.compile(r"[A-Za-z]{3,} [a-z]{2,}")


def raised(action) -> BaseException:
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - the point is to catch what the library raises
        return exc
    raise AssertionError("nothing raised")


def _crc_damaged_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue().replace(b"<w:document/>", b"<w:documenX/>")


CASES = [
    (lambda: zipfile.ZipFile(io.BytesIO(b"PK\x03\x04 not really")), "不是 ZIP 格式的文件"),
    (lambda: zipfile.ZipFile(io.BytesIO(_crc_damaged_zip())).read("word/document.xml"), "CRC 不符"),
    (lambda: zipfile.ZipFile(io.BytesIO(_crc_damaged_zip())).getinfo("[Content_Types].xml"),
     "缺少必需的部件 [Content_Types].xml"),
    (lambda: zlib.decompress(b"\x78\x9cgarbage"), "压缩数据损坏"),
    (lambda: etree.fromstring(b"<a>\n<b></a>"), "XML 语法错误（第 2 行）"),
    (lambda: (_ for _ in ()).throw(PSEOF("Unexpected EOF")), "文件被截断"),
    (lambda: (_ for _ in ()).throw(RecursionError("maximum recursion depth exceeded")), "嵌套层数过多"),
]


@pytest.mark.parametrize(("action", "expected"), CASES)
def test_library_failures_described_in_chinese(action, expected: str) -> None:
    text = cause_text(raised(action))
    assert expected in text
    assert not ENGLISH_PROSE.search(text), text


def test_system_errors_described_by_their_errno() -> None:
    assert cause_text(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间不足"
    assert cause_text(PermissionError(errno.EACCES, "Permission denied", "/x")) == "没有权限"
    assert cause_text(OSError(errno.ENXIO, "No such device or address")) == "系统错误 ENXIO"
    assert cause_text(OSError("no errno at all")) == "错误类型 OSError"


def test_an_unknown_failure_is_named_by_its_type_only() -> None:
    assert cause_text(LookupError("something went wrong here")) == "错误类型 LookupError"


def test_history_database_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is not a database, only text " * 100)
    with pytest.raises(HistoryError) as info:
        connect(path)
    assert "不是结果历史数据库文件" in info.value.message
    assert not ENGLISH_PROSE.search(info.value.message), info.value.message


def test_sqlite_message_mapping_covers_a_locked_database() -> None:
    assert cause_text(sqlite3.OperationalError("database is locked")) == "数据库正被另一个程序使用（已锁定）"
