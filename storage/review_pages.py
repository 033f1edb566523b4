"""Read-only queries behind the review web app: the filtered queue and an item's stored tables.

Why here and not in the web package: the web pages hold no SQL and no rules; they render what
these functions return (plain dataclasses), exactly as the CLI renders ``review_queue``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from budget_etl.errors import Reason, ReviewError
from storage.corrections import Correction
from storage.models import (
    RECORD_MODELS,
    AuditEntry,
    Document,
    DocumentTable,
    DocumentVersion,
    FindingRow,
    Publisher,
    ReviewItem,
    Source,
)
from storage.records import data_columns
from storage.review_queue import REVIEW_STATUSES, summarize


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    publisher: str | None = None
    stage: str | None = None
    reason: str | None = None
    check: str | None = None


@dataclass(frozen=True)
class QueueRow:
    id: int
    status: str
    stage: str
    reason: str
    message: str
    attempts: int
    publisher: str | None
    department_name: str | None
    budget_year: int | None
    source_url: str | None
    checks: list[str]
    updated_at: str


@dataclass
class Queue:
    rows: list[QueueRow]
    counts: dict[str, int]
    publishers: list[str]
    stages: list[str]
    reasons: list[str]
    checks: list[str]


@dataclass
class StoredTable:
    """One table of a stored version, its records as dicts (fields, then lineage under ``_`` keys)."""

    position: int
    type: str
    title: str
    pages: list[int]
    columns: list[str]
    records: list[dict[str, Any]] = field(default_factory=list)


def publisher_of(session: Session, item: ReviewItem) -> str | None:
    """The publisher of the item's document, or of the source its URL came from."""
    if item.version_id is not None:
        name = session.scalar(
            select(Publisher.name)
            .join(Document, Document.publisher_id == Publisher.id)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(DocumentVersion.id == item.version_id)
        )
        if name:
            return name
    if item.source_url:
        return session.scalar(
            select(Publisher.name)
            .join(Source, Source.publisher_id == Publisher.id)
            .where(Source.url == item.source_url)
        )
    return None


def latest_checks(session: Session, item: ReviewItem) -> list[str]:
    rows = session.scalars(
        select(FindingRow.check)
        .where(FindingRow.review_item_id == item.id, FindingRow.attempt == item.attempts)
        .distinct()
    ).all()
    return sorted(rows)


def read_queue(engine: Engine, wanted: QueueFilter) -> Queue:
    """Open items first (then resolved/waived), oldest first within each; filters combine with AND."""
    with Session(engine) as session:
        items = session.scalars(select(ReviewItem).order_by(ReviewItem.id)).all()
        rows: list[QueueRow] = []
        for item in items:
            summary = summarize(session, item)
            row = QueueRow(
                id=item.id, status=item.status, stage=item.stage, reason=item.reason, message=item.message,
                attempts=item.attempts, publisher=publisher_of(session, item),
                department_name=summary.department_name, budget_year=summary.budget_year,
                source_url=item.source_url, checks=latest_checks(session, item),
                updated_at=summary.updated_at,
            )
            rows.append(row)
        by_status = select(ReviewItem.status, func.count()).group_by(ReviewItem.status)
        counts = dict(session.execute(by_status).tuples().all())
    options = Queue(
        rows=[],
        counts={status: int(counts.get(status, 0)) for status in REVIEW_STATUSES},
        publishers=sorted({r.publisher for r in rows if r.publisher}),
        stages=sorted({r.stage for r in rows}),
        reasons=sorted({r.reason for r in rows}),
        checks=sorted({c for r in rows for c in r.checks}),
    )
    order = {status: i for i, status in enumerate(REVIEW_STATUSES)}
    options.rows = sorted(
        (r for r in rows if matches(r, wanted)), key=lambda r: (order.get(r.status, 9), r.id)
    )
    return options


def matches(row: QueueRow, wanted: QueueFilter) -> bool:
    return (
        (not wanted.status or row.status == wanted.status)
        and (not wanted.publisher or row.publisher == wanted.publisher)
        and (not wanted.stage or row.stage == wanted.stage)
        and (not wanted.reason or row.reason == wanted.reason)
        and (not wanted.check or wanted.check in row.checks)
    )


def read_tables(engine: Engine, version_id: int | None) -> list[StoredTable]:
    """The stored tables of a version with their records (values a column could not hold included)."""
    if version_id is None:
        return []
    with Session(engine) as session:
        tables = session.scalars(
            select(DocumentTable)
            .where(DocumentTable.version_id == version_id)
            .order_by(DocumentTable.position)
        ).all()
        out = []
        for table in tables:
            model = RECORD_MODELS.get(table.type)
            columns = list(data_columns(model)) if model is not None else []
            stored = StoredTable(table.position, table.type, table.title, list(table.pages or []), columns)
            if model is not None:
                for row in session.scalars(
                    select(model).where(model.table_id == table.id).order_by(model.row_index)
                ):
                    stored.records.append(record_dict(row, columns))
            out.append(stored)
        return out


def record_dict(row: Any, columns: list[str]) -> dict[str, Any]:
    """A stored record as the pipeline's dict, plus ``_row_index``/``_page``/``_bbox``/``_ocr_confidence``."""
    record: dict[str, Any] = {c: getattr(row, c) for c in columns}
    for column in ("unmapped", "extra"):
        aside = getattr(row, column, None)
        if isinstance(aside, dict):
            for key, value in aside.items():
                if record.get(key) is None:
                    record[key] = value
    box = (row.bbox_x0, row.bbox_top, row.bbox_x1, row.bbox_bottom)
    record["_row_index"] = row.row_index
    record["_page"] = row.page
    record["pages"] = list(row.pages or ([row.page] if row.page else []))
    record["_bbox"] = None if any(v is None for v in box) else [float(v) for v in box]
    record["_ocr_confidence"] = row.ocr_confidence  # None unless the row was read by OCR
    return record


def correction_history(engine: Engine, item_id: int) -> list[dict[str, Any]]:
    """Audit rows of the item's corrections (correct / supersede / mark_stale / replace), oldest first."""
    with Session(engine) as session:
        ids = session.scalars(select(Correction.id).where(Correction.review_item_id == item_id)).all()
        if not ids:
            return []
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "correction", AuditEntry.entity_id.in_(ids))
            .order_by(AuditEntry.id)
        ).all()
        return [
            {"at": a.at.isoformat(timespec="seconds") if a.at else "", "action": a.action,
             "actor": a.actor, "reason": a.reason, "correction": a.entity_id}
            for a in rows
        ]


def item_publisher(engine: Engine, item_id: int) -> str | None:
    with Session(engine) as session:
        item = session.get(ReviewItem, item_id)
        if item is None:
            raise ReviewError(Reason.UNKNOWN_REVIEW_ITEM, f"there is no review item {item_id}")
        return publisher_of(session, item)


def version_meta(engine: Engine, version_id: int | None) -> dict[str, Any]:
    """Kind, department, year, unit, pages and state of a stored version ({} without one)."""
    if version_id is None:
        return {}
    with Session(engine) as session:
        row = session.execute(
            select(
                Document.kind, Document.department_code, Document.department_name, Document.budget_year,
                DocumentVersion.unit, DocumentVersion.page_count, DocumentVersion.state,
                DocumentVersion.version_no,
            )
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(DocumentVersion.id == version_id)
        ).first()
    return dict(row._mapping) if row is not None else {}
