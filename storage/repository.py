"""The one database interface the flows use: sources, fetches, files, documents, the review queue.

Why one class: every state change of a document (accepted, sent to review, waived, resolved)
happens here, in one transaction each, with an audit row — so the rules "exactly one copy",
"nothing half-written" and "every change has a who/when/why" live in a single place.
Database faults surface as ``StoreError`` (``DATABASE_UNAVAILABLE`` is transient: retry later).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from budget_etl.document import ExtractedDocument
from budget_etl.errors import Stage
from budget_etl.findings import Finding

FETCH_OUTCOMES = ("downloaded", "not_modified", "failed")
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


@dataclass(frozen=True)
class ReviewDetail:
    """Everything a reviewer needs for ``review show``: why, evidence, links, history."""

    item: ReviewSummary
    raw_uri: str | None
    report_uri: str | None
    version_id: int | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


class Repository:
    """Typed operations over the storage schema (see ``storage.models``)."""

    def __init__(self, engine: Engine, *, actor: str = "budget-etl") -> None:
        self.engine = engine
        self.actor = actor

    def upsert_source(
        self, *, publisher: str, region: str | None, department: str | None, year: int | None,
        kind: str | None, url: str, listing: bool,
    ) -> int:
        """Create or update the source at ``url`` (unique) and its publisher; returns the source id."""
        raise NotImplementedError

    def conditional_headers(self, url: str) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` from the last good fetch of ``url`` ({} if none)."""
        raise NotImplementedError

    def log_fetch(
        self, *, url: str, attempt: int, status_code: int | None, outcome: str, reason: str | None,
        message: str | None, etag: str | None, last_modified: str | None, sha256: str | None,
        size: int | None, elapsed_ms: int | None,
    ) -> None:
        """Record one HTTP attempt (outcome: downloaded | not_modified | failed)."""
        raise NotImplementedError

    def register_file(
        self, *, sha256: str, url: str | None, size: int, raw_uri: str, content_type: str | None,
        etag: str | None, last_modified: str | None,
    ) -> int:
        """Record a file already put in the raw store; idempotent by sha256, returns the file id."""
        raise NotImplementedError

    def document_state(self, sha256: str) -> str | None:
        """``accepted`` | ``in_review`` | ``waived`` for the file with this hash; None if never processed."""
        raise NotImplementedError

    def accept_document(
        self, doc: ExtractedDocument, findings: list[Finding], *, report_uri: str | None
    ) -> int:
        """Write the document version, its tables, records and (warning) findings in one transaction.

        Idempotent by ``doc.document.sha256``: a second call returns the existing version id.
        Resolves the file's open review item. Returns the document version id.
        """
        raise NotImplementedError

    def send_to_review(
        self, *, sha256: str | None, source_url: str | None, stage: Stage, reason: str, message: str,
        findings: list[Finding], report_uri: str | None, doc: ExtractedDocument | None = None,
    ) -> int:
        """Open (or re-open: attempts += 1) the file's single review item; returns its id.

        With ``doc`` the records are stored as a version in state ``in_review``, excluded from
        exports until waived. ``sha256`` is None only for fetch failures (keyed by ``source_url``).
        """
        raise NotImplementedError

    def list_reviews(self, status: str | None = None) -> list[ReviewSummary]:
        raise NotImplementedError

    def get_review(self, item_id: int) -> ReviewDetail:
        """The item with findings and audit history; ``ReviewError(UNKNOWN_REVIEW_ITEM)`` if absent."""
        raise NotImplementedError

    def waive_review(self, item_id: int, *, reason: str, actor: str) -> ReviewDetail:
        """Accept an open item despite its findings: its version (if any) becomes ``waived``."""
        raise NotImplementedError

    def retry_source(self, item_id: int) -> tuple[str | None, str | None, str | None]:
        """``(sha256, raw_uri, source_url)`` to re-run an open item from its stored raw file."""
        raise NotImplementedError

    def status_counts(self) -> dict[str, dict[str, int]]:
        """Counts by state: document versions, review items, files (``budget-etl status``)."""
        raise NotImplementedError
