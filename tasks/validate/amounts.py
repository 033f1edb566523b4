"""Exact money arithmetic for the checks: amounts are ``Decimal`` and a blank cell counts as zero.

Kept apart from the checks so every family compares figures the same way (in hundredths, with
one tolerance for printed rounding) and formats them the same way in messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

from budget_etl.document import ExtractedDocument, ExtractedTable
from budget_etl.vocabulary import load as load_vocabulary

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


@cache
def unit_sizes() -> dict[str, Decimal]:
    """Each known unit's size in 元 (``budget_etl/vocabulary/amount_units.yaml``)."""
    return {name: Decimal(str(size)) for name, size in load_vocabulary("amount_units")["units"].items()}


DEFAULT_UNIT: str = load_vocabulary("amount_units")["default"]
#: how many 万元 one printed unit is: the narrative and indicator targets speak 万元, tables their unit
UNITS_IN_WAN: dict[str, Decimal] = {
    name: size / unit_sizes()[DEFAULT_UNIT] for name, size in unit_sizes().items()
}
_UNIT_NOISE = re.compile(r"[\s（）()：:]|^单位|^金额单位")


def normalise_unit(unit: str | None) -> str:
    """The unit as the vocabulary spells it: ``单位：万元`` / ``（万元）`` / `` 万元 `` → ``万元``."""
    return _UNIT_NOISE.sub("", unit or "") or DEFAULT_UNIT


def unit_size(unit: str | None) -> Decimal | None:
    """One ``unit`` in 元; None for a unit the vocabulary does not know (reported, never guessed)."""
    return unit_sizes().get(normalise_unit(unit))


def table_unit(table: ExtractedTable | None, doc: ExtractedDocument) -> str:
    """The unit a table's amounts are in: its own, else the document's, else the default."""
    own = table.unit if table is not None else None
    return normalise_unit(own or doc.document.unit)


def convert(value: Any, from_unit: str | None, to_unit: str | None) -> Decimal:
    """An amount in ``from_unit`` expressed in ``to_unit``, exactly (unknown units: unchanged)."""
    source, target = unit_size(from_unit), unit_size(to_unit)
    if source is None or target is None or source == target:
        return to_amount(value)
    return to_amount(value) * source / target


def coarser_unit(*units: str | None) -> str:
    """The largest of ``units``: where two printed roundings meet, the coarser one decides."""
    known = [normalise_unit(u) for u in units if unit_size(u) is not None]
    return max(known, key=lambda u: unit_size(u) or 0) if known else DEFAULT_UNIT


def agree_across(
    a: Any, unit_a: str | None, b: Any, unit_b: str | None, tolerance: Decimal
) -> bool:
    """Two amounts printed in (possibly) different units agree to the coarser unit's rounding.

    A figure in 万元 printed to two decimals is exact to 50 元 only, so 12345.67 元 and 1.23 万元
    agree; both are converted to the coarser unit, without rounding, and compared there. A
    comparison involving a unit nobody knows is not made (``units.not_understood`` reports it).
    """
    if unit_size(unit_a) is None or unit_size(unit_b) is None:
        return True
    common = coarser_unit(unit_a, unit_b)
    return abs(convert(a, unit_a, common) - convert(b, unit_b, common)) <= tolerance


def in_wan(value: Any, unit: str | None) -> Decimal:
    """A table amount printed in ``unit`` (default 万元) expressed in 万元, to the cent as text prints it."""
    factor = UNITS_IN_WAN.get(normalise_unit(unit), Decimal(1))
    amount = to_amount(value) * factor
    return amount if factor == 1 else amount.quantize(CENT, rounding=ROUND_HALF_UP)
