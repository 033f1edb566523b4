"""Export of the figures the 情况说明 states (``narrative_figures``), per latest exportable version.

Why its own export: a narrative-only file (the explanation published apart from its tables) has
no records at all; its figures are its data, so they must be as reachable as any table's rows.
Rows are sorted by stable keys only, like every export (identical batches, identical bytes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from storage.engine import store_error_from
from storage.models import Document, DocumentCompanion, DocumentVersion, NarrativeFigure

if TYPE_CHECKING:
    from storage.export import ExportTable

NARRATIVE_FIGURES = "narrative_figures"
COLUMNS = (
    "kind",
    "department_code",
    "department_name",
    "budget_year",
    "scope",
    "narrative_only",
    "companion_sha256",
    "version_no",
    "version_state",
    "sha256",
    "figure",
    "label",
    "value",
    "unit",
    "value_wan",
    "page",
)
AMOUNT = pa.decimal128(18, 4)
TYPES = (
    pa.string(),
    pa.string(),
    pa.string(),
    pa.int64(),
    pa.string(),
    pa.bool_(),
    pa.string(),
    pa.int64(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
    AMOUNT,
    pa.string(),
    AMOUNT,
    pa.int64(),
)


def export_narrative_figures(engine: Engine) -> ExportTable:
    """Every stated figure of the latest accepted/waived version of each document."""
    from storage.export import ExportTable, latest_versions

    companion = (
        select(func.min(DocumentVersion.sha256))
        .join(DocumentCompanion, DocumentCompanion.companion_id == DocumentVersion.document_id)
        .where(DocumentCompanion.document_id == Document.id, DocumentVersion.id.in_(latest_versions()))
        .scalar_subquery()
    )
    query = (
        select(
            Document.kind,
            Document.department_code,
            Document.department_name,
            Document.budget_year,
            Document.scope,
            Document.narrative_only,
            companion,
            DocumentVersion.version_no,
            DocumentVersion.state,
            DocumentVersion.sha256,
            NarrativeFigure.figure,
            NarrativeFigure.label,
            NarrativeFigure.value,
            NarrativeFigure.unit,
            NarrativeFigure.value_wan,
            NarrativeFigure.page,
        )
        .join_from(NarrativeFigure, DocumentVersion, NarrativeFigure.version_id == DocumentVersion.id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(DocumentVersion.id.in_(latest_versions()))
        .order_by(
            func.coalesce(Document.department_name, ""),
            func.coalesce(Document.budget_year, 0),
            Document.kind,
            DocumentVersion.sha256,
            NarrativeFigure.position,
        )
    )
    try:
        with engine.connect() as conn:
            rows: list[tuple[Any, ...]] = [(*row[:5], bool(row[5]), *row[6:]) for row in conn.execute(query)]
    except SQLAlchemyError as exc:
        raise store_error_from(exc, doing=f"exporting {NARRATIVE_FIGURES}") from exc
    return ExportTable(columns=list(COLUMNS), types=list(TYPES), rows=rows)
