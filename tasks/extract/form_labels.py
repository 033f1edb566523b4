"""Labels of the 绩效目标表 forms, by meaning: printed label → record field.

A label is reduced to its characters (bracketed parts such as units dropped, then whitespace and
punctuation), so ``预算数（万元）``, ``项 目 编 码`` and a label wrapped over two lines all look
the same; the reduced label is then looked up in ``budget_etl/vocabulary/form_labels.yaml``.
"""

from __future__ import annotations

import re
from functools import cache

from budget_etl.vocabulary import load
from tasks.extract.text import label_key

_BRACKETED = re.compile(r"[（(【\[][^（()）【】\[\]]*[)）】\]]")


def form_key(text: str | None) -> str:
    """``预算数（万元）`` → ``预算数``; ``其中：一般 公共预算`` → ``其中一般公共预算``."""
    reduced = re.sub(r"\s+", "", text or "")
    while True:
        stripped = _BRACKETED.sub("", reduced)
        if stripped == reduced:
            break
        reduced = stripped
    return label_key(reduced)


@cache
def _vocabulary() -> tuple[dict[str, str], dict[str, tuple[str, ...]], list[tuple[str, re.Pattern[str]]]]:
    vocab = load("form_labels")
    fields = {form_key(label): name for name, labels in vocab["fields"].items() for label in labels}
    sections = {name: tuple(form_key(w) for w in words) for name, words in vocab["sections"].items()}
    columns = [(name, re.compile(pattern)) for name, pattern in vocab["indicator_columns"]]
    return fields, sections, columns


def field_of(key: str) -> str | None:
    """The record field a reduced label names (``项目编号`` → ``project_code``), or ``None``."""
    return _vocabulary()[0].get(key)


def section_of(key: str) -> str | None:
    """``purpose_follows`` / ``amounts`` / ``plan`` for a section label (matched by its start)."""
    for name, words in _vocabulary()[1].items():
        if key and key.startswith(words):
            return name
    return None


def indicator_field(label: str) -> str | None:
    """``指标值（包含数字及文字描述）`` → ``target``: header variants map by their leading words."""
    for name, pattern in _vocabulary()[2]:
        if pattern.search(label):
            return name
    return None


def is_label(key: str) -> bool:
    """Does this reduced cell text name a field or a section of the form?"""
    return field_of(key) is not None or section_of(key) is not None


def is_department_title(title: str) -> bool:
    """部门整体支出绩效目标表 (department-wide goals), not one project's 绩效目标表."""
    key = form_key(title)
    return any(key.endswith(form_key(t)) for t in load("form_labels")["department_titles"])
