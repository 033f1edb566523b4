"""绩效 forms in the database: range targets (target_max) and the department-wide form (issue 10)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from budget_etl.contract import INDICATOR_FIELDS
from budget_etl.document import ExtractedDocument, ExtractedTable
from storage.export import export_table, to_csv
from storage.models import DepartmentIndicator, DepartmentPerformance, ProjectIndicator
from storage.repository import Repository
from tests.storage.samples import make_document


def indicator(target: str, op: str | None, value: str | None, unit: str | None, maximum: str | None) -> dict:
    return {
        "level1": "产出指标",
        "level2": "质量指标",
        "level3": "合格率",
        "description": "验收合格的比例",
        "target": target,
        "basis": "年度计划",
        "target_op": op,
        "target_value": None if value is None else Decimal(value),
        "target_unit": unit,
        "target_max": None if maximum is None else Decimal(maximum),
    }


def department_table() -> ExtractedTable:
    record: dict[str, Any] = {
        "title": "2031年部门整体支出绩效目标表",
        "unit_name": "示例县测试局",
        "budget_total": Decimal("3500.00"),
        "fiscal_funds": Decimal("3400.00"),
        "other_funds": Decimal("100.00"),
        "goals": "保障机关正常运转",
        "pages": [20],
        "bbox": [40.0, 80.0, 560.0, 700.0],
        "indicators": [
            indicator("90%-100%", "between", "90", "%", "100"),
            indicator("有效", None, None, None, None),
        ],
    }
    return ExtractedTable("department_performance", "2031年部门整体支出绩效目标表", [20], [record])


def with_forms(label: str) -> ExtractedDocument:
    doc = make_document(label)
    for table in doc.tables_of("project_performance"):
        table.records[0]["indicators"].append(indicator("≥90%～100%", "between", "90", "%", "100"))
    doc.tables.append(department_table())
    return doc


def test_a_range_target_keeps_its_upper_end(repository: Repository) -> None:
    repository.accept_document(with_forms("range"), [], report_uri=None)
    with repository.engine.connect() as conn:
        rows = conn.execute(
            select(
                ProjectIndicator.target_op, ProjectIndicator.target_value, ProjectIndicator.target_max
            ).order_by(ProjectIndicator.position)
        ).all()
    assert rows[-1] == ("between", Decimal("90"), Decimal("100"))
    assert all(r.target_max is None for r in rows[:-1])


def test_the_department_form_is_stored_with_its_indicators(repository: Repository) -> None:
    repository.accept_document(with_forms("department"), [], report_uri=None)
    with repository.engine.connect() as conn:
        form = conn.execute(select(DepartmentPerformance)).one()
        indicators = conn.execute(select(DepartmentIndicator).order_by(DepartmentIndicator.position)).all()
    assert (form.unit_name, form.budget_total, form.fiscal_funds, form.page) == (
        "示例县测试局",
        Decimal("3500.00"),
        Decimal("3400.00"),
        20,
    )
    assert [(i.department_id, i.target_op, i.target_value, i.target_max) for i in indicators] == [
        (form.id, "between", Decimal("90"), Decimal("100")),
        (form.id, None, None, None),
    ]


def test_the_same_document_stored_twice_keeps_one_department_form(repository: Repository) -> None:
    doc = with_forms("twice")
    repository.accept_document(doc, [], report_uri=None)
    repository.accept_document(doc, [], report_uri=None)
    with repository.engine.connect() as conn:
        assert len(conn.execute(select(DepartmentIndicator.id)).all()) == 2


def test_indicator_exports_carry_target_max_and_their_form(repository: Repository) -> None:
    repository.accept_document(with_forms("export"), [], report_uri=None)
    rows = list(
        csv.DictReader(io.StringIO(to_csv(export_table(repository.engine, "department_indicators")).decode()))
    )
    assert set(INDICATOR_FIELDS) <= set(rows[0])
    first, second = rows
    assert (first["unit_name"], first["target_op"]) == ("示例县测试局", "between")
    assert (Decimal(first["target_value"]), Decimal(first["target_max"])) == (90, 100)
    assert (second["target_op"], second["target_value"], second["target_max"]) == ("", "", "")
    projects = list(
        csv.DictReader(io.StringIO(to_csv(export_table(repository.engine, "project_indicators")).decode()))
    )
    assert projects[-1]["target_op"] == "between" and projects[-1]["target_max"] != ""
