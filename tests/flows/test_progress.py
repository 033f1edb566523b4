"""The progress artifact: coalesced updates that still end on the latest text (issue 12)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from prefect import flow

from flows.artifacts import Progress
from tests.flows.prefect_reads import artifacts_with_key

pytestmark = pytest.mark.prefect


@flow
def in_a_run(step: Callable[[], Any]) -> Any:
    """Artifacts belong to a run (created outside one is deprecated)."""
    return step()


def latest(key: str):
    [artifact] = artifacts_with_key(key)
    return artifact


def test_a_burst_of_documents_costs_one_update_and_the_ui_catches_up_within_the_interval(prefect_api):
    def burst() -> tuple[Progress, int]:
        progress = Progress(30, key="progress-burst", description="Documents done", min_interval_s=2.0)
        for n in range(30):
            progress.advance(f"http://h/{n}.pdf")
        sent_during_burst = progress.calls
        time.sleep(2.5)  # the interval ends: the timer sends the latest text
        return progress, sent_during_burst

    progress, sent_during_burst = in_a_run(burst)

    assert sent_during_burst == 1, "the first update goes out at once, the other 29 wait"
    assert progress.calls == 2
    artifact = latest("progress-burst")
    assert artifact.data == 100.0
    assert artifact.description == "Documents done: 30 of 30 documents done — last: http://h/29.pdf"


def test_finish_is_sent_at_once_even_inside_the_interval(prefect_api):
    def finish_early() -> Progress:
        progress = Progress(4, key="progress-finish", description="Documents done", min_interval_s=60)
        progress.advance("http://h/a.pdf")
        progress.advance("http://h/b.pdf")  # held back: the interval is a minute
        progress.finish()
        return progress

    progress = in_a_run(finish_early)

    assert progress.calls == 2
    artifact = latest("progress-finish")
    assert artifact.data == 100.0
    assert artifact.description == "Documents done: 4 of 4 documents done"


def test_updates_spaced_wider_than_the_interval_each_go_out(prefect_api):
    def slow() -> Progress:
        progress = Progress(3, key="progress-slow", description="Documents done", min_interval_s=0.2)
        for n in range(3):
            progress.advance(f"http://h/{n}.pdf")
            time.sleep(0.3)
        return progress

    progress = in_a_run(slow)

    assert progress.calls == 3
    assert latest("progress-slow").description.startswith("Documents done: 3 of 3 documents done")
