"""Pure functions that turn the pipeline's record dicts into column values, and back.

Why separate from the repository: mapping is where data could silently be lost (a number
printed as text, a key the schema does not know), so it is small, pure and tested on its own.
Nothing is dropped: the record's ``extra`` (printed columns the dictionary does not name) goes
to the ``extra`` JSON column as it is; a key without a column, or a value that does not fit its
column's type, is kept in the row's ``unmapped`` JSON under its own name.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import JSON, Integer, Numeric
from sqlalchemy.orm import DeclarativeBase

from budget_etl.contract import INDICATOR_FIELDS

#: record keys that carry lineage rather than data
LINEAGE_KEYS = ("pages", "bbox", "ocr_confidence")
_LINEAGE_COLUMNS = ("page", "pages", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "ocr_confidence")
_BOOKKEEPING_COLUMNS = (
    "id", "version_id", "table_id", "row_index", "extra", "unmapped", "project_id", "position",
)
_MISSING = object()


def data_columns(model: type[DeclarativeBase]) -> dict[str, Any]:
    """The model's columns that hold record fields (not keys, lineage or bookkeeping)."""
    skip = set(_LINEAGE_COLUMNS) | set(_BOOKKEEPING_COLUMNS)
    return {c.key: c.type for c in model.__table__.columns if c.key not in skip}


def to_decimal(value: Any) -> Decimal | object | None:
    """A number for a Numeric column, None for blank; ``_MISSING`` when it is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return _MISSING
    if isinstance(value, Decimal):
        return value if value.is_finite() else _MISSING
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            return _MISSING
        return number if number.is_finite() else _MISSING
    return _MISSING


def to_int(value: Any) -> int | object | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return _MISSING
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float) and value == int(value):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return _MISSING


def to_text(value: Any) -> str | None:
    return None if value is None else str(value)


def coerce(column_type: Any, value: Any) -> Any:
    """The value as the column's type, or ``_MISSING`` when it cannot be stored there faithfully."""
    if isinstance(column_type, Numeric):
        return to_decimal(value)
    if isinstance(column_type, Integer):
        return to_int(value)
    if isinstance(column_type, JSON):  # e.g. the cells of an ``other`` table's row
        return jsonable(value) if isinstance(value, list) else _MISSING
    if isinstance(value, dict | list):
        return _MISSING
    return to_text(value)


def lineage_values(record: dict[str, Any], table_pages: list[int]) -> dict[str, Any]:
    """Page(s), bbox and OCR confidence of a record; a one-page table gives its page to records without."""
    pages = [int(p) for p in record.get("pages") or []]
    if not pages and len(table_pages) == 1:
        pages = list(table_pages)
    bbox = record.get("bbox")
    box = [float(v) for v in bbox] if isinstance(bbox, list | tuple) and len(bbox) == 4 else [None] * 4
    return {
        "page": pages[0] if pages else None,
        "pages": pages or None,
        "bbox_x0": box[0],
        "bbox_top": box[1],
        "bbox_x1": box[2],
        "bbox_bottom": box[3],
        "ocr_confidence": _confidence(record.get("ocr_confidence")),
    }


def _confidence(value: Any) -> float | None:
    """The OCR reader's confidence (0–1); None for a record read from a text layer or Office file."""
    return float(value) if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else None


def record_values(
    model: type[DeclarativeBase], record: dict[str, Any], *, skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Column values for one record: typed fields, ``extra`` as printed, the rest in ``unmapped``."""
    columns = data_columns(model)
    values: dict[str, Any] = dict.fromkeys(columns)  # every column, so multi-row INSERTs line up
    unmapped: dict[str, Any] = {}
    extra = record.get("extra")
    has_extra_column = "extra" in model.__table__.columns
    for key, value in record.items():
        if key in skip or key in LINEAGE_KEYS or (key == "extra" and isinstance(extra, dict)):
            continue
        column_type = columns.get(key)
        converted = _MISSING if column_type is None else coerce(column_type, value)
        if converted is _MISSING:
            unmapped[key] = jsonable(value)
        else:
            values[key] = converted
    if has_extra_column:
        values["extra"] = jsonable(extra) if isinstance(extra, dict) and extra else None
    values["unmapped"] = unmapped or None
    return values


def indicator_values(indicator: dict[str, Any], model: type[DeclarativeBase] | None = None) -> dict[str, Any]:
    """Column values for one indicator of a 绩效 form (``INDICATOR_FIELDS``; the rest goes to
    ``unmapped``); ``model`` is the indicator table (project indicators unless told)."""
    from storage.models import ProjectIndicator

    values = record_values(model or ProjectIndicator, indicator)
    for name in INDICATOR_FIELDS:
        values.setdefault(name, None)
    return values


def jsonable(value: Any) -> Any:
    """JSON-safe copy (Decimals as strings so no digit is lost)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def format_decimal(value: Decimal | None) -> str:
    """Amounts in exports: two decimals like the printed tables, more only when they carry digits."""
    if value is None:
        return ""
    two = value.quantize(Decimal("0.01"))
    return str(two) if two == value else str(value.normalize())
