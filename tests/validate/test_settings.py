"""Tunables change what the checks accept, and nothing else."""

from __future__ import annotations

from decimal import Decimal

from tasks.validate import validate_document
from tasks.validate.settings import ValidateSettings
from tests.validate.defects import row, set_cells


def test_tolerance_absorbs_printed_rounding_only_up_to_its_setting(golden) -> None:
    doc = golden("001")
    set_cells(row(doc, "expenditure_by_function", 5), total="146.01", project="146.01")  # one cent off
    strict = [f.check for f in validate_document(doc) if f.check == "hierarchy.sum_of_children"]
    loose = validate_document(doc, ValidateSettings(amount_tolerance=Decimal("0.01")))
    assert strict == ["hierarchy.sum_of_children"] * 2
    assert [f for f in loose if f.check == "hierarchy.sum_of_children"] == []


def test_expectation_suites_can_be_switched_off(golden, monkeypatch) -> None:
    monkeypatch.setenv("BUDGET_ETL_VALIDATE_RUN_EXPECTATIONS", "false")
    doc = golden("001")
    set_cells(row(doc, "expenditure_by_function", 9), basic="72.78")
    checks = {f.check for f in validate_document(doc, ValidateSettings())}
    assert checks == {"hierarchy.sum_of_children"}  # the GX row identity no longer runs
