"""Synthetic ``ExtractedDocument``s for storage tests: every table shape the schema stores.

Made up, not taken from any real document: a department, two-sided summary, a function-classified
table, a project with indicators, institutions, fixed assets and an empty printed table.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable
from budget_etl.errors import Stage
from budget_etl.findings import Finding, Severity

if TYPE_CHECKING:
    from storage.repository import Repository


def fake_sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def make_document(
    label: str = "doc-a",
    *,
    department: str = "示例县测试局",
    year: int = 2031,
    kind: str = "budget_disclosure",
    source_url: str | None = None,
    total: str = "1200.50",
) -> ExtractedDocument:
    """A document whose figures depend on ``total`` (so two versions can differ)."""
    amount = Decimal(total)
    basic, project = (amount * Decimal("0.6")).quantize(Decimal("0.01")), None
    project = amount - basic
    summary = [
        {
            "line_no": 1,
            "side": "revenue",
            "item": "一、一般公共预算拨款收入",
            "amount": amount,
            "pages": [3],
            "bbox": [40.0, 100.5, 300.0, 112.0],
        },
        {
            "line_no": 1,
            "side": "expenditure",
            "item": "一、社会保障和就业支出",
            "amount": amount,
            "pages": [3],
            "bbox": [300.0, 100.5, 560.0, 112.0],
        },
        {"line_no": 2, "side": "revenue", "item": "二、政府性基金预算拨款收入", "amount": None, "pages": [3]},
    ]
    by_function = [
        {
            "line_no": 1,
            "code": None,
            "name": "合计",
            "total": amount,
            "basic": basic,
            "project": project,
            "operating": None,
            "remittance_to_superior": None,
            "subsidy_to_subordinate": None,
            "pages": [5],
        },
        {
            "line_no": 2,
            "code": "208",
            "name": "社会保障和就业支出",
            "total": amount,
            "basic": basic,
            "project": project,
            "operating": None,
            "remittance_to_superior": None,
            "subsidy_to_subordinate": None,
            "pages": [5],
        },
        {
            "line_no": 3,
            "code": "2080101",
            "name": "行政运行",
            "total": basic,
            "basic": basic,
            "project": None,
            "operating": None,
            "remittance_to_superior": None,
            "subsidy_to_subordinate": None,
            "pages": [6],
            "bbox": [30.0, 80.0, 560.0, 95.25],
        },
    ]
    project_record: dict[str, Any] = {
        "seq": 1,
        "title": f"{year}年示例项目绩效目标表",
        "unit_code": "999001",
        "unit_name": "示例单位本级",
        "project_code": "99000000P00000000001",
        "project_name": "示例项目",
        "budget_total": project,
        "fiscal_funds": project,
        "other_funds": None,
        "purpose": "用于示例",
        "plan_mar": Decimal("25"),
        "plan_jun": Decimal("50"),
        "plan_oct": None,
        "plan_dec": Decimal("100"),
        "goals": "完成示例目标",
        "pages": [9],
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "level3": "覆盖人数",
                "description": "覆盖人数",
                "target": "≥95%",
                "basis": "计划标准",
                "target_op": ">=",
                "target_value": Decimal("95"),
                "target_unit": "%",
            },
            {
                "level1": "效益指标",
                "level2": "社会效益指标",
                "level3": "保障工作",
                "description": "保障工作",
                "target": "保障当年完成年度工作计划",
                "basis": None,
                "target_op": None,
                "target_value": None,
                "target_unit": None,
            },
        ],
    }
    return ExtractedDocument(
        document=DocumentMeta(
            kind=kind,
            department_code="999",
            department_name=department,
            budget_year=year,
            unit="万元",
            page_count=12,
            sha256=fake_sha(f"{label}|{total}"),
            source_url=source_url,
        ),
        tables=[
            ExtractedTable("revenue_expenditure_summary", "部门预算收支总表", [3], summary),
            ExtractedTable("expenditure_by_function", "部门预算支出总表", [5, 6], by_function),
            ExtractedTable("project_performance", f"{year}年示例项目绩效目标表", [9], [project_record]),
            ExtractedTable(
                "institutions",
                "部门机构设置情况",
                [10],
                [{"unit_name": "示例单位本级", "nature": "行政单位", "rank": "正科级", "funding": "全额"}],
            ),
            ExtractedTable(
                "fixed_assets",
                "部门固定资产占用情况表",
                [11],
                [{"item": "资产总额", "quantity": 12, "value": Decimal("88.40")}],
            ),
            ExtractedTable("government_procurement", "部门政府采购预算", [12], []),
        ],
    )


def warning(message: str = "narrative total differs by rounding") -> Finding:
    return Finding(
        check="narrative_total",
        severity=Severity.WARNING,
        message=message,
        table="expenditure_by_function",
        line_no=1,
        expected=Decimal("1.00"),
        actual=Decimal("1.01"),
        pages=[5],
    )


def error(message: str = "合计 is not the sum of its rows") -> Finding:
    return Finding(
        check="row_sum",
        severity=Severity.ERROR,
        message=message,
        table="expenditure_by_function",
        line_no=1,
        field="total",
        expected=Decimal("10.00"),
        actual=Decimal("12.00"),
        pages=[5],
    )


def record_count(doc: ExtractedDocument) -> int:
    """Rows a document writes: records plus project indicators."""
    return sum(len(t.records) + sum(len(r.get("indicators") or []) for r in t.records) for t in doc.tables)


def review_for_errors(
    repository: Repository,
    doc: ExtractedDocument,
    *,
    message: str = "1 error",
    findings: list[Finding] | None = None,
    report_uri: str | None = None,
    source_url: str | None = None,
) -> int:
    """The flow's validate-failure path: ``doc`` goes to review with its error findings
    (its records stored as an ``in_review`` version); returns the review item id."""
    return repository.send_to_review(
        sha256=doc.document.sha256,
        source_url=source_url,
        stage=Stage.VALIDATE,
        reason="validation_errors",
        message=message,
        findings=[error()] if findings is None else findings,
        report_uri=report_uri,
        doc=doc,
    )
