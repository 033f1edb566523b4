"""One department, however its name is printed: a matching key for files published apart.

The same department prints its name differently in different files of one year (the explanation
says 某省委办公厅, its separately published tables 中国共产党某省委员会办公厅). Matching those
files is a comparison of keys made by the rules in ``budget_etl/vocabulary/department_names.yaml``;
the name as printed is what the data keeps.
"""

from __future__ import annotations

import re
from functools import cache

from budget_etl.vocabulary import load


@cache
def _rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    rules = load("department_names")["rules"]
    return tuple((re.compile(pattern), replacement) for pattern, replacement in rules)


def department_key(name: str | None) -> str | None:
    """The key two printings of one department's name share (None for no name)."""
    if not name:
        return None
    key = re.sub(r"\s+", "", name)
    for pattern, replacement in _rules():
        key = pattern.sub(replacement, key)
    return key or None


def same_department(a: str | None, b: str | None) -> bool:
    """Both names are printed and reduce to one key."""
    key = department_key(a)
    return key is not None and key == department_key(b)
