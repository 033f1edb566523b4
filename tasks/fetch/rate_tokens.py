"""Tokens of a host's global rate limit, asked for one at a time per process.

A host's rate limit is a Prefect global concurrency limit of one slot that decays at the allowed
requests per second: a request may start once it holds a token. Asking through Prefect's
``rate_limit()`` let every fetch thread of a process ask at once; each refusal updates the limit
on the server, which restarts its decay and raises the Retry-After every later asker is given, so
a publisher's fetches stalled for seconds at a time and the process pool went idle waiting for
documents (``bench/throughput.py``, issue 12: 15 s without a request in a 64-document ingest).

Here a process asks for a host's token from one thread at a time (the others queue on a lock),
so refusals come only from other processes; a refusal is retried after the server's Retry-After,
a busy server after a short pause (``tasks.fetch.limit_calls``). Across processes and machines the
server's limit still decides the rate.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from tasks.fetch.limit_calls import SlotRefused, ask_server

if TYPE_CHECKING:
    import httpx


class RateTokens:
    """One host's rate limit, as seen from this process: ``take()`` blocks until a token is granted.

    Args:
        limit_name: the rate limit (``fetch-rate-<host>``), created beforehand.
        timeout_s: longest wait for a token (``politeness_timeout_s``).
    """

    def __init__(self, limit_name: str, *, timeout_s: float) -> None:
        self.limit_name = limit_name
        self.timeout_s = timeout_s
        self.refusals = 0  # tokens the server refused this process: contention is measurable
        self._lock = threading.Lock()

    def take(self) -> None:
        """Wait for this process's turn, then for the server to grant a token: ``timeout_s`` in all."""
        deadline = time.monotonic() + self.timeout_s
        if not self._lock.acquire(timeout=self.timeout_s):
            raise SlotRefused(f"no token of {self.limit_name} within {self.timeout_s:.0f} s")
        try:
            left = max(0.0, deadline - time.monotonic())
            response = ask_server(
                self._increment, what=self.limit_name, timeout_s=left, on_refused=self._refused
            )
        finally:
            self._lock.release()
        if not response.json():
            raise LookupError(f"rate limit {self.limit_name} does not exist")

    def _increment(self, client: Any) -> httpx.Response:
        return client.increment_concurrency_slots(names=[self.limit_name], slots=1, mode="rate_limit")

    def _refused(self) -> None:
        self.refusals += 1
