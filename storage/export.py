"""Exports of one table type: the latest accepted (or waived) version of every document.

Why it is careful about order and format: "the same batch twice gives identical exports" is a
promise checked byte for byte, so rows are sorted by stable keys (never by generated ids or
timestamps) and no run-dependent value is written.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import JSON, Engine, Float, Integer, Numeric, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import Select

from budget_etl.contract import FINAL_TABLE_TYPES, INDICATOR_FIELDS, OTHER_TABLE, TABLE_TYPES
from budget_etl.errors import Reason, StoreError
from storage.engine import store_error_from
from storage.models import (
    EXPORTABLE_STATES,
    FORM_INDICATORS,
    RECORD_MODELS,
    DepartmentIndicator,
    DepartmentPerformance,
    Document,
    DocumentTable,
    DocumentVersion,
    ProjectIndicator,
    ProjectPerformance,
    RecordBase,
)
from storage.records import format_decimal

#: indicator exports: name → (the form model, its indicator model, the form columns each row repeats)
INDICATOR_EXPORTS: dict[str, tuple[type[RecordBase], Any, tuple[str, ...]]] = {
    "project_indicators": (ProjectPerformance, ProjectIndicator, ("project_code", "project_name")),
    "department_indicators": (DepartmentPerformance, DepartmentIndicator, ("title", "unit_name")),
}
#: the budget-vs-final comparison per code (``storage.final_export``), not a record table
BUDGET_VS_FINAL = "budget_vs_final"
#: every ``--table`` value: the dictionary's table types (budget and 决算) plus the indicators of
#: the 绩效 forms, the narrative figures and the budget-vs-final comparison
EXPORT_TABLES: tuple[str, ...] = (*RECORD_MODELS, *INDICATOR_EXPORTS, "narrative_figures", BUDGET_VS_FINAL)
#: the record fields of a table type, budget or 决算 (slugs never collide)
_TABLE_TYPES = {**TABLE_TYPES, **FINAL_TABLE_TYPES}
FORMATS = ("csv", "parquet")

DOCUMENT_COLUMNS = (
    "kind",
    "department_code",
    "department_name",
    "budget_year",
    "scope",
    "unit",  # the unit of the row's table (its amounts are in it), else the document's
    "version_no",
    "version_state",
    "sha256",
)
LINEAGE_COLUMNS = ("table_title", "row_index", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")


def latest_versions() -> Select[tuple[int]]:
    """Ids of the newest exportable version of each logical document."""
    ranked = (
        select(
            DocumentVersion.id,
            func.row_number()
            .over(partition_by=DocumentVersion.document_id, order_by=DocumentVersion.version_no.desc())
            .label("rank"),
        )
        .where(DocumentVersion.state.in_(EXPORTABLE_STATES))
        .subquery()
    )
    return select(ranked.c.id).where(ranked.c.rank == 1)


@dataclass(frozen=True)
class ExportTable:
    """Column names, their arrow types and the rows, in export order."""

    columns: list[str]
    types: list[pa.DataType]
    rows: list[tuple[Any, ...]]


def record_fields(table_type: str) -> list[str]:
    """The dictionary's field names for a table type (a form's indicators are their own export)."""
    if table_type in INDICATOR_EXPORTS:
        return [*INDICATOR_EXPORTS[table_type][2], *INDICATOR_FIELDS]
    if table_type == OTHER_TABLE:
        return ["cells", "extra"]
    fields = [f for f in _TABLE_TYPES[table_type].fields if f != "indicators"]
    # a table type without fixed columns exports its records as JSON; every table its ``extra``
    return [*(fields or ["data"]), "extra"]


#: export columns holding JSON (written as JSON text, keys sorted): name → the model attribute
JSON_EXPORT_COLUMNS = {"data": "unmapped", "extra": "extra", "cells": "cells"}


def _arrow_type(column: Any) -> pa.DataType:
    # Float before Numeric: in SQLAlchemy 2.0 Float is a subclass of Numeric (bbox floats are no decimals)
    if isinstance(column.type, Float):
        return pa.float64()
    if isinstance(column.type, Numeric):
        return pa.decimal128(column.type.precision or 18, column.type.scale or 4)
    if isinstance(column.type, Integer):
        return pa.int64()
    return pa.string()


def build_query(table_type: str) -> tuple[Select[Any], list[pa.DataType]]:
    """The rows of one export, in deterministic order, with their arrow types."""
    if table_type in INDICATOR_EXPORTS:
        model: type[RecordBase] = INDICATOR_EXPORTS[table_type][0]
        indicator_model = INDICATOR_EXPORTS[table_type][1]
        data = [getattr(model, name) for name in INDICATOR_EXPORTS[table_type][2]] + [
            getattr(indicator_model, name) for name in INDICATOR_FIELDS
        ]
    else:
        model = RECORD_MODELS[table_type]
        names = record_fields(table_type)
        data = [getattr(model, JSON_EXPORT_COLUMNS.get(name, name)) for name in names]
    document = [
        Document.kind,
        Document.department_code,
        Document.department_name,
        Document.budget_year,
        Document.scope,
        func.coalesce(DocumentTable.unit, DocumentVersion.unit),
        DocumentVersion.version_no,
        DocumentVersion.state,
        DocumentVersion.sha256,
    ]
    lineage = [
        DocumentTable.title,
        model.row_index,
        model.page,
        model.bbox_x0,
        model.bbox_top,
        model.bbox_x1,
        model.bbox_bottom,
    ]
    query = (
        select(*document, *data, *lineage, DocumentTable.position)  # position: for corrected_fields
        .join_from(model, DocumentVersion, model.version_id == DocumentVersion.id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .join(DocumentTable, DocumentTable.id == model.table_id)
        .where(DocumentVersion.id.in_(latest_versions()))
    )
    order = [
        func.coalesce(Document.department_name, ""),
        func.coalesce(Document.budget_year, 0),
        Document.kind,
        DocumentVersion.sha256,
        DocumentTable.position,
        model.row_index,
    ]
    if table_type in INDICATOR_EXPORTS:
        indicator_model = INDICATOR_EXPORTS[table_type][1]
        parent = FORM_INDICATORS[model.__tablename__][1]
        query = query.join(indicator_model, getattr(indicator_model, parent) == model.id)
        order.append(indicator_model.position)
    types = [_arrow_type(c) for c in (*document, *data, *lineage)]
    for i, column in enumerate(data):
        if isinstance(column.type, JSON):
            types[len(document) + i] = pa.string()
    return query.order_by(*order), types


def export_table(engine: Engine, table_type: str) -> ExportTable:
    """Read one table type's export from the database."""
    if table_type not in EXPORT_TABLES:
        raise StoreError(
            Reason.STORE_FAILED, f"unknown table {table_type!r}; choose one of: {', '.join(EXPORT_TABLES)}"
        )
    if table_type == "narrative_figures":  # what a 情况说明 states: a narrative-only file's data
        from storage.narrative_export import export_narrative_figures

        return export_narrative_figures(engine)
    if table_type == BUDGET_VS_FINAL:  # 预算数 printed in a 决算 vs the 预算 document's own figure
        from storage.final_export import export_budget_vs_final

        return export_budget_vs_final(engine)
    query, types = build_query(table_type)
    try:
        with engine.connect() as conn:
            rows = [tuple(row) for row in conn.execute(query)]
    except SQLAlchemyError as exc:
        raise store_error_from(exc, doing=f"exporting {table_type}") from exc
    rows = with_corrected_fields(engine, rows)
    columns = [*DOCUMENT_COLUMNS, *record_fields(table_type), *LINEAGE_COLUMNS, "corrected_fields"]
    for i, name in enumerate(record_fields(table_type)):
        if name in JSON_EXPORT_COLUMNS:
            rows = [_with_json(row, len(DOCUMENT_COLUMNS) + i) for row in rows]
    return ExportTable(columns=columns, types=[*types, pa.string()], rows=rows)


