"""Turning bytes into text: BOM, then a declared charset, else valid UTF-8, else GB18030."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""(?:charset\s*=\s*["']?|<\?xml[^>]*encoding\s*=\s*["'])\s*([A-Za-z0-9_\-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn"}
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "ascii", "us-ascii"}


def declared_charset(data: bytes) -> str | None:
    """The charset named in a <meta> tag or XML declaration within the first 4 KB, if any."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_mixed(data: bytes) -> str | None:
    """Files pasted together from UTF-8 and GBK parts: decode line by line, or None if not such a file."""
    lines = data.split(b"\n")
    utf8_lines = [_is_utf8(line) and sum(b > 127 for b in line) >= 3 for line in lines]
    if not any(utf8_lines):
        return None
    return "\n".join(
        line.decode("utf-8") if is_utf8 else line.decode("gb18030", errors="replace")
        for line, is_utf8 in zip(lines, utf8_lines, strict=True)
    )


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding used).

    A declared GB or single-byte charset is overruled when the bytes are valid, non-ASCII UTF-8: pages
    often keep an old `charset=gb2312` after being re-saved as UTF-8.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    utf8 = _is_utf8(data)
    if declared:
        name = declared.lower()
        wrong = utf8 and not data.isascii() and (name in _GB_FAMILY or name in _SINGLE_BYTE)
        if not wrong:
            if name in _GB_FAMILY:
                name = "gb18030"  # a superset: pages declaring gb2312 routinely use GBK characters
            try:
                return data.decode(name), name
            except (UnicodeDecodeError, LookupError):
                pass
    if utf8:
        return data.decode("utf-8"), "utf-8"
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed, "utf-8+gb18030"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"
