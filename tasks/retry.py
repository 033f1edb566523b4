"""Retry policy shared by every Prefect task: retry transient failures only, as many times as configured.

A corrupt PDF fails the same way on every attempt, so retrying it only delays the review item;
a database that went away or a 503 may well be back in a minute. ``BudgetEtlError.transient``
is the one place that decides which is which.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from budget_etl.errors import BudgetEtlError
from budget_etl.settings import Settings

T = TypeVar("T")
P = ParamSpec("P")


def only_transient(_task: Any, _task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry when the failure is a transient domain error."""
    try:
        error = state.result(raise_on_failure=False)
    except Exception:
        return False
    return isinstance(error, BudgetEtlError) and error.transient


def configured(prefect_task: T, settings: Settings, **options: Any) -> T:
    """The task with this run's retry budget (decorators are evaluated once, settings per run).

    A task that persists no result gets no cache policy: Prefect's default one hashes every input
    (a whole extracted document) and the task's source on each run, for a key nothing stores.
    """
    if not getattr(prefect_task, "persist_result", None):
        from prefect.cache_policies import NO_CACHE

        options.setdefault("cache_policy", NO_CACHE)
    return prefect_task.with_options(  # type: ignore[attr-defined]
        retries=settings.task_retries,
        retry_delay_seconds=settings.task_retry_delay_s,
        **options,
    )


def expected_failure(error: BudgetEtlError) -> Any:
    """A Prefect ``Failed`` state carrying the domain error: a red task run, logged as one line.

    Raising would make Prefect log the whole traceback of an error the code expected (a 404, a
    corrupt PDF); returning the state fails the task run just the same, keeps the error as its
    result (``flows.states.error_of`` reads it back) and is still retried when transient.
    """
    from prefect.states import Failed

    return Failed(message=f"{error.reason.value}: {error.message}", data=error)


def expected_errors_as_failed(fn: Callable[P, T]) -> Callable[P, T]:
    """Wrap a task body so a ``BudgetEtlError`` ends the run ``Failed`` without a traceback.

    Put it under ``@task``; unexpected exceptions still raise (their traceback is wanted).
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except BudgetEtlError as error:
            return expected_failure(error)

    return wrapper
