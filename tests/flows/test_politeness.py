"""Per-host politeness: a Prefect global concurrency limit per host, shared by every worker."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings

from budget_etl.settings import Settings
from tasks.fetch.politeness import LocalHostThrottle, PrefectHostThrottle, host_of, limit_names
from tests.fetch.faulty_server import Delay, Serve


def fetch_concurrently(throttle, url: str, count: int) -> None:
    def one() -> None:
        with throttle.slot(url):
            httpx.get(url, timeout=10)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


@pytest.mark.prefect
@pytest.mark.parametrize("limit", [1, 3])
def test_the_host_limit_lives_on_the_prefect_server_and_caps_requests_in_flight(prefect_api, server, limit):
    # each response takes 1 s, far longer than taking a slot from the server even on a loaded box
    # (at 0.3 s a busy CI box let only 2 of 3 allowed requests overlap): the cap is reached and held
    url = server.script("/doc.pdf", Delay(1.0, Serve(b"%PDF-1.4 tiny")))
    throttle = PrefectHostThrottle(Settings(per_host_concurrency=limit, per_host_requests_per_s=100))

    fetch_concurrently(throttle, url, limit + 2)

    assert server.hits["/doc.pdf"] == limit + 2
    assert server.max_in_flight == limit
    concurrency_name, rate_name = limit_names(host_of(url))
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(concurrency_name).limit == limit
        assert client.read_global_concurrency_limit_by_name(rate_name).slot_decay_per_second == 100


@pytest.mark.prefect
def test_the_rate_limit_spaces_requests_to_one_host(prefect_api, server):
    url = server.script("/doc.pdf", Serve(b"%PDF-1.4 tiny"))
    throttle = PrefectHostThrottle(Settings(per_host_concurrency=5, per_host_requests_per_s=4))

    started = time.monotonic()
    fetch_concurrently(throttle, url, 5)

    assert time.monotonic() - started >= 0.9, "5 requests at 4 per second take at least a second"


def test_without_a_prefect_api_politeness_falls_back_to_process_local_limits(server):
    url = server.script("/doc.pdf", Delay(0.2, Serve(b"%PDF-1.4 tiny")))
    throttle = PrefectHostThrottle(Settings(per_host_concurrency=1, per_host_requests_per_s=100))

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        fetch_concurrently(throttle, url, 3)

    assert server.hits["/doc.pdf"] == 3
    assert server.max_in_flight == 1


def test_the_local_throttle_keeps_the_minimum_spacing(server):
    url = server.script("/doc.pdf", Serve(b"%PDF-1.4 tiny"))
    throttle = LocalHostThrottle(Settings(per_host_concurrency=3, per_host_requests_per_s=10))

    started = time.monotonic()
    fetch_concurrently(throttle, url, 4)

    assert time.monotonic() - started >= 0.3
    assert server.hits["/doc.pdf"] == 4
