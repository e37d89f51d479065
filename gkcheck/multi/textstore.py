"""The narrative texts of a batch's reports, kept on disk while the batch runs (not in the batch process).

A `Spool` in the output folder: each report's sections are written once as they arrive; memory holds only
each report's offset and length. The copied-text check reads the texts back one report at a time. The file
is removed by `close` (also after an error).
"""

from __future__ import annotations

from pathlib import Path

from gkcheck.spool import Spool

PREFIX = ".gkcheck-texts-"


def _sections(data: dict[str, str]) -> dict[int, str]:
    return {int(k): v for k, v in data.items()}


class TextStore(Spool[dict[int, str]]):
    """Section texts by report number (the order of `put`)."""

    def __init__(self, folder: Path | str | None = None) -> None:
        super().__init__(folder, PREFIX, decode=_sections)

    def put(self, sections: dict[int, str]) -> int:
        """Append one report's sections; returns its number."""
        return self.append(sections)

    def get(self, number: int) -> dict[int, str]:
        """The sections of report `number`, read back from disk."""
        return self[number]
