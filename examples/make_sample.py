"""Generate examples/sample-2021-report.html: a synthetic 2021-template report with one deliberate error.

The fictional 示例市临江区人民政府 reports on 2024; `t3.total_processed.total` is off by +10, so the
checker should name that cell as the most likely wrong one. Run: python examples/make_sample.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from synth import build_html, inject, synth_values  # noqa: E402

OUTPUT = HERE / "sample-2021-report.html"
WRONG_CELL = "t3.total_processed.total"


def main() -> Path:
    """Write the sample page and return its path."""
    values = synth_values("2021", seed=2024)
    values = inject(values, WRONG_CELL, values[WRONG_CELL] + 10)
    page = build_html("2021", values, year=2024, issuer="示例市临江区人民政府", published="2025-03-20")
    OUTPUT.write_text(page, encoding="utf-8")
    return OUTPUT


if __name__ == "__main__":
    print(f"已生成：{main()}")
