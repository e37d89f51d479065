"""Why a library failed, in Chinese: the cause shown in brackets after a reader's (or the history's) message.

Libraries raise English messages; a user sees only these descriptions. An exception not described here is
named by its type alone (an identifier, like a rule id), never by its English text."""

from __future__ import annotations

import re
import zipfile
import zlib

from gkcheck.outdir import errno_text

_ZIP = (  # zipfile's messages, by their start
    ("File is not a zip file", "不是 ZIP 格式的文件"),
    ("Truncated file header", "文件头不完整，文件被截断"),
    ("Bad magic number", "文件头标记错误"),
    ("Bad CRC-32", "压缩数据校验失败（CRC 不符）"),
    ("Overlapped entries", "压缩包中的条目相互重叠，疑似恶意构造"),
    ("zipfiles that span multiple disks", "分卷压缩包，不是单个文件"),
    ("Corrupt extra field", "条目附加字段损坏"),
)
_BY_TYPE = {  # by class name, so that the PDF library need not be imported here
    "PSEOF": "数据提前结束，文件被截断",
    "PDFSyntaxError": "PDF 语法错误",
    "PSSyntaxError": "PDF 语法错误",
    "PDFNoValidXRef": "交叉引用表损坏",
    "PDFTypeError": "PDF 对象类型不符",
    "PDFValueError": "PDF 对象取值错误",
    "PDFObjectNotFound": "缺少引用的 PDF 对象",
    "PDFNotImplementedError": "使用了不支持的 PDF 特性",
    "MemoryError": "内存不足",
    "RecursionError": "嵌套层数过多",
    "EOFError": "数据提前结束，文件被截断",
    "UnicodeError": "文字编码错误",
    "NotImplementedError": "使用了不支持的压缩方式或特性",
}
_SQLITE = (  # sqlite3's messages, by their start
    ("database is locked", "数据库正被另一个程序使用（已锁定）"),
    ("file is not a database", "不是结果历史数据库文件，或文件已损坏"),
    ("database disk image is malformed", "数据库文件已损坏"),
    ("database or disk is full", "磁盘已满"),
    ("disk I/O error", "磁盘读写错误"),
    ("unable to open database file", "无法打开数据库文件"),
    ("attempt to write a readonly database", "数据库只读，没有写入权限"),
)
_MISSING_PART = re.compile(r"There is no item named '([^']{1,120})'")


def cause_text(exc: BaseException) -> str:
    """A short Chinese description of `exc`."""
    text = str(exc)
    if isinstance(exc, zipfile.BadZipFile):
        return next((cn for start, cn in _ZIP if text.startswith(start)), "ZIP 容器结构损坏")
    if isinstance(exc, zlib.error):
        return "压缩数据损坏，无法解压"
    missing = _MISSING_PART.search(text) if isinstance(exc, KeyError) else None
    if missing:  # zipfile's KeyError for a member that is not there
        return f"缺少必需的部件 {missing.group(1)}"
    if type(exc).__module__ == "sqlite3":
        return next((cn for start, cn in _SQLITE if text.startswith(start)), "数据库错误")
    if isinstance(exc, OSError) and exc.errno:
        return errno_text(exc)
    line = getattr(exc, "lineno", None)
    if type(exc).__name__ == "XMLSyntaxError":
        return f"XML 语法错误（第 {line} 行）" if isinstance(line, int) and line > 0 else "XML 语法错误"
    for kind in type(exc).__mro__:
        if kind.__name__ in _BY_TYPE:
            return _BY_TYPE[kind.__name__]
    return f"错误类型 {type(exc).__name__}"
