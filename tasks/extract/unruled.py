"""Rows printed without inner rulings: one ruled band that holds several printed rows.

Some producers rule only the columns (and the header), so pdfplumber sees one tall row whose
cells hold every body row's text, one line per printed row. Such a band is split at its text
lines when a column of figures has one figure per line for every line of the band — a
wrapped name (two lines beside one figure) is one row, never split. Geometry only: the
characters' vertical positions, no wording.
"""

from __future__ import annotations

import bisect
import itertools
from typing import Any

from tasks.extract.numbers import is_number
from tasks.extract.pages import Cell, RawTable, group_lines
from tasks.extract.settings import ExtractSettings


def split_unruled_rows(table: RawTable, chars: list[dict[str, Any]], settings: ExtractSettings) -> RawTable:
    """The table with every multi-row band split into its printed rows (unchanged if none)."""
    if not any("\n" in (cell.text or "") for row in table.grid for cell in row if cell is not None):
        return table
    x0, top, x1, bottom = table.bbox
    near = [ch for ch in chars if x0 <= ch["x0"] and ch["x1"] <= x1 and top <= ch["top"] <= bottom]
    grid: list[list[Cell | None]] = []
    bounds: list[tuple[float, float]] = []
    changed = False
    for r, row in enumerate(table.grid):
        wrapped = any(cell is not None and "\n" in cell.text for cell in row)
        bands = _bands(table, r, near, settings) if wrapped else []
        if len(bands) < 2:
            grid.append(row)
            bounds.append(table.row_bounds[r])
            continue
        changed = True
        for b0, b1 in bands:
            grid.append(_band_row(table, r, b0, b1, near, settings))
            bounds.append((b0, b1))
    if not changed:
        return table
    return RawTable(page=table.page, bbox=table.bbox, grid=grid, row_bounds=bounds,
                    col_bounds=table.col_bounds)


#: points a glyph must reach above a row's top rule to count as crossing it (not a rounding slip)
_CROSSING = 1.0


def reattach_overflow(table: RawTable, chars: list[dict[str, Any]]) -> RawTable:
    """Glyphs that straddle a row's top rule belong to the cell above (a header that overflows).

    A cell's text sits inside its rules; a glyph that starts above the top rule of the cell its
    centre falls in (采购组织形|式 with 式 printed across the rule) is the overflowing last line of
    the cell above, not part of the row below.
    """
    x0, top, x1, bottom = table.bbox
    tops = [r0 for r0, _ in table.row_bounds]
    for ch in chars:  # one pass: a glyph's row by bisection, never rows × glyphs
        if not (x0 <= ch["x0"] and ch["x1"] <= x1 and top <= ch["bottom"] and ch["top"] <= bottom):
            continue
        r = bisect.bisect_right(tops, (ch["top"] + ch["bottom"]) / 2) - 1
        centre = (ch["top"] + ch["bottom"]) / 2
        if r < 1 or ch["top"] >= tops[r] - _CROSSING or centre > table.row_bounds[r][1]:
            continue
        middle = (ch["x0"] + ch["x1"]) / 2
        c = next((c for c, (c0, c1) in enumerate(table.col_bounds) if c0 <= middle <= c1), None)
        if c is None:
            continue
        below, above = table.grid[r][c], table.grid[r - 1][c]
        if below is None or above is None or below is above or ch["text"] not in below.text:
            continue
        below.text = below.text.replace(ch["text"], "", 1).strip()
        above.text = above.text + ch["text"]
    return table


def _bands(
    table: RawTable, r: int, chars: list[dict[str, Any]], settings: ExtractSettings
) -> list[tuple[float, float]]:
    """The text-line bands of row ``r`` when a column of figures and a column of labels each
    print one line per text line of the band."""
    r0, r1 = table.row_bounds[r]
    inside = [ch for ch in chars if r0 <= (ch["top"] + ch["bottom"]) / 2 <= r1]
    lines = group_lines(inside, table.page, settings)
    if len(lines) < 2:
        return []
    figures = labels = 0
    for c, (c0, c1) in enumerate(table.col_bounds):
        cell = table.grid[r][c]
        if cell is None or (c > 0 and table.grid[r][c - 1] is cell):
            continue
        column = [ch for ch in inside if c0 <= (ch["x0"] + ch["x1"]) / 2 <= c1]
        found = group_lines(column, table.page, settings)
        if len(found) != len(lines):
            continue
        if all(is_number(f.text) for f in found):
            figures += 1
        else:
            labels += 1
    if not figures or not labels:  # one figure and one label per printed line, in two columns
        return []
    edges = [r0] + [(a.bottom + b.top) / 2 for a, b in itertools.pairwise(lines)] + [r1]
    return list(itertools.pairwise(edges))


def _band_row(
    table: RawTable, r: int, b0: float, b1: float, chars: list[dict[str, Any]], settings: ExtractSettings
) -> list[Cell | None]:
    """One printed row of a split band: each cell's text is what is printed inside the band."""
    out: list[Cell | None] = []
    made: dict[int, Cell] = {}
    for c in range(table.n_cols):
        cell = table.grid[r][c]
        if cell is None:
            out.append(None)
            continue
        if id(cell) not in made:
            cx0, _, cx1, _ = cell.bbox
            inside = [ch for ch in chars if cx0 <= (ch["x0"] + ch["x1"]) / 2 <= cx1
                      and b0 <= (ch["top"] + ch["bottom"]) / 2 <= b1]
            text = "\n".join(line.text for line in group_lines(inside, table.page, settings))
            made[id(cell)] = Cell(text=text, bbox=(cx0, b0, cx1, b1))
        out.append(made[id(cell)])
    return out
