"""Read an Excel .xlsx workbook as the pipeline's pages: one sheet, one virtual page.

Merged ranges become merged cells; a cell with any border line is ruled, so a sheet's title,
部门 / 单位 lines and 注： rows (no borders) are lines around the ruled table, as they print.
Values are shown as a spreadsheet shows them: a number with its format's decimals
(``0.00`` → ``12.50``), an integer without ``.0``, a percentage with ``%``; formulas give their
cached result (what the file was saved with).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO
from typing import Any

from tasks.extract.pages import PageContent
from tasks.extract.readers.base import PageBuilder, Sheet, SheetCell

#: Excel column width unit (one "0" of the default font) in points
_CHAR_PT = 5.6
_DEFAULT_WIDTH = 8.43
_DECIMALS = re.compile(r"0\.(0+)")


def read_xlsx_pages(data: bytes) -> list[PageContent]:
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(data), data_only=True)
    pages: list[PageContent] = []
    try:
        for worksheet in workbook.worksheets:
            builder = PageBuilder(len(pages) + 1)
            builder.add_sheet(read_worksheet(worksheet))
            if builder.content.lines or builder.content.tables:
                pages.append(builder.content)
    finally:
        workbook.close()
    return pages


def read_worksheet(ws: Any) -> Sheet:
    """A worksheet as a sheet of cells with spans, trimmed to the cells that hold text."""
    from openpyxl.utils import get_column_letter

    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    ruled_ranges: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
                if _has_border(ws.cell(r, c)):
                    ruled_ranges.add((rng.min_row, rng.min_col))
    raw: list[tuple[int, int, str, bool, float]] = []
    for row in ws.iter_rows():
        for cell in row:
            r, c = cell.row, cell.column
            if (r, c) in covered:
                continue
            text = cell_text(cell.value, cell.number_format)
            ruled = _has_border(cell) or (r, c) in ruled_ranges
            if text or ruled or (r, c) in spans:
                size = float(cell.font.sz) if cell.font is not None and cell.font.sz else 10.5
                raw.append((r, c, text, ruled, size))
    used_rows = sorted({r for r, _, text, ruled, _ in raw if text or ruled})
    used_cols = [c for r, c, text, ruled, _ in raw if text or ruled]
    if not used_rows:
        return Sheet(cells=[], widths=[])
    first_col, last_col = min(used_cols), max(c + spans.get((r, c), (1, 1))[1] - 1
                                             for r, c, text, ruled, _ in raw if text or ruled)
    # blank, unruled rows only separate things: drop them so rows are consecutive
    row_index = {r: i for i, r in enumerate(used_rows)}
    cells: list[SheetCell] = []
    for r, c, text, ruled, size in raw:
        if r not in row_index or c < first_col or c > last_col:
            continue
        rowspan, colspan = spans.get((r, c), (1, 1))
        last_row = max((x for x in used_rows if x <= r + rowspan - 1), default=r)
        cells.append(SheetCell(
            text=text, row=row_index[r], col=c - first_col, rowspan=row_index[last_row] - row_index[r] + 1,
            colspan=min(colspan, last_col - c + 1), ruled=ruled, size=size,
        ))
    widths = []
    for c in range(first_col, last_col + 1):
        dim = ws.column_dimensions.get(get_column_letter(c))
        width = dim.width if dim is not None and dim.width else _DEFAULT_WIDTH
        widths.append(float(width) * _CHAR_PT)
    return Sheet(cells=cells, widths=widths)


def _has_border(cell: Any) -> bool:
    border = cell.border
    return border is not None and any(
        side is not None and side.style for side in (border.left, border.right, border.top, border.bottom)
    )


def cell_text(value: Any, number_format: str | None = None) -> str:
    """The value as the sheet displays it (decimals of the number format, percentages, dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return number_text(value, number_format or "General")
    return str(value)


def number_text(value: float | int | Decimal, number_format: str) -> str:
    fmt = number_format.split(";")[0]
    percent = "%" in fmt
    number = Decimal(str(value)) * (100 if percent else 1)
    found = _DECIMALS.search(fmt)
    if found:
        text = f"{number:.{len(found.group(1))}f}"
    elif fmt in ("0", "#,##0", "0%") or (fmt == "General" and number == number.to_integral_value()):
        text = f"{number.quantize(Decimal(1))}" if number == number.to_integral_value() else f"{number:f}"
    else:
        text = f"{number.normalize():f}"
    return text + ("%" if percent else "")
