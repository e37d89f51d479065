"""Rule files (rules/checks/*.yaml): loading, validation against schemas/rules.schema.json, line numbers."""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gkcheck import cache as user_cache
from gkcheck.errors import RuleError
from gkcheck.paths import PROFILES_DIR, RULES_DIR, SCHEMAS_DIR

if TYPE_CHECKING:
    import jsonschema
    import yaml

CHECKS_DIR = RULES_DIR / "checks"
MAX_MESSAGE_CHARS = 300
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: str
    severity: str
    category: str
    message: str
    pack: str
    applies_to: dict[str, Any] = field(default_factory=dict)
    when: dict[str, Any] | None = None  # declarative condition (gkcheck.engine.conditions)
    params: dict[str, Any] = field(default_factory=dict)
    suggestion: str | None = None
    description: str | None = None
    file: str = ""
    line: int = 0


@dataclass
class Problem:
    """A validation problem in a rule file, with its location."""

    file: str
    line: int
    message: str

    def __post_init__(self) -> None:
        if len(self.message) > MAX_MESSAGE_CHARS:  # a message quoting a huge value stays readable
            self.message = self.message[:MAX_MESSAGE_CHARS] + "…"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def _node_at(node: yaml.Node, path: list[Any]) -> yaml.Node:
    """The YAML node at a JSON path (for error line numbers); stops at the deepest node found."""
    import yaml  # imported here, like safeyaml and jsonschema: a cached rule pack is not parsed again

    for key in path:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            nxt = node.value[key]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
    return node


def _error_text(error: jsonschema.ValidationError) -> str:
    from gkcheck import schema_messages

    return schema_messages.error_text(error)


