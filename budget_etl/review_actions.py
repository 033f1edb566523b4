"""The review actions a person takes, shared by the CLI (``budget-etl review …``) and the web app.

Why one module: "retry through the same Prefect flow as the CLI" and "a correction re-validates
the document" must be one code path, not two that drift. Each function is a thin sequence of
repository calls and the ``retry_reviews`` flow; the rules live in ``storage``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from budget_etl.errors import Reason, ReviewError
from budget_etl.settings import Settings, use_settings
from storage.corrections import CellCorrection
from storage.repository import ReviewDetail, ReviewSummary, open_repository

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

    with use_settings(settings):  # flows read their settings from the enclosing scope
        return retry_reviews(item_ids=item_ids or None)  # type: ignore[no-any-return]


def waive_item(item_id: int, *, reason: str, actor: str, settings: Settings) -> ReviewDetail:
    """Accept an open item despite its findings (audited with ``actor`` and ``reason``)."""
    repository = open_repository(settings.resolved_database_url(), actor=actor)
    try:
        detail = repository.waive_review(item_id, reason=reason, actor=actor)
    finally:
        repository.engine.dispose()
    announce_closed(detail.item, settings, f"waived by {actor}: {reason}")
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
        announce_closed(detail.item, settings, f"corrected by {actor}: {correction.cell}")
    return CorrectionResult(correction=correction, summary=summary, item=detail)


def announce_closed(item: ReviewSummary, settings: Settings, note: str | None = None) -> None:
    """Replace the item's Prefect artifact ("why it is in review") by its closed version.

    Best effort by design: only with a Prefect API configured (otherwise writing an artifact
    would start a temporary local server for nothing), and a failure never undoes the action.
    """
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        return
    from flows.artifacts import publish_item_closed

    try:
        publish_item_closed(item, settings.review_base_url, note)
    except Exception:  # a UI nicety must never undo a recorded action
        return
