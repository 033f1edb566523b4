"""绩效目标表 → one ``project_performance`` (or ``department_performance``) record with its indicators.

The form is irregular (label cells next to value cells, merged across columns and rows), so it
is read by its labels, looked up by meaning (``tasks.extract.form_labels``): the value of a label
is the cell right of it, or — when a row holds only labels — the cell below it (matched by
horizontal position); the 资金支出计划 percentages sit under the month labels; the indicator
rows are mapped to the 一级/二级/三级指标 columns by position, ``level1`` carried down a merged
or blank cell. A row cut by a page break is joined back by the form's columns and the printed
lines (``tasks.extract.rowcut``), never by the wording of the names.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from budget_etl.contract import INDICATOR_FIELDS, TABLE_TYPES
from tasks.extract.form_labels import field_of, form_key, indicator_field, is_label, section_of
from tasks.extract.header import row_cells
from tasks.extract.numbers import parse_amount
from tasks.extract.pages import Cell, RawTable
from tasks.extract.plan import parse_plan_percent
from tasks.extract.records import CellProblem
from tasks.extract.rowcut import ColumnWidths, continues_cut_row
from tasks.extract.targets import parse_target
from tasks.extract.text import compact, optional_text

__all__ = ["build_project_record", "indicator_field"]

Record = dict[str, Any]
Column = tuple[float, float, str]

_MONTHS = {3: "plan_mar", 6: "plan_jun", 10: "plan_oct", 12: "plan_dec"}
_MONTH = re.compile(r"(\d{1,2})月(?:底|末)?")
_TEXT_FIELDS = ("purpose", "goals")
_AMOUNT_FIELDS = ("budget_total", "fiscal_funds", "other_funds")
_GROUP_FIELDS = ("level1", "level2", "level3", "description", "target", "basis")


@dataclass
class _State:
    record: Record
    widths: ColumnWidths
    indicator_cols: list[Column] = field(default_factory=list)
    months: list[Column] = field(default_factory=list)
    pending: str | None = None  # "plan" / a text field: the next row holds values for a label row
    value_cols: list[Column] = field(default_factory=list)  # labels printed above their values
    last_text: str | None = None  # "purpose" / "goals": the text field a page break may cut
    label_row: list[tuple[int, Cell]] = field(default_factory=list)  # the last label/value row read
    last_cells: dict[str, Cell] = field(default_factory=dict)  # the last indicator row, by field
    #: amount / plan cells whose text is not a number (reported by the extractor, never nulled silently)
    problems: list[CellProblem] = field(default_factory=list)
    page: int = 0


def build_project_record(
    fragments: list[RawTable], *, seq: int | None, title: str, unit_code: str | None,
    unit_name: str | None, max_unit_chars: int = 3, slug: str = "project_performance",
    problems: list[CellProblem] | None = None,
) -> Record:
    """One form (its page fragments in order) → one record of ``slug``'s fields.

    Amount and plan cells whose text is not a number are left null in the record and appended
    to ``problems`` (page and cell), so the caller reports them.
    """
    record: Record = {name: None for name in TABLE_TYPES[slug].fields}
    given = {"seq": seq, "title": title, "unit_code": unit_code, "unit_name": unit_name}
    record.update({k: v for k, v in given.items() if k in record})
    record["indicators"] = []
    state = _State(record=record, widths=ColumnWidths.of(fragments))
    for i, table in enumerate(fragments):
        state.page = table.page
        first_row = True
        for r in range(table.n_rows):
            cells = row_cells(table, r)
            if not any(c.text.strip() for _, c in cells):
                continue
            was_header = read_form_row(state, table, r, cells, continuation=(i > 0 and first_row),
                                       max_unit_chars=max_unit_chars)
            first_row = first_row and was_header
    if problems is not None:
        problems.extend(state.problems)
    record["pages"] = sorted({t.page for t in fragments})
    record["bbox"] = [round(v, 2) for v in fragments[0].bbox] if fragments else None
    return record


def read_form_row(
    state: _State, table: RawTable, r: int, cells: list[tuple[int, Cell]], *, continuation: bool,
    max_unit_chars: int,
) -> bool:
    """Read one row of the form; ``True`` if it was the (possibly repeated) indicator header."""
    rec = state.record
    fresh = [(c, cell) for c, cell in cells if table.starts_here(r, c)]
    fresh_keys = [form_key(cell.text) for _, cell in fresh]
    label_row = bool(fresh_keys) and is_label(fresh_keys[0])
    named = [(cell, indicator_field(form_key(cell.text))) for _, cell in cells]
    if sum(1 for _, name in named if name) >= 3:
        named = _name_the_gap(named)
        state.indicator_cols = [(c.bbox[0], c.bbox[2], name) for c, name in named if name]
        state.pending = state.last_text = None
        state.value_cols = []
        return True
    months = _month_columns(cells)
    if len(months) >= 2:  # the 3月底 / 6月底 … row, whatever is left of its (maybe cut) label
        state.months, state.pending, state.last_text = months, "plan", None
        return False
    if state.pending == "plan" and not label_row:
        found = False
        for _, cell in cells:
            month = _column_at(state.months, cell)
            if month and cell.text.strip():
                rec[month] = parse_plan_percent(cell.text)
                if rec[month] is None and _not_a_number(cell.text.replace("%", "").replace("％", "")):
                    _report(state, month, cell)
                found = True
        if found:  # an empty row is the rest of a month row cut by a page break: values still to come
            state.pending = None
        return False
    if state.value_cols and not label_row:  # the values under a row of labels
        for _, cell in fresh:
            name = _column_at(state.value_cols, cell)
            if name and cell.text.strip():
                _set_field(state, name, cell)
        state.value_cols = []
        return False
    if continuation and state.label_row and len(fresh) >= 3 and not label_row and not state.indicator_cols:
        # a label row (项目编码 …, 预算规模 …) cut by the page break: its labels and values go on here
        merged = _merge_cut_row(state.label_row, fresh)
        read_label_values(state, merged)
        return False
    if state.pending in _TEXT_FIELDS and not label_row:
        rec[state.pending] = optional_text(_text_right_of_label(fresh, whole_row=True))
        state.pending, state.last_text = None, state.pending
        return False
    if continuation and state.last_text and not state.indicator_cols and not label_row:
        rest = _text_right_of_label(fresh)  # the part of a text row the page break pushed down
        if rest:
            rec[state.last_text] = optional_text(f"{rec[state.last_text] or ''}\n{rest}")
        return False
    if state.indicator_cols and not label_row:
        read_indicator(state, cells, continuation=continuation, max_unit_chars=max_unit_chars)
        return False
    read_label_values(state, fresh)
    return False


def _name_the_gap(named: list[tuple[Cell, str | None]]) -> list[tuple[Cell, str | None]]:
    """An indicator header cell whose label names no column takes the one column missing between
    its named neighbours (in the columns' order: 一级 … 三级, 描述, 指标值, 依据).

    Why: a misread label (OCR's ``绩效指标描迹``) would drop its whole column. Only a gap that one
    unnamed cell fills, between two named columns around exactly one missing one, is named — a
    column outside the order (a 备注 after 依据) stays unread.
    """
    order = {name: i for i, name in enumerate(_GROUP_FIELDS)}
    present = {name for _, name in named if name}
    marks = [i for i, (_, name) in enumerate(named) if name in order]
    out = list(named)
    for lo, hi in itertools.pairwise(marks):
        between = [i for i in range(lo + 1, hi) if named[i][0].text.strip()]
        first, last = order[str(named[lo][1])], order[str(named[hi][1])]
        gap = [f for f in _GROUP_FIELDS[first + 1:last] if f not in present]
        if len(between) == 1 and len(gap) == 1:
            out[between[0]] = (named[between[0]][0], gap[0])
    return out


def read_label_values(state: _State, cells: list[tuple[int, Cell]]) -> None:
    """A row of labels and values: each label takes the cell right of it; a row of labels only
    (``资金总额 | 财政拨款 | 其他资金``) takes the row below, column by column."""
    state.label_row = cells
    keys = [form_key(c.text) for _, c in cells]
    above: list[Column] = []
    i = 0
    while i < len(cells):
        key, cell = keys[i], cells[i][1]
        name = field_of(key)
        section = section_of(key) if name is None else None
        if section == "purpose_follows":
            state.pending = "purpose"
        if name is None:
            i += 1
            continue
        if name == "goals":
            text = "\n".join(c.text for _, c in cells[i + 1:] if c.text.strip())
            if text:
                _set_field(state, name, Cell(text=text, bbox=cell.bbox))
            else:
                state.pending = "goals"
            return
        if i + 1 < len(cells) and not is_label(keys[i + 1]):
            _set_field(state, name, cells[i + 1][1])
            i += 2
            continue
        if name in _TEXT_FIELDS and i + 1 >= len(cells):
            state.pending = name
        else:
            above.append((cell.bbox[0], cell.bbox[2], name))
        i += 1
    if above:
        state.value_cols = above


def _set_field(state: _State, name: str, cell: Cell) -> None:
    rec = state.record
    text = cell.text
    if name not in rec:
        return
    if name == "project_code":
        rec[name] = compact(text) or None
    elif name in _AMOUNT_FIELDS:
        try:
            rec[name] = parse_amount(text)
        except ValueError:
            rec[name] = None
            _report(state, name, cell)
    elif name == "unit_name":
        rec[name] = rec[name] or (compact(text) or None)
    else:
        rec[name] = optional_text(text)
        if name in _TEXT_FIELDS:
            state.last_text = name


def _not_a_number(text: str) -> bool:
    try:
        parse_amount(text)
    except ValueError:
        return True
    return False


def _report(state: _State, name: str, cell: Cell) -> None:
    state.problems.append(CellProblem(field=name, text=cell.text, line_no=None, pages=[state.page],
                                      bbox=[round(v, 2) for v in cell.bbox]))


def read_indicator(
    state: _State, cells: list[tuple[int, Cell]], *, continuation: bool, max_unit_chars: int,
) -> None:
    values: dict[str, Cell] = {}
    for _, cell in cells:
        name = _column_at(state.indicator_cols, cell)
        if name and name not in values:
            values[name] = cell
    texts = {name: cell.text for name, cell in values.items()}
    indicators: list[Record] = state.record["indicators"]
    if continuation and indicators and continues_cut_row(state.last_cells, values, state.widths):
        prev = indicators[-1]
        for name, text in texts.items():
            if text.strip() and name in _GROUP_FIELDS:
                prev[name] = optional_text(f"{prev.get(name) or ''}\n{text}")
        prev.update(target_fields(prev["target"], max_unit_chars))
        state.last_cells = {**state.last_cells, **{k: v for k, v in values.items() if v.text.strip()}}
        return
    level1 = optional_text(texts.get("level1"))
    if level1 is None and indicators:
        level1 = indicators[-1]["level1"]
    item: Record = {name: optional_text(texts.get(name)) for name in _GROUP_FIELDS}
    item["level1"] = level1
    item.update(target_fields(item["target"], max_unit_chars))
    indicators.append({name: item.get(name) for name in INDICATOR_FIELDS})
    state.last_cells = values


def target_fields(target: str | None, max_unit_chars: int) -> Record:
    """The parsed target as the record's ``target_*`` fields."""
    parsed = parse_target(target, max_unit_chars=max_unit_chars)
    return {"target_op": parsed.op, "target_value": parsed.value, "target_unit": parsed.unit,
            "target_max": parsed.max_value}


def _merge_cut_row(before: list[tuple[int, Cell]], after: list[tuple[int, Cell]]) -> list[tuple[int, Cell]]:
    """Both parts of a row cut by a page break, cell by cell (paired by horizontal position)."""
    columns = [(c.bbox[0], c.bbox[2], str(i)) for i, (_, c) in enumerate(before)]
    rest: dict[int, list[str]] = {}
    for _, cell in after:
        index = _column_at(columns, cell)
        if index is not None and cell.text.strip():
            rest.setdefault(int(index), []).append(cell.text)
    return [
        (col, Cell(text="".join([cell.text, *rest.get(i, [])]), bbox=cell.bbox))
        for i, (col, cell) in enumerate(before)
    ]


def _month_columns(cells: list[tuple[int, Cell]]) -> list[Column]:
    return [
        (c.bbox[0], c.bbox[2], _MONTHS[int(m[1])])
        for _, c in cells
        if (m := _MONTH.fullmatch(compact(c.text))) and int(m[1]) in _MONTHS
    ]


def _text_right_of_label(fresh: list[tuple[int, Cell]], *, whole_row: bool = False) -> str:
    """The text of a value row, without its label column (a merged label or a cut-off piece of one);
    a text printed across the whole row (under its label) is all of it."""
    right = [c.text for col, c in fresh if col > 0 and c.text.strip()]
    if not right and whole_row:
        right = [c.text for _, c in fresh if c.text.strip()]
    return "\n".join(right)


def _column_at(columns: list[Column], cell: Cell) -> str | None:
    """The column whose horizontal extent overlaps the cell most (ties: leftmost)."""
    best, best_overlap = None, 0.0
    for x0, x1, name in columns:
        overlap = min(x1, cell.bbox[2]) - max(x0, cell.bbox[0])
        if overlap > best_overlap + 1e-6:
            best, best_overlap = name, overlap
    return best
