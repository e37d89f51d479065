"""Turning bytes into text: BOM, then UTF-32/UTF-16 recognised by their zero bytes, then a declared charset,
else valid UTF-8, else GB18030. Stray NUL characters are dropped; text that decodes mostly to replacement or
control characters is refused ("无法解码") instead of being read as a document without a report in it."""

from __future__ import annotations

import codecs
import re
import unicodedata

from gkcheck.errors import ReadError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
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


def wide_encoding(sample: bytes) -> str | None:
    """UTF-32 or UTF-16 (with the byte order), from a BOM or from where the zero bytes fall; else None.

    UTF-32 text has a zero in every fourth byte; UTF-16 text has most of its zeros (from Latin letters,
    digits, punctuation) on one parity and decodes without error. A UTF-8 or GB text with stray NULs has
    neither pattern."""
    for bom, name in _BOMS[1:]:
        if sample.startswith(bom):
            return name
    n = len(sample) - len(sample) % 4
    total = sample.count(0, 0, n)
    if n < 8 or total < max(4, n // 50):
        return None
    zeros = [sum(1 for i in range(k, n, 4) if sample[i] == 0) for k in range(4)]
    quarter = n // 4
    if zeros[3] > 0.95 * quarter and zeros[2] > 0.5 * quarter:
        return "utf-32-le"
    if zeros[0] > 0.95 * quarter and zeros[1] > 0.5 * quarter:
        return "utf-32-be"
    odd = zeros[1] + zeros[3]
    for name, share in (("utf-16-le", odd), ("utf-16-be", total - odd)):
        if share >= 0.8 * total:
            try:
                sample[:n].decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None


_NOT_TEXT = frozenset({"Co", "Cn", "Cs", "Cc"})  # private use, unassigned, surrogate, control
# runs of characters that are text whatever else the sample holds (printable ASCII, line controls, CJK
# ideographs, CJK and full-width punctuation): removed in C before the characters left are looked at one by one
PLAIN_RUNS = re.compile(r"[\t\n\r\f\x1b\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]+")


def _garbled(text: str) -> bool:
    """Mostly replacement, control, unassigned or private-use characters (beyond a few stray ones): bytes
    that are not text in this encoding, such as binary data after a UTF-16 byte order mark."""
    sample = text[:65536]
    rest = PLAIN_RUNS.sub("", sample)
    kinds = {ch for ch in set(rest) if ch == "\ufffd" or (
        not ch.isascii() or ch < " ") and unicodedata.category(ch) in _NOT_TEXT}  # each distinct char once
    if not kinds:
        return False
    bad = len(rest) - len(rest.translate(dict.fromkeys(map(ord, kinds))))  # occurrences, counted in C
    return bad > max(16, len(sample) // 50)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding used). ReadError when the text would be gibberish.

    A declared GB or single-byte charset is overruled when the bytes are valid, non-ASCII UTF-8: pages
    often keep an old `charset=gb2312` after being re-saved as UTF-8.
    """
    text, name = _decode(data, declared)
    if _garbled(text):
        raise ReadError(f"无法解码：按 {name} 解码后大量是乱码或控制字符，文件可能已损坏，"
                        "或不是文本、HTML、PDF、Word 文档")
    return (text.replace("\x00", "") if "\x00" in text else text), name


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    wide = wide_encoding(data[:65536])
    if wide:
        return data.decode(wide, errors="replace"), wide
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    try:
        utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if declared:
        name = declared.lower()
        wrong = utf8 is not None and not data.isascii() and (name in _GB_FAMILY or name in _SINGLE_BYTE)
        if utf8 is not None and name in ("utf-8", "utf8"):
            return utf8, name  # decoded once, above
        if not wrong:
            if name in _GB_FAMILY:
                name = "gb18030"  # a superset: pages declaring gb2312 routinely use GBK characters
            try:
                return data.decode(name), name
            except (UnicodeDecodeError, LookupError):
                pass
    if utf8 is not None:
        return utf8, "utf-8"
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed, "utf-8+gb18030"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"
