"""Read stage: bytes → `Source`. The reader is chosen by content (magic bytes), not by file extension."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from gkcheck.causes import cause_text
from gkcheck.errors import GkError, ReadError
from gkcheck.inputs import reason
from gkcheck.model import Source
from gkcheck.read.jsondata import read_json
from gkcheck.read.sniff import sniff

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def _reader(kind: str) -> Callable[[bytes, str], Source]:
    if kind == "html":
        from gkcheck.read.html import read_html

        return read_html
    if kind == "text":
        from gkcheck.read.text import read_text

        return read_text
    if kind == "json":
        return read_json
    if kind == "pdf":
        from gkcheck.read.pdf import read_pdf

        return read_pdf
    if kind == "docx":
        from gkcheck.read.docx import read_docx

        return read_docx
    raise ReadError(f"不支持的文件类型：{kind}")


def read_bytes(data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read one document's bytes; every failure becomes a ReadError naming the cause."""
    if not data:
        raise ReadError("文件为空", path)
    if len(data) > max_bytes:
        raise ReadError(f"文件过大（{len(data)} 字节，上限 {max_bytes} 字节，可用 --max-bytes 调整）", path)
    try:
        source = _reader(sniff(data))(data, path)
    except GkError as exc:
        exc.path = exc.path or path
        raise
    except (MemoryError, RecursionError) as exc:
        raise ReadError(f"文件结构过于复杂，无法在限定资源内读取（{cause_text(exc)}）", path) from exc
    except Exception as exc:  # noqa: BLE001 - a reader bug must still become a clear per-file error
        raise ReadError(f"文件损坏或格式异常，无法读取（{cause_text(exc)}）", path) from exc
    return source


def read_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    p = Path(path)
    try:
        info = os.stat(p)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError("这是一个文件夹，不是文件", str(p))
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise ReadError("不是普通文件（命名管道、套接字或设备），无法读取", str(p))
        size = info.st_size
        if size > max_bytes:
            raise ReadError(f"文件过大（{size} 字节，上限 {max_bytes} 字节，可用 --max-bytes 调整）", str(p))
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since it was measured
    except FileNotFoundError as exc:
        raise ReadError("文件不存在", str(p)) from exc
    except PermissionError as exc:
        raise ReadError("没有读取权限", str(p)) from exc
    except IsADirectoryError as exc:
        raise ReadError("这是一个文件夹，不是文件", str(p)) from exc
    except OSError as exc:
        raise ReadError(f"无法读取文件：{reason(exc)}", str(p)) from exc
    except ValueError as exc:  # a NUL character in the name
        raise ReadError("文件名含有空字符，无法读取", str(p)) from exc
    return read_bytes(data, str(p), max_bytes)