def validate_file(path: Path) -> tuple[list[Rule], list[Problem]]:
    """Parse and validate one rule file; returns its rules and the problems found (with line numbers)."""
    from gkcheck import safeyaml

    name = str(path)
    try:
        node, data = safeyaml.load(path)
    except safeyaml.YamlRefused as exc:
        return [], [Problem(name, exc.line, exc.message)]
    if node is None:
        return [], [Problem(name, 1, "文件为空")]
    import jsonschema  # imported here: a cached rule pack (see load_rules) needs no validation

    validator = jsonschema.Draft202012Validator(_schema("rules.schema.json"))
    problems = [
        Problem(name, _node_at(node, list(e.absolute_path)).start_mark.line + 1, _error_text(e))
        for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if problems:
        return [], problems
    rules = []
    for i, item in enumerate(data["rules"]):
        line = _node_at(node, ["rules", i]).start_mark.line + 1
        problems += [Problem(name, _node_at(node, ["rules", i, key]).start_mark.line + 1, text)
                     for key, text in placeholder_problems(item) + pattern_problems(item)]
        rules.append(Rule(pack=data["pack"], file=name, line=line, **item))
    return ([], problems) if problems else (rules, [])


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholder_problems(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, problem) for every `{name}` in a rule's message, suggestion or addresses that its check never
    fills (it would be printed literally)."""
    from gkcheck.engine.checks import FIELDS

    loop = list((item.get("params") or {}).get("for_each") or {})
    allowed = FIELDS.get(item["kind"], frozenset()) | set(loop) | {f"{v}_label" for v in loop}
    out: list[tuple[str, str]] = []
    params = item.get("params") or {}
    texts = [("message", "消息（message）", item.get("message")),
             ("suggestion", "建议（suggestion）", item.get("suggestion"))]
    texts += [("params", f"params.{k}", v) for k, v in params.items() if k.endswith("message") and isinstance(v, str)]
    for key, name, text in texts:
        unknown = [n for n in _PLACEHOLDER.findall(text or "") if n not in allowed]
        if unknown:
            names = "、".join(f"{{{n}}}" for n in dict.fromkeys(unknown))
            usable = "、".join(f"{{{n}}}" for n in sorted(allowed)) or "（无）"
            out.append((key, f"{name}中的占位符 {names} 无法填充（{item['kind']} 规则可用：{usable}）"))
    addresses = [a for side in ("lhs", "rhs", "cells", "exclude") for a in params.get(side) or []]
    unknown = [n for a in addresses for n in _PLACEHOLDER.findall(a) if n not in loop]
    if unknown:
        names = "、".join(f"{{{n}}}" for n in dict.fromkeys(unknown))
        out.append(("params", f"单元格地址中的 {names} 不是 for_each 定义的循环变量"
                              f"（{'、'.join(loop) or '没有 for_each'}）"))
    return out


def pattern_problems(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, problem) for every regular expression in a rule's params that does not compile (or lacks the
    group `n` the number is read from)."""
    from gkcheck.engine.patterns import PatternError, compile_pattern
    from gkcheck.engine.textscan import expand_pattern

    params = item.get("params") or {}
    out: list[tuple[str, str]] = []
    try:
        pattern = params.get("pattern")
        if isinstance(pattern, str) and "n" not in compile_pattern(pattern).compiled.groupindex:
            out.append(("params", "params.pattern 缺少命名分组 (?P<n>…)（用来读取数字）"))
        for phrase in params.get("patterns") or []:
            if isinstance(phrase, str):
                expand_pattern(phrase, tuple(params.get("units") or ()))
    except PatternError as exc:
        out.append(("params", str(exc)))
    return out


def validate_dir(directory: Path) -> tuple[list[Rule], list[Problem]]:
    """Validate every *.yaml rule file in a folder; rule ids must be unique across files."""
    rules: list[Rule] = []
    problems: list[Problem] = []
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        problems.append(Problem(str(directory), 0, "文件夹中没有 .yaml 规则文件"))
    seen: dict[str, Rule] = {}
    for path in files:
        found, errs = validate_file(path)
        problems.extend(errs)
        for rule in found:
            if rule.id in seen:
                problems.append(Problem(rule.file, rule.line, f"规则编号 {rule.id} 重复（已在 {seen[rule.id].file}:"
                                                              f"{seen[rule.id].line} 定义）"))
            seen[rule.id] = rule
            rules.append(rule)
    return rules, problems


def load_rules(directory: Path = CHECKS_DIR) -> list[Rule]:
    """The rules of a folder, validated; a pack validated before (same files, same schema and checker code)
    comes from the cache (gkcheck/cache.py) without being parsed and validated again."""
    key = _pack_key(directory)
    cached = user_cache.load_json("rules", key) if key else None
    if isinstance(cached, list):
        with contextlib.suppress(TypeError):
            return [Rule(**item) for item in cached]
    rules, problems = validate_dir(directory)
    if problems:
        shown = [str(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"……另有 {len(problems) - MAX_PROBLEMS_SHOWN} 个问题（用 gkcheck rules validate 查看全部）")
        raise RuleError("规则文件无效：\n" + "\n".join(shown))
    if key:
        items = [{f.name: getattr(rule, f.name) for f in fields(Rule)} for rule in rules]
        with contextlib.suppress(TypeError, ValueError):
            if json.loads(json.dumps(items)) == items:  # only what survives JSON unchanged is cached
                user_cache.store_json("rules", key, items)
    return rules


def _pack_key(directory: Path) -> str | None:
    """What a validated rule pack depends on: its files, the rules schema, and the validating code."""
    from gkcheck.engine.checks import FIELDS

    try:
        files = sorted(Path(directory).glob("*.yaml")) + sorted(Path(directory).glob("*.yml"))
        own = [Path(__file__), Path(__file__).with_name("schema_messages.py"), SCHEMAS_DIR / "rules.schema.json"]
    except OSError:
        return None
    if not files:
        return None
    fields_text = repr(sorted((k, sorted(v)) for k, v in FIELDS.items()))
    return user_cache.fingerprint([str(Path(directory).resolve()), fields_text], own + files)


@dataclass
class Profile:
    """A scoring profile: category weights and the points each finding deducts."""

    name: str
    title: str
    categories: dict[str, dict[str, Any]]
    deductions: dict[str, float]
    max_per_rule: float
    rules: dict[str, float] = field(default_factory=dict)
    unknown_publication: float = 0.0  # timeliness score when the publication date is unknown
    multi: dict[str, Any] = field(default_factory=dict)  # settings of the checks across reports
    thresholds: dict[str, float] = field(default_factory=dict)  # named thresholds of plausibility rules


def load_profile(name_or_path: str = "default") -> Profile:
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILES_DIR / f"{name_or_path}.yaml"
    if not os.path.lexists(path):
        known = "、".join(sorted(p.stem for p in PROFILES_DIR.glob("*.yaml")))
        raise RuleError(f"评分方案不存在：{path}（内置方案：{known}；也可给出 YAML 文件路径）")
    key = user_cache.fingerprint([str(path.resolve())], [Path(__file__), SCHEMAS_DIR / "profile.schema.json", path])
    data = user_cache.load_json("profiles", key) if key else None
    if not isinstance(data, dict):
        data = _validated_profile(path)
        if key and json.loads(json.dumps(data)) == data:
            user_cache.store_json("profiles", key, data)
    return Profile(
        name=data["name"],
        title=data["title"],
        categories=data["categories"],
        deductions=data["deductions"],
        max_per_rule=data.get("max_per_rule", 100),
        rules=data.get("rules", {}),
        unknown_publication=data.get("unknown_publication", 0.0),
        multi=data.get("multi", {}),
        thresholds=data.get("thresholds", {}),
    )


def _validated_profile(path: Path) -> dict[str, Any]:
    from gkcheck import safeyaml

    try:
        _, data = safeyaml.load(path)
    except safeyaml.YamlRefused as exc:
        line = f"第 {exc.line} 行：" if exc.line else ""
        raise RuleError(f"无法读取评分方案 {path}：{line}{exc.message}") from exc
    import jsonschema

    try:
        jsonschema.validate(data, _schema("profile.schema.json"))
    except jsonschema.ValidationError as exc:
        raise RuleError(f"评分方案 {path} 无效：{_error_text(exc)[:MAX_MESSAGE_CHARS]}") from exc
    return data
