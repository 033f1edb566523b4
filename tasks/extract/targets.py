"""指标值 → ``target_op`` / ``target_value`` / ``target_unit``.

``≥95%`` → ``(">=", 95, "%")``; ``≤131.4 万元`` → ``("<=", 131.4, "万元")``; a bare
quantity ``100%`` is an equality; qualitative text (``保障当年完成年度工作计划``) gives three
nulls. The printed text itself is kept in ``target`` untouched.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

_OPS = {
    "≥": ">=", "≧": ">=", ">=": ">=", "＞=": ">=", "≤": "<=", "≦": "<=", "<=": "<=", "＜=": "<=",
    ">": ">", "＞": ">", "<": "<", "＜": "<", "=": "=", "＝": "=",
}
_OP_PATTERN = "|".join(re.escape(op) for op in sorted(_OPS, key=len, reverse=True))
_TARGET = re.compile(rf"^(?P<op>{_OP_PATTERN})?(?P<num>\d+(?:\.\d+)?)(?P<unit>[^\d]*)$")
_UNIT_NOISE = re.compile(r"[\s。.,，;；]+$")


class Target(NamedTuple):
    op: str | None
    value: Decimal | None
    unit: str | None


QUALITATIVE = Target(None, None, None)


def parse_target(text: str | None, *, max_unit_chars: int = 3) -> Target:
    """Parse a printed 指标值; anything that is not ``[op] number [short unit]`` is qualitative."""
    compact = re.sub(r"\s+", "", text or "").replace("％", "%").replace(",", "")
    match = _TARGET.match(compact)
    if not match:
        return QUALITATIVE
    unit = _UNIT_NOISE.sub("", match["unit"]) or None
    if unit is not None and (len(unit) > max_unit_chars or any(ch in unit for ch in "<>=≤≥")):
        return QUALITATIVE
    op = _OPS[match["op"]] if match["op"] else "="
    return Target(op, Decimal(match["num"]), unit)
