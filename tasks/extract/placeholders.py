"""Template placeholders (``XX局``, ``××``, ``待填写``, ``{单位名称}``): one reading, extractor and checks.

A published document that keeps one is a slip a reviewer reports (``document.placeholder``); a
file that prints them everywhere is the blank template itself and is never stored as data
(reason ``template_document``). The wordings are data: ``budget_etl/vocabulary/document_checks.yaml``.
"""

from __future__ import annotations

import re
from functools import cache

from budget_etl.vocabulary import load


@cache
def placeholder_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load("document_checks")["placeholders"])


def placeholders_in(text: str) -> list[str]:
    """Every placeholder printed in the text, in pattern order."""
    return [m.group(0) for pattern in placeholder_patterns() for m in pattern.finditer(text)]


def count_placeholders(texts: list[str]) -> int:
    return sum(len(placeholders_in(t)) for t in texts)


def is_blank_template(texts: list[str]) -> bool:
    """A file carrying at least ``template_min_placeholders`` placeholders is a blank template."""
    return count_placeholders(texts) >= load("document_checks")["template_min_placeholders"]
