"""Prefect task for extraction: a thin adapter over ``tasks.extract.extract_document``.

The result is cached by the file's sha256, the extractor's source and its settings, so a flow run retried
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
from tasks.names import named
from tasks.retry import expected_errors_as_failed, only_transient
from tasks.store.resources import raw_store_for

#: the code an extraction result depends on (any edit here gives a new cache key)
EXTRACT_CODE = ("tasks.extract", "budget_etl.contract", "budget_etl.document", "budget_etl.vocabulary")


def cache_key_by_file(_context: Any, parameters: dict[str, Any]) -> str:
    """Same bytes + same extractor source + same extraction settings = same extraction."""
    from tasks.cache_keys import code_digest, settings_digest
    from tasks.extract.settings import ExtractSettings

    settings = ExtractSettings.from_app_settings(parameters.get("settings"))
    return (
        f"extract-{parameters['sha256']}-v{budget_etl.__version__}"
        f"-code{code_digest(*EXTRACT_CODE)}-set{settings_digest(settings)}"
    )


@task(
    name="extract tables",
    task_run_name=named("extract"),
    cache_key_fn=cache_key_by_file,
    persist_result=True,
    retry_condition_fn=only_transient,
)
@expected_errors_as_failed
def extract_tables(sha256: str, source_url: str | None, settings: Settings) -> ExtractedDocument:
    """Read the stored file by hash and extract its tables (``ExtractError`` → review)."""
    from tasks.extract.guarded import extract_checked, extract_guarded
    from tasks.extract.settings import ExtractSettings

    data = raw_store_for(settings).get(sha256)
    # the run's own Settings (not the process environment) decide the page and byte limits
    extract_settings = ExtractSettings.from_app_settings(settings)
    if not settings.extract_isolated:
        return extract_checked(data, source_url, extract_settings)
    # a child process under the memory/time budget: a hostile file costs a review item, not the worker
    doc, _usage = extract_guarded(data, source_url=source_url, settings=extract_settings)
    return doc
