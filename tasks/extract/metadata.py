"""Document metadata: kind, department code and name, budget year, unit.

Read from the lines around the tables (the department line ``901 XX局``, ``预算年度：2025``,
``单位：万元``) and, failing those, from the cover (``XX局 / 2025 年部门预算绩效文本``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from budget_etl.contract import (
    FINAL_ACCOUNTS_KIND,
    FINAL_TABLE_TYPES,
    OTHER_TABLE,
    PERFORMANCE_TABLES,
    STANDARD_TABLES,
)
from budget_etl.vocabulary import load
from tasks.extract.notes import empty_note_in
from tasks.extract.pages import TextLine
from tasks.extract.placeholders import is_blank_template
from tasks.extract.segment import TableBlock
from tasks.extract.text import clean_cjk_digits, compact

_YEAR_LINE = re.compile(r"预算年度[：:]?(\d{4})")
_YEAR_TITLE = re.compile(r"(\d{4})年(?:度)?(?:区级|省级|市级|县级)?(?:部门|单位|预算单位)?(?:预算|财务收支)")
#: the year a 决算 accounts for (``2024年度部门决算``): read only on a final_accounts document
_YEAR_FINAL = re.compile(r"(\d{4})年(?:度)?(?:区级|省级|市级|县级)?(?:部门|单位)?决算")
_TRAILING_UNIT = re.compile(r"(?:金额)?单位[：:](?:千|万|百万|亿)?元$")
_YEAR_ANY = re.compile(r"((?:19|20)\d{2})年")
_UNIT = re.compile(r"(?:金额)?单位[：:]((?:千|万|百万|亿)?元)")
_CODE_NAME = re.compile(r"^(?P<code>\d{3,})?[-_—]?(?P<name>[^\d：:\s].*)$")
_LABELLED_NAME = re.compile(r"^(?:编制|预算)?(?:部门|单位)(?:名称)?[：:](?P<name>\S+)$")
_NOT_NAME = re.compile(r"预算年度|单位[：:]|截止|日期|时间|编制|审核|绩效目标|^注|^表")
_COVER = re.compile(r"^(?P<name>.*?)(?:\d{4}年(?:度)?)?部门预算(?:绩效文本|信息公开)")
_AUTHOR = re.compile(r"^(?P<name>.+?)编制$")
_COVER_TITLE = re.compile(
    r"^(?P<name>[^\d：:]+?)(?:(?:19|20)\d{2})?年?度?(?:区级|省级|市级|县级)?(?:部门|单位)[预决]算"
)
_PERFORMANCE_TEXT = re.compile(r"部门预算绩效文本|部门预算项目绩效")


def document_kind(blocks: list[TableBlock], lines: Iterable[TextLine]) -> str:
    if any(b.match.slug in STANDARD_TABLES for b in blocks):
        return "budget_disclosure"
    if any(b.match.slug in FINAL_TABLE_TYPES for b in blocks):
        return FINAL_ACCOUNTS_KIND  # 决算 tables and no budget table: the 部门决算 / 单位决算 kind
    if any(_PERFORMANCE_TEXT.search(compact(ln.text)) for ln in lines):
        return "performance_targets"
    if blocks and all(b.match.slug in PERFORMANCE_TABLES for b in blocks):
        return "performance_targets"
    return "budget_disclosure"


def department(blocks: list[TableBlock], lines: list[TextLine]) -> tuple[str | None, str | None]:
    """(code, name) from the tables' department lines (the one most tables print: a line
    wrapped in one caption loses), else from the cover."""
    seen: Counter[tuple[str | None, str]] = Counter()
    for block in blocks:
        if block.match.slug == "project_performance":
            continue
        seen.update(found for found in [_block_department(block)] if found)
    if seen:
        return seen.most_common(1)[0][0]
    return None, cover_name(lines)


def _block_department(block: TableBlock) -> tuple[str | None, str] | None:
    for line in block.context:
        whole = _TRAILING_UNIT.sub("", compact(line.text))  # 部门：XX局 … 单位：万元 on one line
        for segment in [*(line.segments or [line.text]), whole]:
            found = department_line(segment)
            if found:
                return found
    return None


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
    return cover_title_name(first_page)


def cover_title_name(first_page: list[TextLine]) -> str | None:
    """A cover that prints only ``XX局 / 2019年度部门预算(公开)``, possibly over several lines:
    a labelled ``预算单位：XX`` line wins, else the words before the year and 部门/单位预算."""
    for line in first_page[:12]:
        for segment in line.segments or [line.text]:
            found = department_line(segment)
            if found and found[0] is None:
                return found[1]
    joined = "".join(compact(ln.text) for ln in first_page[:6])
    match = _COVER_TITLE.match(joined)
    return match.group("name") if match and match.group("name") else None


def _continues(above: TextLine, below: TextLine) -> bool:
    gap = below.top - above.bottom
    return 0 <= gap <= 1.2 * max(above.size, below.size) and not _NOT_NAME.search(compact(above.text))


def budget_year(blocks: list[TableBlock], lines: list[TextLine], kind: str | None = None) -> int | None:
    """预算年度 line, else the cover / a title (2025年部门预算 …), else a year in a table title.

    A final_accounts document is the year it accounts for (``2024年度部门决算``).
    """
    for line in lines:
        match = _YEAR_LINE.search(compact(line.text))
        if match:
            return int(match.group(1))
    cover = _YEAR_FINAL if kind == FINAL_ACCOUNTS_KIND else _YEAR_TITLE
    for line in lines[:80]:
        match = cover.search(compact(line.text))
        if match:
            return int(match.group(1))
    years = Counter(int(m.group(1)) for b in blocks if (m := _YEAR_ANY.search(compact(b.match.title))))
    return years.most_common(1)[0][0] if years else None


@cache
def _tables_vocabulary() -> dict:
    return load("tables")


def table_unit(block: TableBlock) -> str | None:
    """The 单位：元 / 万元 the table prints in its caption lines (None: the document's default)."""
    return money_unit(block.context)


def document_unit(table_units: list[str | None], lines: list[TextLine]) -> str | None:
    """The unit most tables print; a document whose tables print none: the first 单位 line."""
    units = Counter(u for u in table_units if u)
    return units.most_common(1)[0][0] if units else money_unit(lines)


def empty_note(block: TableBlock, row_notes: list[str]) -> str | None:
    """A printed note saying the table is empty on purpose (空表列示 / 本表无数据 …).

    Looked for inside and under the table first, then in its caption lines above.
    """
    return trailing_note(block, row_notes) or _first_note(ln.text for ln in block.context)


def trailing_note(block: TableBlock, row_notes: list[str]) -> str | None:
    """An empty-table note printed inside or under a table that has rows."""
    return _first_note([*row_notes, *(ln.text for ln in block.trailing)])


def _first_note(texts: Iterable[str]) -> str | None:
    """The first note saying the table is empty; a line ending in a colon only announces the
    note that follows it (…仍保留该表格式，并在本表下方作下述说明：), so a later note wins."""
    notes = [note for text in texts if (note := empty_note_in(text))]
    stated = [note for note in notes if not compact(note).endswith(("：", ":"))]
    return (stated or notes or [None])[0]


def scope(blocks: list[TableBlock], lines: list[TextLine], kind: str | None = None) -> str | None:
    """部门预算 → ``department``, 单位预算 → ``unit``, from the cover, contents and titles
    (a final_accounts document: 部门决算 / 单位决算, ``final_accounts.yaml`` ``scope_words``)."""
    final = kind == FINAL_ACCOUNTS_KIND
    words = load("final_accounts")["scope_words"] if final else _tables_vocabulary()["scope"]
    pages = sorted({ln.page for ln in lines})
    cover = [compact(ln.text) for ln in lines if pages and ln.page == pages[0]][:40]
    titles = [compact(b.match.title) for b in blocks]
    first_pages = [compact(ln.text) for ln in lines if ln.page in pages[:3]][:120]
    for texts in (cover, titles, first_pages):
        for name in ("department", "unit"):  # a 部门预算 may list its 预算单位; a 单位预算 is no 部门预算
            if any(w in t for t in texts for w in words[name]):
                return name
    for block in blocks:  # the 部门：XX line of a table caption
        if any(compact(ln.text).startswith(("部门：", "部门:")) for ln in block.context):
            return "department"
    return None


def not_budget_reason(blocks: list[TableBlock], lines: list[TextLine]) -> str | None:
    """The reason code of a budget document that is not data (a blank template, placeholders
    everywhere → ``template_document``, never stored as data; ``not_budgets`` in tables.yaml for
    kinds that are budget documents but not read). 部门决算 are read: kind final_accounts."""
    if is_blank_template([ln.text for ln in lines]):
        return "template_document"
    first_page = min((ln.page for ln in lines), default=1)
    cover = [compact(ln.text) for ln in lines if ln.page == first_page][:40]
    titles = [compact(b.match.title) for b in blocks]
    for reason, patterns in _tables_vocabulary()["not_budgets"].items():
        on_cover = any(p in t for t in cover for p in patterns)
        in_titles = sum(any(p in t for p in patterns) for t in titles)
        if on_cover or (titles and in_titles * 2 >= len(titles)):
            return reason
    return None


def is_typed(block: TableBlock) -> bool:
    return block.match.slug != OTHER_TABLE


def money_unit(lines: list[TextLine]) -> str | None:
    for line in lines:
        match = _UNIT.search(compact(line.text))
        if match:
            return clean_cjk_digits(match.group(1))
    return None
