"""Recognise a table title line and say which table type it announces.

Titles are matched by meaning: the wordings of each type are data
(``budget_etl/vocabulary/tables.yaml``). A line is cleaned of numbering (``3.`` / ``3、`` /
``（三）``), table markers (表1 / 附表1 / 公开表一 / 公开01表：), a leading year (2025年度),
spaces, quotes, punctuation and a trailing bracketed qualifier (（功能科目）), and must then
*end* with one of a type's wordings — longest first, so 财政拨款收支总表 is not 收支总表. A
table-of-contents entry (title + leader dots + page number) or a sentence that mentions a
table is not a title. A short heading that ends with 表 but names no known type is an
``other`` title: its table is kept as printed, never glued onto a neighbour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from budget_etl.contract import OTHER_TABLE
from budget_etl.vocabulary import load
from tasks.extract.text import clean_cjk_digits, compact, label_key

_NUMBERING = re.compile(
    r"^(?:第?(?P<num>\d+)[、.．:：)）]|[（(](?P<paren>[0-9一二三四五六七八九十]+)[)）]|"
    r"[一二三四五六七八九十]+、)"
)
_CONTINUED = re.compile(r"[（(]?续表?[)）]?$")
_LEADERS = re.compile(r"\.{3,}|…|·{3,}")
_SENTENCE = re.compile(r"[。；;，,]")
_YEAR = re.compile(r"^(?:19|20)\d{2}年度?")
_TRAILING_QUALIFIER = re.compile(r"[（(][^（）()]{1,12}[)）]$")


@dataclass(frozen=True)
class TitleMatch:
    slug: str
    title: str
    seq: int | None
    continued: bool = False


@cache
def _vocabulary() -> dict:
    return load("tables")


@cache
def _title_keys() -> list[tuple[str, str]]:
    """(slug, wording key), longest wording first: the budget's types and the 决算 types together.

    A 决算 title ends in 决算表 / 决算总表 and a budget title never does, so one longest-ending
    match classifies both kinds (``final_accounts.yaml`` holds the 决算 wordings).
    """
    types = {**_vocabulary()["types"], **load("final_accounts")["types"]}
    keys = [
        (slug, label_key(wording))
        for slug, spec in types.items()
        for wording in spec["titles"]
    ]
    return sorted(keys, key=lambda item: len(item[1]), reverse=True)


@cache
def _markers() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in _vocabulary()["title_markers"]]


def strip_markers(text: str) -> str:
    """``公开表一`` / ``表1：`` / ``附表五`` at the start of a title: numbering, not title."""
    stripped = compact(text)
    for pattern in _markers():
        match = pattern.match(stripped)
        if match and match.end() < len(stripped):
            return stripped[match.end():]
    return stripped


def is_marker(text: str) -> bool:
    """A line that is only a table marker (``公开表一``, ``表三``)."""
    stripped = compact(text)
    return bool(stripped) and any((m := p.match(stripped)) and m.end() == len(stripped) for p in _markers())


def match_title(line: str, *, max_chars: int = 90) -> TitleMatch | None:
    """The table type a title line announces, or ``None`` if the line is not a title."""
    text = compact(line)
    if not text or len(text) > max_chars or _LEADERS.search(text) or _SENTENCE.search(text):
        return None
    seq, body = split_numbering(text)
    body = strip_markers(body)
    continued = bool(_CONTINUED.search(body))
    body = _YEAR.sub("", _CONTINUED.sub("", body))
    keys = [label_key(body)]
    unqualified = _TRAILING_QUALIFIER.sub("", body)
    if unqualified != body:
        keys.append(label_key(unqualified))
    for key in keys:
        for slug, title_key in _title_keys():
            if key.endswith(title_key):
                return TitleMatch(slug=slug, title=clean_title(line), seq=seq, continued=continued)
    if _is_other_title(keys[-1]):
        return TitleMatch(slug=OTHER_TABLE, title=clean_title(line), seq=seq, continued=continued)
    return None


def _is_other_title(key: str) -> bool:
    vocab = _vocabulary()
    if not key or len(key) > vocab["other_title_max_chars"] or key.isdigit():
        return False
    if not any(key.endswith(ending) for ending in vocab["other_title_endings"]):
        return False
    return len(key) >= 4 and not key.startswith("附表")


def clean_title(line: str) -> str:
    """The title as printed, without numbering and table markers."""
    stripped = line.strip()
    match = _NUMBERING.match(compact(stripped))
    if match and not _markers()[0].match(compact(stripped)):
        stripped = compact(stripped)[match.end():]
    return clean_cjk_digits(_strip_marker_prefix(stripped))


def _strip_marker_prefix(text: str) -> str:
    compacted = compact(text)
    stripped = strip_markers(compacted)
    if stripped == compacted:
        return text.strip()
    # keep the printed spacing of what follows the marker
    return stripped


def split_numbering(text: str) -> tuple[int | None, str]:
    """``"3.2025年…"`` → ``(3, "2025年…")``; Chinese numerals give no ``seq``."""
    match = _NUMBERING.match(text)
    if not match:
        return None, text
    num = match.group("num")
    return (int(num) if num else None), text[match.end():]
