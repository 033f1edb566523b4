"""Lay out an Office original as pages of ruled tables and text lines — the PDF path's seam.

A spreadsheet or Word file has no page geometry, but the table pipeline after the reader
(segment → header → columns → stitch → records) works on positions: lines above a grid, the
grid's rows and columns, merged cells spanning several positions. This module gives a
format-neutral sheet of rows (each cell with its span and whether it is ruled) virtual
coordinates: columns from the file's own column widths, rows from their number of text lines.

A band of rows with a ruled cell is a table; a row with no ruled cell is a line of text (the
title, the 部门 / 单位 line, a 注： under the table), exactly as a PDF prints them outside the
grid. In a sheet with no ruling at all, rows of two or more filled cells are the table and a
row of one cell is a line of text (a borderless grid still prints one value per column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.extract.pages import Cell, PageContent, RawTable, TextLine

#: left margin, default column width and line height of the virtual page (points)
_MARGIN = 50.0
_LINE = 12.0
_ROW_PAD = 6.0
_SIZE = 10.5
_SEGMENT_BREAK = re.compile(r"\s{2,}|\t")


@dataclass
class SheetCell:
    """One printed cell of an Office table: its text, first row/column, span and ruling."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    ruled: bool = True
    size: float = _SIZE


@dataclass
class Sheet:
    """A grid of cells as the file stores them (one worksheet, or one Word table)."""

    cells: list[SheetCell]
    widths: list[float]  # points per grid column
    n_rows: int = 0

    def __post_init__(self) -> None:
        self.n_rows = max((c.row + c.rowspan for c in self.cells), default=0)


@dataclass
class Line:
    """A paragraph outside any table (Word) — printed as one text line."""

    text: str
    size: float = _SIZE


@dataclass
class PageBuilder:
    """Stacks lines and sheets top to bottom on one virtual page."""

    number: int
    width: float = 595.0
    content: PageContent = field(init=False)
    y: float = _MARGIN

    def __post_init__(self) -> None:
        self.content = PageContent(number=self.number, width=self.width)

    def add_line(self, text: str, size: float = _SIZE, segments: list[str] | None = None) -> None:
        text = text.strip()
        if not text:
            return
        parts = segments or [p.strip() for p in _SEGMENT_BREAK.split(text) if p.strip()]
        height = max(size, _SIZE) * 1.2
        self.content.lines.append(TextLine(
            page=self.number, text=" ".join(parts), x0=_MARGIN, x1=_MARGIN + min(len(text) * size, 500),
            top=self.y, bottom=self.y + height, size=size, segments=parts,
        ))
        self.content.char_count += len(text)
        self.y += height + 2

    def add_sheet(self, sheet: Sheet) -> None:
        """A sheet's ruled bands become tables, its unruled rows lines, in their order."""
        if not sheet.cells:
            return
        xs = [_MARGIN]
        for w in sheet.widths:
            xs.append(xs[-1] + max(w, 6.0))
        self.width = max(self.width, xs[-1] + _MARGIN)
        self.content.width = self.width
        by_row: dict[int, list[SheetCell]] = {}
        for cell in sheet.cells:
            by_row.setdefault(cell.row, []).append(cell)
        any_ruled = any(c.ruled for c in sheet.cells)

        def in_table(r: int) -> bool:
            cells = by_row.get(r, [])
            if any_ruled:
                return any(c.ruled for c in cells) or _covered(sheet, r)
            return sum(1 for c in cells if c.text.strip()) >= 2 or _covered(sheet, r, ruled=False)

        r = 0
        while r < sheet.n_rows:
            if not in_table(r):
                cells = sorted(by_row.get(r, []), key=lambda c: c.col)
                texts = [_one_line(c.text) for c in cells if c.text.strip()]
                if texts:
                    self.add_line("    ".join(texts), max(c.size for c in cells), _segments(texts))
                r += 1
                continue
            end = r + 1
            while end < sheet.n_rows and in_table(end):
                end += 1
            self._add_band(sheet, r, end, xs)
            r = end

    def _add_band(self, sheet: Sheet, start: int, end: int, xs: list[float]) -> None:
        inside = [c for c in sheet.cells if start <= c.row < end]
        rows = [r for r in range(start, end) if any(c.row <= r < c.row + c.rowspan and c.text.strip()
                                                      for c in inside) or any(c.row == r for c in inside)]
        heights = {r: _ROW_PAD + _LINE * max(
            [1, *(_line_count(c.text) for c in inside if c.row == r and c.rowspan == 1)]) for r in rows}
        ys = {}
        y = self.y
        for r in range(start, end):
            ys[r] = y
            y += heights.get(r, _ROW_PAD + _LINE)
        ys[end] = y
        n_cols = len(sheet.widths)
        grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(start, end)]
        for c in inside:
            last_row = min(c.row + c.rowspan, end)
            last_col = min(c.col + c.colspan, n_cols)
            if c.col >= n_cols:
                continue
            cell = Cell(text=c.text, bbox=(xs[c.col], ys[c.row], xs[last_col], ys[last_row]))
            for rr in range(c.row, last_row):
                for cc in range(c.col, last_col):
                    grid[rr - start][cc] = cell
            self.content.char_count += len(c.text.strip())
        row_bounds = [(ys[r], ys[r + 1]) for r in range(start, end)]
        col_bounds = [(xs[i], xs[i + 1]) for i in range(n_cols)]
        for rr, row in enumerate(grid):  # a position no cell covers is an empty cell, as a PDF grid has
            for cc, value in enumerate(row):
                if value is None:
                    row[cc] = Cell(text="", bbox=(*col_bounds[cc][:1], row_bounds[rr][0],
                                                  col_bounds[cc][1], row_bounds[rr][1]))
        self.content.tables.append(RawTable(
            page=self.number, bbox=(xs[0], ys[start], xs[-1], ys[end]), grid=grid,
            row_bounds=row_bounds, col_bounds=col_bounds,
        ))
        self.y = ys[end] + 4


def _covered(sheet: Sheet, r: int, *, ruled: bool = True) -> bool:
    """Row ``r`` is inside a vertically merged (ruled) cell that starts above it."""
    return any((c.ruled or not ruled) and c.row < r < c.row + c.rowspan for c in sheet.cells)


def _line_count(text: str) -> int:
    return max(1, text.count("\n") + 1)


def _one_line(text: str) -> str:
    return " ".join(p.strip() for p in text.splitlines() if p.strip())


def _segments(texts: list[str]) -> list[str]:
    out: list[str] = []
    for text in texts:
        out += [p.strip() for p in _SEGMENT_BREAK.split(text) if p.strip()]
    return out
