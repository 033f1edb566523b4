"""Slots of a host's global concurrency limit that this process keeps warm between its requests.

Taking and giving back a Prefect concurrency slot per request costs three API calls (take, the
lease renewal thread's first renewal, release — the release ~0.2 s on a busy server), and they were
the costliest Prefect calls of an ingest (``bench/throughput.py``, issue 12). A process fetching a
publisher's documents one after another needs the same slot again within milliseconds, so here a
slot is given back to the server only when this process has not used it for ``idle_s``, or when its
lease nears the end of its life; otherwise the next request of this process reuses it.

Politeness is unchanged: a slot still admits one request at a time (the caller's local gate
admits no more requests than slots), so the server's count is never below what is in flight. A
process that dies holding slots loses them when their leases expire (``lease_s``), as with
Prefect's own ``concurrency()``; a live process gives an idle slot back within ``idle_s``.

Uses the client's lease calls directly rather than ``prefect.concurrency.sync.concurrency``: that
one is a context manager bound to one request, and inside a task run Prefect releases every lease
it took when the task ends.
"""

from __future__ import annotations

import atexit
import contextvars
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tasks.fetch.limit_calls import ask_server, limits_client

if TYPE_CHECKING:
    import httpx


@dataclass
class Lease:
    """One slot held on the server: its lease, when it expires, when this process last gave it back."""

    lease_id: UUID
    expires: float
    idle_since: float = 0.0


class WarmLeases:
    """One host limit's slots held by this process: take one (warm if possible), give it back.

    Args:
        limit_name: the global concurrency limit (``fetch-host-<host>``).
        lease_s: lease duration asked for; longer than the longest request (``http_deadline_s``).
        reuse_margin_s: a warm slot whose lease ends sooner than this is not reused (a request
            started on it must end before the lease does).
        idle_s: a slot unused this long goes back to the server.
        timeout_s: longest wait for a slot (``politeness_timeout_s``).
    """

    def __init__(
        self, limit_name: str, *, lease_s: float, reuse_margin_s: float, idle_s: float, timeout_s: float
    ) -> None:
        if reuse_margin_s >= lease_s:
            raise ValueError("the lease must outlive the longest request")
        self.limit_name = limit_name
        self.lease_s, self.reuse_margin_s = lease_s, reuse_margin_s
        self.idle_s, self.timeout_s = idle_s, timeout_s
        self.taken = 0  # slots asked of the server: what keeping them warm saves is measurable
        self._idle: list[Lease] = []
        self._lock = threading.Lock()
        self._reaper: threading.Timer | None = None
        self._context = contextvars.copy_context()  # the Prefect settings in force when first used
        atexit.register(self._close_at_exit)  # a process that ends gives its idle slots back now

    def take(self) -> Lease:
        """A slot for one request: an idle one of this process, else a new one from the server."""
        now = time.monotonic()
        warm: Lease | None = None
        with self._lock:
            stale = [lease for lease in self._idle if lease.expires - now <= self.reuse_margin_s]
            self._idle = [lease for lease in self._idle if lease not in stale]
            if self._idle:
                warm = self._idle.pop()  # the most recently used: the others may go idle and back
        self._release_all(stale)
        return warm if warm is not None else self._acquire()

    def give_back(self, lease: Lease) -> None:
        """The request ended: keep the slot for this process's next request, for ``idle_s``."""
        lease.idle_since = time.monotonic()
        with self._lock:
            self._idle.append(lease)
            if self._reaper is None:
                self._schedule(self.idle_s)

    def close(self) -> None:
        """Give every idle slot back now (the end of a batch)."""
        self._release_all(self._take_all_idle())

    def _close_at_exit(self) -> None:
        """At interpreter exit: with the settings of first use (the run's context is gone)."""
        idle = self._take_all_idle()
        if idle:
            self._context.copy().run(self._release_all, idle)

    def _take_all_idle(self) -> list[Lease]:
        with self._lock:
            idle, self._idle = self._idle, []
            if self._reaper is not None:
                self._reaper.cancel()
                self._reaper = None
        return idle

    def _schedule(self, delay: float) -> None:
        context = contextvars.copy_context()  # this process's Prefect settings (API URL)
        self._reaper = threading.Timer(delay, context.run, args=(self._reap,))
        self._reaper.daemon = True
        self._reaper.start()

    def _reap(self) -> None:
        """Give back the slots idle for ``idle_s``; look again when the next one would be."""
        now = time.monotonic()
        with self._lock:
            self._reaper = None
            old = [lease for lease in self._idle if now - lease.idle_since >= self.idle_s]
            self._idle = [lease for lease in self._idle if lease not in old]
            if self._idle:
                self._schedule(max(0.01, min(lease.idle_since for lease in self._idle) + self.idle_s - now))
        self._release_all(old)

    def _acquire(self) -> Lease:
        def increment(client: Any) -> httpx.Response:
            return client.increment_concurrency_slots_with_lease(
                names=[self.limit_name], slots=1, mode="concurrency", lease_duration=self.lease_s
            )

        body = ask_server(increment, what=self.limit_name, timeout_s=self.timeout_s).json()
        if not body.get("limits"):
            raise LookupError(f"concurrency limit {self.limit_name} does not exist")
        self.taken += 1
        return Lease(UUID(body["lease_id"]), expires=time.monotonic() + self.lease_s)

    def _release_all(self, leases: list[Lease]) -> None:
        """Give slots back; one the server no longer knows (expired) is simply gone.

        Through this process's own client for limit calls (``tasks.fetch.limit_calls``): releases
        come from timers and at exit too, and a busy server is asked again within a second.
        """
        if not leases:
            return
        client = limits_client()
        for lease in leases:
            try:
                client.release_concurrency_slots_with_lease(lease.lease_id)
            except Exception:  # expired or the API is away: the lease ends on its own
                continue
