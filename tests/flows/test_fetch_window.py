"""Fetches run a window at a time (issue 12): the first documents reach the cores at once, and no
more fetch task runs are open than the hosts' slots can use.

Real parts: the session's Prefect API and its thread-pool task runner, a real HTTP server.
"""

from __future__ import annotations

import threading
import time

import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from budget_etl.settings import Settings, use_settings
from flows.fetch_window import FETCHES_PER_SLOT, fetch_windowed, window_size
from flows.ingest import ingest
from tests.fetch.faulty_server import Delay, Serve
from tests.flows.conftest import listing_page, publisher, write_sources
from tests.flows.prefect_reads import task_runs

pytestmark = pytest.mark.prefect


def test_the_window_is_two_fetches_per_slot_of_every_host_named():
    settings = Settings(per_host_concurrency=3)
    urls = ["https://a.example/1.pdf", "https://A.example/2.pdf", "https://b.example/1.pdf"]
    assert window_size(urls, settings) == FETCHES_PER_SLOT * 3 * 2
    assert window_size([], settings) == 1


class Gauge:
    """Counts calls running at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *_: object) -> None:
        with self.lock:
            self.now -= 1


def test_every_url_is_fetched_once_and_yielded_once_never_more_than_the_window_at_a_time(prefect_api):
    gauge = Gauge()

    @task(cache_policy=NO_CACHE, retries=0)
    def fake_fetch(url: str) -> str:
        with gauge:
            time.sleep(0.05)
        if url.endswith("7"):
            raise RuntimeError("this one fails")
        return url

    @flow
    def fetch_all(urls: list[str], window: int) -> list[tuple[str, str]]:
        seen = []
        for url, future in fetch_windowed(fake_fetch.submit, urls, window):
            future.wait()
            seen.append((url, future.state.type.value))
        return seen

    urls = [f"u{i}" for i in range(12)]
    seen = fetch_all(urls, 3)

    assert sorted(url for url, _ in seen) == sorted(urls), "each URL yielded exactly once"
    assert dict(seen)["u7"] == "FAILED" and sum(s == "COMPLETED" for _, s in seen) == 11
    assert gauge.most <= 3, f"{gauge.most} fetches ran at once with a window of 3"
    assert gauge.most >= 2, "the window runs fetches concurrently"


def test_a_window_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        list(fetch_windowed(lambda url: None, ["u"], 0))


def test_ingest_keeps_at_most_the_window_of_fetch_task_runs_open(
    prefect_api, server, flow_settings, tmp_path
):
    count = 8  # each an error page after a pause: a fetch that holds the host's slot, then a review item
    gone = Serve(b"<html><body>gone</body></html>", "text/html", conditional=False)
    for i in range(count):
        server.script(f"/docs/{i}.pdf", Delay(0.2, gone))
    server.script("/docs/", Serve(listing_page({f"doc {i}": f"{i}.pdf" for i in range(count)}), "text/html"))
    listed = publisher("windowed", listings=[server.url("/docs/")])
    sources = write_sources(tmp_path / "sources.yaml", [listed])
    settings = flow_settings.model_copy(update={"per_host_concurrency": 1})  # window: 2 fetches

    with use_settings(settings):
        state = ingest(sources_file=str(sources), return_state=True)

    summary = state.result()
    assert len(summary.outcomes) == count, summary.outcomes
    fetches = [t for t in task_runs(state.state_details.flow_run_id) if t.name.startswith("fetch ")]
    assert len(fetches) == count
    spans = [(t.start_time, t.end_time) for t in fetches]
    assert all(start and end for start, end in spans), spans
    most_open = max(sum(s <= at < e for s, e in spans) for at, _ in spans)
    assert most_open <= FETCHES_PER_SLOT * 1, f"{most_open} fetch task runs open at once"
    assert server.max_in_flight <= 1, "politeness unchanged: one request at a time to the host"
