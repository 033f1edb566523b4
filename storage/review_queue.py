"""The review queue's reading side and shared rules: what an item is about, how it is shown.

An item is about a file (its sha256) or, when nothing could be fetched, a URL; at most one item
per subject is open. ``ReviewSummary``/``ReviewDetail`` are what ``review list``/``show`` print.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budget_etl.document import DocumentMeta
from budget_etl.errors import Reason, ReviewError, StoreError
from storage.audit import record_change
from storage.models import AuditEntry, Document, DocumentVersion, FetchedFile, FindingRow, ReviewItem

REVIEW_STATUSES = ("open", "resolved", "waived")


@dataclass(frozen=True)
class ReviewSummary:
    """One row of ``review list``."""

    id: int
    status: str
    stage: str
    reason: str
    message: str
    attempts: int
    sha256: str | None
    source_url: str | None
    department_name: str | None
    budget_year: int | None
    created_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReviewDetail:
    """Everything a reviewer needs for ``review show``: why, evidence, links, history."""

    item: ReviewSummary
    raw_uri: str | None
    report_uri: str | None
    version_id: int | None
    version_state: str | None
    resolution: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(out.pop("item"))
        return out


def subject_of(sha256: str | None, source_url: str | None) -> str:
    """What a review item is about: the file, or — when nothing was fetched — the URL."""
    if sha256:
        return sha256
    if source_url:
        return f"url:{source_url}"
    raise StoreError(Reason.STORE_FAILED, "a review item needs the file's sha256 or its source URL")


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def find_item(session: Session, item_id: int, *, lock: bool = False) -> ReviewItem:
    """The item by id (row-locked with ``lock`` for a state change); ``ReviewError`` when there is none."""
    query = select(ReviewItem).where(ReviewItem.id == item_id)
    item = session.scalar(query.with_for_update() if lock else query)
    if item is None:
        raise ReviewError(Reason.UNKNOWN_REVIEW_ITEM, f"there is no review item {item_id}")
    return item


def find_open_item(session: Session, item_id: int, *, action: str, lock: bool = False) -> ReviewItem:
    """The item, if it is still open: a resolved or waived item cannot be waived or retried again."""
    item = find_item(session, item_id, lock=lock)
    if item.status != "open":
        raise ReviewError(
            Reason.INVALID_STATE, f"review item {item_id} is {item.status}; only open items can be {action}"
        )
    return item


def stored_raw_uri(session: Session, sha256: str) -> str | None:
    """Where the raw store keeps the file, so a reviewer (and a retry) can open it."""
    return session.scalar(select(FetchedFile.raw_uri).where(FetchedFile.sha256 == sha256))


def summarize(session: Session, item: ReviewItem) -> ReviewSummary:
    """The item as ``review list`` shows it, with the department and year of its version when known."""
    department, year = None, None
    if item.version_id is not None:
        row = session.execute(
            select(Document.department_name, Document.budget_year)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(DocumentVersion.id == item.version_id)
        ).first()
        if row is not None:
            department, year = row
    return ReviewSummary(
        id=item.id,
        status=item.status,
        stage=item.stage,
        reason=item.reason,
        message=item.message,
        attempts=item.attempts,
        sha256=item.sha256,
        source_url=item.source_url,
        department_name=department,
        budget_year=year,
        created_at=_iso(item.created_at),
        updated_at=_iso(item.updated_at),
    )


def describe(session: Session, item: ReviewItem) -> ReviewDetail:
    """The item with its latest attempt's findings, its version's state and its audit history."""
    findings = session.scalars(
        select(FindingRow)
        .where(FindingRow.review_item_id == item.id, FindingRow.attempt == item.attempts)
        .order_by(FindingRow.position)
    ).all()
    history = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "review_item", AuditEntry.entity_id == item.id)
        .order_by(AuditEntry.id)
    ).all()
    version_state = None
    if item.version_id is not None:
        version_state = session.scalar(
            select(DocumentVersion.state).where(DocumentVersion.id == item.version_id)
        )
    return ReviewDetail(
        item=summarize(session, item),
        raw_uri=item.raw_uri,
        report_uri=item.report_uri,
        version_id=item.version_id,
        version_state=version_state,
        resolution=item.resolution,
        findings=[
            {
                "check": f.check,
                "severity": f.severity,
                "message": f.message,
                "table": f.table_type,
                "line_no": f.line_no,
                "project_code": f.project_code,
                "field": f.field,
                "expected": f.expected,
                "actual": f.actual,
                "pages": f.pages or [],
            }
            for f in findings
        ],
        history=[
            {
                "at": _iso(a.at),
                "action": a.action,
                "from_state": a.from_state,
                "to_state": a.to_state,
                "actor": a.actor,
                "reason": a.reason,
            }
            for a in history
        ],
    )


def resolve_open_items(session: Session, meta: DocumentMeta, version_id: int, *, actor: str) -> None:
    """A passing run closes the file's open item (and a fetch-failure item of its URL)."""
    subjects = [meta.sha256] + ([f"url:{meta.source_url}"] if meta.source_url else [])
    items = session.scalars(
        select(ReviewItem)
        .where(ReviewItem.subject.in_(subjects), ReviewItem.status == "open")
        .with_for_update()
    ).all()
    for item in items:
        item.status = "resolved"
        item.attempts += 1  # the passing run was an attempt too (the item shows how many it took)
        item.version_id = version_id
        item.resolution = "a later run passed every stage"
        record_change(
            session,
            entity="review_item",
            entity_id=item.id,
            action="resolve",
            from_state="open",
            to_state="resolved",
            reason=item.resolution,
            actor=actor,
        )
