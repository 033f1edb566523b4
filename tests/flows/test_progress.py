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
def progress_run(
    key: str, total: int, min_interval_s: float, steps: Callable[[Progress], Any]
) -> tuple[Progress, Any]:
    """A progress artifact of ``total`` documents and what ``steps`` do with it, inside a run
    (artifacts belong to a run: created outside one is deprecated)."""
    progress = Progress(total, key=key, description="Documents done", min_interval_s=min_interval_s)
    return progress, steps(progress)


def latest(key: str):
    [artifact] = artifacts_with_key(key)
    return artifact


def test_a_burst_of_documents_costs_one_update_and_the_ui_catches_up_within_the_interval(prefect_api):
    def burst(progress: Progress) -> int:
        for n in range(30):
            progress.advance(f"http://h/{n}.pdf")
        sent_during_burst = progress.calls
        time.sleep(2.5)  # the interval ends: the timer sends the latest text
        return sent_during_burst

    progress, sent_during_burst = progress_run("progress-burst", 30, 2.0, burst)

    assert sent_during_burst == 1, "the first update goes out at once, the other 29 wait"
    assert progress.calls == 2
    artifact = latest("progress-burst")
    assert artifact.data == 100.0
    assert artifact.description == "Documents done: 30 of 30 documents done — last: http://h/29.pdf"


def test_finish_is_sent_at_once_even_inside_the_interval(prefect_api):
    def finish_early(progress: Progress) -> None:
        progress.advance("http://h/a.pdf")
        progress.advance("http://h/b.pdf")  # held back: the interval is a minute
        progress.finish()

    progress, _ = progress_run("progress-finish", 4, 60, finish_early)

    assert progress.calls == 2
    artifact = latest("progress-finish")
    assert artifact.data == 100.0
    assert artifact.description == "Documents done: 4 of 4 documents done"


def test_updates_spaced_wider_than_the_interval_each_go_out(prefect_api):
    def slow(progress: Progress) -> None:
        for n in range(3):
            progress.advance(f"http://h/{n}.pdf")
            time.sleep(0.3)

    progress, _ = progress_run("progress-slow", 3, 0.2, slow)

    assert progress.calls == 3
    assert latest("progress-slow").description.startswith("Documents done: 3 of 3 documents done")
