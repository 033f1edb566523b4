"""The one database interface the flows use: sources, fetches, files, documents, the review queue.

Why one class: every state change of a document (accepted, sent to review, waived, resolved)
happens here, in one transaction each, with an audit row — so the rules "exactly one copy",
"nothing half-written" and "every change has a who/when/why" live in a single place.

* Exactly one copy: ``document_versions.sha256`` is unique. A writer that loses a race gets a
  unique-key violation, rolls its whole transaction back and finds the winner's version.
* Nothing half-written: a version, its tables, records, indicators and findings are written in
  one transaction; any fault rolls all of it back.
* Database faults surface as ``StoreError``: ``DATABASE_UNAVAILABLE`` (transient, retry later)
  or ``STORE_FAILED``. Review-queue misuse raises ``ReviewError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable
from budget_etl.errors import Reason, ReviewError, Stage, StoreError
from budget_etl.findings import Finding
from budget_etl.settings import get_settings
from storage.engine import make_engine, store_error_from
from storage.models import (
    RECORD_MODELS,
    AuditEntry,
    Document,
    DocumentTable,
    DocumentVersion,
    FetchedFile,
    FetchLog,
    FindingRow,
    ProjectIndicator,
    ProjectPerformance,
    Publisher,
    RecordBase,
    ReviewItem,
    Source,
)
from storage.records import indicator_values, jsonable, lineage_values, record_values

FETCH_OUTCOMES = ("downloaded", "not_modified", "failed")
REVIEW_STATUSES = ("open", "resolved", "waived")
#: version states whose records are visible in exports
EXPORTABLE_STATES = ("accepted", "waived")

T = TypeVar("T")


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


def require_sha256(value: str | None) -> str:
    """A version is identified by its file's hash; without one "exactly once" cannot hold."""
    if not value or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise StoreError(
            Reason.STORE_FAILED, f"the document has no valid sha256 ({value!r}); it cannot be stored once"
        )
    return value


def subject_of(sha256: str | None, source_url: str | None) -> str:
    """What a review item is about: the file, or — when nothing was fetched — the URL."""
    if sha256:
        return sha256
    if source_url:
        return f"url:{source_url}"
    raise StoreError(Reason.STORE_FAILED, "a review item needs the file's sha256 or its source URL")


def natural_key(meta: DocumentMeta, publisher_id: int | None) -> str:
    """The logical document: same publisher, kind, department and year → same document.

    A document whose department cannot be read is its own document (keyed by its hash), so two
    unreadable-department files never merge into one.
    """
    department = meta.department_name or (f"code:{meta.department_code}" if meta.department_code else None)
    department = department or f"sha256:{meta.sha256}"
    year = "" if meta.budget_year is None else str(meta.budget_year)
    return f"{publisher_id or ''}|{meta.kind}|{department}|{year}"


def is_unique_violation(exc: IntegrityError) -> bool:
    """A lost race on a unique key (retry finds the winner) vs. any other constraint (a real fault)."""
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text


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


def _bulk_insert(model: type[Any]) -> Any:
    """A Core multi-row INSERT … RETURNING id (ids in input order).

    Core, not the ORM's bulk path: the ORM splits a batch wherever rows differ in which values
    are None, which turns one statement into hundreds. RETURNING makes SQLAlchemy send the rows
    as multi-row VALUES batches on both SQLite and PostgreSQL.
    """
    table = model.__table__
    return table.insert().returning(table.c.id, sort_by_parameter_order=True)


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


