"""One department, however its name is printed (budget_etl.departments): the keys that match files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_etl.departments import department_key, same_department

REAL = Path(__file__).parent / "fixtures" / "real"


def _pairs() -> list[tuple[str, str, str]]:
    """(stem, explanation's name, tables' name) of every real explanation filed apart from its tables."""
    pairs = []
    for narrative in sorted(REAL.glob("*-narrative.expected.json")):
        tables = narrative.with_name(narrative.name.replace("-narrative.", "-tables."))
        if tables.exists():
            names = [json.loads(p.read_text(encoding="utf-8"))["document"]["department_name"]
                     for p in (narrative, tables)]
            pairs.append((narrative.name.split(".")[0], *names))
    return pairs


@pytest.mark.parametrize(("stem", "explanation", "tables"), _pairs(), ids=lambda v: str(v))
def test_every_real_explanation_and_its_tables_name_one_department(stem, explanation, tables):
    assert same_department(explanation, tables), (stem, department_key(explanation), department_key(tables))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("江苏省人民代表大会常务委员会办公厅", "江苏省人大常委会办公厅"),
        ("中共江苏省委办公厅", "江苏省委办公厅"),
        ("中国人民政治协商会议江苏省委员会办公厅", "江苏省政协办公厅"),
        ("江苏省 政协 办公厅", "江苏省政协办公厅"),
    ],
)
def test_printings_of_one_department_meet(a, b):
    assert same_department(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("中国人民政治协商会议江苏省委员会办公厅", "中国共产党江苏省委员会办公厅"),  # CPPCC ≠ party committee
        ("江苏省人大常委会办公厅", "江苏省委办公厅"),
        ("江苏省财政厅", "江苏省教育厅"),
        (None, None),
        ("", ""),
    ],
)
def test_different_or_missing_departments_do_not_meet(a, b):
    assert not same_department(a, b)


@given(st.text(alphabet="中共国产党江苏省委员会办公厅人民代表大常务政协治商议财教育局 ", max_size=30))
def test_the_key_is_stable_and_ignores_whitespace(name):
    key = department_key(name)
    assert department_key(name.replace(" ", "")) == key
    if key is not None:
        assert department_key(key) == department_key(department_key(key))
