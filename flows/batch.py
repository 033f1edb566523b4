"""A batch of inputs given by hand (files/URLs for ``run_files``, review items for ``retry_reviews``).

Both flows count each input's outcome under one publisher row, publish the run summary and the
open review queue as artifacts, and return the ``RunSummary``; only what happens to one input
differs, so that is the function they pass in. It returns the outcome, or a ``DocumentJob`` that
``flows.fanout`` processes — one by one or many at once, as ``Settings.runner`` says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from budget_etl.settings import Settings
from flows.artifacts import publish_summary
from flows.fanout import DocumentJob, Fanout
from flows.outcomes import DocumentOutcome, PublisherCounts, RunSummary
from flows.process_document import publish_open_queue

T = TypeVar("T")


def run_batch(
    inputs: Sequence[T],
    run_one: Callable[[T, PublisherCounts], DocumentOutcome | DocumentJob],
    *,
    publisher: str,
    key: str | None,
    description: str,
    settings: Settings,
) -> RunSummary:
    """Run ``run_one`` on each input; a ``DocumentJob`` it returns is processed by ``flows.fanout``.

    Outcomes stay in the inputs' order (a failure is an outcome, never an exception). ``key`` names
    the counts table artifact; None when the caller publishes its own summary.
    """
    counts = PublisherCounts(publisher=publisher, discovered=len(inputs))
    outcomes: list[DocumentOutcome | None] = []
    jobs: list[DocumentJob] = []  # kept alive: their ids key the slots below
    slot_of: dict[int, int] = {}
    with Fanout(settings) as fanout:
        for value in inputs:
            step = run_one(value, counts)
            if isinstance(step, DocumentJob):
                jobs.append(step)
                slot_of[id(step)] = len(outcomes)
                fanout.submit(step)
            outcomes.append(step if isinstance(step, DocumentOutcome) else None)
        for job, outcome in fanout.finished():
            outcomes[slot_of[id(job)]] = outcome
    summary = RunSummary(publishers=[counts])
    for outcome in outcomes:
        assert outcome is not None, "every submitted document has an outcome"
        counts.count(outcome)
        summary.outcomes.append(outcome)
    if key:
        publish_summary(summary.publishers, key=key, description=description)
    publish_open_queue(settings)
    return summary
