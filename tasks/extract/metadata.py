"""Document metadata: kind, department code and name, budget year, unit.

Read from the lines around the tables (the department line ``901 XX局``, ``预算年度：2025``,
``单位：万元``) and, failing those, from the cover (``XX局 / 2025 年部门预算绩效文本``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from budget_etl.contract import STANDARD_TABLES
from tasks.extract.pages import TextLine
from tasks.extract.segment import TableBlock
from tasks.extract.text import clean_cjk_digits, compact

_YEAR_LINE = re.compile(r"预算年度[：:]?(\d{4})")
_YEAR_TITLE = re.compile(r"(\d{4})年(?:度)?部门预算")
_UNIT = re.compile(r"(?:金额)?单位[：:]([^\s，,;；)）]+)")
_CODE_NAME = re.compile(r"^(?P<code>\d{3,})?[-_—]?(?P<name>[^\d：:\s].*)$")
_LABELLED_NAME = re.compile(r"^(?:编制|预算)?(?:部门|单位)(?:名称)?[：:](?P<name>\S+)$")
_NOT_NAME = re.compile(r"预算年度|单位[：:]|截止|日期|时间|编制|审核|绩效目标|^注|^表")
_COVER = re.compile(r"^(?P<name>.*?)(?:\d{4}年(?:度)?)?部门预算(?:绩效文本|信息公开)")
_AUTHOR = re.compile(r"^(?P<name>.+?)编制$")
_PERFORMANCE_TEXT = re.compile(r"部门预算绩效文本|部门预算项目绩效")


def document_kind(blocks: list[TableBlock], lines: Iterable[TextLine]) -> str:
    if any(b.match.slug in STANDARD_TABLES for b in blocks):
        return "budget_disclosure"
    if any(_PERFORMANCE_TEXT.search(compact(ln.text)) for ln in lines):
        return "performance_targets"
    if blocks and all(b.match.slug == "project_performance" for b in blocks):
        return "performance_targets"
    return "budget_disclosure"


def department(blocks: list[TableBlock], lines: list[TextLine]) -> tuple[str | None, str | None]:
    """(code, name) from a standard table's department line, else from the cover."""
    for block in blocks:
        if block.match.slug == "project_performance":
            continue
        for line in block.context:
            for segment in line.segments or [line.text]:
                found = department_line(segment)
                if found:
                    return found
    return None, cover_name(lines)


def department_line(text: str) -> tuple[str | None, str] | None:
    """``901 XX局`` → ("901", "XX局"); ``单位名称：XX局`` → (None, "XX局")."""
    line = compact(text)
    labelled = _LABELLED_NAME.match(line)
    if labelled and not labelled.group("name").endswith("元"):  # 单位：万元 is the money unit
        return None, labelled.group("name")
    if not line or _NOT_NAME.search(line) or len(line) > 60:
        return None
    match = _CODE_NAME.match(line)
    if not match or not match.group("code"):
        return None
    return match.group("code"), match.group("name")


def unit_line(context: list[TextLine]) -> tuple[str | None, str | None]:
    """The ``901001 XX局本级`` line above a project table."""
    for line in context:
        for segment in line.segments or [line.text]:
            text = compact(segment)
            if _NOT_NAME.search(text):
                continue
            match = _CODE_NAME.match(text)
            if match and match.group("code"):
                return match.group("code"), match.group("name")
    return None, None


def cover_name(lines: list[TextLine]) -> str | None:
    first_page = [ln for ln in lines if ln.page == min((x.page for x in lines), default=1)]
    for i, line in enumerate(first_page):
        text = compact(line.text)
        match = _COVER.match(text)
        if match:
            name = match.group("name")
            j = i - 1
            while (not name and j >= 0) or (j >= 0 and _continues(first_page[j], first_page[j + 1])):
                if j < 0:
                    break
                name = compact(first_page[j].text) + name
                j -= 1
            if name:
                return name
    for line in lines[:80]:
        match = _AUTHOR.match(compact(line.text))
        if match:
            return match.group("name")
    return None


def _continues(above: TextLine, below: TextLine) -> bool:
    gap = below.top - above.bottom
    return 0 <= gap <= 1.2 * max(above.size, below.size) and not _NOT_NAME.search(compact(above.text))


def budget_year(blocks: list[TableBlock], lines: list[TextLine]) -> int | None:
    for line in lines:
        match = _YEAR_LINE.search(compact(line.text))
        if match:
            return int(match.group(1))
    for line in lines[:80]:
        match = _YEAR_TITLE.search(compact(line.text))
        if match:
            return int(match.group(1))
    return None


def money_unit(lines: list[TextLine]) -> str | None:
    for line in lines:
        match = _UNIT.search(compact(line.text))
        if match:
            return clean_cjk_digits(match.group(1))
    return None
