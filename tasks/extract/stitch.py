"""Stitch one table's page fragments into one list of data rows.

A table that continues over pages repeats its header rows and 栏次 row on each page;
those are dropped. A row the page break cut in two (its first part at the bottom of one
page, the rest at the top of the next, with an empty 序号 / first cell) is rejoined; so is
the remainder of a cell whose words ran on over the break (its last line on the first page
fills the cell edge to edge) when the top row of the next page prints words in those cells only.
Each row keeps its lineage: the page and row bbox where it starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.extract.columns import field_for, is_horizontal
from tasks.extract.header import (
    EXTRA,
    ColumnKey,
    block_labels,
    column_labels,
    count_header_rows,
    is_numbering_row,
    map_columns,
)
from tasks.extract.notes import is_note_row
from tasks.extract.pages import RawTable
from tasks.extract.text import compact, label_key

#: field-name prefix of one item of a horizontal table (三公 printed as one row of items)
HORIZONTAL_ITEM = "hitem:"
#: between a horizontal item and the field of its column, when an item spans several amount
#: columns (决算 三公: 预算数 | 决算数 under each item) — ``hitem:合计::budget_amount``
HORIZONTAL_FIELD = "::"


@dataclass
class DataRow:
    values: dict[ColumnKey, str]
    pages: list[int]
    bbox: list[float]
    cells: dict[ColumnKey, list[float]] = field(default_factory=dict)

    def blank(self) -> bool:
        return not any(v.strip() for v in self.values.values())


def stitch_rows(fragments: list[RawTable], slug: str, *, two_sided: bool) -> list[DataRow]:
    stitcher = Stitcher(slug, two_sided=two_sided)
    for table in fragments:
        stitcher.add(table)
    return stitcher.rows


class Stitcher:
    """Stitches fragments as they arrive, so a page's cell grid can be dropped once it is read.

    Only the previous fragment is kept (to match a headerless continuation by position);
    everything else of a long table lives on as compact :class:`DataRow` values.
    """

    def __init__(self, slug: str, *, two_sided: bool) -> None:
        self.slug = slug
        self.two_sided = two_sided
        self.rows: list[DataRow] = []
        self.mapping: dict[int, ColumnKey] = {}
        self.previous: RawTable | None = None
        #: body rows read while no header was understood: (page, row bbox, first cell text)
        self.unread: list[tuple[int, list[float], str]] = []
        self.header_seen = False
        #: two-sided tables: side group → its block header (功能分类 / 支出用途)
        self.blocks: dict[str, str] = {}
        #: a table without a name column (one 合计 row): the name is the total column's header
        self.name_from: str | None = None
        #: rows as printed: a merged cell counts in its top row only, no cut-row joining (采购表)
        self.as_printed = slug == "government_procurement"
        #: amount cells whose text is not a number (filled in by the record builder)
        self.problems: list = []
        #: empty-table notes printed as a body row (本表无数据)
        self.notes: list[str] = []
        #: where each column key is printed on the page its header was read (x0, x1)
        self.spans: dict[ColumnKey, tuple[float, float]] = {}
        #: columns whose cell in the previous fragment's last row runs on over the page break
        self.runs_on: set[ColumnKey] = set()

    def add(self, table: RawTable) -> None:
        header_rows = count_header_rows(table, self.slug)
        labels = column_labels(table, header_rows)
        printed = column_labels(table, header_rows, key=compact)
        own = map_columns(labels, self.slug, two_sided=self.two_sided, printed=printed) if header_rows else {}
        if own:
            own = pair_two_level_names(own, labels, table, header_rows)
            if is_horizontal(self.slug) and (None, "item") not in own.values():
                own = horizontal_items(labels, printed, self.slug)
            self.mapping = own
            self.spans = {key: table.col_bounds[c] for c, key in own.items() if c < table.n_cols}
            self.blocks = block_labels(printed, own) if self.two_sided else {}
            self.name_from = name_from_total(own, printed, self.slug)
            self.header_seen = True
        elif self.previous is not None and table.n_cols != self.previous.n_cols:
            self.mapping = remap_by_position(self.mapping, self.previous, table)
        at_break = self.previous is not None
        foot = -1  # the grid row of the last row kept (its cells may run on over the next break)
        for r in range(header_rows, table.n_rows):
            if is_numbering_row(table, r):
                continue
            texts = [c.text for c in table.grid[r] if c is not None and c.text.strip()]
            note = is_note_row(texts)
            if note:
                self.notes.append(note)
                continue
            if not self.mapping:
                if texts:
                    self.unread.append((table.page, table.row_bbox(r), texts[0]))
                continue
            beside = any(k[0] is not None for k in self.mapping.values())  # blocks side by side
            row = read_row(table, r, self.mapping, keep_cells=self.two_sided or beside,
                           as_printed=self.as_printed)
            if row.blank():
                continue
            for side, block in self.blocks.items():
                spanning = spans_blocks(table, r, self.mapping, side, self.spans)
                row.values[(side, "group")] = "" if spanning else block
            if self.name_from:
                row.values.setdefault((None, "name"), self.name_from)
            if (None, "group") in self.mapping.values() and self.rows:
                carry_group_down(row, self.rows[-1])
            cut = at_break and bool(self.rows) and not self.as_printed and (
                is_split_remainder(row, self.mapping) or is_split_remainder(self.rows[-1], self.mapping)
                or is_run_on_remainder(row, self.runs_on)
            )
            if cut:
                merge_into(self.rows[-1], row)
            else:
                self.rows.append(row)
            at_break = False
            foot = r
        self.runs_on = running_on(table, foot, self.mapping) if foot == table.n_rows - 1 else set()
        self.previous = table

    def take_settled(self) -> list[DataRow]:
        """Rows no page break can still change (all but the last), handed over and forgotten."""
        settled, self.rows = self.rows[:-1], self.rows[-1:]
        return settled


def carry_group_down(row: DataRow, previous: DataRow) -> None:
    """A two-level list's left cell is carried down its rows (also over a page break)."""
    key = (None, "group")
    name = row.values.get((None, "name"), "").strip()
    if name and not row.values.get(key, "").strip() and previous.values.get((None, "name"), "").strip():
        row.values[key] = previous.values.get(key, "")


