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


def fetch_concurrently(throttle, url: str, count: int, *more_throttles) -> None:
    """``count`` requests at once, dealt in turn to ``throttle`` and ``more_throttles``.

    Several ``PrefectHostThrottle`` stand for several worker processes: each keeps its own local
    gate, so only the limits on the Prefect server can hold them all to the per-host cap.
    """
    throttles = (throttle, *more_throttles)

    def one(n: int) -> None:
        with throttles[n % len(throttles)].slot(url):
            httpx.get(url, timeout=10)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
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
    settings = Settings(per_host_concurrency=limit, per_host_requests_per_s=100)
    workers = [PrefectHostThrottle(settings) for _ in range(3)]  # three processes' worth of gates

    fetch_concurrently(workers[0], url, 3 * limit, *workers[1:])

    assert server.hits["/doc.pdf"] == 3 * limit
    assert server.max_in_flight == limit, "each local gate admits `limit`: only the server holds all three"
    concurrency_name, rate_name = limit_names(host_of(url))
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(concurrency_name).limit == limit
        assert client.read_global_concurrency_limit_by_name(rate_name).slot_decay_per_second == 100


@pytest.mark.prefect
def test_the_rate_limit_spaces_requests_to_one_host(prefect_api, server):
    url = server.script("/doc.pdf", Serve(b"%PDF-1.4 tiny"))
    settings = Settings(per_host_concurrency=5, per_host_requests_per_s=4)
    first, second = PrefectHostThrottle(settings), PrefectHostThrottle(settings)

    started = time.monotonic()
    fetch_concurrently(first, url, 6, second)

    # each process spaces its own 3 requests 0.25 s apart (0.5 s); only the shared server limit
    # holds the two together to 4 per second: 6 requests take at least 1.25 s
    assert time.monotonic() - started >= 1.2, "6 requests at 4 per second take at least 1.25 s"


@pytest.mark.prefect
def test_one_process_asks_for_rate_tokens_one_thread_at_a_time_and_is_rarely_refused(prefect_api, server):
    # regression (issue 12): through Prefect's rate_limit() every waiting thread asked at once; each
    # refusal restarted the limit's decay on the server and lengthened everyone's Retry-After, so a
    # publisher's fetches stalled for seconds and the process pool sat idle
    url = server.script("/doc.pdf", Serve(b"%PDF-1.4 tiny"))
    throttle = PrefectHostThrottle(Settings(per_host_concurrency=8, per_host_requests_per_s=20))

    started = time.monotonic()
    fetch_concurrently(throttle, url, 24)

    assert server.hits["/doc.pdf"] == 24
    assert time.monotonic() - started >= 23 / 20 - 0.05, "24 requests at 20 per second take 1.15 s or more"
    refusals = throttle.rate_refusals
    assert refusals <= 24, f"{refusals} refusals for 24 requests: this process's threads asked at once"


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


def active_slots(url: str) -> int:
    concurrency_name, _ = limit_names(host_of(url))
    with get_client(sync_client=True) as client:
        return client.read_global_concurrency_limit_by_name(concurrency_name).active_slots


@pytest.mark.prefect
def test_one_process_fetching_in_a_row_reuses_its_slot_and_gives_it_back_when_idle(prefect_api, server):
    url = server.script("/doc.pdf", Serve(b"%PDF-1.4 tiny"))
    throttle = PrefectHostThrottle(Settings(per_host_concurrency=2, per_host_requests_per_s=100))

    for _ in range(6):
        with throttle.slot(url):
            httpx.get(url, timeout=10)

    assert throttle.slots_taken == 1, "six requests in a row, one slot asked of the server"
    assert active_slots(url) == 1, "the slot stays held on the server while this process may need it"
    deadline = time.monotonic() + 10
    while active_slots(url) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert active_slots(url) == 0, "unused for a second, the slot goes back to the server"


@pytest.mark.prefect
def test_a_slot_kept_warm_by_one_process_is_counted_against_the_others(prefect_api, server):
    url = server.script("/doc.pdf", Serve(b"%PDF-1.4 tiny"))
    settings = Settings(per_host_concurrency=1, per_host_requests_per_s=100)
    first, second = PrefectHostThrottle(settings), PrefectHostThrottle(settings)
    with first.slot(url):
        httpx.get(url, timeout=10)

    started = time.monotonic()
    with second.slot(url):  # waits for the first process to give its idle slot back
        waited = time.monotonic() - started
        assert active_slots(url) == 1

    assert waited >= 0.5, f"the second process fetched {waited:.2f} s later, while the first held the slot"
    second.release_idle()
    assert active_slots(url) == 0, "release_idle gives the warm slots back at once (end of a batch)"


CHILD = """
import sys, httpx
from budget_etl.settings import Settings
from tasks.fetch.politeness import PrefectHostThrottle
throttle = PrefectHostThrottle(Settings(per_host_concurrency=1, per_host_requests_per_s=100))
with throttle.slot(sys.argv[1]):
    httpx.get(sys.argv[1], timeout=10)
print(throttle.slots_taken)
"""


@pytest.mark.prefect
def test_a_process_that_exits_gives_its_warm_slots_back_rather_than_at_lease_expiry(prefect_api, server):
    import os
    import subprocess
    import sys

    url = server.script("/doc.pdf", Serve(b"%PDF-1.4 tiny"))
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    done = subprocess.run([sys.executable, "-c", CHILD, url], env=env, capture_output=True, text=True,
                          timeout=120)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
    assert active_slots(url) == 0, "the next run on this host does not wait minutes for an expired lease"
