"""部门决算 / 单位决算 final accounts: the document kind and its table types, read by meaning.

A 决算 prints the budget's framework of tables with 预算数 / 决算数 and the carry-over columns
(年初结转和结余, 结余分配, 年末结转和结余). Its titles end in 决算表 / 决算总表, never in a budget
wording, so one vocabulary (``budget_etl/vocabulary/final_accounts.yaml``) serves both readers:
the extractor's title step (:func:`tasks.extract.titles.match_title` takes these wordings beside the
budget's) and this standalone classifier of a title line (used by the validation tests).
"""

from __future__ import annotations

import re
from functools import cache

from budget_etl.contract import FINAL_ACCOUNTS_KIND, FINAL_TABLE_TYPES
from budget_etl.vocabulary import load
from tasks.extract.text import compact, label_key
from tasks.extract.titles import split_numbering, strip_markers

_YEAR = re.compile(r"^(?:19|20)\d{2}年度?")
_CONTINUED = re.compile(r"[（(]?续表?[)）]?$")


@cache
def vocabulary() -> dict:
    return load("final_accounts")


@cache
def _title_keys() -> list[tuple[str, str]]:
    keys = [(slug, label_key(w)) for slug, spec in vocabulary()["types"].items() for w in spec["titles"]]
    unknown = {slug for slug, _ in keys} - set(FINAL_TABLE_TYPES)
    if unknown:
        raise ValueError(f"final_accounts.yaml names types the contract does not: {sorted(unknown)}")
    return sorted(keys, key=lambda item: len(item[1]), reverse=True)


def final_table_type(line: str, *, max_chars: int = 60) -> str | None:
    """The 决算 table type a title line announces (``七、财政拨款“三公”经费支出决算表`` →
    ``three_public_final``), or None: the longest wording that ends the title wins."""
    text = compact(line)
    if not text or len(text) > max_chars or re.search(r"[。；;，,]", text):
        return None
    _, body = split_numbering(text)
    body = _YEAR.sub("", _CONTINUED.sub("", strip_markers(body)))
    key = label_key(body)
    for slug, title_key in _title_keys():
        if key.endswith(title_key):
            return slug
    return None


def is_final_accounts(cover_lines: list[str]) -> bool:
    """The cover (or the titles) calls the document a 部门决算 / 单位决算."""
    words = vocabulary()["kind_words"]
    return any(w in compact(line) for line in cover_lines for w in words)


def document_kind(cover_lines: list[str]) -> str | None:
    return FINAL_ACCOUNTS_KIND if is_final_accounts(cover_lines) else None


def scope(cover_lines: list[str]) -> str | None:
    for name, words in vocabulary()["scope_words"].items():
        if any(w in compact(line) for line in cover_lines for w in words):
            return name
    return None