def spans_blocks(
    table: RawTable, r: int, mapping: dict[int, ColumnKey], side: str,
    spans: dict[ColumnKey, tuple[float, float]] | None = None,
) -> bool:
    """The item cell of ``side`` reaches into another block of the same side (当年支出小计).

    Told by the grid (the cell covers that block's columns) or, on a continuation page whose
    grid has fewer columns (the blocks' rulings not printed there), by where that block's
    columns were printed under the header (``spans``): the cell covers their middle.
    """
    base = side.split("#")[0]
    item = next((c for c, key in mapping.items() if key == (side, "item")), None)
    if item is None or item >= table.n_cols:
        return False
    cell = table.grid[r][item]
    if cell is None:
        return False
    others = [key for key in {*mapping.values(), *(spans or {})}
              if key[0] is not None and key[0] != side and key[0].split("#")[0] == base]
    if any(c < table.n_cols and table.grid[r][c] is cell for c, key in mapping.items() if key in others):
        return True
    unmapped = [spans[key] for key in others if key in (spans or {}) and key not in mapping.values()]
    return any(cell.bbox[0] < (a + b) / 2 < cell.bbox[2] for a, b in unmapped)


def name_from_total(mapping: dict[int, ColumnKey], printed: list[list[str]], slug: str) -> str | None:
    """No name column but a 合计 column: the one row is named by that header (合计)."""
    from budget_etl.contract import table_spec

    fields = {key[1] for key in mapping.values()}
    spec = table_spec(slug)
    if "name" in fields or spec is None or "name" not in spec.fields or "total" not in fields:
        return None
    column = next(c for c, key in mapping.items() if key == (None, "total"))
    return printed[column][-1] if printed[column] else None


