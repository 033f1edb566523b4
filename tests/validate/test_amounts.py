"""Money arithmetic: exact in hundredths, blanks count as zero, unreadable text never crashes a check."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tasks.validate.amounts import amounts_agree, to_amount, to_cents

money = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False)


@given(money)
def test_cents_are_exact_hundredths(amount: Decimal) -> None:
    assert Decimal(to_cents(amount)) / 100 == amount


@given(st.lists(money, max_size=30))
def test_cents_add_up_exactly(amounts: list[Decimal]) -> None:
    """GX sums integers: the sum of the cents is the cents of the sum, with no float drift."""
    assert sum(to_cents(a) for a in amounts) == to_cents(sum(amounts, Decimal(0)))


def test_blank_and_unreadable_cells_count_as_zero() -> None:
    assert to_amount(None) == 0
    assert to_amount("约5400") == 0
    assert to_amount("16,500.49") == Decimal("16500.49")


def test_tolerance_only_absorbs_printed_rounding() -> None:
    tolerance = Decimal("0.005")
    assert amounts_agree(Decimal("135.69"), Decimal("135.690"), tolerance)
    assert not amounts_agree(Decimal("135.69"), Decimal("135.70"), tolerance)
    assert amounts_agree(None, Decimal(0), tolerance)
