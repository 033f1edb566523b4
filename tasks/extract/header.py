"""Read a table's header: which leading rows are header rows, and what each column is.

Header rows are recognised by their text (labels such as 序号, 科目编码, 合计), not by
count, because documents print one, two or three header rows and repeat them on
continuation pages. A multi-row merged header becomes, per column, the list of labels
above it (a merged cell contributes its label to every column it spans), which
:mod:`tasks.extract.columns` turns into a canonical field.
"""

from __future__ import annotations

from tasks.extract.columns import field_for, is_header_label, side_for
from tasks.extract.numbers import is_number
from tasks.extract.pages import Cell, RawTable
from tasks.extract.text import label_key

ColumnKey = tuple[str | None, str]  # (side, field); side only for two-sided tables


def row_cells(table: RawTable, r: int) -> list[tuple[int, Cell]]:
    """Distinct cells of row ``r`` left to right, with the first grid column each covers."""
    out: list[tuple[int, Cell]] = []
    for c, cell in enumerate(table.grid[r]):
        if cell is not None and (not out or out[-1][1] is not cell):
            out.append((c, cell))
    return out


def is_numbering_row(table: RawTable, r: int) -> bool:
    """A 栏次 row: column numbers 1, 2, 3 … printed under the header, never a record."""
    texts = [label_key(cell.text) for _, cell in row_cells(table, r)]
    texts = [t for t in texts if t]
    if not texts:
        return False
    if texts[0] == "栏次":
        return True
    if len(texts) >= 3 and all(t.isdigit() for t in texts):
        numbers = [int(t) for t in texts]
        return numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1
    return False


def is_header_row(table: RawTable, r: int, slug: str) -> bool:
    texts = [cell.text for _, cell in row_cells(table, r) if cell.text.strip()]
    if not texts or any(is_number(t) for t in texts):
        return False
    labels = [label_key(t) for t in texts]
    hits = sum(1 for label in labels if is_header_label(label, slug))
    return hits * 2 >= len(labels)


def count_header_rows(table: RawTable, slug: str) -> int:
    """Leading header rows, including a 栏次 row right under them."""
    n = 0
    while n < table.n_rows and (is_header_row(table, n, slug) or is_numbering_row(table, n)):
        n += 1
    return n


def column_labels(table: RawTable, header_rows: int) -> list[list[str]]:
    """Per grid column, the header labels above it, top to bottom, each merged cell once."""
    labels: list[list[str]] = []
    for c in range(table.n_cols):
        seen: list[Cell] = []
        column: list[str] = []
        for r in range(header_rows):
            if is_numbering_row(table, r):
                continue
            cell = table.grid[r][c]
            if cell is None or any(cell is s for s in seen):
                continue
            seen.append(cell)
            key = label_key(cell.text)
            if key:
                column.append(key)
        labels.append(column)
    return labels


def map_columns(labels: list[list[str]], slug: str, *, two_sided: bool) -> dict[int, ColumnKey]:
    """Grid column → (side, field). Each (side, field) goes to the first column that claims it."""
    mapping: dict[int, ColumnKey] = {}
    taken: set[ColumnKey] = set()
    items_seen = 0
    for c, column in enumerate(labels):
        name = field_for(column, slug)
        if name is None:
            continue
        side = None
        if two_sided:
            if name == "line_no":
                side = None
            else:
                side = side_for(column)
                if side is None:  # no 收入/支出 row: the second 项目 column starts the right side
                    if name == "item":
                        items_seen += 1
                    side = "revenue" if items_seen <= 1 else "expenditure"
        key = (side, name)
        if key in taken:
            continue
        taken.add(key)
        mapping[c] = key
    return mapping
