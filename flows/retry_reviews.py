"""``retry_reviews``: re-run review items through the same pipeline (given ids, or every open one).

A file that failed after it was stored is re-processed from the raw store with the cache
bypassed (the fix may be in the code); a URL that never gave a document is fetched again,
unconditionally. A passing retry resolves the item; a failing one adds an attempt to it.
Unknown or closed ids fail the run before any work, with the reason in the run's state.
"""

from __future__ import annotations

from prefect import flow
from prefect.runtime import flow_run

from budget_etl.errors import Reason, ReviewError, Stage
from budget_etl.settings import Settings, get_settings
from flows.batch import run_batch
from flows.outcomes import DocumentOutcome, PublisherCounts, RunSummary
from flows.process_document import fetch_to_review, process_document
from flows.states import error_of
from storage.repository import ReviewDetail
from tasks.fetch.sources import is_http_url
from tasks.fetch.task import fetch_document
from tasks.retry import configured
from tasks.store.resources import raw_store_for
from tasks.store.task import open_reviews, prepare_database, retry_source, review_detail


def run_name() -> str:
    """Flow-run name from the item ids, so a retry is findable in the UI by what it retried."""
    ids = flow_run.parameters.get("item_ids") or []
    if not ids:
        return "retry-all-open"
    return "retry-" + "-".join(str(i) for i in ids[:5]) + ("-more" if len(ids) > 5 else "")


@flow(name="retry-reviews", flow_run_name=run_name)
def retry_reviews(item_ids: list[int] | None = None, settings: Settings | None = None) -> RunSummary:
    """Retry the given review items (every open item when none are given)."""
    settings = settings or get_settings()
    configured(prepare_database, settings)(settings)
    if item_ids:
        details = [review_detail(item_id, settings) for item_id in item_ids]
    else:
        details = [review_detail(item.id, settings) for item in configured(open_reviews, settings)(settings)]
    require_open(details)
    return run_batch(
        details,
        lambda detail, counts: retry_one(detail, settings, counts),
        publisher="retried review items",
        key="retry-summary",
        description=f"Retried {len(details)} item(s)",
        settings=settings,
    )


def require_open(details: list[ReviewDetail]) -> None:
    """Fail the whole run before any work when a given item is closed (a typo must not half-run a batch)."""
    closed = [d.item for d in details if d.item.status != "open"]
    if closed:
        listed = ", ".join(f"{item.id} ({item.status})" for item in closed)
        raise ReviewError(Reason.INVALID_STATE, f"only open review items can be retried; not open: {listed}")


def needs_refetch(sha256: str, source_url: str | None, settings: Settings) -> bool:
    """A stored file that has gone missing is fetched again from its URL rather than lost."""
    return is_http_url(source_url) and not raw_store_for(settings).exists(sha256)


def retry_one(detail: ReviewDetail, settings: Settings, counts: PublisherCounts) -> DocumentOutcome:
    """Re-run one item: from the raw store, or re-fetched when it never had (or lost) its file."""
    item = detail.item
    sha256, _raw_uri, source_url = retry_source(item.id, settings)
    if sha256 is None or needs_refetch(sha256, source_url, settings):
        if source_url is None:
            raise ReviewError(Reason.INVALID_STATE, f"review item {item.id} has neither a file nor a URL")
        fetch = configured(fetch_document, settings)
        fetched = fetch(source_url, settings, conditional=False, return_state=True)
        if not fetched.is_completed():
            return fetch_to_review(source_url, error_of(fetched, Stage.FETCH), settings)
        document = fetched.result()
        if document.error is not None:
            return fetch_to_review(source_url, document.error, settings)
        counts.fetched += 1
        sha256 = document.sha256
    return process_document(
        sha256, source_url=source_url, publisher=f"review-{item.id}", department=item.department_name,
        year=item.budget_year, refresh=True, settings=settings,
    )
