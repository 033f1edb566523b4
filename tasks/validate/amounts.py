"""Exact money arithmetic for the checks: amounts are ``Decimal`` and a blank cell counts as zero.

Kept apart from the checks so every family compares figures the same way (in hundredths, with
one tolerance for printed rounding) and formats them the same way in messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)


def to_amount(value: Any) -> Decimal:
    """Read a record's amount cell; blanks (None) are zero, unreadable text is zero too.

    Unreadable text is reported by the schema layer (a dtype failure), so the arithmetic checks
    need not report it a second time.
    """
    if value is None or isinstance(value, bool):
        return ZERO
    if isinstance(value, Decimal):
        return value if value.is_finite() else ZERO
    try:
        parsed = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return ZERO
    return parsed if parsed.is_finite() else ZERO


def is_number(value: Any) -> bool:
    """True for a cell holding a figure (blank cells and text are not)."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    try:
        Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return True


def to_cents(value: Any) -> int:
    """The amount in integer hundredths (GX sums have no tolerance, integers make them exact)."""
    return int((to_amount(value) / CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def sum_amounts(values: Iterable[Any]) -> Decimal:
    return sum((to_amount(v) for v in values), ZERO)


def amounts_agree(expected: Any, actual: Any, tolerance: Decimal) -> bool:
    return abs(to_amount(expected) - to_amount(actual)) <= tolerance


def format_amount(value: Any) -> str:
    """Two decimals, as budgets print them (``1234.50``)."""
    return f"{to_amount(value).quantize(CENT, rounding=ROUND_HALF_UP)}"


#: how many 万元 one printed unit is: the narrative and indicator targets speak 万元, tables their unit
UNITS_IN_WAN: dict[str, Decimal] = {
    "万元": Decimal(1),
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "百万元": Decimal(100),
    "亿元": Decimal(10000),
}


def in_wan(value: Any, unit: str | None) -> Decimal:
    """A table amount printed in ``unit`` (default 万元) expressed in 万元, to the cent as text prints it."""
    factor = UNITS_IN_WAN.get((unit or "万元").strip(), Decimal(1))
    amount = to_amount(value) * factor
    return amount if factor == 1 else amount.quantize(CENT, rounding=ROUND_HALF_UP)