def with_corrected_fields(engine: Engine, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Replace each row's trailing table position by the fields a reviewer corrected in it.

    ``corrected_fields`` is the comma-separated, sorted field names (blank when none); the values
    themselves are already the corrected ones. See ``storage.corrections``.
    """
    from storage.corrections import Correction

    sha_at = DOCUMENT_COLUMNS.index("sha256")
    shas = sorted({row[sha_at] for row in rows})
    corrected: dict[tuple[str, int, int], set[str]] = {}
    if shas:
        query = select(
            Correction.sha256, Correction.table_position, Correction.row_index, Correction.field
        ).where(Correction.status == "active", Correction.sha256.in_(shas))
        try:
            with engine.connect() as conn:
                for sha, position, index, name in conn.execute(query):
                    corrected.setdefault((sha, position, index), set()).add(name)
        except SQLAlchemyError as exc:
            raise store_error_from(exc, doing="reading corrections for an export") from exc
    out = []
    for row in rows:
        *values, position = row
        index = values[len(values) - len(LINEAGE_COLUMNS) + LINEAGE_COLUMNS.index("row_index")]
        out.append((*values, ",".join(sorted(corrected.get((row[sha_at], position, index), ())))))
    return out


def _with_json(row: tuple[Any, ...], index: int) -> tuple[Any, ...]:
    value = row[index]
    text = None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return (*row[:index], text, *row[index + 1 :])


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else value


def to_csv(table: ExportTable) -> bytes:
    """UTF-8 CSV with a header row; blank cells for nulls; amounts as printed (two decimals)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8")


def to_parquet(table: ExportTable) -> bytes:
    """Parquet with typed columns (amounts as decimal128, exact)."""
    schema = pa.schema([pa.field(name, kind) for name, kind in zip(table.columns, table.types, strict=True)])
    columns = list(zip(*table.rows, strict=True)) if table.rows else [()] * len(table.columns)
    arrow = pa.Table.from_arrays(
        [pa.array(list(values), type=kind) for values, kind in zip(columns, table.types, strict=True)],
        schema=schema,
    )
    sink = io.BytesIO()
    pq.write_table(arrow, sink)
    return sink.getvalue()


def write_export(engine: Engine, table_type: str, fmt: str, out: Path) -> int:
    """Write one export file atomically; returns the number of rows."""
    if fmt not in FORMATS:
        raise StoreError(Reason.STORE_FAILED, f"unknown format {fmt!r}; choose csv or parquet")
    table = export_table(engine, table_type)
    payload = to_csv(table) if fmt == "csv" else to_parquet(table)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    tmp.write_bytes(payload)
    tmp.replace(out)
    return len(table.rows)
