"""A batch of inputs given by hand (files/URLs for ``run_files``, review items for ``retry_reviews``).

Both flows count each input's outcome under one publisher row, publish the run summary and the
open review queue as artifacts, and return the ``RunSummary``; only what happens to one input
differs, so that is the function they pass in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from budget_etl.settings import Settings
from flows.artifacts import publish_summary
from flows.outcomes import DocumentOutcome, PublisherCounts, RunSummary
from flows.process_document import publish_open_queue

T = TypeVar("T")


def run_batch(
    inputs: Sequence[T],
    run_one: Callable[[T, PublisherCounts], DocumentOutcome],
    *,
    publisher: str,
    key: str | None,
    description: str,
    settings: Settings,
) -> RunSummary:
    """Run ``run_one`` on each input in order (a failure is an outcome, never an exception).

    ``key`` names the counts table artifact; None when the caller publishes its own summary.
    """
    counts = PublisherCounts(publisher=publisher, discovered=len(inputs))
    summary = RunSummary(publishers=[counts])
    for value in inputs:
        outcome = run_one(value, counts)
        counts.count(outcome)
        summary.outcomes.append(outcome)
    if key:
        publish_summary(summary.publishers, key=key, description=description)
    publish_open_queue(settings)
    return summary
