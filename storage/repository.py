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

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute, Session

from budget_etl.document import ExtractedDocument
from budget_etl.errors import Reason, ReviewError, Stage
from budget_etl.findings import Finding
from budget_etl.settings import get_settings
from storage.audit import record_change
from storage.corrections import CellCorrection, Verdict, add_correction, corrections_of, record_verdicts
from storage.engine import make_engine, store_error_from
from storage.export import latest_versions
from storage.models import (
    EXPORTABLE_STATES,
    DiscoveredLink,
    Document,
    DocumentVersion,
    FetchedFile,
    FetchLog,
    FileUrl,
    Publisher,
    ReviewItem,
    Source,
    utcnow,
)
from storage.review_queue import (
    REVIEW_STATUSES,
    ReviewDetail,
    ReviewSummary,
    describe,
    find_item,
    find_open_item,
    resolve_open_items,
    stored_raw_uri,
    subject_of,
    summarize,
)
from storage.versions import add_findings, require_sha256, write_version

__all__ = [
    "FETCH_OUTCOMES",
    "REVIEW_STATUSES",
    "Repository",
    "ReviewDetail",
    "ReviewSummary",
    "open_repository",
]

FETCH_OUTCOMES = ("downloaded", "not_modified", "failed")

T = TypeVar("T")


