"""绩效目标表 → one ``project_performance`` record with its indicators.

The project table is an irregular form (label cells next to value cells, merged across
columns and rows), so it is read by its labels: the value of 项目编码 is the cell right of
that label, the 资金支出计划 percentages sit under the month labels (matched by horizontal
position), and the indicator rows are mapped to the 一级/二级/三级指标 columns by position.
``level1`` is carried down a merged or blank cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from budget_etl.contract import INDICATOR_FIELDS
from tasks.extract.header import row_cells
from tasks.extract.numbers import parse_amount_or_none
from tasks.extract.pages import Cell, RawTable
from tasks.extract.plan import parse_plan_percent
from tasks.extract.targets import parse_target
from tasks.extract.text import compact, label_key, optional_text

Record = dict[str, Any]

#: indicator header label → field; tried in order on the label with brackets and spaces removed
INDICATOR_LABELS: list[tuple[str, str]] = [
    (r"^一级指标", "level1"),
    (r"^二级指标", "level2"),
    (r"^三级指标", "level3"),
    (r"依据$", "basis"),
    (r"^(绩效)?指标(值|目标值)|^目标值", "target"),
    (r"描述|^指标内容|^指标解释", "description"),
]
_MONTHS = {3: "plan_mar", 6: "plan_jun", 10: "plan_oct", 12: "plan_dec"}
_MONTH = re.compile(r"(\d{1,2})月(?:底|末)?")


@dataclass
class _State:
    record: Record
    indicator_cols: list[tuple[float, float, str]] = field(default_factory=list)
    months: list[tuple[float, float, str]] = field(default_factory=list)
    pending: str | None = None  # "plan" / "purpose": the next row holds values for a label row
    last_text: str | None = None  # "purpose" / "goals": the text field a page break may cut
    label_row: list[tuple[int, Cell]] = field(default_factory=list)  # the last label/value row read


def build_project_record(
    fragments: list[RawTable], *, seq: int | None, title: str, unit_code: str | None,
    unit_name: str | None, max_unit_chars: int = 3,
) -> Record:
    record: Record = {
        "seq": seq, "title": title, "unit_code": unit_code, "unit_name": unit_name,
        "project_code": None, "project_name": None, "budget_total": None, "fiscal_funds": None,
        "other_funds": None, "purpose": None, "plan_mar": None, "plan_jun": None, "plan_oct": None,
        "plan_dec": None, "goals": None, "indicators": [],
    }
    state = _State(record=record)
    for i, table in enumerate(fragments):
        first_row = True
        for r in range(table.n_rows):
            cells = row_cells(table, r)
            if not any(c.text.strip() for _, c in cells):
                continue
            was_header = read_form_row(state, table, r, cells, continuation=(i > 0 and first_row),
                                       max_unit_chars=max_unit_chars)
            first_row = first_row and was_header
    record["pages"] = sorted({t.page for t in fragments})
    record["bbox"] = [round(v, 2) for v in fragments[0].bbox] if fragments else None
    return record


def read_form_row(
    state: _State, table: RawTable, r: int, cells: list[tuple[int, Cell]], *, continuation: bool,
    max_unit_chars: int,
) -> bool:
    """Read one row of the form; ``True`` if it was the (possibly repeated) indicator header."""
    rec = state.record
    keys = [label_key(c.text) for _, c in cells]
    fresh = [(c, cell) for c, cell in cells if table.starts_here(r, c)]
    fresh_keys = [label_key(cell.text) for _, cell in fresh]
    label_row = _starts_label_row(fresh_keys)
    named = [(cell, indicator_field(k)) for (_, cell), k in zip(cells, keys, strict=True)]
    if sum(1 for _, name in named if name) >= 3:
        state.indicator_cols = [(c.bbox[0], c.bbox[2], name) for c, name in named if name]
        state.pending = state.last_text = None
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
                found = True
        if found:  # an empty row is the rest of a month row cut by a page break: values still to come
            state.pending = None
        return False
    if continuation and state.label_row and len(fresh) >= 3 and not label_row and not state.indicator_cols:
        # a label row (项目编码 …, 预算规模 …) cut by the page break: its labels and values go on here
        merged = _merge_cut_row(state.label_row, fresh)
        read_label_values(state, merged, [label_key(c.text) for _, c in merged])
        return False
    if state.pending == "purpose" and not label_row:
        rec["purpose"] = optional_text(_text_right_of_label(fresh))
        state.pending, state.last_text = None, "purpose"
        return False
    if continuation and state.last_text and not state.indicator_cols and not label_row:
        rest = _text_right_of_label(fresh)  # the part of a text row the page break pushed down
        if rest:
            rec[state.last_text] = optional_text(f"{rec[state.last_text] or ''}\n{rest}")
        return False
    if state.indicator_cols and not label_row:
        read_indicator(state, table, r, cells, continuation=continuation, max_unit_chars=max_unit_chars)
        return False
    read_label_values(state, fresh, fresh_keys)
    return False


def read_label_values(state: _State, cells: list[tuple[int, Cell]], keys: list[str]) -> None:
    rec = state.record
    state.label_row = cells
    for i, key in enumerate(keys):
        nxt = cells[i + 1][1].text if i + 1 < len(cells) else ""
        if key == "项目编码":
            rec["project_code"] = compact(nxt) or None
        elif key == "项目名称":
            rec["project_name"] = optional_text(nxt)
        elif key in ("预算数", "预算金额", "年度预算数", "年度资金总额", "资金总额", "项目总额"):
            rec["budget_total"] = parse_amount_or_none(nxt)
        elif "财政资金" in key or key.startswith("其中财政") or key in ("财政拨款",):
            rec["fiscal_funds"] = parse_amount_or_none(nxt)
        elif key in ("其他资金", "其中其他资金", "其他来源资金"):
            rec["other_funds"] = parse_amount_or_none(nxt)
        elif key == "资金用途":
            rec["purpose"] = optional_text(nxt)
            state.last_text = "purpose"
        elif key.startswith("预算规模"):
            state.pending = "purpose"
        elif key in ("绩效目标", "年度绩效目标", "总体目标"):
            rec["goals"] = optional_text("\n".join(c.text for _, c in cells[i + 1:] if c.text.strip()))
            state.last_text = "goals"
            return


def read_indicator(
    state: _State, table: RawTable, r: int, cells: list[tuple[int, Cell]], *, continuation: bool,
    max_unit_chars: int,
) -> None:
    values: dict[str, str] = {}
    for _, cell in cells:
        name = _column_at(state.indicator_cols, cell)
        if name and name not in values:
            values[name] = cell.text
    indicators: list[Record] = state.record["indicators"]
    if continuation and indicators and _is_split_remainder(values, indicators[-1]):
        prev = indicators[-1]
        for name, text in values.items():
            if text.strip() and name in ("level1", "level2", "level3", "description", "target", "basis"):
                prev[name] = optional_text(f"{prev.get(name) or ''}\n{text}")
        prev.update(_target_fields(prev["target"], max_unit_chars))
        return
    level1 = optional_text(values.get("level1"))
    if level1 is None and indicators:
        level1 = indicators[-1]["level1"]
    item: Record = {name: optional_text(values.get(name)) for name in INDICATOR_FIELDS[:6]}
    item["level1"] = level1
    item.update(_target_fields(item["target"], max_unit_chars))
    indicators.append(item)


def indicator_field(label: str) -> str | None:
    """``指标值（包含数字及文字描述）`` → ``target``: header variants map by their leading words."""
    for pattern, name in INDICATOR_LABELS:
        if re.search(pattern, label):
            return name
    return None


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


def _month_columns(cells: list[tuple[int, Cell]]) -> list[tuple[float, float, str]]:
    return [
        (c.bbox[0], c.bbox[2], _MONTHS[int(m[1])])
        for _, c in cells
        if (m := _MONTH.fullmatch(compact(c.text))) and int(m[1]) in _MONTHS
    ]


def _text_right_of_label(fresh: list[tuple[int, Cell]]) -> str:
    """The text of a value row, without its label column (a merged label or a cut-off piece of one)."""
    return "\n".join(c.text for col, c in fresh if col > 0 and c.text.strip())


def _target_fields(target: str | None, max_unit_chars: int) -> Record:
    parsed = parse_target(target, max_unit_chars=max_unit_chars)
    return {"target_op": parsed.op, "target_value": parsed.value, "target_unit": parsed.unit}


def _is_split_remainder(values: dict[str, str], previous: Record) -> bool:
    """Does the top row of a continuation page finish the indicator cut by the page break?

    一级/二级指标 names always end in 指标 (数量指标, 社会效益指标 …). A cut shows as a
    name that stops short (``社会效益指`` / ``标``), or as a row with neither name — a
    new indicator row names its 二级指标 (a word processor prints the rest of a cut row's
    cells, and leaves the names that fitted above the break empty).
    """
    if not any(v.strip() for v in values.values()):
        return False
    if _cut_name(previous.get("level1")) or _cut_name(previous.get("level2")):
        return True
    level1, level2 = compact(values.get("level1")), compact(values.get("level2"))
    return (not level1 or _cut_name(level1)) and (not level2 or _cut_name(level2))


def _cut_name(name: str | None) -> bool:
    return bool(name) and not compact(name).endswith("指标")


def _starts_label_row(keys: list[str]) -> bool:
    return bool(keys) and (
        keys[0] in ("项目编码", "项目名称", "绩效目标") or keys[0].startswith(("资金支出计划", "预算规模"))
    )


def _column_at(columns: list[tuple[float, float, str]], cell: Cell) -> str | None:
    """The column whose horizontal extent overlaps the cell most (ties: leftmost)."""
    best, best_overlap = None, 0.0
    for x0, x1, name in columns:
        overlap = min(x1, cell.bbox[2]) - max(x0, cell.bbox[0])
        if overlap > best_overlap + 1e-6:
            best, best_overlap = name, overlap
    return best

