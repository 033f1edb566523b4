"""Text normalisation: the data dictionary's whitespace rules, in one place.

A cell that wraps onto several lines is one value; whitespace between two CJK characters
is an artefact of wrapping or of the PDF writer's spacing and is removed; any other run of
whitespace collapses to one space.
"""

from __future__ import annotations

import re

_CJK = (
    r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u201c\u201d\u2018\u2019"
)
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_CJK_LEFT = re.compile(rf"(?<=[{_CJK}])\s+(?=[0-9A-Za-z%.,])|(?<=[0-9A-Za-z%.,])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_LABEL_NOISE = re.compile(r"[\s（）()【】\[\]“”\"'‘’:：、,，.。·]")


def clean_text(value: str | None) -> str:
    """One tidy value from a cell or a line: wraps joined, CJK gaps removed, runs collapsed."""
    if not value:
        return ""
    text = _CJK_GAP.sub("", value.replace("\u3000", " "))
    text = _SPACES.sub(" ", text)
    return text.strip()


def clean_cjk_digits(value: str) -> str:
    """Also drop spaces between CJK and digits/latin: for titles and labels, not free text."""
    return _CJK_LEFT.sub("", clean_text(value))


def compact(value: str | None) -> str:
    """All whitespace removed — how codes, labels and comparisons see a string."""
    return _SPACES.sub("", value or "")


def label_key(value: str | None) -> str:
    """A header label reduced to its characters: no whitespace, brackets or punctuation."""
    return _LABEL_NOISE.sub("", value or "")


def optional_text(value: str | None) -> str | None:
    """``clean_text`` with blank → ``None`` (text fields of records)."""
    text = clean_text(value)
    return text or None