def is_unique_violation(exc: IntegrityError) -> bool:
    """A lost race on a unique key (retry finds the winner) vs. any other constraint (a real fault)."""
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text


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

    def _audit(self, session: Session, *, actor: str | None = None, **change: Any) -> None:
        """An audit row for a change made in ``session``, by ``actor`` or the pipeline's own name."""
        record_change(session, actor=actor or self.actor, **change)

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

    def publisher_of(self, url: str | None) -> str | None:
        """The name of the publisher whose source ``url`` is (None for files given by hand).

        A retried document's sub-run carries its publisher's tag like the original run did.
        """
        if not url:
            return None
        with self._session(f"looking up the publisher of {url}") as session:
            return session.scalar(
                select(Publisher.name)
                .join(Source, Source.publisher_id == Publisher.id)
                .where(Source.url == url)
            )

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
        final_url: str | None = None,
        redirects: Sequence[str] = (),
    ) -> None:
        """Record one HTTP attempt (outcome: downloaded | not_modified | failed) and where it ended."""
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
            final_url=final_url,
            redirects=json.dumps(list(redirects)) if redirects else None,
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

    # --- discovery lineage (issue 17) ----------------------------------------------------------

    def record_discovered_link(self, *, publisher: str, url: str, found_on: str | None, text: str) -> None:
        """Remember where discovery took ``url`` and its link text, for the fetch that follows."""

        def work(session: Session) -> None:
            row = session.scalar(select(DiscoveredLink).where(DiscoveredLink.url == url))
            if row is None:
                session.add(DiscoveredLink(url=url, publisher=publisher, found_on=found_on, link_text=text))
                return
            row.publisher, row.found_on, row.last_seen = publisher, found_on or row.found_on, utcnow()
            row.link_text = text or row.link_text

        self._write(f"recording the discovered link {url}", work)

    def discovered_link(self, url: str) -> tuple[str | None, str | None] | None:
        """(page it was found on, link text) of a discovered URL; None if discovery never took it."""
        with self._session(f"reading the discovered link {url}") as session:
            row = session.scalar(select(DiscoveredLink).where(DiscoveredLink.url == url))
            return None if row is None else (row.found_on, row.link_text)

    def record_file_url(
        self, *, sha256: str, url: str, found_on: str | None, link_text: str | None, file_name: str | None,
        guessed_kind: str | None, guessed_year: int | None,
    ) -> None:
        """One lineage row per (file, URL): a repost adds a row, a refetch of the same pair updates it."""

        def work(session: Session) -> None:
            row = session.scalar(select(FileUrl).where(FileUrl.sha256 == sha256, FileUrl.url == url))
            if row is None:
                row = FileUrl(sha256=sha256, url=url)
                session.add(row)
            row.found_on, row.link_text = found_on or row.found_on, link_text or row.link_text
            row.file_name = file_name or row.file_name
            row.guessed_kind = guessed_kind or row.guessed_kind
            row.guessed_year = guessed_year or row.guessed_year
            row.last_seen = utcnow()

        self._write(f"recording {url} in the lineage of {sha256}", work)

    def file_lineage(self, sha256: str) -> list[dict[str, Any]]:
        """Every URL the file was found under, oldest first, with its name, link text and guesses."""
        with self._session(f"reading the lineage of {sha256}") as session:
            rows = session.scalars(select(FileUrl).where(FileUrl.sha256 == sha256).order_by(FileUrl.id)).all()
            return [
                {"url": r.url, "found_on": r.found_on, "link_text": r.link_text, "file_name": r.file_name,
                 "guessed_kind": r.guessed_kind, "guessed_year": r.guessed_year}
                for r in rows
            ]

    def files_under_url(self, url: str) -> list[str]:
        """The sha256 of every file fetched under ``url``, oldest first (a re-upload adds one)."""
        with self._session(f"reading the files of {url}") as session:
            query = select(FileUrl.sha256).where(FileUrl.url == url).order_by(FileUrl.id)
            return list(session.scalars(query))

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
                resolve_open_items(session, doc.document, version.id, actor=self.actor)
                return version.id
            from_state = version.state if version is not None else None
            version = write_version(session, doc, version, state="accepted", report_uri=report_uri)
            add_findings(session, findings, version_id=version.id)
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
            resolve_open_items(session, doc.document, version.id, actor=self.actor)
            return version.id

        return self._write(f"storing document {sha256}", work)

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
                    created = version is None
                    version = write_version(session, doc, version, state="in_review", report_uri=report_uri)
                    self._audit(
                        session,
                        entity="document_version",
                        entity_id=version.id,
                        action="hold_for_review" if created else "rewrite_for_review",
                        from_state=None if created else "in_review",
                        to_state="in_review",
                        reason=f"{stage_value}: {reason_value}",
                    )
                version_id = version.id
            raw_uri = stored_raw_uri(session, sha256) if sha256 else None
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
            add_findings(session, findings, review_item_id=item.id, attempt=item.attempts)
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
            return [summarize(session, item) for item in session.scalars(query)]

    def reviews_resolved_by(self, version_id: int) -> list[ReviewSummary]:
        """The review items a stored version resolved (their UI reports are then marked resolved)."""
        with self._session(f"reading the items resolved by version {version_id}") as session:
            query = (
                select(ReviewItem)
                .where(ReviewItem.version_id == version_id, ReviewItem.status == "resolved")
                .order_by(ReviewItem.id)
            )
            return [summarize(session, item) for item in session.scalars(query)]

    def get_review(self, item_id: int) -> ReviewDetail:
        """The item with its latest findings and audit history; ``ReviewError`` if absent."""
        with self._session(f"reading review item {item_id}") as session:
            return describe(session, find_item(session, item_id))

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
            item = find_open_item(session, item_id, action="waived", lock=True)
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
            return describe(session, item)

        return self._write(f"waiving review item {item_id}", work)

    def retry_source(self, item_id: int) -> tuple[str | None, str | None, str | None]:
        """``(sha256, raw_uri, source_url)`` to re-run an open item from its stored raw file.

        Only open items can be retried. The request is written to the audit log; the outcome
        arrives through ``accept_document`` (→ resolved) or ``send_to_review`` (attempts += 1).
        """

        def work(session: Session) -> tuple[str | None, str | None, str | None]:
            item = find_open_item(session, item_id, action="retried")
            raw_uri = item.raw_uri
            if raw_uri is None and item.sha256:
                raw_uri = stored_raw_uri(session, item.sha256)
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

    def correct_cell(
        self,
        item_id: int,
        *,
        table_position: int,
        row_index: int,
        field: str,
        old: str,
        new: str,
        reason: str,
        actor: str,
    ) -> CellCorrection:
        """A reviewer's correction of one cell (``storage.corrections``): audited, optimistic on ``old``."""
        return self._write(
            f"correcting review item {item_id}",
            lambda session: add_correction(
                session, item_id, table_position=table_position, row_index=row_index, field=field,
                old=old, new=new, reason=reason, actor=actor,
            ),
        )

    def record_request(self, item_id: int, *, action: str, actor: str, reason: str) -> None:
        """Audit a person's request on an item (e.g. a retry from the web app) with their name."""

        def work(session: Session) -> None:
            item = find_item(session, item_id)
            self._audit(
                session, entity="review_item", entity_id=item.id, action=action, from_state=item.status,
                to_state=item.status, reason=reason, actor=actor,
            )

        self._write(f"recording a request on review item {item_id}", work)

    def corrections(self, sha256: str, *, active_only: bool = False) -> list[CellCorrection]:
        """The file's corrections, oldest first (``active_only``: those applied to every new reading)."""
        with self._session(f"reading the corrections of {sha256}") as session:
            return corrections_of(session, sha256, active_only=active_only)

    def record_correction_verdicts(self, verdicts: list[Verdict]) -> None:
        """What a new reading did with each correction (superseded / stale are audited changes)."""
        if verdicts:
            self._write(
                "recording correction verdicts", lambda s: record_verdicts(s, verdicts, actor=self.actor)
            )

    def status_counts(self) -> dict[str, dict[str, int]]:
        """Counts by state: document versions, review items, documents, files (``budget-etl status``)."""
        with self._session("counting") as session:
            versions = counts_by(session, DocumentVersion.state)
            reviews = counts_by(session, ReviewItem.status)
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


def counts_by(session: Session, column: InstrumentedAttribute[str]) -> dict[str, int]:
    """How many rows hold each value of ``column`` (values no row holds are absent)."""
    return dict(session.execute(select(column, func.count()).group_by(column)).tuples().all())


def open_repository(url: str | None = None, *, migrate: bool = True, actor: str = "budget-etl") -> Repository:
    """A repository on ``url`` (default: settings), its schema brought to head first."""
    from storage.migrate import upgrade

    target = url or get_settings().resolved_database_url()
    if migrate:
        upgrade(target)
    return Repository(make_engine(target), actor=actor)
