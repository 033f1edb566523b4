"""``process_document``: one stored file → extract → validate → store, or the review queue.

Wiring only: each step is a task (``tasks/*/task.py``) over a plain function; this flow decides
which task runs next and turns every failure into a review item with its stage and reason, so
one bad document never stops a batch and never leaves half its records behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from prefect import flow, get_run_logger, tags
from prefect.context import TagsContext
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from budget_etl.document import ExtractedDocument
from budget_etl.errors import BudgetEtlError, Reason, Stage
from budget_etl.findings import Finding, Severity, has_errors
from budget_etl.settings import Settings, get_settings
from flows.artifacts import publish_item_closed, publish_review_queue, publish_review_report
from flows.outcomes import DocumentOutcome
from flows.states import OUTCOME_TAGS, ValidationFailed, error_of, final_state, mark_run, outcome_of
from tasks.extract.task import extract_tables
from tasks.retry import configured
from tasks.store.corrections import apply_reviewer_corrections
from tasks.store.resources import raw_store_for
from tasks.store.task import StoredVersion, accept_document, open_reviews, send_to_review
from tasks.validate.task import validate_tables, write_report

BANNED_IN_NAMES = str.maketrans({c: "-" for c in "/%&<>"})


def document_run_name(
    publisher: str | None, department: str | None, year: object, sha256: str | None
) -> str:
    """``<publisher>-<department>-<year>-<sha8>`` (unknown parts left out): what a person scans for."""
    parts = [publisher or "manual", department, year, str(sha256 or "")[:8]]
    return "-".join(str(p) for p in parts if p).translate(BANNED_IN_NAMES)


def run_name() -> str:
    """The name a run starts with: from the sources file's department/year (the document renames it)."""
    params = flow_run.parameters
    return document_run_name(params.get("publisher"), params.get("department"), params.get("year"),
                             params.get("sha256"))


@flow(name="process-document", flow_run_name=run_name)
def process_document(
    sha256: str,
    source_url: str | None = None,
    publisher: str | None = None,
    department: str | None = None,
    year: int | None = None,
    refresh: bool = False,
) -> Any:
    """Extract, validate and store one file already in the raw store, or send it to review.

    The run ends ``Completed``, ``Completed`` named ``In review`` (tag ``outcome:review``) or
    ``Failed``; its result is the ``DocumentOutcome``. Settings come from the worker's environment.

    Args:
        sha256: sha256 of the file in the raw store (64 hex digits), e.g. from a review item.
        source_url: where the file was published, for the record and the review report.
        publisher: publisher name from the sources file (run name and `publisher:` tag).
        department: department from the sources file; the run is renamed from the document itself.
        year: budget year from the sources file; the run is renamed from the document itself.
        refresh: ignore cached extraction/validation (after a code fix).
    """
    # The run carries its tags (``publisher:…``); its tasks must not inherit them: a tagged task run
    # costs a concurrency-slot call to the API, per task (issue 12).
    with TagsContext(current_tags=set()):
        outcome = process_file(sha256, source_url, refresh, get_settings())
    # renamed from the document itself, and tagged, in one API call once the outcome is known
    renamed = document_run_name(publisher, outcome.department_name, outcome.budget_year, sha256)
    mark_run(name=renamed if outcome.department_name else None,
             add_tags=[OUTCOME_TAGS[outcome.status]] if outcome.status in OUTCOME_TAGS else [])
    return final_state(outcome)


def run_document(sha256: str, *, run_tags: Sequence[str] = (), **options: Any) -> DocumentOutcome:
    """Run ``process_document`` as a sub-flow and read its outcome from the final state (never raises).

    ``run_tags`` (e.g. ``publisher:<name>``) go on the document's run only, not on its tasks.
    """
    with tags(*run_tags):
        return outcome_of(process_document(sha256, **options, return_state=True))


def process_file(sha256: str, source_url: str | None, refresh: bool, settings: Settings) -> DocumentOutcome:
    """Extract → validate → store, or the review queue; every failure becomes the outcome's reason.

    Plain code over tasks, so a ``process-document`` run and a ``process document`` task run (the
    parallel runners, ``flows.fanout``) do the same work; it touches no run's name or tags.

    The extracted document and its findings go to tasks ``quote``d: otherwise Prefect walks every
    object inside them twice per task (looking for upstream futures, and to resolve them) — 40 ms
    of CPU per call on the corpus, three calls per document (``bench/param_walk.py``, issue 12).
    Nothing in them is a future, so nothing is lost but that walk.
    """
    cache: dict[str, object] = {"cache_expiration": timedelta(days=settings.cache_expiration_days)}
    if refresh:
        cache["refresh_cache"] = True

    extracted = configured(extract_tables, settings, **cache)(sha256, source_url, settings, return_state=True)
    if not extracted.is_completed():
        return to_review(sha256, source_url, error_of(extracted, Stage.EXTRACT), [], None, None, settings)
    doc: ExtractedDocument = extracted.result()

    corrected = configured(apply_reviewer_corrections, settings)(quote(doc), settings, return_state=True)
    if not corrected.is_completed():  # the stored (corrected) records stay as they are: doc not passed
        return to_review(sha256, source_url, error_of(corrected, Stage.STORE), [], None, None, settings)
    doc, correction_findings = corrected.result()

    validated = configured(validate_tables, settings, **cache)(quote(doc), return_state=True)
    if not validated.is_completed():
        return to_review(sha256, source_url, error_of(validated, Stage.VALIDATE), [], None, doc, settings)
    findings: list[Finding] = correction_findings + validated.result()

    report_uri = report_or_none(doc, findings, settings)

    if has_errors(findings):
        errors = [f for f in findings if f.severity is Severity.ERROR]
        problem = ValidationFailed(
            Reason.VALIDATION_ERRORS,
            f"{len(errors)} check(s) failed, first: {errors[0].check}: {errors[0].message}",
        )
        return to_review(sha256, source_url, problem, findings, report_uri, doc, settings)

    stored = configured(accept_document, settings)(
        quote(doc), quote(findings), report_uri, settings, return_state=True
    )
    if not stored.is_completed():
        failure = error_of(stored, Stage.STORE)
        return to_review(sha256, source_url, failure, findings, report_uri, doc, settings)
    version: StoredVersion = stored.result()
    for item in version.resolved:  # their reports say resolved, and by which version
        publish_item_closed(item, settings.review_base_url)
    return outcome_for(
        "accepted", sha256, source_url, doc=doc, findings=findings, report_uri=report_uri,
        raw_uri=raw_uri_of(sha256, settings), version_id=version.version_id,
    )


