"""Header text → canonical field, per table type (by what the header *says*, never by position).

The wordings are data (``budget_etl/vocabulary/columns.yaml``): per field a list of regular
expressions matched against one header label reduced by :func:`header_key` (no spaces,
brackets, quotes or bracketed units), and per table type the fields looked for, in order. A
column's labels are tried from the most specific (lowest header row) up, and within a label
the rules in order, so "小计" under "本年收入" and "合计" both find their field. Two-sided
tables (收支总表) also get a side from a 收入 / 支出 label above the column.
"""

from __future__ import annotations

import re
from functools import cache

from budget_etl.vocabulary import load
from tasks.extract.text import label_key

Rule = tuple[str, re.Pattern[str]]


@cache
def _vocabulary() -> dict:
    """columns.yaml, with the 决算 types' columns (``final_accounts.yaml``) beside the budget's.

    The 决算 fields (年初结转和结余 …) and per-type lists live with the rest of the 决算
    vocabulary; merged here so one mapping step reads budgets and final accounts alike.
    """
    vocab = dict(load("columns"))
    final = load("final_accounts")
    fields = {name: [p] if isinstance(p, str) else list(p) for name, p in final["columns"].items()}
    vocab["fields"] = {**vocab["fields"], **fields}
    vocab["tables"] = {**vocab["tables"], **{slug: spec["columns"] for slug, spec in final["types"].items()}}
    return vocab


def is_horizontal(slug: str) -> bool:
    """A type whose items may be printed as columns (三公: one row of amounts under a header of items)."""
    spec = load("tables")["types"].get(slug) or load("final_accounts")["types"].get(slug) or {}
    return bool(spec.get("horizontal"))


def signature(slug: str) -> list[str]:
    """Fields a table of the type must have among its understood header columns."""
    spec = load("tables")["types"].get(slug) or load("final_accounts")["types"].get(slug) or {}
    return list(spec.get("signature") or [])


@cache
def rules_for(slug: str) -> list[Rule]:
    """The ``(field, pattern)`` rules of a table type, in the order they are tried."""
    vocab = _vocabulary()
    out: list[Rule] = []
    for entry in vocab["tables"].get(slug, []) or []:
        if isinstance(entry, dict):
            ((name, patterns),) = entry.items()
        else:
            name, patterns = entry, vocab["fields"][entry]
        out += [(name, re.compile(p)) for p in patterns]
    return out


@cache
def _code_parts() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in _vocabulary()["code_parts"]]


@cache
def _single_amount() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in _vocabulary()["single_amount"]]


@cache
def _group_labels() -> re.Pattern[str]:
    return re.compile(_vocabulary()["group_labels"])


@cache
def _generic_leaf() -> re.Pattern[str]:
    return re.compile(_vocabulary()["generic_leaf"])


@cache
def _header_words() -> re.Pattern[str]:
    return re.compile(_vocabulary()["header_words"])


@cache
def _sides() -> dict[str, re.Pattern[str]]:
    return {side: re.compile(p) for side, p in _vocabulary()["sides"].items()}


@cache
def _header_units() -> re.Pattern[str]:
    return re.compile(_vocabulary()["header_units"])


def header_key(text: str | None) -> str:
    """A header label as the vocabulary sees it: bracketed units dropped, then :func:`label_key`."""
    return label_key(_header_units().sub("", re.sub(r"\s+", "", text or "")))


@cache
def _under(slug: str) -> list[Rule]:
    """``under`` of a type: a header that makes the 合计 below it one field (预算数 → budget_amount)."""
    spec = load("final_accounts")["types"].get(slug) or load("tables")["types"].get(slug) or {}
    return [(name, re.compile(p)) for name, p in (spec.get("under") or {}).items()]


def field_for(labels: list[str], slug: str) -> str | None:
    """The field a column holds, from its header labels (top to bottom).

    Under a header the type names in ``under`` (预算数 over 合计 | 基本支出 | 项目支出, beside 决算数
    over the same), the generic leaf is that field and any other leaf an unnamed column (extra).
    """
    for name, pattern in _under(slug):
        if len(labels) > 1 and any(pattern.search(label) for label in labels[:-1]):
            return name if _generic_leaf().match(labels[-1]) else None
    rules = rules_for(slug)
    for label in reversed(labels):
        for name, pattern in rules:
            if pattern.search(label):
                return name
        if not _generic_leaf().match(label):
            return None  # 人员经费 under 预算数 is not 预算数: an unnamed column, kept under extra
    return None


def code_part_for(labels: list[str]) -> int | None:
    """0 / 1 / 2 for a 类 / 款 / 项 column of a split classification code, else ``None``."""
    if not labels:
        return None
    for i, pattern in enumerate(_code_parts()):
        if pattern.search(labels[-1]):
            return i
    return None


def is_single_amount(label: str) -> bool:
    """金额 / 本年预算数 …: the one amount column of a table is its ``total``."""
    return any(p.search(label) for p in _single_amount())


def side_for(labels: list[str]) -> str | None:
    for label in labels:
        for side, pattern in _sides().items():
            if pattern.match(label):
                return side
    return None


def is_header_label(label: str, slug: str) -> bool:
    if not label:
        return False
    if _group_labels().match(label) or code_part_for([label]) is not None or is_single_amount(label):
        return True
    if _header_words().search(label):
        return True
    if slug == "government_procurement" and re.search(_vocabulary()["procurement_words"], label):
        return True
    return any(pattern.search(label) for _, pattern in rules_for(slug))
