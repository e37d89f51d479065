"""The narrative texts of a batch's reports, kept on disk while the batch runs (not in the batch process).

An append-only temporary file in the output folder: each report's sections are written once as they arrive
(JSON, zlib-compressed); memory holds only each report's (offset, length), 16 bytes. The copied-text check
reads the texts back one report at a time. The file is removed by `close` (also after an error).
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from array import array
from pathlib import Path

PREFIX = ".gkcheck-texts-"


class TextStore:
    """Section texts by report number (the order of `put`)."""

    def __init__(self, folder: Path | str | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix=PREFIX, suffix=".tmp", dir=folder)
        self.path = Path(name)
        self._file = os.fdopen(handle, "w+b")
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0

    def __len__(self) -> int:
        return len(self._offsets)

    def put(self, sections: dict[int, str]) -> int:
        """Append one report's sections; returns its number."""
        data = zlib.compress(json.dumps(sections, ensure_ascii=False).encode("utf-8"), 1)
        self._file.seek(self._end)
        self._file.write(data)
        self._offsets.append(self._end)
        self._lengths.append(len(data))
        self._end += len(data)
        return len(self._offsets) - 1

    def get(self, number: int) -> dict[int, str]:
        """The sections of report `number`, read back from disk."""
        self._file.flush()
        self._file.seek(self._offsets[number])
        data = self._file.read(self._lengths[number])
        return {int(k): v for k, v in json.loads(zlib.decompress(data)).items()}

    def close(self) -> None:
        """Close and remove the file (safe to call twice)."""
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> TextStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
