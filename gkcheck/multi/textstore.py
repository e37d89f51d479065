"""The narrative texts and figures of a batch's reports, kept on disk while the batch runs (not in the batch
process).

A `Spool` in the output folder: each report's sections (and, where given, its figures) are written once as
they arrive; memory holds only each report's offset and length. The copied-text check reads the texts back
one report at a time; the cross-year and roll-up checks read the figures of the reports they compare. The file
is removed by `close` (also after an error).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from gkcheck.spool import Spool

PREFIX = ".gkcheck-texts-"


class TextStore(Spool[dict[str, Any]]):
    """Section texts (and figures) by report number (the order of `put`)."""

    def __init__(self, folder: Path | str | None = None) -> None:
        super().__init__(folder, PREFIX)
        self.cells = lru_cache(maxsize=256)(self._cells)  # the reports being compared are read once

    def put(self, sections: dict[int, str], cells: dict[str, float] | None = None) -> int:
        """Append one report's sections and figures; returns its number."""
        return self.append({"sections": sections, "cells": cells or {}})

    def get(self, number: int) -> dict[int, str]:
        """The sections of report `number`, read back from disk."""
        return {int(k): v for k, v in self[number]["sections"].items()}

    def _cells(self, number: int) -> dict[str, float]:
        """The figures of report `number` (callers only read the mapping)."""
        return self[number]["cells"]
