"""Find rows in extracted tables by their budget meaning: the 合计 line, classification codes, items.

Budget tables name their rows in words; these helpers read those words once (whitespace and
numbering such as ``八、`` or ``（1）`` ignored) so the checks can speak of 类, 款 and 合计.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from budget_etl.document import ExtractedDocument, ExtractedTable, Record

_NUMBERING = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十百零〇]+[）)]?[、.．]?|[（(]?\d+[）)]|\d+[、.．])\s*"
)
_SPACE = re.compile(r"\s+")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


def clean_label(text: object) -> str:
    """The row label without whitespace, quotes or leading numbering.

    ``八、社会保障和就业支出`` → ``社会保障和就业支出``.
    """
    if not isinstance(text, str):
        return ""
    label = _SPACE.sub("", text)
    label = _NUMBERING.sub("", label)
    return label.replace("“", "").replace("”", "").replace('"', "")


#: how tables name their grand-total line (a two-level 收入总表 prints 收入总计 instead of 合计)
GRAND_TOTAL_NAMES = frozenset({"合计", "总计", "收入总计", "支出总计", "收入合计", "支出合计"})


def is_grand_total(record: Record) -> bool:
    name = record.get("name", record.get("item"))
    return clean_label(name) in GRAND_TOTAL_NAMES and not record.get("code")


def prints_column(table: ExtractedTable | None, field: str) -> bool:
    """Whether the table prints ``field`` at all: a column blank on every row is not printed.

    (A blank cell of a printed column still counts as zero; a column a template lacks makes no claim.)
    """
    return table is not None and any(r.get(field) is not None for r in table.records)


def grand_total_row(table: ExtractedTable | None) -> Record | None:
    """The table's 合计 line (no code, named 合计), or None when the table has none."""
    if table is None:
        return None
    return next((r for r in table.records if is_grand_total(r)), None)


def code_of(record: Record) -> str | None:
    """The record's classification code when it looks like one (3, 5 or 7 digits), else None."""
    code = record.get("code")
    if isinstance(code, int):
        code = str(code)
    if isinstance(code, str) and _CODE.match(code.strip()):
        return code.strip()
    return None


def coded_rows(table: ExtractedTable) -> Iterator[tuple[str, Record]]:
    for record in table.records:
        code = code_of(record)
        if code is not None:
            yield code, record


def class_rows(table: ExtractedTable) -> list[tuple[str, Record]]:
    """The 类 rows (3-digit codes) of a classified table."""
    return [(code, r) for code, r in coded_rows(table) if len(code) == 3]


def side_rows(table: ExtractedTable, side: str) -> list[Record]:
    """The records of one side (``revenue``/``expenditure``) of a two-sided table, in line order."""
    return [r for r in table.records if r.get("side") == side]


def find_item(records: list[Record], *labels: str) -> Record | None:
    """The first record whose cleaned item equals one of ``labels``."""
    wanted = set(labels)
    return next((r for r in records if clean_label(r.get("item")) in wanted), None)


def first_table(doc: ExtractedDocument, slug: str) -> ExtractedTable | None:
    """The first table of that type that has records (an empty duplicate never hides a filled one)."""
    tables = doc.tables_of(slug)
    return next((t for t in tables if t.records), tables[0] if tables else None)
