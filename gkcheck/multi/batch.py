"""The multi-report steps of a batch, as the command line calls them.

Per file (where the file is checked): `annotate` adds the unit, finding fingerprints and review decisions to
the result and returns the file's digest. Once every file is checked: `analyse` (gkcheck.multi.analyse) over
the digests, then `merge` adds each file's multi-report findings and duplicate flag to its result and scores
it again. Fields added to a result (and to the batch record):

- `unit`: {name, kind, listed (None without a units file), parent, issuer, region, duplicate_of, status}
- `findings[].fingerprint` (every finding), `findings[].decision` {status, reason} when reviewed,
  `findings[].multi` / `key` / `related` for findings across reports
- `dismissed`: findings dismissed by a review decision (not counted, not deducted)
- `sha256`: the input file's hash
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gkcheck.multi.decisions import Decisions, apply_decisions, rescore
from gkcheck.multi.digest import DEFAULT_SECTIONS, Digest, file_hash, make_digest
from gkcheck.multi.fingerprint import add_fingerprints, finding_key, fingerprint
from gkcheck.multi.units import Units, unit_info
from gkcheck.rulepack import Profile

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class MultiOptions:
    """What the user gave for the checks across reports."""

    units: Units | None = None
    decisions: Decisions | None = None
    previous: list[Path] = field(default_factory=list)
    rollup: bool | None = None  # None: as the profile says

    def sections(self, profile: Profile) -> tuple[int, ...]:
        return tuple((profile.multi.get("similarity") or {}).get("sections", DEFAULT_SECTIONS))


def annotate(result: dict[str, Any], path: Path | str, options: MultiOptions, profile: Profile) -> Digest:
    """Unit, fingerprints, file hash and review decisions on a fresh check result (which still holds
    `report`); returns the digest the checks across reports use."""
    doc = result.get("document") or {}
    result["unit"] = unit_info(doc, options.units)
    add_fingerprints(result.get("findings") or [], result["unit"]["name"], doc.get("year"))
    digest = make_digest(result, result["unit"], options.sections(profile), sha256=file_hash(path))
    result["sha256"] = digest.sha256
    if options.decisions:
        apply_decisions(result, options.decisions)
        rescore(result, profile)
    return digest


def merge(result: dict[str, Any], extra: list[dict[str, Any]], duplicate_of: str | None,
          options: MultiOptions, profile: Profile) -> None:
    """Add findings across reports (fingerprinted), the duplicate flag and review decisions; score again."""
    unit = result.setdefault("unit", {})
    year = (result.get("document") or {}).get("year")
    if duplicate_of:
        unit["duplicate_of"] = duplicate_of
    if not extra and not duplicate_of:
        return
    for finding in extra:
        finding["fingerprint"] = fingerprint(finding["rule"], unit.get("name"), year, finding.get("cells") or [],
                                             finding_key(finding))
    result["findings"] = sorted((result.get("findings") or []) + extra,
                                key=lambda f: (SEVERITY_ORDER.get(f.get("severity"), 3), f.get("category", ""),
                                               f.get("rule", "")))
    if options.decisions:
        apply_decisions(result, options.decisions)
    rescore(result, profile)


def known_units(results: Iterable[dict[str, Any]], digests: list[Digest]) -> set[str]:
    """Unit names and issuers seen in this run (for checking the units a decisions file names)."""
    names = {n for r in results for n in ((r.get("unit") or {}).get("name"), (r.get("unit") or {}).get("issuer")) if n}
    names.update(n for d in digests for n in (d.unit, d.issuer) if n)
    return names
