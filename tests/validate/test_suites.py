"""The GX suites are versioned JSON files that load without a network and name the finding they produce."""

from __future__ import annotations

import pytest

from budget_etl.contract import TABLE_TYPES
from budget_etl.findings import Severity
from expectations import build_suite, load_suite_json, suite_names


def test_every_standard_table_and_the_projects_have_a_suite() -> None:
    names = set(suite_names())
    assert {s for s, t in TABLE_TYPES.items() if t.standard} | {"project_performance"} <= names


@pytest.mark.parametrize("name", suite_names())
def test_suite_builds_offline_and_each_expectation_names_its_finding(name: str) -> None:
    data = load_suite_json(name)
    assert data["meta"]["suite_version"]
    suite = build_suite(name)
    assert len(suite.expectations) == len(data["expectations"]) > 0
    for expectation in data["expectations"]:
        meta = expectation["meta"]
        assert "." in meta["check"] and meta["message"]
        Severity(meta["severity"])
