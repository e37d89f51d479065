"""Section headings: the six template sections, other headings, numbering gaps."""

from __future__ import annotations

import re

from gkcheck.extract.linescan import lines_with
from gkcheck.extract.normalize import from_cn, lines_may_hold, norm
from gkcheck.extract.tables_text import split_line
from gkcheck.model import Section

# markdown heading marks and emphasis (converted text) around the heading are allowed
_HEADING = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*([一二三四五六七八九十]{1,3})\s*[、.．,，]\s*"
                      r"(\S.*?)(?:\*\*|__)?\s*$")
_NUMBER_MARK = re.compile(r"[一二三四五六七八九十][^\S\n]*[、.．,，]")  # what every `_HEADING` line has
_MARKS = re.compile(r"^#{1,6}\s*|\*\*|__")
_TABLE_ROW_LABELS = ("本年新收", "上年结转", "结转下年度", "本年度办理结果")
MAX_TITLE = 40


def _run_in(line: str, title: str) -> str:
    """The start of `line` up to the end of the template title it begins with, as written."""
    target = norm(title)
    for k in range(1, min(len(line), 2 * MAX_TITLE) + 1):
        if norm(line[:k]).endswith(target):
            return line[:k].strip()
    return line.strip()


def _heading(line: str, titles: list[str]) -> tuple[int, str, str] | None:
    """(number, title, heading as written) when the line is a top-level heading. A template title followed
    by running text in the same paragraph (a bold run-in heading) counts too."""
    m = _HEADING.match(line)
    if not m:
        return None
    number = from_cn(m.group(1))
    title = m.group(2).strip()
    if number is None or not title:
        return None
    run_in = next((t for t in titles if norm(title).startswith(norm(t))), None)
    if run_in and len(title) > MAX_TITLE:
        return number, run_in, _run_in(line, run_in)
    written = _MARKS.sub("", line.strip())
    if "。" in title:  # a heading run into its first sentence
        title = title.split("。", 1)[0]
        written = written.split("。", 1)[0]
    if len(title) > MAX_TITLE or split_line(line)[1]:
        return None
    if any(k in norm(title) for k in _TABLE_ROW_LABELS):
        return None
    return number, title, written


def _template_section(title: str, number: int, sections: list[dict]) -> tuple[int | None, str]:
    """Which template section a heading is: exact title, or a variant wording (keywords), else none.
    Among keyword matches the one carrying the heading's own number wins."""
    text = norm(title).rstrip("。:")
    for sec in sections:
        if text == norm(sec["title"]):
            return sec["number"], "exact"
    candidates = [sec["number"] for sec in sections if any(k in text for k in sec["keywords"])]
    if not candidates:
        return None, "other"
    return (number if number in candidates else candidates[0]), "variant"


def _heading_lines(lines: list[str], bare: dict[str, int]) -> list[int]:
    """The lines that may be headings: a Chinese number before its punctuation (`_HEADING`), or the last
    character of a template title (a title without its number)."""
    if "" in bare:
        return list(range(len(lines)))
    text = "\n".join(lines)
    numbered = lines_with((_NUMBER_MARK,), lines, text)
    if len(numbered) == len(lines):
        return numbered
    titled = lines_may_hold("".join({t[-1] for t in bare}), lines, text)
    return sorted(set(numbered).union(titled))


def find_sections(lines: list[str], sections: list[dict]) -> tuple[list[Section], list[Section], list[int]]:
    """Return (template sections found, other top-level headings, numbering gaps)."""
    headings: list[Section] = []
    titles = [s["title"] for s in sections]
    bare = {norm(s["title"]): s["number"] for s in sections}
    for i in _heading_lines(lines, bare):
        line = lines[i]
        found = _heading(line, titles)
        if not found and norm(line).rstrip("。:") in bare:
            # a template title without its number: Word or HTML list numbering that is not part of the text
            headings.append(Section(number=bare[norm(line).rstrip("。:")], title=line.strip(), heading_number=None,
                                    line=i + 1, wording="exact"))
            continue
        if not found:
            continue
        number, title, written = found
        template_no, wording = _template_section(title, number, sections)
        headings.append(Section(number=template_no, title=written, heading_number=number, line=i + 1,
                                wording=wording))
    for k, sec in enumerate(headings):
        end = headings[k + 1].line - 1 if k + 1 < len(headings) else len(lines)
        sec.text = "\n".join(x for x in lines[sec.line:end] if x.strip())
    found: list[Section] = []
    seen: set[int] = set()
    others: list[Section] = []
    for sec in headings:
        if sec.number is not None and sec.number not in seen:
            seen.add(sec.number)
            found.append(sec)
        else:
            sec.number = None
            sec.wording = "other"
            others.append(sec)
    numbers = [h.heading_number for h in headings if h.heading_number is not None]
    gaps = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers)) if numbers else []
    if 1 not in seen and headings:
        intro = [x for x in lines[: headings[0].line - 1] if x.strip()]
        text = "\n".join(intro)
        if len(text) >= 150:
            found.insert(0, Section(number=1, title="", heading_number=None, line=1, text=text,
                                    wording="untitled"))
    return found, others, gaps