def pair_two_level_names(
    mapping: dict[int, ColumnKey], labels: list[list[str]], table: RawTable, header_rows: int
) -> dict[int, ColumnKey]:
    """A name header over two columns (merged, or with an empty neighbour): a two-level list.

    The left column is the ``group`` (一般公共预算资金, a merged cell down the rows), the right
    one the ``name`` (小计, 公共财政拨款资金 …).
    """
    for c, key in list(mapping.items()):
        if key != (None, "name"):
            continue
        last = c
        header = table.grid[header_rows - 1] if header_rows > 0 else []
        while last + 1 < table.n_cols:
            right = mapping.get(last + 1)
            same_header = bool(header) and header[c] is header[last + 1]
            free = right is None or right[1].startswith(EXTRA)
            if not ((right is None and not labels[last + 1]) or (same_header and free)):
                break
            last += 1
        if last > c:  # the name header covers more columns: group on the left, name on the right
            for k in range(c + 1, last):
                mapping.pop(k, None)
            mapping[c] = (None, "group")
            mapping[last] = (None, "name")
        break
    return mapping


def horizontal_items(
    labels: list[list[str]], printed: list[list[str]], slug: str = ""
) -> dict[int, ColumnKey]:
    """三公 printed as one row of items (合计 | 因公出国（境）费 | …): each column is an item.

    The item is the column's lowest printed header; a 小计 is named by the header above it.
    A lowest header that names a field of the type (预算数 / 决算数 under each item of a 决算)
    makes the column that field of the item printed above it; so does a header above the items
    (预算数 over 合计 | 因公出国（境）费 | …, then 决算数 over the same items): one record per item.
    """
    mapping: dict[int, ColumnKey] = {}
    leaves = item_fields(labels, slug) if slug else {}
    for c, column in enumerate(printed):
        if not column:
            continue
        leaf = leaves.get(c)
        at = len(column) - 1 if leaf else None
        if leaf is None and slug:
            at, leaf = upper_field(labels[c], slug)
        names = [p for i, p in enumerate(column) if i != at] or column
        own = [label for i, label in enumerate(labels[c]) if i != at] or labels[c]
        name = names[-1]
        if len(names) > 1 and label_key(own[-1]) == "小计":
            name = names[-2]
        mapping[c] = (None, HORIZONTAL_ITEM + name + (HORIZONTAL_FIELD + leaf if leaf else ""))
    return mapping


def upper_field(labels: list[str], slug: str) -> tuple[int | None, str | None]:
    """A header above a column's item that names an amount field of the type (预算数 → budget_amount).

    ``total`` is never taken from above: a 合计 over items is an item of its own.
    """
    from budget_etl.contract import table_spec

    spec = table_spec(slug)
    amounts = set(spec.amount_fields) - {"total"} if spec is not None else set()
    for i in range(len(labels) - 2, -1, -1):
        name = field_for([labels[i]], slug)
        if name in amounts:
            return i, name
    return None, None


def item_fields(labels: list[list[str]], slug: str) -> dict[int, str]:
    """Columns whose lowest header is a field of an item printed above several such columns.

    预算数 | 决算数 under one 因公出国（境）费 cell: the item spans its amount columns, each
    naming a field. A leaf under a header it does not share with another field column (合计
    beside 因公出国（境）费 under 三公经费预算数) is an item of its own, not a field.
    """
    fields = {c: f for c, column in enumerate(labels)
              if len(column) > 1 and (f := field_for(column[-1:], slug))}
    out: dict[int, str] = {}
    for c, name in fields.items():
        parent = labels[c][-2]
        mates = [d for d in (c - 1, c + 1) if d in fields and len(labels[d]) > 1 and labels[d][-2] == parent]
        if any(fields[d] != name for d in mates):
            out[c] = name
    return out


def read_row(
    table: RawTable, r: int, mapping: dict[int, ColumnKey], *, keep_cells: bool = True,
    as_printed: bool = False,
) -> DataRow:
    """Values of one grid row by column key; a horizontally merged cell counts once, at its left.

    ``keep_cells`` keeps each value's cell bbox (two-sided tables give each side its own bbox).
    """
    values: dict[ColumnKey, str] = {}
    cells: dict[ColumnKey, list[float]] = {}
    for c, key in mapping.items():
        cell = table.grid[r][c] if c < table.n_cols else None
        continued = as_printed and not table.starts_here(r, c)  # a merged cell counts in its top row
        if cell is None or (c > 0 and table.grid[r][c - 1] is cell) or continued:
            values.setdefault(key, "")
            continue
        values[key] = cell.text
        if keep_cells:
            cells[key] = [round(v, 2) for v in cell.bbox]
    return DataRow(values=values, pages=[table.page], bbox=table.row_bbox(r), cells=cells)


