"""Fetches submitted a few at a time, so the first documents reach the cores at once.

Submitting every fetch of a publisher together (the first design) started one thread per URL:
160 task runs opened at the same moment, each sending its state events and asking the Prefect
server for one of the host's ``per_host_concurrency`` slots, and all but a few of them refused
and asking again. The server was busiest when the process pool had nothing to do yet: the first
document started 10–15 s into a 160-document ``ingest`` (issue 12, ``bench/throughput.py``).

A fetch holds its host slot only while it downloads, so more fetches in flight than the hosts'
slots buys nothing but waiting; a window of ``FETCHES_PER_SLOT`` fetches per slot keeps the next
fetch ready the moment a slot frees. Order is the discovery's: documents come out roughly in the
order they were listed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence

from prefect.futures import PrefectFuture, as_completed

from budget_etl.settings import Settings
from tasks.fetch.politeness import host_of

#: fetches in flight per host slot: one downloading, one waiting to take the slot the moment it frees
FETCHES_PER_SLOT = 2


def window_size(urls: Sequence[str], settings: Settings) -> int:
    """How many fetches to keep in flight: ``FETCHES_PER_SLOT`` per slot of every host named."""
    hosts = {host_of(url) for url in urls}
    return max(1, FETCHES_PER_SLOT * settings.per_host_concurrency * len(hosts))


def fetch_windowed(
    submit: Callable[[str], PrefectFuture], urls: Iterable[str], window: int
) -> Iterator[tuple[str, PrefectFuture]]:
    """Yield ``(url, future)`` as fetches end, never more than ``window`` of them running.

    ``submit`` starts one fetch. Every URL is submitted exactly once and yielded exactly once,
    whatever its fetch ends in; the next one is submitted as soon as one ends, before the caller
    is handed the finished one (in ``sequential`` mode the caller then processes a whole document).
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    waiting = deque(urls)
    running: dict[PrefectFuture, str] = {}

    def fill() -> None:
        while waiting and len(running) < window:
            url = waiting.popleft()
            running[submit(url)] = url

    fill()
    while running:
        finished = next(as_completed(list(running)))
        url = running.pop(finished)
        fill()  # before yielding: the next fetch runs while the caller handles this one
        yield url, finished
