"""Prefect task for extraction: a thin adapter over ``tasks.extract.extract_document``.

The result is cached by the file's sha256 (and the package version), so a flow run retried
after a later stage failed does not extract the same bytes again; ``refresh_cache`` (used by
``retry_reviews``) forces a fresh extraction after a fix. How long a cached result lives is the
caller's to set (``flows.process_document`` uses ``Settings.cache_expiration_days``).
"""

from __future__ import annotations

from typing import Any

from prefect import task

import budget_etl
from budget_etl.document import ExtractedDocument
from budget_etl.settings import Settings
from tasks.retry import only_transient
from tasks.store.resources import raw_store_for


def cache_key_by_file(_context: Any, parameters: dict[str, Any]) -> str:
    """Same bytes + same code version = same extraction."""
    return f"extract-{parameters['sha256']}-v{budget_etl.__version__}"


@task(
    name="extract tables",
    task_run_name="extract {sha256}",
    cache_key_fn=cache_key_by_file,
    persist_result=True,
    retry_condition_fn=only_transient,
)
def extract_tables(sha256: str, source_url: str | None, settings: Settings) -> ExtractedDocument:
    """Read the stored file by hash and extract its tables (``ExtractError`` → review)."""
    from tasks.extract import extract_document
    from tasks.extract.settings import ExtractSettings

    data = raw_store_for(settings).get(sha256)
    # the run's own Settings (not the process environment) decide the page and byte limits
    return extract_document(data, source_url=source_url, settings=ExtractSettings.from_app_settings(settings))
