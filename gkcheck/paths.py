"""Locations of the project's data folders (rule packs, templates, profiles, schemas).

In a source checkout (or an editable install) they sit beside the package; a regular install puts them
under <prefix>/share/gkcheck.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _data_root() -> Path:
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "rules").is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "gkcheck"


ROOT = _data_root()
RULES_DIR = ROOT / "rules"
TEMPLATES_DIR = RULES_DIR / "templates"
PROFILES_DIR = RULES_DIR / "profiles"
SCHEMAS_DIR = ROOT / "schemas"
