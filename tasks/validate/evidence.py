"""Build findings that point at the evidence: the table, the row (line_no or project), the field, the pages.

Every layer (schema, expectations, reconciliation) goes through ``finding_at`` so a reviewer
always gets the same coordinates, and the HTML report can put each finding beside its row.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pandas as pd

from budget_etl.document import ExtractedTable, Record
from budget_etl.findings import Finding, Severity
from tasks.validate.amounts import to_amount


def record_pages(record: Record | None, table: ExtractedTable | None) -> list[int]:
    """The record's own lineage pages when known, else the pages of its table."""
    if record is not None:
        pages = record.get("pages")
        if isinstance(pages, list) and pages:
            return [int(p) for p in pages]
    return list(table.pages) if table is not None else []


def as_evidence(value: Any) -> Any:
    """Figures become Decimal (exact, JSON-able); numpy scalars and pandas' NA become plain values."""
    if isinstance(value, Decimal) and not value.is_finite():
        return str(value)  # NaN/Infinity from a broken extract: shown as text, never a JSON error
    if hasattr(value, "item") and not isinstance(value, Decimal):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return to_amount(value)
    return value


def finding_at(
    check: str,
    message: str,
    *,
    table: ExtractedTable | None = None,
    record: Record | None = None,
    field: str | None = None,
    expected: Any = None,
    actual: Any = None,
    severity: Severity = Severity.ERROR,
    line_no: int | None = None,
) -> Finding:
    """One finding located at ``record`` of ``table`` (either may be None for document-wide checks)."""
    if line_no is None and record is not None and isinstance(record.get("line_no"), int):
        line_no = record["line_no"]
    project_code = record.get("project_code") if record is not None else None
    if project_code is not None and not isinstance(project_code, str):
        project_code = str(project_code)  # a broken extract may hand over a number here
    return Finding(
        check=check,
        severity=severity,
        message=message,
        table=table.type if table is not None else None,
        line_no=line_no,
        project_code=project_code,
        field=field,
        expected=as_evidence(expected),
        actual=as_evidence(actual),
        pages=record_pages(record, table),
    )