class Repository:
    """Typed operations over the storage schema (see ``storage.models``).

    ``actor`` is who the pipeline's own state changes are attributed to in the audit log;
    people's actions (waive) pass their own.
    """

    def __init__(
        self, engine: Engine, *, actor: str = "budget-etl", write_attempts: int | None = None
    ) -> None:
        self.engine = engine
        self.actor = actor
        self.write_attempts = write_attempts or get_settings().db_write_attempts

    # --- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _session(self, doing: str) -> Iterator[Session]:
        """One transaction; any driver fault becomes a ``StoreError`` after a full rollback."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except IntegrityError:
            raise  # callers decide: a lost race is retried, anything else is translated
        except SQLAlchemyError as exc:
            raise store_error_from(exc, doing=doing) from exc

    def _write(self, doing: str, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction, re-running it when it lost a unique-key race."""
        for attempt in range(1, self.write_attempts + 1):
            try:
                with self._session(doing) as session:
                    return work(session)
            except IntegrityError as exc:
                if attempt < self.write_attempts and is_unique_violation(exc):
                    continue
                raise store_error_from(exc, doing=doing) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _audit(
        self,
        session: Session,
        *,
        entity: str,
        entity_id: int,
        action: str,
        from_state: str | None,
        to_state: str | None,
        reason: str | None,
        actor: str | None = None,
    ) -> None:
        session.add(
            AuditEntry(
                entity=entity,
                entity_id=entity_id,
                action=action,
                from_state=from_state,
                to_state=to_state,
                actor=actor or self.actor,
                reason=reason,
            )
        )

    # --- sources and fetches ------------------------------------------------------------------

    def upsert_source(
        self,
        *,
        publisher: str,
        region: str | None,
        department: str | None,
        year: int | None,
        kind: str | None,
        url: str,
        listing: bool,
    ) -> int:
        """Create or update the source at ``url`` (unique) and its publisher; returns the source id."""

        def work(session: Session) -> int:
            owner = session.scalar(select(Publisher).where(Publisher.name == publisher))
            if owner is None:
                owner = Publisher(name=publisher, region=region)
                session.add(owner)
                session.flush()
            elif region and owner.region != region:
                owner.region = region
            source = session.scalar(select(Source).where(Source.url == url))
            if source is None:
                source = Source(url=url, publisher_id=owner.id)
                session.add(source)
            source.publisher_id = owner.id
            source.department = department
            source.budget_year = year
            source.kind = kind
            source.listing = listing
            session.flush()
            return source.id

        return self._write(f"registering source {url}", work)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` from the last good fetch of ``url`` ({} if none)."""
        with self._session(f"reading the fetch log of {url}") as session:
            last = session.scalar(
                select(FetchLog)
                .where(FetchLog.url == url, FetchLog.outcome.in_(("downloaded", "not_modified")))
                .where((FetchLog.etag.is_not(None)) | (FetchLog.last_modified.is_not(None)))
                .order_by(FetchLog.id.desc())
                .limit(1)
            )
            headers: dict[str, str] = {}
            if last is not None and last.etag:
                headers["If-None-Match"] = last.etag
            if last is not None and last.last_modified:
                headers["If-Modified-Since"] = last.last_modified
            return headers

    def last_file(self, url: str) -> tuple[str, str] | None:
        """``(sha256, raw_uri)`` of the newest file registered from ``url`` (what a 304 refers to)."""
        with self._session(f"looking up the last file of {url}") as session:
            row = session.execute(
                select(FetchedFile.sha256, FetchedFile.raw_uri)
                .where(FetchedFile.url == url)
                .order_by(FetchedFile.id.desc())
                .limit(1)
            ).first()
            return (row[0], row[1]) if row else None

    def log_fetch(
        self,
        *,
        url: str,
        attempt: int,
        status_code: int | None,
        outcome: str,
        reason: str | None,
        message: str | None,
        etag: str | None,
        last_modified: str | None,
        sha256: str | None,
        size: int | None,
        elapsed_ms: int | None,
    ) -> None:
        """Record one HTTP attempt (outcome: downloaded | not_modified | failed)."""
        if outcome not in FETCH_OUTCOMES:
            raise ValueError(f"fetch outcome must be one of {FETCH_OUTCOMES}, not {outcome!r}")
        entry = FetchLog(
            url=url,
            attempt=attempt,
            status_code=status_code,
            outcome=outcome,
            reason=reason,
            message=message,
            etag=etag,
            last_modified=last_modified,
            sha256=sha256,
            size=size,
            elapsed_ms=elapsed_ms,
        )
        self._write(f"logging a fetch of {url}", lambda session: session.add(entry))

    def register_file(
        self,
        *,
        sha256: str,
        url: str | None,
        size: int,
        raw_uri: str,
        content_type: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> int:
        """Record a file already put in the raw store; idempotent by sha256, returns the file id."""

        def work(session: Session) -> int:
            existing = session.scalar(select(FetchedFile.id).where(FetchedFile.sha256 == sha256))
            if existing is not None:
                return existing
            row = FetchedFile(
                sha256=sha256,
                url=url,
                size=size,
                raw_uri=raw_uri,
                content_type=content_type,
                etag=etag,
                last_modified=last_modified,
            )
            session.add(row)
            session.flush()
            return row.id

        return self._write(f"registering file {sha256}", work)

    # --- documents ---------------------------------------------------------------------------

    def document_state(self, sha256: str) -> str | None:
        """``accepted`` | ``in_review`` | ``waived`` for the file with this hash; None if never processed."""
        with self._session(f"reading the state of {sha256}") as session:
            state = session.scalar(select(DocumentVersion.state).where(DocumentVersion.sha256 == sha256))
            if state is not None:
                return state
            status = session.scalar(
                select(ReviewItem.status).where(ReviewItem.subject == sha256).order_by(ReviewItem.id.desc())
            )
            return {"open": "in_review", "waived": "waived"}.get(status or "")

    def accept_document(
        self, doc: ExtractedDocument, findings: list[Finding], *, report_uri: str | None
    ) -> int:
        """Write the document version, its tables, records and (warning) findings in one transaction.

        Idempotent by ``doc.document.sha256``: a second call returns the existing version id.
        A version stored earlier for review (``in_review``) is rewritten with this reading and
        accepted. Resolves the file's open review item. Returns the document version id.
        """
        sha256 = require_sha256(doc.document.sha256)

        def work(session: Session) -> int:
            version = session.scalar(select(DocumentVersion).where(DocumentVersion.sha256 == sha256))
            if version is not None and version.state in EXPORTABLE_STATES:
                self._resolve_open_items(session, doc.document, version.id)
                return version.id
            from_state = version.state if version is not None else None
            version = self._write_version(session, doc, version, state="accepted", report_uri=report_uri)
            self._add_findings(session, findings, version_id=version.id)
            warnings = sum(1 for f in findings if f.severity.value == "warning")
            self._audit(
                session,
                entity="document_version",
                entity_id=version.id,
                action="accept",
                from_state=from_state,
                to_state="accepted",
                reason=f"passed all stages ({warnings} warning(s) kept)",
            )
            self._resolve_open_items(session, doc.document, version.id)
            return version.id

        return self._write(f"storing document {sha256}", work)

    def _write_version(
        self,
        session: Session,
        doc: ExtractedDocument,
        version: DocumentVersion | None,
        *,
        state: str,
        report_uri: str | None,
    ) -> DocumentVersion:
        """Create the version (or clear and refill an ``in_review`` one) with all its records."""
        meta = doc.document
        if version is None:
            document = self._document_for(session, meta)
            last = session.scalar(
                select(func.max(DocumentVersion.version_no)).where(DocumentVersion.document_id == document.id)
            )
            version = DocumentVersion(
                document_id=document.id,
                sha256=meta.sha256,
                version_no=(last or 0) + 1,
                state=state,
                source_url=meta.source_url,
                page_count=meta.page_count,
                unit=meta.unit,
                report_uri=report_uri,
            )
            session.add(version)
            session.flush()  # claims the sha256 now: a concurrent writer of the same file fails here
        else:
            self._clear_version(session, version.id)
            version.state = state
            version.page_count = meta.page_count
            version.unit = meta.unit
            version.source_url = meta.source_url or version.source_url
            version.report_uri = report_uri or version.report_uri
        self._add_tables(session, version.id, doc.tables)
        session.flush()
        return version

    def _document_for(self, session: Session, meta: DocumentMeta) -> Document:
        publisher_id = None
        if meta.source_url:
            publisher_id = session.scalar(select(Source.publisher_id).where(Source.url == meta.source_url))
        key = natural_key(meta, publisher_id)
        document = session.scalar(select(Document).where(Document.natural_key == key))
        if document is not None:
            # serialise version numbering per document (PostgreSQL; SQLite's BEGIN IMMEDIATE already does)
            session.execute(select(Document.id).where(Document.id == document.id).with_for_update())
        else:
            document = Document(
                natural_key=key,
                publisher_id=publisher_id,
                kind=meta.kind,
                department_code=meta.department_code,
                department_name=meta.department_name,
                budget_year=meta.budget_year,
            )
            session.add(document)
            session.flush()
        return document

    def _clear_version(self, session: Session, version_id: int) -> None:
        """Remove an unaccepted version's content before it is written again (children first)."""
        session.execute(delete(ProjectIndicator).where(ProjectIndicator.version_id == version_id))
        for model in RECORD_MODELS.values():
            session.execute(delete(model).where(model.version_id == version_id))
        session.execute(delete(DocumentTable).where(DocumentTable.version_id == version_id))
        session.execute(delete(FindingRow).where(FindingRow.version_id == version_id))

    def _add_tables(self, session: Session, version_id: int, tables: list[ExtractedTable]) -> None:
        """All tables, records and indicators of a version in a handful of multi-row INSERTs.

        One statement per record type rather than per table keeps a document's write to a few
        round trips, which is what matters on a networked PostgreSQL.
        """
        unknown = sorted({t.type for t in tables} - set(RECORD_MODELS))
        if unknown:
            raise StoreError(Reason.STORE_FAILED, f"no storage for table type(s): {', '.join(unknown)}")
        if not tables:
            return
        table_ids = session.scalars(
            _bulk_insert(DocumentTable),
            [
                {
                    "version_id": version_id,
                    "position": position,
                    "type": table.type,
                    "title": table.title,
                    "pages": list(table.pages),
                    "record_count": len(table.records),
                }
                for position, table in enumerate(tables)
            ],
        ).all()
        rows: dict[type[RecordBase], list[dict[str, Any]]] = {}
        projects: list[dict[str, Any]] = []
        for table_id, table in zip(table_ids, tables, strict=True):
            model = RECORD_MODELS[table.type]
            for index, record in enumerate(table.records):
                values = {
                    **record_values(model, record, skip=("indicators",)),
                    **lineage_values(record, table.pages),
                    "version_id": version_id,
                    "table_id": table_id,
                    "row_index": index,
                }
                if model is ProjectPerformance:
                    projects.append(record)
                rows.setdefault(model, []).append(values)
        for model, values in rows.items():
            if model is not ProjectPerformance:
                session.execute(_bulk_insert(model), values)
        if projects:
            self._add_projects(session, version_id, rows[ProjectPerformance], projects)

    def _add_projects(
        self, session: Session, version_id: int, values: list[dict[str, Any]], records: list[dict[str, Any]]
    ) -> None:
        """Projects in one INSERT … RETURNING (ids in input order), then all their indicators."""
        project_ids = session.scalars(_bulk_insert(ProjectPerformance), values).all()
        indicators = [
            {
                **indicator_values(indicator),
                "project_id": project_id,
                "version_id": version_id,
                "position": position,
            }
            for project_id, record in zip(project_ids, records, strict=True)
            for position, indicator in enumerate(record.get("indicators") or [])
        ]
        if indicators:
            session.execute(_bulk_insert(ProjectIndicator), indicators)

    def _add_findings(
        self,
        session: Session,
        findings: list[Finding],
        *,
        version_id: int | None = None,
        review_item_id: int | None = None,
        attempt: int | None = None,
    ) -> None:
        for position, finding in enumerate(findings):
            session.add(
                FindingRow(
                    version_id=version_id,
                    review_item_id=review_item_id,
                    attempt=attempt,
                    position=position,
                    check=finding.check,
                    severity=finding.severity.value,
                    message=finding.message,
                    table_type=finding.table,
                    line_no=finding.line_no,
                    project_code=finding.project_code,
                    field=finding.field,
                    expected=jsonable(finding.expected),
                    actual=jsonable(finding.actual),
                    pages=list(finding.pages) or None,
                )
            )

    def _resolve_open_items(self, session: Session, meta: DocumentMeta, version_id: int) -> None:
        """A passing run closes the file's open item (and a fetch-failure item of its URL)."""
        subjects = [meta.sha256] + ([f"url:{meta.source_url}"] if meta.source_url else [])
        items = session.scalars(
            select(ReviewItem)
            .where(ReviewItem.subject.in_(subjects), ReviewItem.status == "open")
            .with_for_update()
        ).all()
        for item in items:
            item.status = "resolved"
            item.version_id = version_id
            item.resolution = "a later run passed every stage"
            self._audit(
                session,
                entity="review_item",
                entity_id=item.id,
                action="resolve",
                from_state="open",
                to_state="resolved",
                reason=item.resolution,
            )

    # --- review queue ------------------------------------------------------------------------

    def send_to_review(
        self,
        *,
        sha256: str | None,
        source_url: str | None,
        stage: Stage,
        reason: str,
        message: str,
        findings: list[Finding],
        report_uri: str | None,
        doc: ExtractedDocument | None = None,
    ) -> int:
        """Open (or re-open: attempts += 1) the file's single review item; returns its id.

        With ``doc`` the records are stored as a version in state ``in_review``, excluded from
        exports until waived. ``sha256`` is None only for fetch failures (keyed by ``source_url``).
        A file already accepted keeps its accepted version; the item still records the failure.
        """
        if sha256 is not None:
            require_sha256(sha256)
        subject = subject_of(sha256, source_url)
        stage_value = Stage(stage).value
        reason_value = str(getattr(reason, "value", reason))

        def work(session: Session) -> int:
            version_id = None
            if doc is not None and sha256:
                version = session.scalar(select(DocumentVersion).where(DocumentVersion.sha256 == sha256))
                if version is None or version.state == "in_review":
                    version = self._write_version(
                        session, doc, version, state="in_review", report_uri=report_uri
                    )
                version_id = version.id
            raw_uri = None
            if sha256:
                raw_uri = session.scalar(select(FetchedFile.raw_uri).where(FetchedFile.sha256 == sha256))
            item = session.scalar(  # locked: concurrent failures of one file each count an attempt
                select(ReviewItem)
                .where(ReviewItem.subject == subject, ReviewItem.status == "open")
                .with_for_update()
            )
            if item is None:
                item = ReviewItem(
                    subject=subject,
                    sha256=sha256,
                    source_url=source_url,
                    status="open",
                    stage=stage_value,
                    reason=reason_value,
                    message=message,
                    attempts=1,
                    raw_uri=raw_uri,
                    report_uri=report_uri,
                    version_id=version_id,
                )
                session.add(item)
                session.flush()  # the partial unique index admits one open item per subject
                action = "open"
            else:
                item.attempts += 1
                item.stage, item.reason, item.message = stage_value, reason_value, message
                item.raw_uri = raw_uri or item.raw_uri
                item.report_uri = report_uri or item.report_uri
                item.version_id = version_id or item.version_id
                item.source_url = item.source_url or source_url
                action = "attempt_failed"
            self._add_findings(session, findings, review_item_id=item.id, attempt=item.attempts)
            self._audit(
                session,
                entity="review_item",
                entity_id=item.id,
                action=action,
                from_state=None if action == "open" else "open",
                to_state="open",
                reason=f"{stage_value}: {reason_value}: {message}",
            )
            return item.id

        return self._write(f"queueing {subject} for review", work)

    def list_reviews(self, status: str | None = None) -> list[ReviewSummary]:
        """Review items, oldest first, optionally of one status."""
        if status is not None and status not in REVIEW_STATUSES:
            raise ReviewError(Reason.INVALID_STATE, f"status must be one of {', '.join(REVIEW_STATUSES)}")
        with self._session("listing review items") as session:
            query = select(ReviewItem).order_by(ReviewItem.id)
            if status is not None:
                query = query.where(ReviewItem.status == status)
            return [self._summary(session, item) for item in session.scalars(query)]

    def get_review(self, item_id: int) -> ReviewDetail:
        """The item with its latest findings and audit history; ``ReviewError`` if absent."""
        with self._session(f"reading review item {item_id}") as session:
            return self._detail(session, self._item(session, item_id))

    def waive_review(self, item_id: int, *, reason: str, actor: str) -> ReviewDetail:
        """Accept an open item despite its findings: its version (if any) becomes ``waived``.

        The waived version is then visible in exports. A waive needs a reason and an actor;
        both are kept in the audit log.
        """
        if not reason.strip():
            raise ReviewError(Reason.INVALID_STATE, "a waive needs a reason (--reason TEXT)")
        if not actor.strip():
            raise ReviewError(Reason.INVALID_STATE, "a waive needs the name of who waives it")

        def work(session: Session) -> ReviewDetail:
            item = self._item(session, item_id, lock=True)
            if item.status != "open":
                raise ReviewError(
                    Reason.INVALID_STATE,
                    f"review item {item_id} is {item.status}; only open items can be waived",
                )
            item.status = "waived"
            item.resolution = reason
            self._audit(
                session,
                entity="review_item",
                entity_id=item.id,
                action="waive",
                from_state="open",
                to_state="waived",
                reason=reason,
                actor=actor,
            )
            if item.version_id is not None:
                version = session.get(DocumentVersion, item.version_id)
                if version is not None and version.state == "in_review":
                    version.state = "waived"
                    self._audit(
                        session,
                        entity="document_version",
                        entity_id=version.id,
                        action="waive",
                        from_state="in_review",
                        to_state="waived",
                        reason=reason,
                        actor=actor,
                    )
            session.flush()
            return self._detail(session, item)

        return self._write(f"waiving review item {item_id}", work)

    def retry_source(self, item_id: int) -> tuple[str | None, str | None, str | None]:
        """``(sha256, raw_uri, source_url)`` to re-run an open item from its stored raw file.

        Only open items can be retried. The request is written to the audit log; the outcome
        arrives through ``accept_document`` (→ resolved) or ``send_to_review`` (attempts += 1).
        """

        def work(session: Session) -> tuple[str | None, str | None, str | None]:
            item = self._item(session, item_id)
            if item.status != "open":
                raise ReviewError(
                    Reason.INVALID_STATE,
                    f"review item {item_id} is {item.status}; only open items can be retried",
                )
            raw_uri = item.raw_uri
            if raw_uri is None and item.sha256:
                raw_uri = session.scalar(select(FetchedFile.raw_uri).where(FetchedFile.sha256 == item.sha256))
            self._audit(
                session,
                entity="review_item",
                entity_id=item.id,
                action="retry_requested",
                from_state="open",
                to_state="open",
                reason=f"attempt {item.attempts + 1}",
            )
            return item.sha256, raw_uri, item.source_url

        return self._write(f"retrying review item {item_id}", work)

    def status_counts(self) -> dict[str, dict[str, int]]:
        """Counts by state: document versions, review items, documents, files (``budget-etl status``)."""
        with self._session("counting") as session:
            versions = dict(
                session.execute(select(DocumentVersion.state, func.count()).group_by(DocumentVersion.state))
                .tuples()
                .all()
            )
            reviews = dict(
                session.execute(select(ReviewItem.status, func.count()).group_by(ReviewItem.status))
                .tuples()
                .all()
            )
            return {
                "versions": {
                    state: int(versions.get(state, 0)) for state in ("accepted", "in_review", "waived")
                },
                "review_items": {status: int(reviews.get(status, 0)) for status in REVIEW_STATUSES},
                "documents": {
                    "logical": int(session.scalar(select(func.count()).select_from(Document)) or 0),
                    "exportable": int(
                        session.scalar(select(func.count()).select_from(latest_versions().subquery())) or 0
                    ),
                    "files": int(session.scalar(select(func.count()).select_from(FetchedFile)) or 0),
                },
            }

    # --- review helpers ----------------------------------------------------------------------

    def _item(self, session: Session, item_id: int, *, lock: bool = False) -> ReviewItem:
        query = select(ReviewItem).where(ReviewItem.id == item_id)
        item = session.scalar(query.with_for_update() if lock else query)
        if item is None:
            raise ReviewError(Reason.UNKNOWN_REVIEW_ITEM, f"there is no review item {item_id}")
        return item

    def _summary(self, session: Session, item: ReviewItem) -> ReviewSummary:
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

    def _detail(self, session: Session, item: ReviewItem) -> ReviewDetail:
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
            item=self._summary(session, item),
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


def open_repository(url: str | None = None, *, migrate: bool = True, actor: str = "budget-etl") -> Repository:
    """A repository on ``url`` (default: settings), its schema brought to head first."""
    from storage.migrate import upgrade

    target = url or get_settings().resolved_database_url()
    if migrate:
        upgrade(target)
    return Repository(make_engine(target), actor=actor)
