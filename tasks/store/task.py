"""Prefect tasks over ``storage.repository.Repository``: accept, send to review, read the queue.

Each wraps one repository call (one transaction; accepting also reads what it resolved); a
database that went away is a transient ``StoreError`` and is retried by Prefect, anything else
fails the task at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from prefect import task

from budget_etl.document import ExtractedDocument
from budget_etl.errors import Stage
from budget_etl.findings import Finding
from budget_etl.settings import Settings
from storage.engine import describe_url
from storage.repository import ReviewDetail, ReviewSummary
from tasks.names import named
from tasks.retry import only_transient
from tasks.store.resources import repository_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredVersion:
    """An accepted document version and the review items its acceptance closed."""

    version_id: int
    resolved: list[ReviewSummary]


@task(name="store accepted document", task_run_name=named("accept"), retry_condition_fn=only_transient)
def accept_document(
    doc: ExtractedDocument, findings: list[Finding], report_uri: str | None, settings: Settings
) -> StoredVersion:
    """Store the records as the file's accepted version and close its open review item, in one transaction.

    Then reads which review items that closed, so their UI reports can say so — in this task run:
    a task run of its own cost every accepted document ~3 more state events on the Prefect server
    (``bench/throughput.py``, issue 12). The version is stored whatever that read does: if it
    fails, the reports just keep saying open until the next run publishes the queue.
    """
    repository = repository_for(settings)
    version_id = repository.accept_document(doc, findings, report_uri=report_uri)
    try:
        resolved = repository.reviews_resolved_by(version_id)
    except Exception as exc:  # the stored version stands; only the reports' wording waits
        logger.warning("could not read the review items version %s resolved: %s", version_id, exc)
        resolved = []
    return StoredVersion(version_id, resolved)


@task(name="send to review", task_run_name=named("send to review"), retry_condition_fn=only_transient)
def send_to_review(
    *,
    sha256: str | None,
    source_url: str | None,
    stage: Stage,
    reason: str,
    message: str,
    findings: list[Finding],
    report_uri: str | None,
    doc: ExtractedDocument | None,
    settings: Settings,
) -> int:
    """Open or re-open the file's (or URL's) review item with this attempt's findings; returns its id."""
    return repository_for(settings).send_to_review(
        sha256=sha256, source_url=source_url, stage=stage, reason=reason, message=message,
        findings=findings, report_uri=report_uri, doc=doc,
    )


@task(name="read review queue", retry_condition_fn=only_transient)
def open_reviews(settings: Settings) -> list[ReviewSummary]:
    """The open review items, for the queue artifact every run publishes."""
    return repository_for(settings).list_reviews("open")


@task(name="read review item", retry_condition_fn=only_transient)
def review_detail(item_id: int, settings: Settings) -> ReviewDetail:
    """One review item with its findings and history (``ReviewError`` when the id is unknown)."""
    return repository_for(settings).get_review(item_id)


@task(name="locate review source", retry_condition_fn=only_transient)
def retry_source(item_id: int, settings: Settings) -> tuple[str | None, str | None, str | None]:
    """``(sha256, raw_uri, source_url)`` to re-run an open item; the request is audited."""
    return repository_for(settings).retry_source(item_id)


@task(name="read document state", retry_condition_fn=only_transient)
def document_state(sha256: str, settings: Settings) -> str | None:
    """The state of the file's version (accepted, in_review, waived) or None when it has none yet."""
    return repository_for(settings).document_state(sha256)


@task(name="prepare database", retry_condition_fn=only_transient)
def prepare_database(settings: Settings) -> str:
    """Bring the schema to head before the run writes anything (a no-op when it is current)."""
    from storage.migrate import upgrade

    url = settings.resolved_database_url()
    upgrade(url)
    return describe_url(url)


@task(name="read publisher of source", retry_condition_fn=only_transient)
def publisher_of_source(url: str | None, settings: Settings) -> str | None:
    """The publisher a URL was discovered for (a retried sub-run keeps its ``publisher:`` tag)."""
    return repository_for(settings).publisher_of(url)
