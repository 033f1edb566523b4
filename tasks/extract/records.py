"""Typed records from stitched rows: the data dictionary's fields and normalisation.

Amount fields become ``Decimal`` (blank → ``None``), ``line_no`` an int, ``code`` a digit
string with whitespace removed, text fields one clean value. Two-sided tables give one
record per filled side of a row. Every record carries lineage: ``pages`` and ``bbox``.
"""

from __future__ import annotations

from typing import Any

from budget_etl.contract import TABLE_TYPES, TWO_SIDED
from tasks.extract.numbers import parse_amount_or_none, parse_int
from tasks.extract.stitch import DataRow
from tasks.extract.text import clean_text, compact, optional_text

Record = dict[str, Any]

_INT_FIELDS = {"line_no"}
_CODE_FIELDS = {"code"}
_SIDES = ("revenue", "expenditure")


def build_records(slug: str, rows: list[DataRow]) -> list[Record]:
    if slug in TWO_SIDED:
        return [rec for row in rows for rec in two_sided_records(slug, row)]
    if slug == "government_procurement":
        return [rec for row in rows if (rec := procurement_record(row))]
    return [one_sided_record(slug, row) for row in rows]


def one_sided_record(slug: str, row: DataRow) -> Record:
    fields = TABLE_TYPES[slug].fields
    amounts = set(TABLE_TYPES[slug].amount_fields) | ({"quantity"} if slug == "fixed_assets" else set())
    record: Record = {}
    for name in fields:
        record[name] = typed_value(name, row.values.get((None, name)), amounts)
    return with_lineage(record, row, None)


def two_sided_records(slug: str, row: DataRow) -> list[Record]:
    fields = TABLE_TYPES[slug].fields
    amounts = set(TABLE_TYPES[slug].amount_fields)
    line_no = parse_int(row.values.get((None, "line_no")))
    out = []
    for side in _SIDES:
        values = {name: typed_value(name, row.values.get((side, name)), amounts)
                  for name in fields if name not in ("line_no", "side")}
        if all(v is None for v in values.values()):
            continue
        record: Record = {"line_no": line_no, "side": side, **values}
        out.append(with_lineage(record, row, side))
    return out


def procurement_record(row: DataRow) -> Record | None:
    """The dictionary names no procurement fields yet: keep the filled cells by header."""
    values = {f"col_{i}": clean_text(v) for i, v in enumerate(row.values.values()) if clean_text(v)}
    return with_lineage(values, row, None) if values else None


def typed_value(name: str, raw: str | None, amounts: set[str]) -> Any:
    if name in _INT_FIELDS:
        return parse_int(raw)
    if name in amounts:
        return parse_amount_or_none(raw)
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


