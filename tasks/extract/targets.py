"""指标值 → ``target_op`` / ``target_value`` / ``target_unit`` / ``target_max``: a small grammar.

A printed target is tokenised (numbers, operator words and signs, suffix qualifiers, range
separators, the rest as text), then read by one rule::

    target   := prefix* quantity [range] [qualifier] punctuation*
    quantity := NUMBER [UNIT]
    range    := SEPARATOR NUMBER [UNIT] [之间]
    prefix   := operator word (不低于 …) | operator sign (≥ …)

``≥95%`` → ``(>=, 95, %)``; ``不低于95%`` → ``(>=, 95, %)``; ``95%以上`` → ``(>=, 95, %)``;
``12月底前`` → ``(<=, 12, 月底)``; ``≤500元/人月`` → ``(<=, 500, 元/人月)``; ``90%-100%`` →
``(between, 90, %, max 100)``; ``1，000人`` → ``(=, 1000, 人)``. Anything the rule does not cover
— text before the quantity, two quantities, words after it, an operator with no number
(``≤预算批复金额``), operators that contradict each other — is qualitative: four nulls. The
printed text itself is kept in ``target`` untouched. The words are data
(``budget_etl/vocabulary/targets.yaml``); the grammar with examples is in the data dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from budget_etl.vocabulary import load

BETWEEN = "between"


class Target(NamedTuple):
    op: str | None
    value: Decimal | None
    unit: str | None
    max_value: Decimal | None = None  # ``target_max``: the upper end of a ``between`` range


QUALITATIVE = Target(None, None, None, None)

_NUMBER = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Token:
    kind: str  # "num" | "prefix" | "qualifier" | "range" | "closer" | "text"
    text: str
    op: str | None = None
    soft: bool = False


@dataclass(frozen=True)
class _Words:
    """The vocabulary, as (word, kind, op) sorted longest first for the tokenizer."""

    words: tuple[tuple[str, str, str | None], ...]
    soft: frozenset[str]
    punctuation: tuple[str, ...]
    standalone_units: frozenset[str]


@cache
def _words() -> _Words:
    vocab = load("targets")
    words: list[tuple[str, str, str | None]] = []
    for op, items in vocab["prefix_operators"].items():
        words += [(w, "prefix", op) for w in items]
    for op, items in vocab["symbol_operators"].items():
        words += [(w, "prefix", op) for w in items]
    for op, items in vocab["suffix_qualifiers"].items():
        words += [(w, "qualifier", op) for w in items]
    words += [(w, "range", None) for w in vocab["range_separators"]]
    words += [(w, "closer", None) for w in vocab["range_closers"]]
    return _Words(
        words=tuple(sorted(words, key=lambda item: len(item[0]), reverse=True)),
        soft=frozenset(vocab["soft_prefixes"]),
        punctuation=tuple(vocab["trailing_punctuation"]),
        standalone_units=frozenset(vocab["standalone_units"]),
    )


def fold_width(text: str) -> str:
    """Full-width ASCII forms (１２３ ％ ＞ ～ ，) → ASCII, ideographic space → space."""
    return "".join(
        chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else (" " if ch == "\u3000" else ch)
        for ch in text
    )


def tokenize(text: str) -> list[Token]:
    """Numbers, vocabulary words (longest first) and runs of other characters, in order."""
    words = _words()
    source = _SPACES.sub("", fold_width(text))
    while source and source.endswith(words.punctuation):
        source = source[:-1]
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        number = _NUMBER.match(source, i)
        if number:
            tokens.append(Token("num", number.group().replace(",", "")))
            i = number.end()
            continue
        word = next((w for w in words.words if source.startswith(w[0], i)), None)
        if word is not None:
            tokens.append(Token(word[1], word[0], word[2], soft=word[0] in words.soft))
            i += len(word[0])
            continue
        if tokens and tokens[-1].kind == "text":
            tokens[-1] = Token("text", tokens[-1].text + source[i])
        else:
            tokens.append(Token("text", source[i]))
        i += 1
    return tokens


def parse_target(text: str | None, *, max_unit_chars: int = 3) -> Target:
    """Parse a printed 指标值 by the grammar above; anything else is qualitative."""
    tokens = tokenize(text or "")
    prefixes: list[Token] = []
    while tokens and tokens[0].kind == "prefix":
        prefixes.append(tokens.pop(0))
    low = _take_quantity(tokens)
    if low is None:
        return QUALITATIVE
    high = None
    if tokens and tokens[0].kind == "range":
        tokens.pop(0)
        high = _take_quantity(tokens)
        if high is None:
            return QUALITATIVE
        if tokens and tokens[0].kind == "closer":
            tokens.pop(0)
    qualifier = tokens.pop(0) if tokens and tokens[0].kind == "qualifier" else None
    if tokens:  # words after the quantity (2024年底前完成, 100人次/年以上合格 …)
        return QUALITATIVE
    if high is not None:
        return _range(prefixes, qualifier, low, high, max_unit_chars)
    unit = _valid_unit(low[1], max_unit_chars)
    op = _operator(prefixes, qualifier)
    if unit is False or op is None:
        return QUALITATIVE
    return Target(op, Decimal(low[0]), unit)


def _take_quantity(tokens: list[Token]) -> tuple[str, str | None] | None:
    """``NUMBER [UNIT]`` from the front of ``tokens`` (consumed), or ``None``."""
    if not tokens or tokens[0].kind != "num":
        return None
    number = tokens.pop(0).text
    unit = tokens.pop(0).text if tokens and tokens[0].kind == "text" else None
    return number, unit


def _operator(prefixes: list[Token], qualifier: Token | None) -> str | None:
    """One operator from the words around the quantity; ``None`` when they disagree."""
    hard = {t.op for t in prefixes if not t.soft}
    soft = {t.op for t in prefixes if t.soft}
    if qualifier is not None:
        if hard and hard != {qualifier.op}:
            return None
        return qualifier.op
    ops = hard or soft
    if len(ops) > 1:
        return None
    return next(iter(ops)) if ops else "="


def _range(
    prefixes: list[Token], qualifier: Token | None, low: tuple[str, str | None], high: tuple[str, str | None],
    max_unit_chars: int,
) -> Target:
    """``90%-100%`` / ``90-100%``: one unit (printed on either end or both), low ≤ high."""
    if qualifier is not None or any(not t.soft for t in prefixes):
        return QUALITATIVE
    if low[1] is not None and high[1] is not None and low[1] != high[1]:
        return QUALITATIVE
    unit = _valid_unit(high[1] or low[1], max_unit_chars)
    low_value, high_value = Decimal(low[0]), Decimal(high[0])
    if unit is False or low_value > high_value:
        return QUALITATIVE
    return Target(BETWEEN, low_value, unit, high_value)


def _valid_unit(unit: str | None, max_unit_chars: int) -> str | bool | None:
    """The unit, ``None`` when absent, ``False`` when the text is not a unit.

    A unit is one or more parts joined by ``/`` (元/人月, 次/季度), each at most
    ``max_unit_chars`` long; ``%`` / ``‰`` stand alone.
    """
    if unit is None:
        return None
    standalone = _words().standalone_units
    parts = unit.split("/")
    for part in parts:
        if not part or len(part) > max_unit_chars:
            return False
        if any(s in part for s in standalone) and part not in standalone:
            return False
    return unit
