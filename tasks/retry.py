"""Retry policy shared by every Prefect task: retry transient failures only, as many times as configured.

A corrupt PDF fails the same way on every attempt, so retrying it only delays the review item;
a database that went away or a 503 may well be back in a minute. ``BudgetEtlError.transient``
is the one place that decides which is which.
"""

from __future__ import annotations

from typing import Any, TypeVar

from budget_etl.errors import BudgetEtlError
from budget_etl.settings import Settings

T = TypeVar("T")


def only_transient(_task: Any, _task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry when the failure is a transient domain error."""
    try:
        error = state.result(raise_on_failure=False)
    except Exception:
        return False
    return isinstance(error, BudgetEtlError) and error.transient


def configured(prefect_task: T, settings: Settings, **options: Any) -> T:
    """The task with this run's retry budget (decorators are evaluated once, settings per run)."""
    return prefect_task.with_options(  # type: ignore[attr-defined]
        retries=settings.task_retries,
        retry_delay_seconds=settings.task_retry_delay_s,
        **options,
    )
