"""Read a table's header: which leading rows are header rows, and what each column is.

Header rows are recognised by their text (labels such as 序号, 科目编码, 合计), not by
count, because documents print one, two or three header rows and repeat them on
continuation pages. A multi-row merged header becomes, per column, the list of labels
above it (a merged cell contributes its label to every column it spans), which
:mod:`tasks.extract.columns` turns into a canonical field.
"""

from __future__ import annotations

from collections.abc import Callable

from tasks.extract.columns import (
    code_part_for,
    field_for,
    header_key,
    is_header_label,
    is_single_amount,
    side_for,
)
from tasks.extract.numbers import is_number
from tasks.extract.pages import Cell, RawTable
from tasks.extract.text import compact, label_key

#: field-name prefixes for columns that are not one dictionary field each
CODE_PART = "code#"  # a 类 / 款 / 项 part of a split classification code
EXTRA = "extra:"  # a column the dictionary does not name: kept under ``extra`` by its printed header
#: side of the columns of a second (third …) block of a one-sided table printed beside the first
#: (经济分类科目编码 | 科目名称 | 决算数 twice across the page): each block's row is its own record
BLOCK = "#"

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
    labels = [header_key(t) for t in texts]
    parts = {label for label in labels if code_part_for([label]) is not None}
    if len(parts) < 2:  # a lone 款 / 项 is a cut row's remainder, not the 类 / 款 / 项 header
        labels = [label for label in labels if label not in parts] or labels
        if not labels or all(label in parts for label in labels):
            return False
    hits = sum(1 for label in labels if is_header_label(label, slug))
    return hits * 2 >= len(labels)


def is_total_row(table: RawTable, r: int) -> bool:
    """A 合计 / 总计 row without figures (an empty table's total line): a body row, not a header."""
    labels = [header_key(cell.text) for _, cell in row_cells(table, r) if cell.text.strip()]
    return bool(labels) and all(label in TOTAL_WORDS for label in labels)


#: labels of a table's grand-total row (合计 / 收入总计 …)
TOTAL_WORDS = frozenset({"合计", "总计", "收入总计", "支出总计", "收入合计", "支出合计"})


def count_header_rows(table: RawTable, slug: str) -> int:
    """Leading header rows, including a 栏次 row right under them."""
    n = 0
    while n < table.n_rows and (is_header_row(table, n, slug) or is_numbering_row(table, n)):
        if n > 0 and is_total_row(table, n):
            break
        n += 1
    return n


def column_labels(
    table: RawTable, header_rows: int, key: Callable[[str], str] = header_key
) -> list[list[str]]:
    """Per grid column, the header labels above it, top to bottom, each merged cell once.

    ``key`` reduces each label: :func:`header_key` for matching, :func:`compact` for the
    header as printed (the ``extra`` keys).
    """
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
            text = key(cell.text)
            if text:
                column.append(text)
        labels.append(column)
    return labels


def map_columns(
    labels: list[list[str]], slug: str, *, two_sided: bool, printed: list[list[str]] | None = None
) -> dict[int, ColumnKey]:
    """Grid column → (side, field). Each (side, field) goes to the first column that claims it.

    A 类 / 款 / 项 column becomes a code part; a labelled column no rule claims, or a second
    column claiming a taken field, is kept as ``extra:<printed header>`` (never dropped). In a
    two-sided table a second group of columns on one side (支出: 功能分类 | 支出用途) is side
    ``expenditure#2``.
    """
    mapping: dict[int, ColumnKey] = {}
    taken: set[ColumnKey] = set()
    items_seen = 0
    block: str | None = None  # one-sided: a repeat of the first column's field starts a block beside
    first_field: str | None = None
    blocks = 1
    printed = printed or labels
    fields = [field_for(column, slug) for column in labels]
    amounts = [c for c, name in enumerate(fields)
               if name is None and labels[c] and is_single_amount(labels[c][-1])]
    if "total" not in fields and len(amounts) == 1 and not two_sided:
        fields[amounts[0]] = "total"  # 金额 / 本年预算数 in a one-amount table
    for c, column in enumerate(labels):
        part = code_part_for(column)
        name = None if part is not None else fields[c]
        if part is not None:
            mapping[c] = (None, f"{CODE_PART}{part}")
            continue
        if name is None:
            if column:
                mapping[c] = (side_for(column) if two_sided else block, EXTRA + extra_key(printed[c]))
            continue
        side = None
        if not two_sided and name != "line_no":
            if first_field is None:
                first_field = name
            elif name == first_field and (block, name) in taken and sum(k[0] == block for k in taken) > 1:
                blocks += 1  # not a name header over two columns (two-level list): a block ended before
                block = f"{BLOCK}{blocks}"
            side = block
        if two_sided:
            if name == "line_no":  # one 序号 column serves both sides; a side's own 行次 column is its own
                own = side_for(column) or ("revenue" if items_seen < 1 else "expenditure")
                side = None if (None, "line_no") not in taken else own
            else:
                side = side_for(column)
                if side is None:  # no 收入/支出 row: the second 项目 column starts the right side
                    if name == "item":
                        items_seen += 1
                    side = "revenue" if items_seen <= 1 else "expenditure"
        key = (side, name)
        n = 1
        while two_sided and side is not None and key in taken:
            n += 1
            key = (f"{side}#{n}", name)
        if key in taken:
            mapping[c] = (side, EXTRA + extra_key(printed[c]))
            continue
        taken.add(key)
        mapping[c] = key
    return mapping


def extra_key(printed: list[str]) -> str:
    """The printed header of a column the dictionary does not name: its lowest label,
    with the one above when the lowest is a generic 小计 / 合计."""
    if not printed:
        return ""
    lowest = compact(printed[-1])
    if len(printed) > 1 and label_key(lowest) in ("小计", "合计", "金额"):
        return compact(printed[-2]) + lowest
    return lowest


def block_labels(printed: list[list[str]], mapping: dict[int, ColumnKey]) -> dict[str, str]:
    """Side group → the block header between the side and the item (支出 / 功能分类 / 项目名称).

    A two-sided table may split one side into blocks (功能分类 | 支出用途); each block's
    records carry the block header as ``group``.
    """
    out: dict[str, str] = {}
    for c, (side, name) in mapping.items():
        column = printed[c] if c < len(printed) else []
        if side is None or name != "item" or len(column) < 3:
            continue
        at = next((i for i, label in enumerate(column) if side_for([label_key(label)])), None)
        if at is not None and at + 1 < len(column) - 1:
            out[side] = column[at + 1]
    return out
