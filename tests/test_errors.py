"""Domain errors are data: they keep reason, message, evidence and transience across pickling."""

from __future__ import annotations

import pickle

import pytest

from budget_etl.errors import ExtractError, FetchError, Reason, ReviewError, StoreError


@pytest.mark.parametrize(
    "error",
    [
        ExtractError(Reason.ENCRYPTED_PDF, "the PDF is encrypted", pages=3),
        FetchError(Reason.HTTP_ERROR, "503 from server", transient=True, status_code=503),
        StoreError(Reason.DATABASE_UNAVAILABLE, "connection refused", transient=True),
        ReviewError(Reason.UNKNOWN_REVIEW_ITEM, "no review item 42", item_id=42),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_survive_pickling(error: Exception) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert back.to_dict() == error.to_dict()  # type: ignore[attr-defined]
    assert back.transient == error.transient  # type: ignore[attr-defined]
    assert str(back) == str(error)
