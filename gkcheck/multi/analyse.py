"""All checks across the reports of a batch, from their digests: units (missing, unlisted, duplicates),
cross-year, roll-up and copied text. The result says, per report of the batch, which findings to add and
whether it is a duplicate; and which expected units have no report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gkcheck.multi import crossyear, rollup
from gkcheck.multi.digest import Digest
from gkcheck.multi.findings import make_finding, rules_of
from gkcheck.multi.similarity import Pair, SentenceCounts, Settings, find_copies
from gkcheck.multi.units import Units
from gkcheck.rulepack import Profile
from gkcheck.templates import default_version, load_template

MISSING_STATUS = "未发布/未提交"


@dataclass
class Outcome:
    """What the multi-report checks found in a batch (indices are positions in the batch's digests)."""

    findings: dict[int, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    duplicate_of: dict[int, str] = field(default_factory=dict)  # index -> file of the report ranked instead
    missing: list[dict[str, Any]] = field(default_factory=list)  # rows for expected units without a report
    notes: list[str] = field(default_factory=list)  # batch-level remarks (e.g. a roll-up that could not run)
    pairs: list[Pair] = field(default_factory=list)


def unit_keys(digests: list[Digest]) -> list[str | None]:
    """The unit each digest belongs to; a unit name printed with different parent regions (南京市鼓楼区 and
    福州市鼓楼区) is split by region, so same-named districts of different cities never merge."""
    regions: dict[str, set[str]] = defaultdict(set)
    for d in digests:
        if d.unit and d.region:
            regions[d.unit].add(d.region)
    return [((d.region or "") + d.unit if d.unit and len(regions[d.unit]) > 1 else d.unit) for d in digests]


def _is_report(d: Digest) -> bool:
    return d.kind == "annual_report" and d.year is not None


def is_compared(d: Digest) -> bool:
    """Whether the copied-text check compares this digest's sections."""
    return _is_report(d)


def copy_settings(profile: Profile | None) -> Settings:
    """The copied-text check's settings under `profile`."""
    return Settings.from_profile(profile.multi if profile else {})


def _duplicates(digests: list[Digest], keys: list[str | None], out: Outcome) -> None:
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, d in enumerate(digests):
        if not d.previous and keys[i] and _is_report(d):
            groups[(keys[i], d.year)].append(i)  # type: ignore[index]
    rule = rules_of("unit_duplicate")[0]
    for (unit, year), members in groups.items():
        if len(members) < 2:
            continue
        # the latest publication (a corrected re-issue) is ranked; ties by file order
        primary = max(members, key=lambda i: (digests[i].published or "", -i))
        files = "、".join(digests[i].file for i in members)
        for i in members:
            if i != primary:
                out.duplicate_of[i] = digests[primary].file
            values = {"unit": unit, "year": year, "count": len(members), "files": files,
                      "primary": digests[primary].file}
            out.findings[i].append(make_finding(rule, values, [], key="duplicate"))


def _units(digests: list[Digest], keys: list[str | None], units: Units, out: Outcome) -> None:
    current = [i for i, d in enumerate(digests) if not d.previous]
    years = sorted(set(units.years) or {digests[i].year for i in current if digests[i].year})
    have = {(keys[i], digests[i].year) for i in current}
    for unit in units.units:
        for year in years:
            if (unit.name, year) not in have:
                out.missing.append(missing_row(unit.name, unit.kind, year, unit.parent))
    rule = rules_of("unit_unlisted")[0]
    for i in current:
        d = digests[i]
        if d.issuer and not units.find(keys[i]) and not units.find(d.issuer):
            values = {"issuer": d.issuer, "unit": keys[i] or d.issuer, "units_file": units.path}
            out.findings[i].append(make_finding(rule, values, [], key="unlisted"))


def missing_row(name: str, kind: str, year: int | None, parent: str | None = None) -> dict[str, Any]:
    """A batch row for an expected unit without a report: unscored, with the reason, in every output."""
    return {
        "schema_version": "1", "file": "", "status": "missing",
        "unit": {"name": name, "kind": kind, "listed": True, "parent": parent, "status": "missing"},
        "document": {"kind": "missing", "year": year, "issuer": name, "issuer_kind": kind, "template": None,
                     "published": None, "title": None, "kind_reason": MISSING_STATUS},
        "score": {"total": None, "reason": MISSING_STATUS, "categories": {}},
        "summary": {"error": 0, "warning": 0, "info": 0}, "findings": [], "suspects": [],
    }


def _cross_year(digests: list[Digest], keys: list[str | None], out: Outcome, profile: Profile | None) -> None:
    by_unit_year: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, d in enumerate(digests):
        if keys[i] and _is_report(d) and i not in out.duplicate_of:
            by_unit_year[(keys[i], d.year)].append(i)  # type: ignore[index]
    for i, d in enumerate(digests):
        if d.previous or not keys[i] or not _is_report(d):
            continue
        before = by_unit_year.get((keys[i], d.year - 1))  # type: ignore[operator]
        if before:
            out.findings[i] += crossyear.check_pair(d, digests[before[0]], profile)


def _rollups(digests: list[Digest], keys: list[str | None], units: Units, out: Outcome,
             profile: Profile | None) -> None:
    by_unit_year = {(keys[i], d.year): i for i, d in enumerate(digests)
                    if keys[i] and _is_report(d) and i not in out.duplicate_of}
    for parent in units.units:
        children = units.children(parent.name)
        if not children:
            continue
        for (key, year), i in by_unit_year.items():
            if key != parent.name or digests[i].previous:
                continue
            parts = [by_unit_year.get((c.name, year)) for c in children]
            if any(p is None for p in parts):
                absent = [c.name for c, p in zip(children, parts) if p is None]
                out.notes.append(f"{parent.name} {year} 年度未做汇总核对：缺少下级单位报告（{'、'.join(absent)}）")
                continue
            out.findings[i] += rollup.check_rollup(digests[i], [digests[p] for p in parts], profile)  # type: ignore[index]


def _section_titles() -> dict[int, str]:
    return {s["number"]: s["title"] for s in load_template(default_version(None)).sections}


def _copies(digests: list[Digest], keys: list[str | None], out: Outcome, settings: Settings,
            texts: Callable[[int], dict[int, str]] | None, counts: SentenceCounts | None) -> None:
    usable = [i for i, d in enumerate(digests) if is_compared(d)]
    pairs = find_copies([digests[i] for i in usable], settings, (lambda k: texts(usable[k])) if texts else None,
                        counts)
    out.pairs = [Pair(usable[p.a], usable[p.b], p.section, p.similarity) for p in pairs]
    best: dict[tuple[int, int, str], list[tuple[float, int]]] = defaultdict(list)
    for p in out.pairs:
        a, b = digests[p.a], digests[p.b]
        if keys[p.a] and keys[p.a] == keys[p.b]:
            if a.year == b.year:
                continue  # the same unit's duplicate reports: flagged as duplicates
            later, earlier = (p.a, p.b) if a.year > b.year else (p.b, p.a)  # type: ignore[operator]
            best[(later, p.section, "same_unit")].append((p.similarity, earlier))
        else:
            best[(p.a, p.section, "other_unit")].append((p.similarity, p.b))
            best[(p.b, p.section, "other_unit")].append((p.similarity, p.a))
    rules = {r.params["pair"]: r for r in rules_of("text_similarity")}
    titles = _section_titles()
    for (i, section, pair), partners in sorted(best.items()):
        if digests[i].previous:
            continue
        partners.sort(key=lambda x: (-x[0], digests[x[1]].file))
        similarity, j = partners[0]
        other = digests[j]
        more = f"，另有 {len(partners) - 1} 份报告的该部分与之相似" if len(partners) > 1 else ""
        values = {"section": section, "section_title": titles.get(section, ""), "similarity": f"{similarity * 100:.0f}",
                  "threshold": f"{settings.threshold * 100:.0f}", "other_file": other.file,
                  "other_unit": keys[j] or other.issuer or "另一单位", "more": more}
        key = f"section{section}:{keys[j] if pair == 'other_unit' else other.year}"
        out.findings[i].append(make_finding(rules[pair], values, [], key=key, related={
            "file": other.file, "unit": keys[j], "year": other.year, "section": section,
            "similarity": similarity, "others": [digests[x].file for _, x in partners[1:]]}))


def analyse(digests: list[Digest], profile: Profile | None = None, units: Units | None = None,
            rollup_enabled: bool | None = None, texts: Callable[[int], dict[int, str]] | None = None,
            counts: SentenceCounts | None = None) -> Outcome:
    """Every check across `digests` (the batch's reports, then those given as previous years); `texts(i)`
    gives digest i's section texts when they are not kept in the digests (a `TextStore`); `counts` has
    counted the sentences of the compared digests (`is_compared`) as they arrived, with `copy_settings`."""
    out = Outcome()
    keys = unit_keys(digests)
    _duplicates(digests, keys, out)
    if units:
        _units(digests, keys, units, out)
    _cross_year(digests, keys, out, profile)
    if units and (rollup_enabled if rollup_enabled is not None else rollup.enabled(profile)):
        _rollups(digests, keys, units, out, profile)
    _copies(digests, keys, out, copy_settings(profile), texts, counts)
    return out
