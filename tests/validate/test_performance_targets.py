"""Checks that read 绩效 targets understand ranges (between / target_max) and the department form."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal

from budget_etl.document import ExtractedDocument, ExtractedTable
from budget_etl.findings import Severity
from tasks.validate.reconcile.projects import (
    COST_TARGET,
    DUPLICATE_INDICATOR,
    check_cost_target,
    check_duplicate_indicator,
)
from tasks.validate.schema_layer import check_schemas
from tasks.validate.settings import ValidateSettings

Golden = Callable[[str], ExtractedDocument]
SETTINGS = ValidateSettings()


def first_cost_indicator(doc: ExtractedDocument) -> tuple[dict, Decimal]:
    for table in doc.tables_of("project_performance"):
        for record in table.records:
            for indicator in record["indicators"]:
                if "成本" in f"{indicator['level1']}{indicator['level2']}" and record.get("budget_total"):
                    return indicator, Decimal(record["budget_total"])
    raise AssertionError("the golden has no cost indicator")


def with_cost_range(golden: Golden, low: Decimal, high: Decimal) -> ExtractedDocument:
    doc = copy.deepcopy(golden("000"))
    indicator, _ = first_cost_indicator(doc)
    indicator.update(
        target=f"{low}-{high}万元",
        target_op="between",
        target_value=low,
        target_unit="万元",
        target_max=high,
        level3="项目总成本",
        description="项目总成本",
    )
    return doc


def budget_of(golden: Golden) -> Decimal:
    return first_cost_indicator(copy.deepcopy(golden("000")))[1]


def cost_findings(doc: ExtractedDocument) -> list:
    return [f for f in check_cost_target(doc, SETTINGS) if f.check == COST_TARGET]


def test_a_range_whose_lower_end_exceeds_the_budget_is_an_error(golden: Golden) -> None:
    budget = budget_of(golden)
    [finding] = cost_findings(with_cost_range(golden, budget + 1, budget + 5))
    assert finding.severity is Severity.ERROR and finding.field.endswith("target_value")


def test_a_range_that_only_reaches_above_the_budget_is_a_loose_cap(golden: Golden) -> None:
    budget = budget_of(golden)
    [finding] = cost_findings(with_cost_range(golden, budget - 1, budget + 5))
    assert finding.severity is Severity.WARNING and finding.field.endswith("target_max")


def test_a_range_within_the_budget_is_fine(golden: Golden) -> None:
    budget = budget_of(golden)
    assert cost_findings(with_cost_range(golden, budget / 2, budget)) == []


def department_copy(doc: ExtractedDocument) -> ExtractedDocument:
    """The first project's indicators as a 部门整体支出绩效目标表, one indicator listed twice."""
    project = doc.tables_of("project_performance")[0].records[0]
    indicators = copy.deepcopy(project["indicators"])
    record = {
        "title": "部门整体支出绩效目标表",
        "unit_name": "示例局",
        "budget_total": project["budget_total"],
        "fiscal_funds": project["fiscal_funds"],
        "other_funds": project["other_funds"],
        "goals": "保障运转",
        "indicators": [*indicators, dict(indicators[0])],
        "pages": [1],
        "bbox": None,
    }
    doc.tables.append(ExtractedTable("department_performance", record["title"], [1], [record]))
    return doc


def test_a_duplicated_indicator_of_the_department_form_is_reported(golden: Golden) -> None:
    doc = department_copy(copy.deepcopy(golden("000")))
    found = [f for f in check_duplicate_indicator(doc, SETTINGS) if f.check == DUPLICATE_INDICATOR]
    assert [f.table for f in found] == ["department_performance"]


def test_schema_checks_target_max_only_with_between(golden: Golden) -> None:
    doc = department_copy(copy.deepcopy(golden("000")))
    clean = [f for f in check_schemas(doc) if "target" in (f.field or "")]
    assert clean == []
    broken = doc.tables_of("department_performance")[0].records[0]["indicators"][0]
    broken.update(target_op=">=", target_value=Decimal(90), target_max=Decimal(80))
    assert [f for f in check_schemas(doc) if f.table == "department_performance"]


def test_a_department_form_pdf_is_validated_end_to_end() -> None:
    """Extracted from a drawn PDF, the department-wide form runs through every layer (no crash)."""
    from tasks.extract import extract_document
    from tasks.validate import validate_document
    from tests.extract.forms import render_department_form, sample_department

    doc = extract_document(render_department_form(sample_department()))
    assert doc.document.kind == "performance_targets"
    checks = {f.check for f in validate_document(doc)}
    assert not any(c.endswith("crashed") for c in checks), checks
    assert "projects.required_indicators" in checks  # the sample form has no 满意度指标
