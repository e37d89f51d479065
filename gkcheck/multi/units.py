"""Units: who a report belongs to.

An issuer as printed (`淮安市洪泽区人民政府`) is normalised to a unit name (`洪泽区人民政府`): a leading parent
region is dropped when a county-level region follows it, so the rest still names one unit; an office
(`…人民政府办公室`) stays distinct from its government. An optional units file lists the units a supervisor
expects reports from (name, aliases, kind, parent); it is matched first by exact name or alias, then by
normalised name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gkcheck.multi.yamlfile import InputFileError, load_validated

# A region that can stand above another one, then a county-level region (district / county / county-level city /
# banner). Development zones, new areas and parks keep their parent: 工业园区 exists in many cities.
_PARENT = r"(?:[\u4e00-\u9fff]{1,9}?(?:自治区|特别行政区|省|自治州|州|盟|地区|市))"
_COUNTY = re.compile(r"^(?P<county>[\u4e00-\u9fff]{1,5}?(?:自治县|自治旗|区|县|旗|市))(?P<rest>.+)$")
_PARENT_RE = re.compile(rf"^(?P<parent>{_PARENT})(?P<tail>.+)$")
_ZONE_ENDINGS = ("园区", "新区", "开发区", "高新区", "保税区", "试验区", "示范区", "实验区", "景区", "港区", "矿区")
_UNIT_ENDINGS = ("人民政府", "政府", "办公室", "办公厅", "局", "委员会", "委", "厅", "中心", "院", "署", "处", "所",
                 "站", "办", "部", "会", "队", "管委会", "公署", "街道办事处", "街道")
_NOT_PLACES = ("城市", "都市", "超市", "社区", "地区", "辖区", "园区")
_NOISE = re.compile(r"[\s\u3000·•.,，。、:：;；\"'“”‘’（）()《》<>【】\[\]]")


def clean(name: str) -> str:
    """NFKC, no whitespace or punctuation."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", name or ""))


def split_parent(name: str) -> tuple[str, str]:
    """(dropped parent regions, unit name): `江苏省淮安市洪泽区人民政府` → (`江苏省淮安市`, `洪泽区人民政府`).

    A parent is dropped only when what follows is itself a region-level unit: a county-level region (not a
    zone) followed by a unit ending, or another parent region that can be dropped in turn. `淮安市人民政府`,
    `淮安市教育局` and `淮安市城市管理局` stay as they are."""
    name = clean(name)
    m = _PARENT_RE.match(name)
    if not m:
        return "", name
    tail = m.group("tail")
    inner_parent, inner = split_parent(tail)
    if inner_parent:
        return m.group("parent") + inner_parent, inner
    county = _COUNTY.match(tail)
    if county and _is_county(county.group("county")) and county.group("rest").endswith(_UNIT_ENDINGS):
        return m.group("parent"), tail
    return "", name


def _is_county(token: str) -> bool:
    """A plausible county-level place name (2–6 characters, not a zone, not a word such as 城市 or 市场)."""
    return 2 <= len(token) <= 6 and not token.endswith(_ZONE_ENDINGS + _NOT_PLACES)


def normalise(issuer: str | None) -> str | None:
    """The unit name of an issuer as printed, or None when there is none."""
    if not issuer or not clean(issuer):
        return None
    return split_parent(issuer)[1]


@dataclass(frozen=True)
class Unit:
    """An expected unit from the units file."""

    name: str
    kind: str  # government | department
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    line: int = 0


@dataclass
class Units:
    """The units file: expected units, looked up by exact name/alias first, then by normalised name."""

    units: list[Unit] = field(default_factory=list)
    years: tuple[int, ...] = ()
    path: str = ""
    _exact: dict[str, Unit] = field(default_factory=dict)
    _normal: dict[str, Unit] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for unit in self.units:
            for alias in (unit.name, *unit.aliases):
                self._exact.setdefault(clean(alias), unit)
                key = normalise(alias)
                if key:
                    self._normal.setdefault(key, unit)

    def find(self, issuer: str | None) -> Unit | None:
        """The expected unit an issuer (or a unit name) stands for, or None."""
        if not issuer:
            return None
        return self._exact.get(clean(issuer)) or self._normal.get(normalise(issuer) or "")

    def children(self, name: str) -> list[Unit]:
        """Units whose parent is `name` (for roll-up)."""
        parent = self.find(name)
        return [u for u in self.units if u.parent and parent and self.find(u.parent) is parent]


def load_units(path: Path) -> Units:
    """Read and validate a units file (schemas/units.schema.json); InputFileError with a Chinese message."""
    data = load_validated(path, "units.schema.json", "单位清单文件")
    units = [Unit(name=clean(u["name"]), kind=u["kind"], aliases=tuple(clean(a) for a in u.get("aliases", [])),
                  parent=clean(u["parent"]) if u.get("parent") else None) for u in data["units"]]
    seen: dict[str, str] = {}
    for unit in units:
        for alias in (unit.name, *unit.aliases):
            other = seen.get(alias)
            if other and other != unit.name:
                raise InputFileError(f"单位清单文件中名称「{alias}」同时属于「{other}」和「{unit.name}」", str(path))
            seen[alias] = unit.name
    names = {u.name for u in units}
    if len(names) != len(units):
        dup = sorted({u.name for u in units if sum(v.name == u.name for v in units) > 1})
        raise InputFileError(f"单位清单文件中单位重复：{'、'.join(dup)}", str(path))
    result = Units(units=units, years=tuple(data.get("years", [])), path=str(path))
    for unit in units:
        if unit.parent and not result.find(unit.parent):
            raise InputFileError(f"单位「{unit.name}」的上级单位「{unit.parent}」不在单位清单中", str(path))
    return result


def unit_info(document: dict[str, Any], units: Units | None) -> dict[str, Any]:
    """The `unit` field of a check result: name, kind, whether the units file lists it, and its parent."""
    issuer = document.get("issuer")
    expected = units.find(issuer) if units else None
    if expected:
        return {"name": expected.name, "kind": expected.kind, "listed": True, "parent": expected.parent,
                "issuer": issuer}
    parent, name = split_parent(issuer) if issuer else ("", None)
    return {"name": name or None, "kind": document.get("issuer_kind") or "unknown",
            "listed": False if units else None, "parent": None, "issuer": issuer, "region": parent or None}
