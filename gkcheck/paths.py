"""Locations of the project's data folders (rule packs, schemas)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
TEMPLATES_DIR = RULES_DIR / "templates"
PROFILES_DIR = RULES_DIR / "profiles"
SCHEMAS_DIR = ROOT / "schemas"
