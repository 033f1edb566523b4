"""``run_files``: process files and URLs given by hand (``budget-etl run``) through ``process_document``.

Unlike ``ingest`` there is no sources file and no conditional GET: the person asked for these
inputs, so each is stored and processed (idempotently — an accepted file stays accepted).
"""

from __future__ import annotations

from prefect import flow
from prefect.runtime import flow_run

from budget_etl.errors import Stage
from budget_etl.settings import Settings, get_settings
from flows.batch import run_batch
from flows.fanout import DocumentJob
from flows.outcomes import DocumentOutcome, PublisherCounts, RunSummary
from flows.process_document import fetch_to_review
from flows.states import batch_state, error_of
from tasks.fetch.sources import is_http_url
from tasks.fetch.task import fetch_document, store_local_file
from tasks.retry import configured
from tasks.store.task import prepare_database


def run_name() -> str:
    """Flow-run name from the number of inputs (paths may hold characters run names cannot)."""
    inputs = flow_run.parameters.get("inputs") or []
    return f"run-{len(inputs)}-input{'s' if len(inputs) != 1 else ''}"


@flow(name="run-files", flow_run_name=run_name)
def run_files(inputs: list[str]) -> RunSummary:
    """Store and process each local path or http(s) URL; failures become review items.

    Args:
        inputs: local file paths (on the worker) and/or http(s) URLs of budget documents.
    """
    settings = get_settings()
    configured(prepare_database, settings)(settings)
    summary = run_batch(
        inputs,
        lambda value, counts: run_one(value, settings, counts),
        publisher="command line",
        key="run-summary",
        description=f"Processed {len(inputs)} input(s)",
        settings=settings,
    )
    return batch_state(summary, f"{len(inputs)} input(s)")


def run_one(value: str, settings: Settings, counts: PublisherCounts) -> DocumentOutcome | DocumentJob:
    """Store one local file or fetch one URL: the job to process it, or the review item if it failed."""
    if is_http_url(value):
        state = configured(fetch_document, settings)(value, settings, conditional=False, return_state=True)
    else:
        state = configured(store_local_file, settings)(value, settings, return_state=True)
    if not state.is_completed():
        return fetch_to_review(value, error_of(state, Stage.FETCH), settings)
    stored = state.result()
    if stored.error is not None:
        return fetch_to_review(stored.url, stored.error, settings)
    counts.fetched += 1
    return DocumentJob(stored.sha256, source_url=stored.url, publisher="cli")
