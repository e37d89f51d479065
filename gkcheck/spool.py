"""A disk-backed sequence for what a batch keeps per file, so that the batch process's memory does not grow
with the number of files.

`Spool` is an append-only temporary file (in the output folder, or the system's temporary folder): each
value is written once as compressed JSON; memory holds only each value's offset and length (16 bytes).
Replacing a value appends its new version and points the index at it. Values are read back one at a time.
The file is removed by `close` (also after an error, through the context manager).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

from gkcheck.errors import GkError
from gkcheck.outdir import errno_text

T = TypeVar("T")
PREFIX = ".gkcheck-spool-"
# What a spool in an output folder is named (`tempfile.mkstemp`: the prefix and eight random characters).
SPOOL_NAME = re.compile(r"\.gkcheck-(?:spool|records|texts)-[a-z0-9_]{8}\.tmp")


def _plain(value: Any) -> Any:
    return value


class Spool(Generic[T]):
    """A list-like sequence of values kept on disk: `append`, `[i]`, `[i] = v`, `len`, iteration.

    `encode` turns a value into JSON data and `decode` back (both the identity by default)."""

    def __init__(self, folder: Path | str | None = None, prefix: str = PREFIX,
                 encode: Callable[[T], Any] = _plain, decode: Callable[[Any], T] = _plain) -> None:
        try:
            handle, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
        except OSError as exc:
            raise GkError(f"无法创建临时文件：{errno_text(exc)}", str(folder or tempfile.gettempdir())) from exc
        self.path = Path(name)
        self._fd: int | None = handle
        self._encode, self._decode = encode, decode
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0

    def __len__(self) -> int:
        return len(self._offsets)

    def _write(self, value: T) -> tuple[int, int]:
        if self._fd is None:
            raise ValueError("spool is closed")
        data = zlib.compress(json.dumps(self._encode(value), ensure_ascii=False, separators=(",", ":"))
                             .encode("utf-8", "surrogatepass"), 1)
        offset, written = self._end, 0
        try:
            while written < len(data):
                written += os.pwrite(self._fd, data[written:], offset + written)
        except OSError as exc:  # e.g. the disk is full: a Chinese message, not a traceback
            raise GkError(f"无法写入输出文件夹中的临时文件：{errno_text(exc)}", str(self.path.parent)) from exc
        self._end = offset + len(data)
        return offset, len(data)

    def append(self, value: T) -> int:
        """Add a value at the end; returns its position."""
        offset, length = self._write(value)
        self._offsets.append(offset)
        self._lengths.append(length)
        return len(self._offsets) - 1

    def __setitem__(self, index: int, value: T) -> None:
        index = range(len(self))[index]  # IndexError for a position that does not exist
        self._offsets[index], self._lengths[index] = self._write(value)

    def __getitem__(self, index: int) -> T:
        if self._fd is None:
            raise ValueError("spool is closed")
        offset, length = self._offsets[index], self._lengths[index]
        try:
            data = os.pread(self._fd, length, offset)
        except OSError as exc:
            raise GkError(f"无法读回输出文件夹中的临时文件：{errno_text(exc)}", str(self.path.parent)) from exc
        return self._decode(json.loads(zlib.decompress(data).decode("utf-8", "surrogatepass")))

    def __iter__(self) -> Iterator[T]:
        for index in range(len(self)):
            yield self[index]

    def close(self) -> None:
        """Close and remove the file (safe to call twice)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Spool[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def remove_stale(folder: Path | str, keep: frozenset[tuple[int, int]] = frozenset()) -> list[str]:
    """Remove the spools a killed run left in `folder` (call it only while holding the folder's lock: then no
    other run is using them); files whose (device, inode) is in `keep` stay. Returns the names removed."""
    removed: list[str] = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not SPOOL_NAME.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if entry.is_file(follow_symlinks=False) and (info.st_dev, info.st_ino) not in keep:
                    os.unlink(entry.path)
                    removed.append(entry.name)
    return removed
