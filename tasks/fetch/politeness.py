"""Per-host politeness: at most N requests in flight and a steady request rate per host.

The limits are Prefect *global* concurrency limits, held by the Prefect server, so every worker
on every machine that shares the server shares them too — one publisher's server sees the same
gentle client whether one worker runs or ten. When no Prefect API is reachable (a plain script,
the API is down) the throttle degrades to process-local limits rather than stopping the batch.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

from budget_etl.settings import Settings
from tasks.fetch.leases import WarmLeases
from tasks.fetch.rate_tokens import RateTokens

logger = logging.getLogger(__name__)


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, lower-cased: the unit politeness is measured in."""
    return urlsplit(url).netloc.lower() or "unknown-host"


#: host → seconds between requests its robots.txt asks for (``Crawl-delay``), learnt by discovery;
#: process-wide so the fetch tasks that follow a publisher's discovery keep to it too
_crawl_delays: dict[str, float] = {}
_crawl_delays_lock = threading.Lock()


def ask_for_delay(host: str, seconds: float) -> None:
    """A host asked for ``seconds`` between requests (robots.txt): every throttle here keeps to it."""
    if seconds <= 0:
        return
    with _crawl_delays_lock:
        _crawl_delays[host.lower()] = max(seconds, _crawl_delays.get(host.lower(), 0.0))


def host_rate(settings: Settings, host: str) -> float:
    """Requests per second allowed to ``host``: the setting, or slower if the host asked for it."""
    delay = _crawl_delays.get(host.lower())
    rate = settings.per_host_requests_per_s
    return min(rate, 1.0 / delay) if delay else rate


def limit_names(host: str) -> tuple[str, str]:
    """(concurrency limit, rate limit) names for a host, safe for Prefect's name rules."""
    safe = re.sub(r"[^a-z0-9.-]+", "-", host.lower()).strip("-") or "unknown-host"
    return f"fetch-host-{safe}", f"fetch-rate-{safe}"


#: a slot of a host's limit this process has not used for this long goes back to the server (s)
WARM_SLOT_IDLE_S = 1.0

#: tries at creating a host's limits (a race lost to another process is the usual first failure)
UPSERT_ATTEMPTS = 3


class LocalHostThrottle:
    """Process-local fallback: a semaphore and a minimum spacing per host."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        host = host_of(url)
        with self._lock:
            semaphore = self._semaphores.setdefault(
                host, threading.Semaphore(self._settings.per_host_concurrency)
            )
        with semaphore:
            self._wait_for_turn(host)
            yield

    def _wait_for_turn(self, host: str) -> None:
        spacing = 1.0 / host_rate(self._settings, host)
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + spacing
        time.sleep(max(0.0, start - now))


class PrefectHostThrottle:
    """Per-host global concurrency + rate limits on the Prefect server, created on first use.

    A request first passes this process's own gate (``LocalHostThrottle``, the same limits kept
    locally), then asks the server. The gate never admits more than the server would, so the
    server is only asked when a slot may be free: without it, a publisher's fetches all asked at
    once and every refusal was another API call (about 1.4 wasted calls per document, measured by
    ``bench/throughput.py``, issue 12). A slot taken stays with this process while it keeps
    fetching from the host (``tasks.fetch.leases``: given back after ``WARM_SLOT_IDLE_S`` unused),
    so a run of fetches costs one take and one release per slot, not per request. The rate limit's
    token is asked for by one thread of this process at a time (``tasks.fetch.rate_tokens``): many
    asking at once made the server refuse them all for seconds. Across processes and machines the
    server's limits still decide; when no API is reachable the gate alone keeps this process polite.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._ready: set[tuple[str, float]] = set()  # (host, rate) the limits were last set to
        self._lock = threading.Lock()
        self._gate = LocalHostThrottle(settings)
        self._slots: dict[str, WarmLeases] = {}  # limit name → the slots this process keeps warm
        self._tokens: dict[str, RateTokens] = {}  # rate limit name → this process's turn at it

    def ensure_limits(self, host: str) -> tuple[str, str]:
        """Create (or update to the current settings) this host's two limits; returns their names.

        Creation is serialised per process: concurrent first fetches of one host would otherwise
        race to create the same limit and all but one would fail.
        """
        names = limit_names(host)
        rate = host_rate(self._settings, host)
        with self._lock:
            if (host, rate) not in self._ready:  # a Crawl-delay learnt since: the limit slows down
                self._upsert(*names, rate=rate)
                self._ready.add((host, rate))
        return names

    def _upsert(self, concurrency_name: str, rate_name: str, *, rate: float | None = None) -> None:
        """Create or update both limits; a lost creation race (another process) is tried again.

        ``upsert_…_by_name`` reads, then creates: two workers starting together both read "absent"
        and the second create fails on the name's unique key. The second try finds the limit and
        updates it, so no process falls back to local-only politeness because of the race.
        """
        from prefect.client.orchestration import get_client

        for attempt in range(UPSERT_ATTEMPTS):
            try:
                with get_client(sync_client=True) as client:
                    client.upsert_global_concurrency_limit_by_name(
                        concurrency_name, self._settings.per_host_concurrency
                    )
                    client.upsert_global_concurrency_limit_by_name(
                        rate_name, 1, slot_decay_per_second=rate or self._settings.per_host_requests_per_s
                    )
                return
            except Exception:
                if attempt + 1 == UPSERT_ATTEMPTS:
                    raise
                time.sleep(0.05 * (attempt + 1))

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        with self._gate.slot(url):
            try:
                held = self._acquire(host_of(url))
            except Exception as exc:  # no API, limit misconfigured: the local gate alone is polite
                logger.warning("per-host limits unavailable (%s); using process-local politeness", exc)
                yield
                return
            with held:
                yield

    def _acquire(self, host: str) -> ExitStack:
        concurrency_name, rate_name = self.ensure_limits(host)
        slots = self._slots_of(concurrency_name)
        lease = slots.take()
        stack = ExitStack()
        stack.callback(slots.give_back, lease)
        try:
            self._tokens_of(rate_name).take()
        except BaseException:
            stack.close()
            raise
        return stack

    def _tokens_of(self, limit_name: str) -> RateTokens:
        with self._lock:
            if limit_name not in self._tokens:
                timeout = self._settings.politeness_timeout_s
                self._tokens[limit_name] = RateTokens(limit_name, timeout_s=timeout)
            return self._tokens[limit_name]

    def _slots_of(self, limit_name: str) -> WarmLeases:
        with self._lock:
            if limit_name not in self._slots:
                deadline = self._settings.http_deadline_s  # the longest a request may hold its slot
                self._slots[limit_name] = WarmLeases(
                    limit_name, lease_s=deadline + 60, reuse_margin_s=deadline + 30, idle_s=WARM_SLOT_IDLE_S,
                    timeout_s=self._settings.politeness_timeout_s,
                )
            return self._slots[limit_name]

    def release_idle(self) -> None:
        """Give every slot this process keeps warm back to the server (a batch's fetches are done)."""
        with self._lock:
            slots = list(self._slots.values())
        for held in slots:
            held.close()

    @property
    def slots_taken(self) -> int:
        """Slots asked of the server so far (each warm reuse is one ask, and two API calls, saved)."""
        return sum(held.taken for held in self._slots.values())

    @property
    def rate_refusals(self) -> int:
        """Rate tokens the server refused this process so far (~one per request at most: see above)."""
        return sum(tokens.refusals for tokens in self._tokens.values())
