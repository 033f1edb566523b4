"""The error taxonomy: every way a document can fail, as a small named type with a reason code.

A failure is data — ``reason`` + ``message`` + ``evidence`` — the same shape whether it comes
from fetch, extract or store, so the review queue, the CLI's ``--json`` output and the Prefect
artifacts all show it the same way. Domain code raises these; only the CLI boundary turns
them into exit codes and one-line messages.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    FETCH = "fetch"
    EXTRACT = "extract"
    VALIDATE = "validate"
    STORE = "store"


class Reason(StrEnum):
    # input files
    FILE_NOT_FOUND = "file_not_found"  # a path given on the command line does not exist
    EMPTY_FILE = "empty_file"
    NOT_PDF = "not_pdf"
    UNSUPPORTED_FORMAT = "unsupported_format"  # no reader here for it (.doc without LibreOffice, damaged)
    TRUNCATED_PDF = "truncated_pdf"
    CORRUPT_PDF = "corrupt_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    NO_TEXT_LAYER = "no_text_layer"  # scanned / image-only
    GARBLED_TEXT = "garbled_text"  # (cid:NNN) glyphs, no ToUnicode map
    NO_BUDGET_TABLES = "no_budget_tables"
    UNRECOGNISED_TABLES = "unrecognised_tables"  # ruled, titled tables, none of a known type
    TEMPLATE_DOCUMENT = "template_document"  # a blank template (placeholders everywhere): not data
    TOO_MANY_PAGES = "too_many_pages"
    FILE_TOO_LARGE = "file_too_large"
    RESOURCE_LIMIT = "resource_limit"  # extraction went over its memory or time budget (review, worker lives)
    SPECIAL_FILE = "special_file"  # a FIFO, device or directory where a regular file was expected
    # fetch
    HTTP_ERROR = "http_error"
    HTTP_NOT_FOUND = "http_not_found"
    FETCH_TIMEOUT = "fetch_timeout"
    CONNECTION_ERROR = "connection_error"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    INCOMPLETE_DOWNLOAD = "incomplete_download"
    REDIRECT_REFUSED = "redirect_refused"  # to a non-http(s) scheme, another host or a private address
    TOO_SLOW = "too_slow"  # the transfer stayed under the minimum rate or past the total deadline
    HOST_NOT_FOUND = "host_not_found"  # DNS says the name does not exist (permanent, not retried)
    ROBOTS_DISALLOWED = "robots_disallowed"  # the site's robots.txt asks crawlers not to fetch the URL
    BROWSER_UNAVAILABLE = "browser_unavailable"  # a render: browser listing, and no Chromium/Playwright here
    # validate / store
    VALIDATION_ERRORS = "validation_errors"
    DATABASE_UNAVAILABLE = "database_unavailable"
    STORE_FAILED = "store_failed"
    RAW_FILE_MISSING = "raw_file_missing"  # the raw store has no file with that sha256
    RAW_FILE_CORRUPT = "raw_file_corrupt"  # the stored bytes no longer hash to their name
    OUTPUT_NOT_WRITABLE = "output_not_writable"  # a report/output path that cannot be written (CLI)
    # any stage: a bug, not a property of the document (kept with its traceback for a developer)
    UNEXPECTED_ERROR = "unexpected_error"
    # review operations
    UNKNOWN_REVIEW_ITEM = "unknown_review_item"
    INVALID_STATE = "invalid_state"
    INVALID_CORRECTION = "invalid_correction"  # no such cell, or the new value does not fit the field
    CORRECTION_CONFLICT = "correction_conflict"  # the cell no longer holds the value the reviewer saw
    ACCESS_DENIED = "access_denied"  # a review action without the operator's token


class BudgetEtlError(Exception):
    """Base of every domain error. ``transient`` marks failures worth an automatic retry."""

    stage: Stage = Stage.EXTRACT
    transient: bool = False

    def __init__(self, reason: Reason, message: str, **evidence: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.evidence = evidence

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle as ``cls(*args)`` by default, which loses the keyword-only fields;
        # Prefect pickles task failures (result persistence, process runners), so rebuild exactly.
        return (_rebuild, (type(self), self.reason, self.message, self.evidence, self.transient))

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": self.reason.value,
            "stage": self.stage.value,
            "message": self.message,
            "evidence": self.evidence,
        }

    def __str__(self) -> str:
        return f"{self.reason.value}: {self.message}"


def _rebuild(
    cls: type[BudgetEtlError], reason: Reason, message: str, evidence: dict[str, Any], transient: bool
) -> BudgetEtlError:
    error = cls.__new__(cls)
    BudgetEtlError.__init__(error, reason, message, **evidence)
    error.transient = transient
    return error


class ExtractError(BudgetEtlError):
    """The file cannot be read as a budget document."""

    stage = Stage.EXTRACT


class FetchError(BudgetEtlError):
    stage = Stage.FETCH

    def __init__(self, reason: Reason, message: str, *, transient: bool = False, **evidence: Any) -> None:
        super().__init__(reason, message, **evidence)
        self.transient = transient


class StoreError(BudgetEtlError):
    stage = Stage.STORE

    def __init__(self, reason: Reason, message: str, *, transient: bool = False, **evidence: Any) -> None:
        super().__init__(reason, message, **evidence)
        self.transient = transient


class ReviewError(BudgetEtlError):
    """A review-queue operation that cannot be done (unknown id, wrong state)."""

    stage = Stage.STORE
