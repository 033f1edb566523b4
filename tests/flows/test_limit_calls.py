"""Calls to the politeness limits: a busy Prefect API is asked again soon, not after 2, 4, 8 s.

The API here is the fault-injecting HTTP server answering the limit endpoint as a busy Prefect
server does (``503``: its SQLite database lost a write race) or a full limit does (``423``).
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from tasks.fetch.limit_calls import SlotRefused, ask_server, retry_after
from tests.fetch.faulty_server import Serve, Status

INCREMENT = "/api/v2/concurrency_limits/increment"
LIMIT = {"id": "7b0a8a8e-0f6c-4c55-9d2c-5b9b0f7b9c01", "name": "fetch-rate-x", "limit": 1}
GRANTED = Serve(json.dumps([LIMIT]).encode(), content_type="application/json", conditional=False)


def increment(client):
    return client.increment_concurrency_slots(names=["fetch-rate-x"], slots=1, mode="rate_limit")


def test_a_busy_api_is_asked_again_after_a_short_pause_not_after_2_then_4_s(server):
    server.script(INCREMENT, Status(503), Status(503), GRANTED)

    with temporary_settings(updates={PREFECT_API_URL: server.url("/api")}):
        started = time.monotonic()
        response = ask_server(increment, what="fetch-rate-x", timeout_s=30)
        waited = time.monotonic() - started

    assert response.json()[0]["name"] == "fetch-rate-x"
    assert server.hits[INCREMENT] == 3
    # without a Retry-After Prefect's client waits 2 s, then 4 s (with jitter), after two 503s
    assert waited < 2.0, f"two busy answers cost {waited:.2f} s"


def test_a_refusal_is_asked_again_after_the_servers_retry_after_until_the_timeout(server):
    server.script(INCREMENT, Status(423, headers={"Retry-After": "0.2"}))
    refusals = []

    with temporary_settings(updates={PREFECT_API_URL: server.url("/api")}), pytest.raises(SlotRefused):
        ask_server(increment, what="fetch-rate-x", timeout_s=1.0, on_refused=lambda: refusals.append(1))

    assert 3 <= server.hits[INCREMENT] <= 6, "about one ask per 0.2 s within the 1 s timeout"
    assert len(refusals) == server.hits[INCREMENT]


def test_any_other_error_is_raised_at_once_for_the_throttle_to_fall_back_on(server):
    server.script(INCREMENT, Status(500))

    api = temporary_settings(updates={PREFECT_API_URL: server.url("/api")})
    with api, pytest.raises(httpx.HTTPStatusError):
        ask_server(increment, what="fetch-rate-x", timeout_s=30)

    assert server.hits[INCREMENT] == 1, "an error is not a busy server: asked once"


@pytest.mark.parametrize(("header", "expected"), [("0.01", 0.05), ("0.5", 0.5), ("60", 2.0), ("soon", 0.05)])
def test_retry_after_is_bounded(header, expected):
    assert retry_after(httpx.Response(423, headers={"Retry-After": header})) == expected
