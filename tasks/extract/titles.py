"""Recognise a table title line and say which table type it announces.

Titles are matched by the data dictionary's "title contains" text, after stripping
numbering (``3.`` / ``3、`` / ``（三）``), spaces and quote marks. A line must *end* with
the title text, so a table-of-contents entry (title + leader dots + page number) or a
sentence that mentions a table is not mistaken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budget_etl.contract import TABLE_TYPES
from tasks.extract.text import clean_cjk_digits, compact, label_key

_NUMBERING = re.compile(
    r"^(?:第?(?P<num>\d+)[、.．:：)）]|[（(](?P<paren>[0-9一二三四五六七八九十]+)[)）]|"
    r"[一二三四五六七八九十]+、)"
)
#: "表9" / "附表1：" / "附表五 " before a standard table's title: numbering, not part of the title
_TABLE_NUMBER = re.compile(r"^附?表\s*[0-9一二三四五六七八九十]+\s*[：:、.．\-—]?\s*")
_CONTINUED = re.compile(r"[（(]?续表?[)）]?$")
_LEADERS = re.compile(r"\.{3,}|…|·{3,}")
_SENTENCE = re.compile(r"[。；;，,]")

#: most specific first: "…基本支出表" before "…支出表", "财政拨款收支总表" before "收支总表"
_KEYS: list[tuple[str, str]] = sorted(
    ((slug, label_key(t.title)) for slug, t in TABLE_TYPES.items()),
    key=lambda item: len(item[1]),
    reverse=True,
)


@dataclass(frozen=True)
class TitleMatch:
    slug: str
    title: str
    seq: int | None
    continued: bool = False


def match_title(line: str, *, max_chars: int = 90) -> TitleMatch | None:
    """The table type a title line announces, or ``None`` if the line is not a title."""
    text = compact(line)
    if not text or len(text) > max_chars or _LEADERS.search(text) or _SENTENCE.search(text):
        return None
    seq, body = split_numbering(text)
    continued = bool(_CONTINUED.search(body))
    key = label_key(_CONTINUED.sub("", body))
    for slug, title_key in _KEYS:
        if key.endswith(title_key):
            return TitleMatch(slug=slug, title=clean_cjk_digits(_strip_numbering(line)), seq=seq,
                              continued=continued)
    return None


def split_numbering(text: str) -> tuple[int | None, str]:
    """``"3.2025年…"`` → ``(3, "2025年…")``; Chinese numerals give no ``seq``."""
    match = _NUMBERING.match(text)
    if not match:
        return None, text
    num = match.group("num")
    return (int(num) if num else None), text[match.end():]


def _strip_numbering(line: str) -> str:
    stripped = _TABLE_NUMBER.sub("", line.strip())
    match = _NUMBERING.match(stripped)
    return stripped[match.end():].strip() if match else stripped
