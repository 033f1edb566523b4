"""Prefect tasks for discovery and fetch: thin adapters over ``tasks.fetch.intake``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from prefect import get_run_logger, task
from prefect.runtime import task_run

from budget_etl.settings import Settings
from tasks.fetch.fetcher import Fetcher
from tasks.fetch.intake import Discovery, FetchedDocument, discover_publisher, fetch_into_store, intake_file
from tasks.fetch.politeness import PrefectHostThrottle
from tasks.fetch.sources import Publisher
from tasks.retry import expected_errors_as_failed, expected_failure, only_transient
from tasks.store.resources import raw_store_for, repository_for


@lru_cache(maxsize=4)
def _throttle(concurrency: int, rate: float, timeout: float) -> PrefectHostThrottle:
    return PrefectHostThrottle(
        Settings(per_host_concurrency=concurrency, per_host_requests_per_s=rate, politeness_timeout_s=timeout)
    )


def throttle_for(settings: Settings) -> PrefectHostThrottle:
    """One throttle per politeness configuration, so limits are created once per process."""
    return _throttle(
        settings.per_host_concurrency, settings.per_host_requests_per_s, settings.politeness_timeout_s
    )


@task(name="discover documents", task_run_name="discover {publisher.name}", retry_condition_fn=only_transient)
@expected_errors_as_failed
def discover_documents(publisher: Publisher, settings: Settings) -> Discovery:
    """Register the publisher's sources and list the documents on its listing pages.

    An unreadable listing fails the task run (red in the UI, its reason as the state message);
    the ``Discovery`` is still the state's result, so the documents found elsewhere go on.
    """
    with Fetcher(settings) as fetcher:
        discovery = discover_publisher(
            publisher, fetcher=fetcher, repository=repository_for(settings), throttle=throttle_for(settings)
        )
    for limit in discovery.limits:  # the run's page/depth bounds cut the walk short: said in the run log
        get_run_logger().warning("discovery bound: %s", limit)
    if discovery.failures:
        from prefect.states import Failed

        first = discovery.failures[0]
        return Failed(  # type: ignore[return-value]
            message=f"{len(discovery.failures)} listing(s) unreadable, first {first.url}: "
            f"{first.error.reason.value}: {first.error.message}",
            data=discovery,
        )
    return discovery


@task(name="fetch document", task_run_name="fetch {url}", retry_condition_fn=only_transient)
@expected_errors_as_failed
def fetch_document(url: str, settings: Settings, conditional: bool = True) -> FetchedDocument:
    """Fetch one URL into the raw store; a transient failure is raised so Prefect retries the task."""
    first_attempt = (max(task_run.run_count, 1) - 1) * (settings.http_retries + 1) + 1
    with Fetcher(settings) as fetcher:
        fetched = fetch_into_store(
            url, fetcher=fetcher, repository=repository_for(settings), raw_store=raw_store_for(settings),
            throttle=throttle_for(settings), conditional=conditional, first_attempt=first_attempt,
        )
    if fetched.error is not None:  # a failed task run (red in the UI); retried only when transient
        return expected_failure(fetched.error)
    return fetched


@task(name="store local file", task_run_name="store {path}", retry_condition_fn=only_transient)
@expected_errors_as_failed
def store_local_file(path: str, settings: Settings) -> FetchedDocument:
    """Keep a file given on the command line in the raw store (an unreadable path is an error)."""
    return intake_file(
        Path(path), repository=repository_for(settings), raw_store=raw_store_for(settings),
        max_bytes=settings.max_download_bytes,
    )
