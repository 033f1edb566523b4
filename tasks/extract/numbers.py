"""Amounts and counts as printed: decimals, thousands separators removed, blank → ``None``.

A blank amount cell is *null*, never zero — the checks decide what a blank means.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^[-−–]?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")
_DASHES = frozenset({"-", "—", "–", "－", "--", "——", "/", "／"})
_INT = re.compile(r"^\d+$")


def normalise_number_text(value: str | None) -> str:
    text = re.sub(r"\s+", "", value or "")
    text = _THOUSANDS.sub("", text)
    return text.replace("−", "-").replace("–", "-").replace("．", ".")


def is_number(value: str | None) -> bool:
    return bool(_AMOUNT.match(normalise_number_text(value)))


def parse_amount(value: str | None) -> Decimal | None:
    """``"1,234.50"`` → ``Decimal("1234.50")``; blank or a dash placeholder → ``None``.

    Raises ``ValueError`` for text that is not a number, so a misread column is reported
    rather than silently nulled.
    """
    text = normalise_number_text(value)
    if not text or text in _DASHES:
        return None
    if not _AMOUNT.match(text):
        raise ValueError(f"not an amount: {value!r}")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueError(f"not an amount: {value!r}") from exc


def parse_int(value: str | None) -> int | None:
    """A 序号 / line number: digits only, else ``None``."""
    text = re.sub(r"\s+", "", value or "")
    return int(text) if _INT.match(text) else None


def parse_amount_or_none(value: str | None) -> Decimal | None:
    """Lenient variant for cells that may hold a note instead of a figure."""
    try:
        return parse_amount(value)
    except ValueError:
        return None
