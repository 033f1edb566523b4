"""资金支出计划（%） cells: the share of the budget to be spent by a month's end.

Printed as ``60%`` or as a bare number ``5.00`` (the header already says %); both become
the number of percent. A blank cell is ``None`` (no plan for that month).
"""

from __future__ import annotations

import re
from decimal import Decimal

from tasks.extract.numbers import parse_amount_or_none


def parse_plan_percent(value: str | None) -> Decimal | None:
    text = re.sub(r"\s+", "", value or "").replace("％", "%").rstrip("%")
    return parse_amount_or_none(text)
