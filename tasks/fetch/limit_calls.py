"""Calls to the Prefect server's global concurrency limits: a busy server is asked again soon.

The politeness limits are asked for on every fetch. A busy Prefect server (its SQLite database
refusing a write another transaction raced it to) answers ``503`` without a Retry-After, and
Prefect's client then waits 2, 4, 8, 16 s before asking again. The fetch thread that asked waits
all that time holding its host slot: in a 64-document ingest 60 of 180 limit calls were answered
``503``, fetches stalled for up to 30 s and the process pool sat idle (``bench/throughput.py``,
issue 12). These calls go through a client of their own whose transport gives such an answer a
short Retry-After (``BUSY_RETRY_S``), which Prefect's client honours — its retries and their count
stay Prefect's. A refusal (``423``: every slot taken) is asked again after the server's own
Retry-After, bounded, until the politeness deadline; any other error is raised, and the throttle
falls back to its process-local limits, as when no API is reachable at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

#: a refused slot is asked for again after the server's Retry-After, within these bounds (s)
RETRY_MIN_S, RETRY_MAX_S = 0.05, 2.0

#: the Retry-After given to a busy answer that has none (s): Prefect's client waits this, not 2**n
BUSY_RETRY_S = 0.1

#: answers of a server too busy to say yes or no (the Prefect client's own retry codes)
BUSY_STATUS = frozenset({408, 429, 502, 503})


class SlotRefused(TimeoutError):
    """No slot (or rate token) of the limit came free within the politeness timeout."""


def retry_after(response: httpx.Response) -> float:
    """The server's Retry-After (seconds), bounded to ``RETRY_MIN_S``…``RETRY_MAX_S``."""
    try:
        wait = float(response.headers.get("Retry-After", RETRY_MIN_S))
    except (TypeError, ValueError):
        wait = RETRY_MIN_S
    return min(RETRY_MAX_S, max(RETRY_MIN_S, wait))


def ask_server(
    call: Callable[[Any], httpx.Response],
    *,
    what: str,
    timeout_s: float,
    on_refused: Callable[[], None] = lambda: None,
) -> httpx.Response:
    """``call(client)`` until the server says yes; ``SlotRefused`` after ``timeout_s`` of refusals.

    Args:
        call: one request through a sync Prefect client (raises ``httpx.HTTPStatusError``).
        what: the limit, for the timeout's message.
        timeout_s: longest wait for a yes.
        on_refused: called on each ``423`` (the caller counts refusals).
    """
    deadline = time.monotonic() + timeout_s
    client = limits_client()
    while True:
        try:
            return call(client)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 423:  # busy past Prefect's retries, or an error: raised
                raise
            on_refused()
            wait = retry_after(exc.response)
            if time.monotonic() + wait > deadline:
                raise SlotRefused(f"no slot of {what} within {timeout_s:.0f} s") from exc
            time.sleep(wait)


#: (API URL, key, auth string) → this process's client for limit calls (building one costs ~30 ms)
_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


def limits_client() -> Any:
    """The sync Prefect client for limit calls to the current API, made once per process.

    Its own, not a run's cached client: calls come from timer threads and at exit too, after the
    run that was current may have closed its client.
    """
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_KEY, PREFECT_API_URL

    key = (PREFECT_API_URL.value(), PREFECT_API_KEY.value(), PREFECT_API_AUTH_STRING.value())
    with _clients_lock:
        if key not in _clients:
            client = get_client(sync_client=True, httpx_settings={"transport": BusyAnswersSayWhen()})
            _clients[key] = client.__enter__()
        return _clients[key]


class BusyAnswersSayWhen(httpx.HTTPTransport):
    """An HTTP transport that gives a busy answer without a Retry-After a short one.

    Prefect's client waits the Retry-After it is given (with jitter) before its next try, and
    2**try seconds when none is given.
    """

    def __init__(self) -> None:
        super().__init__(retries=3)  # connection retries, as Prefect's own transport has

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if response.status_code in BUSY_STATUS and "retry-after" not in response.headers:
            response.headers["Retry-After"] = str(BUSY_RETRY_S)
        return response
