"""``retry_reviews``: re-run review items through the same pipeline (given ids, or every open one).

A file that failed after it was stored is re-processed from the raw store with the cache
bypassed (the fix may be in the code); a URL that never gave a document is fetched again,
unconditionally. A passing retry resolves the item; a failing one adds an attempt to it.
Unknown or closed ids fail the run before any work, with the reason in the run's state.
"""

from __future__ import annotations

from contextlib import nullcontext

from prefect import flow, tags
from prefect.runtime import flow_run

from budget_etl.errors import Reason, ReviewError, Stage
from budget_etl.settings import Settings, get_settings
from flows.artifacts import Retried, publish_retry_summary
from flows.batch import run_batch
from flows.outcomes import DocumentOutcome, PublisherCounts, RunSummary
from flows.process_document import fetch_to_review, run_document
from flows.states import batch_state, error_of
from storage.repository import ReviewDetail, ReviewSummary
from tasks.fetch.sources import is_http_url
from tasks.fetch.task import fetch_document
from tasks.retry import configured
from tasks.store.resources import raw_store_for
from tasks.store.task import open_reviews, prepare_database, publisher_of_source, retry_source, review_detail


def run_name() -> str:
    """Flow-run name from the item ids, so a retry is findable in the UI by what it retried."""
    ids = flow_run.parameters.get("item_ids") or []
    if not ids:
        return "retry-all-open"
    return "retry-" + "-".join(str(i) for i in ids[:5]) + ("-more" if len(ids) > 5 else "")


@flow(name="retry-reviews", flow_run_name=run_name)
def retry_reviews(item_ids: list[int] | None = None) -> RunSummary:
    """Retry the given review items (every open item when none are given).

    Ends ``Completed``, or ``Completed`` named ``Needs review`` when some items are still open;
    the ``retry-summary`` artifact lists every item with its new status and attempts.

    Args:
        item_ids: review item ids to retry, e.g. [12, 15] (the `review-queue` artifact or
            `budget-etl review list` shows them); leave empty to retry every open item.
    """
    settings = get_settings()
    configured(prepare_database, settings)(settings)
    if item_ids:
        details = [review_detail(item_id, settings) for item_id in item_ids]
    else:
        details = [review_detail(item.id, settings) for item in configured(open_reviews, settings)(settings)]
    require_open(details)
    summary = run_batch(
        details,
        lambda detail, counts: retry_one(detail, settings, counts),
        publisher="retried review items",
        key=None,
        description=f"Retried {len(details)} item(s)",
        settings=settings,
    )
    results: list[Retried] = [
        (detail.item, outcome, reread(detail.item.id, settings))
        for detail, outcome in zip(details, summary.outcomes, strict=True)
    ]
    state = batch_state(summary, f"retried {len(details)} item(s)")
    publish_retry_summary(results, description=state.message)
    return state


def reread(item_id: int, settings: Settings) -> ReviewSummary | None:
    """The item as it is after its retry (None when the database cannot be read right now)."""
    state = configured(review_detail, settings)(item_id, settings, return_state=True)
    return state.result().item if state.is_completed() else None


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
    found = configured(publisher_of_source, settings)(source_url, settings, return_state=True)
    publisher = found.result() if found.is_completed() else None
    with tags(f"publisher:{publisher}") if publisher else nullcontext():
        return run_document(
            sha256, source_url=source_url, publisher=publisher or f"review-{item.id}",
            department=item.department_name, year=item.budget_year, refresh=True,
        )
