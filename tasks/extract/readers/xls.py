"""Read an Excel 97-2003 .xls workbook (xlrd) as the pipeline's pages, like :mod:`.xlsx`."""

from __future__ import annotations

from typing import Any

import xlrd

from tasks.extract.pages import PageContent
from tasks.extract.readers.base import PageBuilder, Sheet, SheetCell
from tasks.extract.readers.xlsx import cell_text

_WIDTH_UNIT_PT = 5.6 / 256  # xlrd column widths are in 1/256 of a character


def read_xls_pages(data: bytes) -> list[PageContent]:
    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    pages: list[PageContent] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            builder = PageBuilder(len(pages) + 1)
            builder.add_sheet(read_sheet(book, sheet))
            if builder.content.lines or builder.content.tables:
                pages.append(builder.content)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return pages


def read_sheet(book: Any, sheet: Any) -> Sheet:
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, r1, c0, c1 in sheet.merged_cells:
        spans[(r0, c0)] = (r1 - r0, c1 - c0)
        covered |= {(r, c) for r in range(r0, r1) for c in range(c0, c1)} - {(r0, c0)}
    cells: list[SheetCell] = []
    rows_used: list[int] = []
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            if (r, c) in covered:
                continue
            cell = sheet.cell(r, c)
            text = _text(book, cell)
            xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
            ruled = xf is not None and any((xf.border.top_line_style, xf.border.bottom_line_style,
                                            xf.border.left_line_style, xf.border.right_line_style))
            if text or ruled:
                rowspan, colspan = spans.get((r, c), (1, 1))
                cells.append(SheetCell(text=text, row=r, col=c, rowspan=rowspan, colspan=colspan,
                                       ruled=ruled))
                rows_used.append(r)
    used = sorted(set(rows_used))
    index = {r: i for i, r in enumerate(used)}
    for cell in cells:
        last = max(x for x in used if x <= cell.row + cell.rowspan - 1)
        cell.rowspan = index[last] - index[cell.row] + 1
        cell.row = index[cell.row]
    widths = [sheet.computed_column_width(c) * _WIDTH_UNIT_PT for c in range(sheet.ncols)]
    return Sheet(cells=cells, widths=widths)


def _text(book: Any, cell: Any) -> str:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_DATE:
        return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
        known = xf is not None and xf.format_key in book.format_map
        fmt = book.format_map[xf.format_key].format_str if known else "General"
        return cell_text(cell.value, fmt)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    return str(cell.value)
