"""Chinese wording for the pieces of help text that click writes itself (usage line, metavars, extras)."""

from __future__ import annotations

import re
import unicodedata

USAGE_WORDS = {
    "[OPTIONS]": "[选项]",
    "COMMAND [ARGS]...": "命令 [参数]...",
    "FILES...": "文件...",
    "[DIRECTORY]": "[文件夹]",
    "DIRECTORY": "文件夹",
    "FILE": "文件",
}
METAVARS = (
    (re.compile(r"\bINTEGER RANGE\b"), "整数"),
    (re.compile(r"\bFLOAT RANGE\b"), "数值"),
    (re.compile(r"\bINTEGER\b"), "整数"),
    (re.compile(r"\bFLOAT\b"), "数值"),
    (re.compile(r"\bPATH\b"), "路径"),
    (re.compile(r"\bTEXT\b"), "文本"),
    (re.compile(r"\bFILENAME\b"), "文件名"),
    (re.compile(r"\bBOOLEAN\b"), "是/否"),
)
_EXTRA = re.compile(r"\s*\[([^\[\]]*)\]\s*$")
_RANGE = re.compile(r"^(?:(-?[\d.]+)(<=?))?x(?:(<=?)(-?[\d.]+)|(>=?)(-?[\d.]+))?$")


def usage_args(args: str) -> str:
    """`[OPTIONS] FILES...` → `[选项] 文件...`."""
    for english, chinese in USAGE_WORDS.items():
        args = re.sub(rf"(?<!\S){re.escape(english)}(?!\S)", chinese, args)
    return args


def term(text: str) -> str:
    """An option's left column: `--jobs INTEGER RANGE` → `--jobs 整数`."""
    for pattern, chinese in METAVARS:
        text = pattern.sub(chinese, text)
    return usage_args(text)


def _range(text: str) -> str | None:
    """`1<=x<=64` → `范围 1–64`; `x>=1` → `不小于 1`; None when `text` is not a range."""
    match = _RANGE.match(text.replace(" ", ""))
    if not match or text.strip() == "x":
        return None
    low, low_op, high_op, high, ge_op, ge = match.groups()
    if low is not None and high is not None:
        return f"范围 {low}–{high}"
    if ge is not None:
        return f"{'不小于' if ge_op == '>=' else '大于'} {ge}"
    if high is not None:
        return f"{'不大于' if high_op == '<=' else '小于'} {high}"
    if low is not None:
        return f"{'不小于' if low_op == '<=' else '大于'} {low}"
    return None


def _extra_item(item: str) -> str:
    item = item.strip()
    if item.startswith("default:"):
        return "默认：" + item[len("default:"):].strip()
    if item == "required":
        return "必填"
    return _range(item) or item


def help_text(text: str) -> str:
    """An option's help with click's trailing `[default: x; 1<=x<=64; required]` in Chinese."""
    match = _EXTRA.search(text)
    if not match:
        return text
    inner = match.group(1)
    if not any(key in inner for key in ("default:", "required", "x")):
        return text
    items = [_extra_item(i) for i in inner.split(";")]
    return text[: match.start()] + f"  [{'；'.join(items)}]"


def width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


_NO_LINE_START = "，。、；：）」”]"


def _wrap(text: str, columns: int) -> list[str]:
    """Break `text` into lines of at most `columns` terminal columns: between CJK characters (never before
    closing punctuation), at spaces between Latin words; click's `[默认：…]` extras stay in one piece."""
    match = _EXTRA.search(text)
    body, extra = (text[: match.start()], match.group(0).strip()) if match else (text, "")
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[\x21-\x7e]+|\s+|.", body):
        if line and width(line + token) > columns and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    if extra:
        if line.strip() and width(line.rstrip() + "  " + extra) > columns:
            lines.append(line.rstrip())
            line = extra
        else:
            line = (line.rstrip() + "  " + extra) if line.strip() else extra
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def definition_list(rows, indent: int, total: int | None, col_max: int = 30, spacing: int = 2) -> str:
    """click's option / command table with Chinese terms and extras, aligned by display width."""
    rows = [(term(t), help_text(h)) for t, h in rows]
    first = min(max((width(t) for t, _ in rows), default=0), col_max)
    total = total or 80
    text_width = max(total - first - spacing - indent, 20)
    out: list[str] = []
    for left, right in rows:
        pad = " " * indent + left
        lines = _wrap(right, text_width) if right else [""]
        if width(left) <= first:
            out.append(pad + " " * (first - width(left) + spacing) + lines[0])
            rest = lines[1:]
        else:
            out.append(pad)
            rest = lines if right else []
        out.extend(" " * (indent + first + spacing) + line for line in rest)
    return "\n".join(line.rstrip() for line in out) + "\n"


SCOPE_KINDS = {"annual_report": "年度报告", "legacy_annual_report": "旧格式年报", "not_annual_report": "非年度报告"}
SCOPE_ISSUERS = {"government": "政府", "department": "部门", "unknown": "机关类型不明"}
CATEGORIES = {"structure": "结构完整", "tables": "表格完整", "arithmetic": "数据勾稽", "template": "模板规范",
              "content": "内容要求", "timeliness": "发布时效"}


def rule_scope(applies_to: dict, when: dict | None = None) -> str:
    """Where a rule applies, in Chinese: `年度报告；2021–年度；政府；模板 2021；另有条件`."""
    parts = []
    if "kind" in applies_to:
        parts.append("/".join(SCOPE_KINDS.get(k, k) for k in applies_to["kind"]))
    if "years" in applies_to:
        parts.append(f"{applies_to['years'].get('min', '')}–{applies_to['years'].get('max', '')} 年度")
    if "issuer_kind" in applies_to:
        parts.append("/".join(SCOPE_ISSUERS.get(k, k) for k in applies_to["issuer_kind"]))
    if "template" in applies_to:
        parts.append("模板 " + "/".join(applies_to["template"]))
    if when:
        parts.append("另有条件（when）")
    return "；".join(parts) or "年度报告"


def rule_line(rule) -> str:
    """One line of `gkcheck rules list`."""
    from gkcheck.labels import SEVERITY_LABELS

    category = CATEGORIES.get(rule.category, rule.category)
    return (f"{rule.id:<34} {SEVERITY_LABELS.get(rule.severity, rule.severity)}  {category}  {rule.title}"
            f"  [{rule_scope(rule.applies_to, getattr(rule, 'when', None))}]")