def is_split_remainder(row: DataRow, mapping: dict[int, ColumnKey]) -> bool:
    """A part of a row cut by a page break: its anchor cell (序号, else the first column) is empty.

    Checked on both sides of the break — the top row of the continuation page, and the last
    row before it (a word processor may print the 序号 in either part of a cut row).
    """
    keys = [mapping[c] for c in sorted(mapping)]  # by position: the first printed column
    keys = [k for k in keys if k[1] != "group"]  # a group cell carried over the break is not a cut
    anchor = next((k for k in keys if k[1] == "line_no"), None) or (keys[0] if keys else None)
    if anchor is None:
        return False
    if row.values.get(anchor, "").strip() or row.blank():
        return False
    # side by side (收入 | 支出): a side that opens a numbered item of its own (十六、金融支出 under
    # 十五、… on the page before, the revenue side blank in both) starts a row, it continues none
    return anchor[0] is None or not any(
        _ITEM_NUMBER.match(compact(row.values.get(a, ""))) for a in _side_anchors(keys, row)
    )


#: the numbering that opens an item of a list (一、 / 十六、 / 1. / （三）)
_ITEM_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")


def _side_anchors(keys: list[ColumnKey], row: DataRow) -> list[ColumnKey]:
    """The first printed column of each side (or block) that prints anything in ``row``."""
    filled = {k[0] for k, text in row.values.items() if text.strip() and k[1] != "group"}
    anchors: dict[str | None, ColumnKey] = {}
    for key in keys:
        anchors.setdefault(key[0], key)
    return [key for side, key in anchors.items() if side in filled]


def running_on(table: RawTable, r: int, mapping: dict[int, ColumnKey]) -> set[ColumnKey]:
    """Columns whose cell in row ``r`` (the page's last) prints words that run on (``Cell.runs_on``)."""
    keys: set[ColumnKey] = set()
    for c, key in mapping.items():
        cell = table.grid[r][c] if c < table.n_cols else None
        merged_left = c > 0 and cell is not None and table.grid[r][c - 1] is cell
        if cell is not None and cell.runs_on and key[1] != "group" and not merged_left:
            keys.add(key)
    return keys


def is_run_on_remainder(row: DataRow, runs_on: set[ColumnKey]) -> bool:
    """The rest of cells cut by the page break: the top row prints text only where text ran on.

    A row with anything else — a figure, or words in a column whose cell had ended — is a row
    of its own, as is any row when no cell ran on (a label ending short of its cell's edge).
    """
    filled = {key for key, text in row.values.items() if text.strip() and key[1] != "group"}
    return bool(filled) and filled <= runs_on


def merge_into(target: DataRow, rest: DataRow) -> None:
    for key, text in rest.values.items():
        if text.strip() and key[1] == "group" and text.strip() == target.values.get(key, "").strip():
            continue  # a block / group label repeated on both parts of a cut row
        if text.strip():
            before = target.values.get(key, "")
            target.values[key] = f"{before}\n{text}" if before.strip() else text
    for page in rest.pages:
        if page not in target.pages:
            target.pages.append(page)


def remap_by_position(
    mapping: dict[int, ColumnKey], before: RawTable, after: RawTable
) -> dict[int, ColumnKey]:
    """A headerless continuation with a different grid: match columns by horizontal overlap."""
    out: dict[int, ColumnKey] = {}
    for c, key in mapping.items():
        if c >= before.n_cols:
            continue
        x0, x1 = before.col_bounds[c]
        best = max(
            range(after.n_cols),
            key=lambda j: min(x1, after.col_bounds[j][1]) - max(x0, after.col_bounds[j][0]),
            default=None,
        )
        if best is not None and best not in out:
            out[best] = key
    return out
