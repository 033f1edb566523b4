"""The budget-vs-final export: per code, the 预算数 a stored 决算 prints vs the budget's own figure.

When the 预算 (``budget_disclosure``) and the 决算 (``final_accounts``) of the same department, year and
scope are both stored, the newest exportable version of each is read back from storage into the
pipeline's plain data and compared by ``tasks.validate.budget_vs_final`` — the same rules (codes,
三公 items by meaning, units converted to the coarser one, printed-rounding tolerance) whether the
documents come from an extract JSON or from the database. A row that disagrees carries the finding
(``budget_vs_final.budget_amount``) with its message and the 决算 page; the view ``budget_vs_final``
(migration 0007) pairs the same rows in SQL, each figure in its own table's unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from budget_etl.contract import FINAL_ACCOUNTS_KIND
from budget_etl.departments import department_key
from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable
from storage.engine import store_error_from
from storage.models import RECORD_MODELS, Document, DocumentTable, DocumentVersion
from storage.records import data_columns
from tasks.validate.budget_vs_final import BUDGET_AMOUNT, PAIRS, ComparisonRow, compare_budget_and_final

if TYPE_CHECKING:
    from storage.export import ExportTable

#: the budget kind a 决算 is compared with (a narrative-only file has no tables to compare)
BUDGET_KIND = "budget_disclosure"
#: the table types the comparison reads, from ``budget_vs_final.PAIRS``
COMPARED_TABLES = tuple(dict.fromkeys(slug for f, _, b, _, _ in PAIRS for slug in (f, b)))

#: amounts converted between units (元 → 亿元 moves 8 places) keep every printed digit at scale 10
AMOUNT = pa.decimal128(38, 10)
COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("department_name", pa.string()),
    ("budget_year", pa.int64()),
    ("scope", pa.string()),
    ("final_sha256", pa.string()),
    ("budget_sha256", pa.string()),
    ("final_table", pa.string()),
    ("key", pa.string()),
    ("name", pa.string()),
    ("unit", pa.string()),
    ("budget_in_final", AMOUNT),
    ("budget_document", AMOUNT),
    ("final_amount", AMOUNT),
    ("agrees", pa.string()),
    ("check", pa.string()),
    ("message", pa.string()),
    ("final_page", pa.int64()),
    ("budget_page", pa.int64()),
)
SCALE = Decimal(10) ** -10


@dataclass(frozen=True)
class StoredVersion:
    """The newest exportable version of a document, with what pairs it with another."""

    version_id: int
    sha256: str
    meta: DocumentMeta

    def pair_key(self) -> tuple[str, int | None, str]:
        return (
            department_key(self.meta.department_name) or "",  # one department however printed
            self.meta.budget_year,
            self.meta.scope or "department",
        )


def latest_documents(conn: Connection) -> list[StoredVersion]:
    from storage.export import latest_versions

    query = (
        select(
            DocumentVersion.id,
            DocumentVersion.sha256,
            DocumentVersion.unit,
            DocumentVersion.page_count,
            Document.kind,
            Document.department_code,
            Document.department_name,
            Document.budget_year,
            Document.scope,
            Document.narrative_only,
        )
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(DocumentVersion.id.in_(latest_versions()))
        .order_by(DocumentVersion.sha256)
    )
    found = []
    for row in conn.execute(query):
        meta = DocumentMeta(
            kind=row.kind,
            department_code=row.department_code,
            department_name=row.department_name,
            budget_year=row.budget_year,
            unit=row.unit,
            page_count=row.page_count,
            sha256=row.sha256,
            scope=row.scope,
            narrative_only=bool(row.narrative_only),
        )
        found.append(StoredVersion(row.id, row.sha256, meta))
    return found


def pairs(versions: list[StoredVersion]) -> Iterator[tuple[StoredVersion, StoredVersion]]:
    """(final accounts, budget) of the same department, year and scope, in a stable order."""
    budgets: dict[tuple[str, int | None, str], list[StoredVersion]] = {}
    for version in versions:
        if version.meta.kind == BUDGET_KIND and not version.meta.narrative_only:
            budgets.setdefault(version.pair_key(), []).append(version)
    finals = [v for v in versions if v.meta.kind == FINAL_ACCOUNTS_KIND]
    for final in sorted(finals, key=lambda v: (*map(str, v.pair_key()), v.sha256)):
        for budget in budgets.get(final.pair_key(), []):
            yield final, budget


def load_document(conn: Connection, version: StoredVersion) -> ExtractedDocument:
    """The version's compared tables as the pipeline's plain data (records with their stored fields)."""
    doc = ExtractedDocument(version.meta)
    with Session(bind=conn) as session:
        tables = session.scalars(
            select(DocumentTable)
            .where(DocumentTable.version_id == version.version_id, DocumentTable.type.in_(COMPARED_TABLES))
            .order_by(DocumentTable.position)
        ).all()
        for table in tables:
            model = RECORD_MODELS[table.type]
            fields = list(data_columns(model))
            rows = session.scalars(select(model).where(model.table_id == table.id).order_by(model.row_index))
            records = [{**{f: getattr(r, f) for f in fields}, "pages": list(r.pages or [])} for r in rows]
            doc.tables.append(
                ExtractedTable(table.type, table.title, list(table.pages), records, unit=table.unit)
            )
    return doc


def export_rows(
    final: StoredVersion, budget: StoredVersion, final_doc: ExtractedDocument, budget_doc: ExtractedDocument
) -> list[tuple[Any, ...]]:
    rows, findings = compare_budget_and_final(budget_doc, final_doc)
    disagreements = iter(f for f in findings if f.check == BUDGET_AMOUNT)
    out = []
    for row in rows:
        finding = next(disagreements) if row.agrees is False else None
        out.append(as_tuple(final, budget, row, finding.message if finding else None))
    return out


def exact(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(SCALE)


def as_tuple(final: StoredVersion, budget: StoredVersion, row: ComparisonRow, message: str | None) -> tuple:
    return (
        final.meta.department_name,
        final.meta.budget_year,
        final.meta.scope,
        final.sha256,
        budget.sha256,
        row.table,
        row.key,
        row.name,
        row.unit,
        exact(row.budget_in_final),
        exact(row.budget_document),
        exact(row.final_amount),
        "" if row.agrees is None else str(row.agrees).lower(),
        BUDGET_AMOUNT if message else None,
        message,
        row.final_pages[0] if row.final_pages else None,
        row.budget_pages[0] if row.budget_pages else None,
    )


def export_budget_vs_final(engine: Engine) -> ExportTable:
    """One row per compared code / 三公 item of every stored (决算, 预算) pair of a department-year."""
    from storage.export import ExportTable

    try:
        with engine.connect() as conn:
            rows: list[tuple[Any, ...]] = []
            for final, budget in pairs(latest_documents(conn)):
                rows += export_rows(final, budget, load_document(conn, final), load_document(conn, budget))
    except SQLAlchemyError as exc:
        raise store_error_from(exc, doing="exporting budget_vs_final") from exc
    return ExportTable(columns=[c for c, _ in COLUMNS], types=[t for _, t in COLUMNS], rows=rows)
