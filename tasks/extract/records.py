"""Typed records from stitched rows: the data dictionary's fields and normalisation.

Amount fields become ``Decimal`` (blank → ``None``), ``line_no`` an int, ``code`` a digit
string with whitespace removed, text fields one clean value. Two-sided tables give one
record per filled side of a row. Every record carries lineage: ``pages`` and ``bbox``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from budget_etl.contract import FINAL_TWO_SIDED, TWO_SIDED, TableType, table_spec
from tasks.extract.header import BLOCK, CODE_PART, EXTRA, TOTAL_WORDS
from tasks.extract.numbers import is_number, parse_amount, parse_int
from tasks.extract.stitch import HORIZONTAL_FIELD, HORIZONTAL_ITEM, DataRow
from tasks.extract.text import clean_text, compact, optional_text

Record = dict[str, Any]


@dataclass
class CellProblem:
    """An amount cell whose text is not a number: reported with its page and cell, never nulled."""

    field: str
    text: str
    line_no: int | None
    pages: list[int]
    bbox: list[float]


class AmountNotNumber(ValueError):
    def __init__(self, name: str, raw: str) -> None:
        super().__init__(f"{name}: not an amount: {raw!r}")
        self.name = name
        self.raw = raw

_INT_FIELDS = {"line_no"}
_CODE_FIELDS = {"code"}
_SIDES = ("revenue", "expenditure")


def build_records(slug: str, rows: list[DataRow], problems: list[CellProblem] | None = None) -> list[Record]:
    """Records of a table type; amount cells that are not numbers go to ``problems``."""
    problems = problems if problems is not None else []
    if slug in TWO_SIDED or slug in FINAL_TWO_SIDED:
        return [rec for row in rows for rec in two_sided_records(slug, row, problems)]
    if slug == "government_procurement":
        return [rec for row in rows if (rec := procurement_record(row))]
    if any(k[1].startswith(HORIZONTAL_ITEM) for row in rows for k in row.values):
        return [rec for row in rows for rec in horizontal_records(slug, row, problems)]
    return [one_sided_record(slug, part, problems) for row in rows for part in block_rows(row)]


def block_rows(row: DataRow) -> list[DataRow]:
    """A row of a table printed as blocks side by side: one row per block that prints anything.

    The first block keeps the row's own keys; a block beside it (side ``#2`` …) becomes a row of
    its own with side-less keys and the bbox of its own cells. A row of one block is itself.
    """
    sides = list(dict.fromkeys(k[0] for k in row.values if k[0] is not None and k[0].startswith(BLOCK)))
    if not sides:
        return [row]
    out: list[DataRow] = []
    for side in (None, *sides):
        values = {(None, k[1]): v for k, v in row.values.items() if k[0] == side}
        cells = {(None, k[1]): b for k, b in row.cells.items() if k[0] == side}
        part = DataRow(values=values, pages=list(row.pages), bbox=_union(list(cells.values())) or row.bbox,
                       cells=cells)
        if not part.blank():
            out.append(part)
    return out


def _union(boxes: list[list[float]]) -> list[float] | None:
    if not boxes:
        return None
    xs0, tops, xs1, bottoms = zip(*boxes, strict=True)
    return [min(xs0), min(tops), max(xs1), max(bottoms)]


def _spec(slug: str) -> TableType:
    spec = table_spec(slug)
    if spec is None:
        raise KeyError(f"no table type {slug!r} in the contract")
    return spec


def one_sided_record(slug: str, row: DataRow, problems: list[CellProblem] | None = None) -> Record:
    fields = _spec(slug).fields
    amounts = set(_spec(slug).amount_fields) | ({"quantity"} if slug == "fixed_assets" else set())
    record: Record = {}
    line_no = parse_int(row.values.get((None, "line_no")))
    for name in fields:
        record[name] = _checked(name, row.values.get((None, name)), amounts, row, line_no, problems)
    parts = sorted((k[1], v) for k, v in row.values.items() if k[1].startswith(CODE_PART))
    if parts and record.get("code") is None and "code" in fields:
        record["code"] = join_code_parts([v for _, v in parts])
    if record.get("code") and not _CODE_TEXT.match(record["code"]) and record.get("name") is None:
        record["code"], record["name"] = None, optional_text(row.values.get(_first_code_key(row)))
    if (None, "group") in row.values:
        group = optional_text(row.values[(None, "group")])
        if record.get("name") is None:
            group, record["name"] = None, group
        record["group"] = group
    extra = extra_values(row, None, line_no, problems)
    if extra:
        record["extra"] = extra
    return with_lineage(record, row, None)


#: a side's own totals row (支出合计, 当年支出小计) belongs to no block of that side
_SIDE_TOTAL = re.compile(r"(合计|总计|小计)$")
_CODE_TEXT = re.compile(r"^[0-9A-Za-z]+$")


def _first_code_key(row: DataRow) -> tuple[str | None, str]:
    """The cell a 合计 label spanning the code columns was read from."""
    keys = [k for k in row.values if k[1] == "code" or k[1].startswith(CODE_PART)]
    return min(keys, key=lambda k: k[1]) if keys else (None, "code")


def is_blank_total(record: Record, amounts: tuple[str, ...]) -> bool:
    """A 合计 / 总计 row whose figures are all blank: what an empty table prints."""
    label = compact(record.get("name") or record.get("item") or "")
    if label not in TOTAL_WORDS:
        return False
    extra = record.get("extra") or {}
    return all(record.get(f) is None for f in amounts) and all(v is None for v in extra.values())



def join_code_parts(parts: list[str]) -> str | None:
    """类 / 款 / 项 cells → one code: ``201`` ``3`` ``1`` → ``2010301`` (款 and 项 are two digits)."""
    out = ""
    for i, raw in enumerate(parts):
        part = compact(raw)
        if not part:
            break  # a 类 row leaves 款 and 项 blank
        out += part.zfill(2) if i > 0 and part.isdigit() else part
    return out or None


def horizontal_records(slug: str, row: DataRow, problems: list[CellProblem]) -> list[Record]:
    """One record per printed item of a horizontal row (三公: 合计 | 因公出国（境）费 | …).

    An item printed over several amount columns (预算数 | 决算数) is one record holding them all.
    """
    spec = _spec(slug)
    amounts = {"total", *spec.amount_fields}
    out: list[Record] = []
    by_item: dict[str, Record] = {}
    for key, raw in row.values.items():
        if not key[1].startswith(HORIZONTAL_ITEM):
            continue
        item, paired, name = key[1][len(HORIZONTAL_ITEM):].partition(HORIZONTAL_FIELD)
        record = by_item.get(item) if paired else None
        if record is None:
            record = dict.fromkeys(spec.fields)
            record["item"] = item
            record["pages"] = list(row.pages)
            record["bbox"] = row.cells.get(key, row.bbox)
            out.append(record)
            if paired:
                by_item[item] = record
        field = name or "total"
        if field in spec.fields:
            record[field] = _checked(field, raw, amounts, row, None, problems)
        else:  # a lone amount column of a type without `total` (决算 三公): kept by its item, never dropped
            text = clean_text(raw)
            record.setdefault("extra", {})[item] = parse_amount(text) if is_number(text) else text or None
    return out


def two_sided_records(slug: str, row: DataRow, problems: list[CellProblem] | None = None) -> list[Record]:
    """One record per filled side; a second column group on one side (支出用途) is its own record."""
    fields = _spec(slug).fields
    amounts = set(_spec(slug).amount_fields)
    line_no = parse_int(row.values.get((None, "line_no")))
    groups = list(dict.fromkeys(k[0] for k in row.values if k[0] is not None))
    out: list[Record] = []
    for group in sorted(groups, key=_side_order):
        side = group.split("#")[0]
        values = {name: _checked(name, row.values.get((group, name)), amounts, row, line_no, problems)
                  for name in fields if name not in ("line_no", "side")}
        extra = extra_values(row, group, line_no, problems)
        if all(v is None for v in values.values()) and all(v is None for v in extra.values()):
            continue
        previous = out[-1] if out else None
        if (previous is not None and previous["side"] == side and values.get("item") is None
                and all(previous.get(n) is None for n in values if n != "item")):
            previous.update({n: v for n, v in values.items() if v is not None})  # a merged item cell
            if "group" in previous:
                previous["group"] = None  # the item spans the side's blocks: it belongs to none
            continue
        own = (group, "line_no") if (group, "line_no") in row.values else (side, "line_no")
        number = parse_int(row.values[own]) if own in row.values else line_no  # a side's own 行次
        record: Record = {"line_no": number, "side": side}
        record.update(values)
        if (group, "group") in row.values:
            block = optional_text(row.values[(group, "group")])
            is_total = bool(_SIDE_TOTAL.search(compact(record.get("item") or "")))
            record = {"line_no": number, "side": side, "group": None if is_total else block, **values}
        if extra:
            record["extra"] = extra
        out.append(with_lineage(record, row, group))
    return out


def _side_order(group: str) -> tuple[int, str]:
    side = group.split("#")[0]
    return (_SIDES.index(side) if side in _SIDES else len(_SIDES), group)


def extra_values(
    row: DataRow, side: str | None, line_no: int | None, problems: list[CellProblem] | None
) -> dict[str, Any]:
    """Columns the dictionary does not name, by printed header: numbers as decimals, text as text."""
    out: dict[str, Any] = {}
    for (s, name), raw in row.values.items():
        if s != side or not name.startswith(EXTRA):
            continue
        header = name[len(EXTRA):]
        text = clean_text(raw)
        if not text:
            if header not in out:
                out[header] = None
            continue
        out[header] = parse_amount(text) if is_number(text) else text
    return {k: v for k, v in out.items() if k or v is not None}


def _checked(
    name: str, raw: str | None, amounts: set[str], row: DataRow, line_no: int | None,
    problems: list[CellProblem] | None,
) -> Any:
    try:
        return typed_value(name, raw, amounts)
    except AmountNotNumber as exc:
        if problems is not None:
            bbox = next((b for (_, f), b in row.cells.items() if f == name), row.bbox)
            problems.append(CellProblem(name, exc.raw, line_no, list(row.pages), bbox))
        return None


def procurement_record(row: DataRow) -> Record | None:
    """The dictionary names no procurement fields yet: every cell is kept under ``extra`` by header."""
    extra = extra_values(row, None, None, None)
    if not any(v is not None for v in extra.values()):
        return None
    return with_lineage({"extra": extra}, row, None)


def typed_value(name: str, raw: str | None, amounts: set[str]) -> Any:
    """A field's typed value; an amount cell that is not a number raises :class:`AmountNotNumber`."""
    if name in _INT_FIELDS:
        return parse_int(raw)
    if name in amounts:
        try:
            return parse_amount(raw)
        except ValueError as exc:
            raise AmountNotNumber(name, clean_text(raw)) from exc
    if name in _CODE_FIELDS:
        return compact(raw) or None
    return optional_text(raw)


def with_lineage(record: Record, row: DataRow, side: str | None) -> Record:
    record["pages"] = list(row.pages)
    cells = [bbox for (s, _), bbox in row.cells.items() if side is None or s in (None, side)]
    if side is not None and cells:
        xs0, tops, xs1, bottoms = zip(*cells, strict=True)
        record["bbox"] = [min(xs0), min(tops), max(xs1), max(bottoms)]
    else:
        record["bbox"] = row.bbox
    return record


