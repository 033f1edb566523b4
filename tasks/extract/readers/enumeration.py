"""Repair OCR'd enumerated labels from their column's own sequence (一、… 二、… 三、…).

The recogniser loses the 、 of ``十、卫生健康支出`` (a small, light mark) or the thin 一 of
``一、一般公共预算拨款收入`` (a single stroke next to a ruling), giving ``十卫生健康支出`` or
``、一般公共预算拨款收入``. A printed column that numbers its labels says what each number must
be: one more than the numbered label above it, one less than the one below. So a label that
starts with that expected numeral but no 、 gets the 、, and a label that starts with a bare 、
gets the numeral — nothing else is touched, and only in a column with at least
``min_numbered`` cleanly numbered labels (a column that does not number its lines keeps its text).
"""

from __future__ import annotations

import re
from functools import cache

from budget_etl.vocabulary import load
from tasks.extract.pages import Cell, RawTable


@cache
def _rules() -> tuple[str, str, int]:
    spec = load("ocr")["enumeration"]
    return spec["numerals"], spec["comma"], int(spec["min_numbered"])


def numeral_value(text: str) -> int | None:
    """一 → 1, 十 → 10, 十三 → 13, 二十一 → 21 (what label numbering uses); None otherwise."""
    digits = _rules()[0]
    if not text or any(ch not in digits for ch in text):
        return None
    if "十" not in text:
        return digits.index(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (digits.index(tens) if tens else 1) * 10 + (digits.index(ones) if ones else 0)


def numeral_text(value: int) -> str:
    digits = _rules()[0]
    if value < 10:
        return digits[value]
    tens, ones = divmod(value, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"


def numbered(text: str) -> int | None:
    """The number of a cleanly numbered label (``十三、农林水支出`` → 13)."""
    numerals, comma, _ = _rules()
    match = re.match(rf"^\s*([{numerals}]+)\s*{comma}", text)
    return numeral_value(match[1]) if match else None


def repaired(text: str, expected: int) -> str:
    """``text`` with the numbering ``expected`` restored, or unchanged when it is not that label."""
    comma = _rules()[1]
    prefix = numeral_text(expected)
    text = text.lstrip()
    if text.startswith(comma):
        return prefix + text
    rest = text[len(prefix):].lstrip()
    if text.startswith(prefix) and rest and not rest.startswith(comma) and numbered(text) is None:
        return f"{prefix}{comma}{rest}"
    return text


def repair_column(cells: list[Cell]) -> None:
    """Repair the labels of one column, top to bottom (a repaired label numbers the next one)."""
    if sum(numbered(c.text) is not None for c in cells) < _rules()[2]:
        return
    for i, cell in enumerate(cells):
        if numbered(cell.text) is not None or not cell.text:
            continue
        above = next((n for c in reversed(cells[:i]) if (n := numbered(c.text)) is not None), None)
        below = next((n for c in cells[i + 1:] if (n := numbered(c.text)) is not None), None)
        expected = above + 1 if above is not None else (below - 1 if below is not None else None)
        consistent = below is None or above is None or below == expected + 1  # no gap in between
        if expected is not None and expected >= 1 and consistent:
            cell.text = repaired(cell.text, expected)


def repair_enumeration(table: RawTable) -> None:
    """Each grid column's cells (a merged cell counted in its first column and row) repaired."""
    for c in range(table.n_cols):
        column = [table.grid[r][c] for r in range(table.n_rows)
                  if table.starts_here(r, c) and (c == 0 or table.grid[r][c - 1] is not table.grid[r][c])]
        repair_column([cell for cell in column if cell is not None])
