"""Notes printed with a table that is empty on purpose (空表列示 / 本表无数据 / 无相关预算 …).

The wordings are data (``empty_notes`` in ``budget_etl/vocabulary/tables.yaml``). Such a note
may be printed under the table or inside it as its only body row; either way it is the
table's ``empty_note``, never a record.
"""

from __future__ import annotations

import re
from functools import cache

from budget_etl.vocabulary import load
from tasks.extract.numbers import is_number
from tasks.extract.text import clean_cjk_digits, compact


@cache
def _patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in load("tables")["empty_notes"]]


def empty_note_in(text: str) -> str | None:
    """The note, cleaned, when ``text`` says the table is empty on purpose."""
    cleaned = clean_cjk_digits(text)
    key = compact(cleaned)
    if key and any(p.search(key) for p in _patterns()):
        return cleaned
    return None


def is_note_row(texts: list[str]) -> str | None:
    """A body row that is only an empty-table note (no figure in it)."""
    if not texts or any(is_number(t) for t in texts):
        return None
    return empty_note_in(" ".join(dict.fromkeys(t.strip() for t in texts if t.strip())))