def report_or_none(doc: ExtractedDocument, findings: list[Finding], settings: Settings) -> str | None:
    """The HTML report's path; None (and a warning in the run's log) when it cannot be written.

    No report is no reason to hold a document back: the findings are stored either way, and the
    review app answers "no validation report for this item". Any error, not only a full disk: a
    bug in rendering one document's report must not cost that document its records.
    """
    try:
        return write_report(doc, findings, settings)
    except Exception as exc:
        get_run_logger().warning(
            "validation report of %s not written: %s", doc.document.sha256[:8], exc, exc_info=True
        )
        return None


def to_review(
    sha256: str | None,
    source_url: str | None,
    error: BudgetEtlError,
    findings: list[Finding],
    report_uri: str | None,
    doc: ExtractedDocument | None,
    settings: Settings,
) -> DocumentOutcome:
    """Queue the document for a person; if even that fails (database down), report it as failed."""
    queued = configured(send_to_review, settings)(
        sha256=sha256, source_url=source_url, stage=error.stage, reason=error.reason.value,
        message=error.message, findings=quote(findings), report_uri=report_uri, doc=quote(doc),
        settings=settings, return_state=True,
    )
    if not queued.is_completed():
        lost = error_of(queued, Stage.STORE)
        return outcome_for(
            "failed", sha256, source_url, doc=doc, findings=findings, report_uri=report_uri,
            raw_uri=raw_uri_of(sha256, settings), stage=lost.stage.value, reason=lost.reason.value,
            message=f"could not queue for review ({lost.message}); original problem: {error}",
        )
    outcome = outcome_for(
        "in_review", sha256, source_url, doc=doc, findings=findings, report_uri=report_uri,
        raw_uri=raw_uri_of(sha256, settings), stage=error.stage.value, reason=error.reason.value,
        message=error.message, review_item_id=queued.result(),
    )
    publish_review_report(outcome, findings, settings.review_base_url)
    return outcome


def raw_uri_of(sha256: str | None, settings: Settings) -> str | None:
    """Where the raw store keeps the file, for the outcome's link (None when nothing was stored)."""
    return raw_store_for(settings).uri_of(sha256) if sha256 else None


def outcome_for(
    status: str,
    sha256: str | None,
    source_url: str | None,
    *,
    doc: ExtractedDocument | None,
    findings: list[Finding],
    report_uri: str | None,
    **fields: object,
) -> DocumentOutcome:
    """The document's outcome with its identity and finding counts, read from whatever the run got to."""
    meta = doc.document if doc is not None else None
    return DocumentOutcome(
        status=status,  # type: ignore[arg-type]
        source_url=source_url,
        sha256=sha256,
        report_uri=report_uri,
        department_name=meta.department_name if meta else None,
        budget_year=meta.budget_year if meta else None,
        error_findings=sum(1 for f in findings if f.severity is Severity.ERROR),
        warning_findings=sum(1 for f in findings if f.severity is Severity.WARNING),
        **fields,  # type: ignore[arg-type]
    )


def fetch_to_review(url: str, error: BudgetEtlError, settings: Settings) -> DocumentOutcome:
    """A URL that gave no document: a review item keyed by the URL (and a report in the UI)."""
    queued = configured(send_to_review, settings)(
        sha256=None, source_url=url, stage=Stage.FETCH, reason=error.reason.value, message=error.message,
        findings=[], report_uri=None, doc=None, settings=settings, return_state=True,
    )
    item_id = queued.result() if queued.is_completed() else None
    outcome = DocumentOutcome(
        status="failed", source_url=url, stage=error.stage.value, reason=error.reason.value,
        message=error.message, review_item_id=item_id,
    )
    if item_id is not None:
        publish_review_report(outcome, [], settings.review_base_url)
    return outcome


def publish_open_queue(settings: Settings) -> None:
    """The review-queue artifact; skipped (not fatal) when the database cannot be read right now."""
    queue = configured(open_reviews, settings)(settings, return_state=True)
    if queue.is_completed():
        publish_review_queue(queue.result())
