"""Run states both ways: a failed task state read back as its domain error, and the state a run ends in.

``final_state`` / ``batch_state`` decide what the Prefect UI shows for a document or a batch;
``mark_run`` renames and tags the running flow run once the document says who it is.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from budget_etl.errors import BudgetEtlError, Reason, Stage, StoreError
from flows.outcomes import DocumentOutcome, RunSummary

logger = logging.getLogger(__name__)


class ValidationFailed(BudgetEtlError):
    """The document was read but its checks found errors (the findings carry the evidence)."""

    stage = Stage.VALIDATE


class UnexpectedError(BudgetEtlError):
    """A crash inside a stage (a bug): recorded with its stage so the document is not lost."""

    def __init__(self, stage: Stage, error: BaseException) -> None:
        super().__init__(Reason.UNEXPECTED_ERROR, f"{type(error).__name__}: {error}", stage=stage.value)
        self.stage = stage


def error_of(state: Any, stage: Stage) -> BudgetEtlError:
    """The domain error behind a failed task state (unexpected exceptions wrapped with their stage)."""
    try:
        raised = state.result(raise_on_failure=False)
    except Exception as exc:  # the result itself could not be read
        raised = exc
    if isinstance(raised, BudgetEtlError):
        return raised
    if isinstance(raised, BaseException):
        return UnexpectedError(stage, raised)
    return StoreError(Reason.STORE_FAILED, f"task ended {state.type.value}: {state.message}")


# --- what a run shows in the UI: its final state, tags and name ----------------------------------

#: the state name of a ``process-document`` run whose document waits for a person
IN_REVIEW = "In review"
#: the state name of a batch (``ingest``, ``retry-reviews``, ``run-files``) with failures
NEEDS_REVIEW = "Needs review"
#: tag on a ``process-document`` run by outcome; the UI's runs list filters by tag
ATTENTION = ("in_review", "failed")
OUTCOME_TAGS = {"accepted": "outcome:accepted", "in_review": "outcome:review", "failed": "outcome:failed"}
#: tag on a batch run with anything in review or failed (fetch failures have no document run to tag)
NEEDS_REVIEW_TAG = "outcome:needs-review"


def final_state(outcome: DocumentOutcome) -> Any:
    """The state a ``process-document`` run ends in: what the runs list shows for the document.

    Accepted → ``Completed``; queued for review → ``Completed`` named ``In review`` (the pipeline did
    its job: the document is safe in the queue, and a red run would mean "the pipeline broke");
    could not even be queued (database down) → ``Failed``. The outcome is the state's result either way.
    """
    from prefect.states import Completed, Failed

    if outcome.status == "accepted":
        return Completed(message=f"accepted ({outcome.warning_findings} warning(s))", data=outcome)
    message = f"{outcome.stage}/{outcome.reason}: {outcome.message or ''}".strip()
    if outcome.status == "in_review":
        item = f"review item #{outcome.review_item_id} · " if outcome.review_item_id else ""
        return Completed(name=IN_REVIEW, message=item + message, data=outcome)
    return Failed(message=message, data=outcome)


def batch_state(summary: RunSummary, what: str) -> Any:
    """A batch's final state: ``Completed``, or ``Completed`` named ``Needs review`` with the counts.

    A batch that needs review is also tagged ``outcome:needs-review`` (the runs list filters by tag).
    """
    from prefect.states import Completed

    totals = summary.totals()
    counts = (
        f"{totals['accepted']} accepted, {totals['in_review']} in review, {totals['failed']} failed, "
        f"{totals['unchanged']} unchanged"
    )
    if totals["in_review"] or totals["failed"]:
        failed = [o.source_url or o.sha256 or "?" for o in summary.outcomes if o.status in ATTENTION]
        listed = ", ".join(failed[:3]) + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")
        message = f"{what}: {counts} — needs review: {listed}"
        mark_run(add_tags=[NEEDS_REVIEW_TAG])
        return Completed(name=NEEDS_REVIEW, message=message, data=summary)
    return Completed(message=f"{what}: {counts}", data=summary)


def outcome_of(state: Any) -> DocumentOutcome:
    """The ``DocumentOutcome`` of a finished ``process-document`` run, whatever its state type."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, DocumentOutcome):
        return result
    error = error_of(state, Stage.STORE)
    return DocumentOutcome(
        status="failed", source_url=None, stage=error.stage.value, reason=error.reason.value,
        message=f"process-document ended {state.name}: {error.message}",
    )


def mark_run(*, name: str | None = None, add_tags: Sequence[str] = ()) -> None:
    """Rename the running flow run and/or add tags to it (best effort: a UI nicety never fails a run)."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import flow_run

    run_id = flow_run.id
    if run_id is None:
        return
    changes: dict[str, Any] = {}
    if name:
        changes["name"] = name
    if add_tags:
        current = list(flow_run.tags or [])
        changes["tags"] = current + [t for t in add_tags if t not in current]
    if not changes:
        return
    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(run_id, **changes)
    except Exception as exc:  # the API is unreachable right now: keep the run going
        logger.warning("could not update the flow run's name/tags: %s", exc)
