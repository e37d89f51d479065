"""Text bound for the user's terminal: file names and report text are untrusted.

Escape sequences (`ESC]0;…`, `ESC[2J`) and other control characters are removed, and file names that are
not valid UTF-8 (GBK names from Windows archives) are shown decoded instead of failing to print.
"""

from __future__ import annotations

import os
import re

import click

# CSI (ESC [ … final), OSC/DCS/PM/APC strings (ESC ] … BEL or ST), other two-byte escapes, then any
# remaining C0/C1 control character except tab and newline; also the 8-bit CSI/OSC introducers.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def display_name(name: str | os.PathLike[str]) -> str:
    """A path as text a person can read and any encoder accepts: a name component whose bytes are not
    UTF-8 (surrogate escapes, as in file names from Chinese Windows archives) is read as GB18030, else
    its undecodable bytes are replaced."""
    text = os.fspath(name)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "/".join(_component(part) for part in text.split("/"))


def _component(part: str) -> str:
    try:
        raw = part.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # lone surrogates that are not escaped bytes
        return part.encode("utf-8", "replace").decode("utf-8")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", errors="replace")


def clean(text: object) -> str:
    """`text` with terminal escape sequences and control characters (except tab and newline) removed (and
    stray surrogates replaced; pass file names through `display_name` first)."""
    return _ESCAPES.sub("", str(text).encode("utf-8", "replace").decode("utf-8"))


def echo(text: object = "", err: bool = False) -> None:
    """Print one message, cleaned."""
    click.echo(clean(text), err=err)
