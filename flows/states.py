"""Reading task outcomes back as domain values: a failed task state becomes the error that failed it."""

from __future__ import annotations

from typing import Any

from budget_etl.errors import BudgetEtlError, Reason, Stage, StoreError


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
