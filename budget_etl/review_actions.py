"""The review actions a person takes, shared by the CLI (``budget-etl review …``) and the web app.

Why one module: "retry through the same Prefect flow as the CLI" and "a correction re-validates
the document" must be one code path, not two that drift. Each function is a thin sequence of
repository calls and the ``retry_reviews`` flow; the rules live in ``storage``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from budget_etl.errors import Reason, ReviewError
from budget_etl.settings import Settings, use_settings
from storage.corrections import CellCorrection
from storage.repository import ReviewDetail, open_repository

if TYPE_CHECKING:
    from flows.outcomes import RunSummary


def check_items_exist(item_ids: list[int], settings: Settings) -> None:
    """Unknown ids are a clear error before any flow starts (connections closed before it runs)."""
    repository = open_repository(settings.resolved_database_url())
    try:
        for item_id in item_ids:
            repository.get_review(item_id)
    finally:
        repository.engine.dispose()


def retry_items(item_ids: list[int] | None, settings: Settings, *, actor: str | None = None) -> RunSummary:
    """Re-run review items (every open one for None) through the ``retry_reviews`` Prefect flow.

    With ``actor`` (a person acting in the web app) each item's audit log says who asked.
    """
    if item_ids is not None and not item_ids:
        raise ReviewError(Reason.INVALID_STATE, "no review item ids given")
    check_items_exist(item_ids or [], settings)
    if actor:
        repository = open_repository(settings.resolved_database_url(), migrate=False)
        try:
            for item_id in item_ids or []:
                repository.record_request(item_id, action="retry_by_person", actor=actor, reason="retry")
        finally:
            repository.engine.dispose()
    from flows.retry_reviews import retry_reviews

    options: dict[str, object] = {"item_ids": item_ids or None}
    if "settings" in inspect.signature(retry_reviews.fn).parameters:
        options["settings"] = settings
    with use_settings(settings):
        return retry_reviews(**options)  # type: ignore[no-any-return]


def waive_item(item_id: int, *, reason: str, actor: str, settings: Settings) -> ReviewDetail:
    """Accept an open item despite its findings (audited with ``actor`` and ``reason``)."""
    repository = open_repository(settings.resolved_database_url(), actor=actor)
    try:
        detail = repository.waive_review(item_id, reason=reason, actor=actor)
    finally:
        repository.engine.dispose()
    announce_closed(item_id, detail.item.status)
    return detail


@dataclass(frozen=True)
class CorrectionResult:
    """The correction as recorded and what re-validating the document made of the item."""

    correction: CellCorrection
    summary: RunSummary
    item: ReviewDetail


def correct_cell(
    item_id: int,
    *,
    table_position: int,
    row_index: int,
    field: str,
    old: str,
    new: str,
    reason: str,
    actor: str,
    settings: Settings,
) -> CorrectionResult:
    """Record the correction (refused when the cell no longer holds ``old``), then re-validate.

    Re-validation is a retry of the item through the same flow: the corrections are applied on
    top of a fresh reading, and the item resolves when the document now passes.
    """
    repository = open_repository(settings.resolved_database_url(), actor=actor)
    try:
        correction = repository.correct_cell(
            item_id, table_position=table_position, row_index=row_index, field=field,
            old=old, new=new, reason=reason, actor=actor,
        )
    finally:
        repository.engine.dispose()
    summary = retry_items([item_id], settings)
    repository = open_repository(settings.resolved_database_url(), migrate=False)
    try:
        detail = repository.get_review(item_id)
    finally:
        repository.engine.dispose()
    if detail.item.status != "open":
        announce_closed(item_id, detail.item.status)
    return CorrectionResult(correction=correction, summary=summary, item=detail)


def announce_closed(item_id: int, status: str) -> None:
    """Tell the Prefect UI the item is closed (issue 13's artifact hook), when that hook exists.

    Best effort by design: the review app must work without a reachable Prefect API.
    """
    try:
        from flows import artifacts
    except ImportError:  # pragma: no cover - flows are part of the package
        return
    publish = getattr(artifacts, "publish_item_closed", None)
    if publish is None:
        return
    try:
        publish(item_id, status)
    except Exception:  # a UI nicety must never undo a recorded action
        return
