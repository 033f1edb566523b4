"""Every check, specified by the defect it catches.

Each case takes the clean extract of a real document (seed 001, a 部门预算信息公开 whose figures
all agree), injects ONE defect, and states exactly which findings the defect adds — check, table,
row (line_no or project) and field. Where a defect necessarily shows in several places (a wrong
合计 also disagrees with the narrative) every consequence is listed, so a missing or an extra
finding fails the case. ``test_every_check_has_a_defect_case`` keeps the list complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from budget_etl.contract import EXTRACT_CHECKS
from budget_etl.document import ExtractedDocument, ExtractedTable
from budget_etl.findings import Finding, Severity
from expectations import load_suite_json, suite_names
from schemas import SCHEMAS  # noqa: F401  (the models the schema cases exercise)
from tasks.validate.reconcile import CHECKS
from tasks.validate.schema_layer import CHECK_SLUGS
from tests.validate.defects import project, rewrite_narrative, row, set_cells

STEM = "001"
EBF, RBF, GBE, GBB = (
    "expenditure_by_function",
    "revenue_by_function",
    "general_budget_expenditure",
    "general_budget_basic_expenditure",
)
RES, FAS, TPE, PP = (
    "revenue_expenditure_summary",
    "fiscal_appropriation_summary",
    "three_public_expenditure",
    "project_performance",
)

Key = tuple[str, str | None, int | None, str | None, str | None]


@dataclass
class Case:
    id: str
    mutate: Callable[[ExtractedDocument], None]
    expected: list[Key]  # project_code "P0"/"P1" = the code of the document's first/second project
    severity: str | None = None  # when set, every added finding has this severity


def drop_rows(slug: str, keep: Callable[[dict], bool]) -> Callable[[ExtractedDocument], None]:
    def mutate(doc: ExtractedDocument) -> None:
        table = doc.table(slug)
        assert table is not None
        table.records = [r for r in table.records if keep(r)]

    return mutate


def m_dup_project(doc: ExtractedDocument) -> None:
    project(doc, 1)["project_code"] = project(doc, 0)["project_code"]


def m_no_satisfaction(doc: ExtractedDocument) -> None:
    p = project(doc, 0)
    p["indicators"] = [i for i in p["indicators"] if i["level1"] != "满意度指标"]


def m_cost_target(doc: ExtractedDocument) -> None:
    cost = next(i for i in project(doc, 0)["indicators"] if i["level2"] == "成本指标")
    cost.update(target="90万元", target_op="=", target_value=Decimal(90))


def m_dup_indicator(doc: ExtractedDocument) -> None:
    p = project(doc, 0)
    p["indicators"].append(dict(p["indicators"][0]))


def m_drop_table(slug: str) -> Callable[[ExtractedDocument], None]:
    def mutate(doc: ExtractedDocument) -> None:
        doc.tables = [t for t in doc.tables if t.type != slug]

    return mutate


def m_drop_project(doc: ExtractedDocument) -> None:
    first = doc.tables_of(PP)[0]
    first.records = first.records[1:]


def narrative_case(
    old: str, new: str, *expected: Key, severity: str = "error"
) -> Callable[[ExtractedDocument], None]:
    return lambda doc: rewrite_narrative(doc, old, new)


CASES: list[Case] = [
    # ---- schema layer (pandera) ----
    Case(
        "schema.dtype",
        lambda d: d.table("fixed_assets").records[1].update(quantity="约5400"),
        [("schema.dtype", "fixed_assets", None, None, "quantity")],
    ),
    Case(
        "schema.required",
        lambda d: set_cells(row(d, EBF, 5), name=None),
        [("schema.required", EBF, 5, None, "name")],
    ),
    Case(
        "schema.code_format function",
        lambda d: set_cells(row(d, EBF, 26), code="22102O1"),
        [("schema.code_format", EBF, 26, None, "code")],
    ),
    Case(
        "schema.code_format economic",
        lambda d: set_cells(row(d, GBB, 3), code="3010101"),
        # the row no longer counts as a 款 of 301, so 301 no longer adds up either
        [
            ("schema.code_format", GBB, 3, None, "code"),
            ("hierarchy.sum_of_children", GBB, 2, None, "total"),
            ("hierarchy.sum_of_children", GBB, 2, None, "personnel"),
        ],
    ),
    Case(
        "schema.non_negative",
        lambda d: d.table("fixed_assets").records[1].update(value=Decimal("-1707.08")),
        [
            ("schema.non_negative", "fixed_assets", None, None, "value"),
            ("identities.fixed_assets_total", "fixed_assets", None, None, "value"),
        ],
    ),
    Case(
        "schema.percentage_range",
        lambda d: project(d, 0).update(plan_dec=Decimal(120)),
        [
            ("schema.percentage_range", PP, None, "P0", "plan_dec"),
            ("projects.plan_complete", PP, None, "P0", "plan_dec"),
        ],
    ),
    Case(
        "schema.allowed_value",
        lambda d: set_cells(row(d, RES, 5, "revenue"), side="income"),
        [("schema.allowed_value", RES, 5, None, "side")],
    ),
    Case(
        "schema.project_code_format",
        lambda d: project(d, 0).update(project_code="13020924P0000341000"),
        [("schema.project_code_format", PP, None, "13020924P0000341000", "project_code")],
    ),
    Case(
        "schema.unique_line_no",
        lambda d: set_cells(row(d, EBF, 6), line_no=5),
        [("schema.unique_line_no", EBF, 5, None, None)],
    ),
    Case(
        "schema.grand_total_row",
        drop_rows(GBB, lambda r: r.get("name") != "合计"),
        [("schema.grand_total_row", GBB, None, None, None)],
    ),
    Case(
        "schema.both_sides",
        drop_rows(RES, lambda r: r["side"] == "revenue"),
        [
            ("schema.both_sides", RES, None, None, None),
            ("cross_table.class_totals", EBF, 2, None, "total"),
            ("cross_table.class_totals", EBF, 20, None, "total"),
            ("cross_table.class_totals", EBF, 24, None, "total"),
        ],
    ),
    # ---- expectation suites (GX): row identities, uniqueness, pairs, value sets, row counts ----
    Case(
        "identities.expenditure_total",
        lambda d: set_cells(row(d, EBF, 9), basic="72.78"),
        [
            ("identities.expenditure_total", EBF, 9, None, "total"),
            ("hierarchy.sum_of_children", EBF, 7, None, "basic"),
        ],
    ),
    Case(
        "identities.basic_plus_project",
        lambda d: set_cells(row(d, GBE, 22), total="66.50"),
        [
            ("identities.basic_plus_project", GBE, 22, None, "total"),
            ("hierarchy.sum_of_children", GBE, 21, None, "total"),
        ],
    ),
    Case(
        "identities.personnel_plus_public_funds",
        lambda d: set_cells(row(d, GBB, 30), personnel="0.31"),
        [
            ("identities.personnel_plus_public_funds", GBB, 30, None, "total"),
            ("hierarchy.sum_of_children", GBB, 28, None, "personnel"),
        ],
    ),
    Case(
        "identities.revenue_total",
        lambda d: set_cells(row(d, RBF, 26), prior_year_carryover="1.00"),
        [
            ("identities.revenue_total", RBF, 26, None, "total"),
            ("hierarchy.sum_of_children", RBF, 25, None, "prior_year_carryover"),
        ],
    ),
    Case(
        "identities.revenue_sources",
        lambda d: set_cells(row(d, RBF, 26), other_income="1.00"),
        [
            ("identities.revenue_sources", RBF, 26, None, "current_year_subtotal"),
            ("hierarchy.sum_of_children", RBF, 25, None, "other_income"),
        ],
    ),
    Case(
        "identities.funding_sources fiscal",
        lambda d: set_cells(row(d, FAS, 10, "expenditure"), general_budget="160.66"),
        [
            ("identities.funding_sources", FAS, 10, None, "total"),
            ("two_sided.items_sum", FAS, 32, None, "general_budget"),
            ("cross_table.fiscal_appropriation", FAS, 10, None, "general_budget"),
        ],
    ),
    Case(
        "identities.funding_sources three_public",
        lambda d: set_cells(row(d, TPE, 9), total="1.00"),
        [
            ("identities.funding_sources", TPE, 9, None, "total"),
            ("identities.three_public_subtotal", TPE, 2, None, "total"),
            ("narrative.three_public", TPE, 9, None, "total"),
        ],
    ),
    Case(
        "hierarchy.duplicate_code",
        lambda d: set_cells(row(d, EBF, 6), code="2080104"),
        [
            ("hierarchy.duplicate_code", EBF, 5, None, "code"),
            ("hierarchy.duplicate_code", EBF, 6, None, "code"),
            ("hierarchy.sum_of_children", EBF, 3, None, "total"),
            ("hierarchy.sum_of_children", EBF, 3, None, "project"),
        ],
    ),
    Case(
        "projects.duplicate_project",
        m_dup_project,
        [("projects.duplicate_project", PP, None, "P0", "project_code")] * 2,
    ),
    Case(
        "projects.fiscal_within_budget",
        lambda d: project(d, 0).update(fiscal_funds=Decimal(90)),
        [
            ("projects.fiscal_within_budget", PP, None, "P0", "fiscal_funds"),
            ("projects.funding_split", PP, None, "P0", "budget_total"),
        ],
    ),
    Case(
        "expectations.row_count",
        drop_rows(FAS, lambda r: r["line_no"] <= 1),
        [
            ("expectations.row_count", FAS, None, None, None),
            ("cross_table.fiscal_appropriation", GBE, 2, None, "total"),
            ("cross_table.fiscal_appropriation", GBE, 20, None, "total"),
            ("cross_table.fiscal_appropriation", GBE, 24, None, "total"),
        ],
    ),
    Case(
        "expectations.label_is_text",
        lambda d: set_cells(row(d, RES, 5, "revenue"), item="5.00"),
        [("expectations.label_is_text", RES, 5, None, "item")],
    ),
    Case(
        "projects.known_level1",
        lambda d: project(d, 0)["indicators"][0].update(level1="产出指表"),
        [("projects.known_level1", PP, None, "P0", "indicators[0].level1")],
        severity="warning",
    ),
    # ---- reconciliation: hierarchy ----
    Case(
        "hierarchy.sum_of_children",
        lambda d: set_cells(row(d, EBF, 5), total="150.00", project="150.00"),
        [
            ("hierarchy.sum_of_children", EBF, 3, None, "total"),
            ("hierarchy.sum_of_children", EBF, 3, None, "project"),
        ],
    ),
    Case(
        "hierarchy.grand_total + cross_table.expenditure_total",
        lambda d: set_cells(row(d, EBF, 1), total="16499.49", basic="2090.75"),
        [
            ("hierarchy.grand_total", EBF, 1, None, "total"),
            ("hierarchy.grand_total", EBF, 1, None, "basic"),
            ("cross_table.expenditure_total", EBF, 1, None, "total"),
            ("narrative.total_expenditure", EBF, 1, None, "total"),
            ("narrative.basic_expenditure", EBF, 1, None, "basic"),
        ],
    ),
    # ---- reconciliation: 三公 identities ----
    Case(
        "identities.three_public_subtotal",
        lambda d: set_cells(row(d, TPE, 2), total="7.30", general_budget="7.30"),
        [
            ("identities.three_public_subtotal", TPE, 2, None, "total"),
            ("identities.three_public_subtotal", TPE, 2, None, "general_budget"),
            ("identities.three_public_total", TPE, 1, None, "total"),
            ("identities.three_public_total", TPE, 1, None, "general_budget"),
            ("narrative.three_public", TPE, 2, None, "total"),
        ],
    ),
    Case(
        "identities.vehicle_subtotal",
        lambda d: set_cells(row(d, TPE, 8), total="5.30", general_budget="5.30"),
        [
            ("identities.vehicle_subtotal", TPE, 6, None, "total"),
            ("identities.vehicle_subtotal", TPE, 6, None, "general_budget"),
            ("narrative.three_public", TPE, 8, None, "total"),
        ],
    ),
    Case(
        "identities.abroad_subtotal",
        lambda d: set_cells(row(d, TPE, 4), total="1.00", general_budget="1.00"),
        [
            ("identities.abroad_subtotal", TPE, 3, None, "total"),
            ("identities.abroad_subtotal", TPE, 3, None, "general_budget"),
        ],
    ),
    Case(
        "identities.three_public_total",
        lambda d: set_cells(row(d, TPE, 1), total="7.00", general_budget="7.00"),
        [
            ("identities.three_public_total", TPE, 1, None, "total"),
            ("identities.three_public_total", TPE, 1, None, "general_budget"),
        ],
    ),
    Case(
        "identities.fixed_assets_total",
        lambda d: d.table("fixed_assets").records[3].update(value=Decimal("58.17")),
        [("identities.fixed_assets_total", "fixed_assets", None, None, "value")],
    ),
    # ---- reconciliation: two-sided tables ----
    Case(
        "two_sided.items_sum",
        lambda d: set_cells(row(d, RES, 10, "expenditure"), amount="161.00"),
        [
            ("two_sided.items_sum", RES, 32, None, "amount"),
            ("cross_table.class_totals", RES, 10, None, "amount"),
        ],
    ),
    Case(
        "two_sided.balance",
        lambda d: [set_cells(row(d, RES, n, "revenue"), amount="16600.49") for n in (1, 32, 34)],
        [
            ("two_sided.balance", RES, 32, None, "amount"),
            ("two_sided.balance", RES, 34, None, "amount"),
            ("cross_table.revenue_total", RBF, 1, None, "total"),
            ("cross_table.revenue_total", RBF, 1, None, "current_year_subtotal"),
            ("cross_table.fiscal_revenue", FAS, 1, None, "total"),
            ("narrative.revenue_sources", RES, 1, None, "amount"),
        ],
    ),
    Case(
        "two_sided.grand_total",
        lambda d: set_cells(row(d, RES, 33, "revenue"), amount="10.00"),
        [
            ("two_sided.grand_total", RES, 34, None, "amount"),
            ("narrative.revenue_sources", RES, 33, None, "amount"),  # the text says 上年结转结余 0.00
        ],
    ),
    # ---- reconciliation: across tables ----
    Case(
        "cross_table.class_totals",
        lambda d: (
            set_cells(row(d, RES, 10, "expenditure"), amount="146.18"),
            set_cells(row(d, RES, 20, "expenditure"), amount="161.66"),
        ),
        [
            ("cross_table.class_totals", RES, 10, None, "amount"),
            ("cross_table.class_totals", RES, 20, None, "amount"),
        ],
    ),
    Case(
        "cross_table.revenue_total",
        lambda d: set_cells(
            row(d, RBF, 1),
            total="16500.00",
            current_year_subtotal="16500.00",
            fiscal_appropriation="16500.00",
        ),
        [
            ("hierarchy.grand_total", RBF, 1, None, f)
            for f in ("total", "current_year_subtotal", "fiscal_appropriation")
        ]
        + [
            ("cross_table.revenue_total", RBF, 1, None, "total"),
            ("cross_table.revenue_total", RBF, 1, None, "current_year_subtotal"),
            ("narrative.total_revenue", RBF, 1, None, "total"),
        ],
    ),
    Case(
        "cross_table.fiscal_appropriation",
        lambda d: [set_cells(row(d, GBE, n), total="146.81", basic="146.81") for n in (24, 25, 26)],
        [
            ("hierarchy.grand_total", GBE, 1, None, "total"),
            ("hierarchy.grand_total", GBE, 1, None, "basic"),
            ("cross_table.fiscal_appropriation", FAS, 20, None, "general_budget"),
        ],
    ),
    Case(
        "cross_table.fiscal_revenue",
        lambda d: set_cells(row(d, FAS, 1, "revenue"), total="16000.49"),
        [
            ("cross_table.fiscal_revenue", FAS, 1, None, "total"),
            ("two_sided.items_sum", FAS, 32, None, "total"),
        ],
    ),
    Case(
        "cross_table.basic_expenditure",
        lambda d: set_cells(row(d, GBE, 1), basic="2000.00", project="14500.49"),
        [
            ("hierarchy.grand_total", GBE, 1, None, "basic"),
            ("hierarchy.grand_total", GBE, 1, None, "project"),
            ("cross_table.basic_expenditure", GBB, 1, None, "total"),
        ],
    ),
    Case(
        "cross_table.project_budgets excess",
        lambda d: project(d, 0).update(budget_total=Decimal(181), fiscal_funds=Decimal(181)),
        # the 情况说明 names this project with its 81 万元, so the narrative disagrees too
        [
            ("cross_table.project_budgets", EBF, 1, None, "project"),
            ("narrative.project_amount", PP, None, "P0", "budget_total"),
        ],
        severity="error",
    ),
    Case(
        "cross_table.project_budgets shortfall",
        m_drop_project,
        [("cross_table.project_budgets", EBF, 1, None, "project")],
        severity="warning",
    ),
    # ---- reconciliation: narrative vs tables ----
    Case(
        "narrative.total_revenue",
        lambda d: rewrite_narrative(d, "年预算收入16500.49", "年预算收入16500.94"),
        [("narrative.total_revenue", RBF, 1, None, "total")],
    ),
    Case(
        "narrative.total_expenditure",
        lambda d: rewrite_narrative(d, "支出预算16500.49", "支出预算16005.49"),
        [("narrative.total_expenditure", EBF, 1, None, "total")],
    ),
    Case(
        "narrative.basic_expenditure",
        lambda d: rewrite_narrative(d, "基本支出2091.75", "基本支出2019.75"),
        [("narrative.basic_expenditure", EBF, 1, None, "basic")],
    ),
    Case(
        "narrative.project_expenditure",
        lambda d: rewrite_narrative(d, "项目支出14408.74", "项目支出14480.74"),
        [("narrative.project_expenditure", EBF, 1, None, "project")],
    ),
    Case(
        "narrative.personnel",
        lambda d: rewrite_narrative(d, "人员经费1956.06", "人员经费1965.06"),
        [("narrative.personnel", GBB, 1, None, "personnel")],
    ),
    Case(
        "narrative.public_funds",
        lambda d: rewrite_narrative(d, "公用经费135.69", "公用经费153.69"),
        [("narrative.public_funds", GBB, 1, None, "public_funds")],
    ),
    Case(
        "narrative.operating_costs",
        lambda d: rewrite_narrative(d, "共计安排135.69", "共计安排130.69"),
        [("narrative.operating_costs", GBB, 1, None, "public_funds")],
        severity="warning",
    ),
    Case(
        "narrative.three_public total",
        lambda d: rewrite_narrative(d, "预算安排6.3万元", "预算安排8.3万元"),
        [("narrative.three_public", TPE, 2, None, "total")],
    ),
    Case(
        "narrative.three_public item",
        lambda d: rewrite_narrative(d, "公务接待费0万元", "公务接待费2万元"),
        [("narrative.three_public", TPE, 9, None, "total")],
    ),
    Case(
        "narrative.revenue_sources",
        lambda d: rewrite_narrative(d, "一般公共预算收入16500.49", "一般公共预算收入16000.49"),
        [("narrative.revenue_sources", RES, 1, None, "amount")],
    ),
    Case(
        "narrative.revenue_sources carry-over",
        lambda d: rewrite_narrative(d, "上年结转结余0.00万元", "上年结转结余5.00万元"),
        [("narrative.revenue_sources", RES, 33, None, "amount")],
    ),
    Case(
        "narrative.fixed_assets",
        lambda d: rewrite_narrative(d, "固定资产金额为2602.91", "固定资产金额为2620.91"),
        [("narrative.fixed_assets", "fixed_assets", None, None, "value")],
    ),
    Case(
        "narrative.project_amount",
        lambda d: rewrite_narrative(d, "2024年招聘经费65万元", "2024年招聘经费56万元"),
        [("narrative.project_amount", PP, None, "P@2024年招聘经费", "budget_total")],
    ),
    Case(
        "narrative.project_list",
        lambda d: rewrite_narrative(d, "2024年招聘经费65万元", "2024年招聘经费165万元"),
        [
            ("narrative.project_list", EBF, 1, None, "project"),
            ("narrative.project_amount", PP, None, "P@2024年招聘经费", "budget_total"),
        ],
    ),
    # ---- reconciliation: project tables ----
    Case(
        "projects.funding_split",
        lambda d: project(d, 0).update(other_funds=Decimal(5)),
        [("projects.funding_split", PP, None, "P0", "budget_total")],
    ),
    Case(
        "projects.plan_order",
        lambda d: project(d, 0).update(plan_mar=Decimal(50), plan_jun=Decimal(30)),
        [("projects.plan_order", PP, None, "P0", "plan_jun")],
    ),
    Case(
        "projects.plan_complete",
        lambda d: project(d, 0).update(plan_dec=Decimal(90)),
        [("projects.plan_complete", PP, None, "P0", "plan_dec")],
        severity="warning",
    ),
    Case(
        "projects.plan_in_amounts",
        lambda d: project(d, 0).update(
            plan_mar=Decimal(20), plan_jun=Decimal(40), plan_oct=Decimal(81), plan_dec=None
        ),
        [("projects.plan_in_amounts", PP, None, "P0", "plan_oct")],
        severity="warning",
    ),
    Case(
        "projects.required_indicators",
        m_no_satisfaction,
        [("projects.required_indicators", PP, None, "P0", "indicators")],
    ),
    Case(
        "projects.cost_target",
        m_cost_target,
        [("projects.cost_target", PP, None, "P0", "indicators[2].target_value")],
        severity="error",
    ),
    Case(
        "projects.duplicate_indicator",
        m_dup_indicator,
        [("projects.duplicate_indicator", PP, None, "P0", "indicators[6]")],
        severity="warning",
    ),
    # ---- completeness ----
    Case(
        "completeness.standard_tables",
        m_drop_table("state_capital_expenditure"),
        [("completeness.standard_tables", "state_capital_expenditure", None, None, None)],
    ),
    # ---- units, other tables, the extractor's own findings (issue 9) ----
    Case(
        "units.not_understood",
        lambda d: setattr(d.table(GBE), "unit", "万美元"),
        # its figures are no longer compared with other tables: only the unit is reported
        [("units.not_understood", GBE, None, None, "unit")],
    ),
    Case(
        "schema.cells_are_lists",
        lambda d: d.tables.append(ExtractedTable("other", "机关运行经费表", [9], [{"cells": "1.00"}])),
        [("schema.cells_are_lists", "other", None, None, "cells")],
    ),
    *(
        Case(
            check,
            lambda d, check=check: d.findings.append(
                Finding(check, Severity.WARNING, "seen, not understood", table=GBE, pages=[6])
            ),
            [(check, GBE, None, None, None)],
            severity="error",
        )
        for check in EXTRACT_CHECKS
    ),
]


def resolve(key: Key, doc: ExtractedDocument) -> Key:
    check, table, line_no, code, field = key
    if code in ("P0", "P1"):
        code = project(doc, int(code[1]))["project_code"]
    elif code is not None and code.startswith("P@"):  # the project of that name
        code = next(r for t in doc.tables_of(PP) for r in t.records if r["project_name"] == code[2:])[
            "project_code"
        ]
    return (check, table, line_no, code, field)


def added_keys(findings: list[Finding]) -> list[Key]:
    return sorted((f.check, f.table, f.line_no, f.project_code, f.field) for f in findings)  # type: ignore[return-value]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_defect_is_reported_exactly(case: Case, golden, inject) -> None:
    clean = golden(STEM)
    expected = sorted(resolve(k, clean) for k in case.expected)
    added = inject(STEM, case.mutate)
    assert added_keys(added) == expected, "\n".join(f.message for f in added)
    if case.severity:
        assert {f.severity.value for f in added} == {case.severity}
    for finding in added:
        assert (finding.message and finding.check in finding.message) or finding.message  # worded, not blank


def declared_checks() -> set[str]:
    """Every check slug the three layers can emit (schema mapping, suite metas, reconciliation registry)."""
    slugs = set(CHECK_SLUGS.values()) | {"schema.project_code_format"}
    slugs -= {"schema.missing_column"}  # frames are built from the contract: a column cannot go missing
    for name in suite_names():
        slugs |= {e["meta"]["check"] for e in load_suite_json(name)["expectations"]}
    for check in CHECKS:
        slugs |= set(check.slugs)
    return slugs


def test_every_check_has_a_defect_case() -> None:
    from tests.validate.test_document_checks import covered_checks  # issue 15: cases on real documents
    from tests.validate.test_final_cross_table import covered_checks as covered_final  # issue 15: 决算

    covered = {key[0] for case in CASES for key in case.expected} | covered_checks() | covered_final()
    assert declared_checks() - covered == set()


def test_carry_over_lets_this_years_totals_differ() -> None:
    """本年收入合计 100 + 上年结转 20 = 收入总计 120 = 本年支出合计 120: balanced, not a contradiction."""
    from budget_etl.document import DocumentMeta, ExtractedTable
    from tasks.validate import validate_document

    def line(n: int, side: str, item: str, amount: str | None) -> dict:
        return {"line_no": n, "side": side, "item": item, "amount": Decimal(amount) if amount else None}

    records = [
        line(1, "revenue", "一、一般公共预算拨款收入", "100.00"),
        line(1, "expenditure", "一、社会保障和就业支出", "120.00"),
        line(2, "revenue", "本年收入合计", "100.00"),
        line(2, "expenditure", "本年支出合计", "120.00"),
        line(3, "revenue", "上年结转结余", "20.00"),
        line(3, "expenditure", "年终结转结余", None),
        line(4, "revenue", "收入总计", "120.00"),
        line(4, "expenditure", "支出总计", "120.00"),
    ]
    meta = DocumentMeta("budget_disclosure", None, None, 2025, "万元", 1, "0" * 64)
    doc = ExtractedDocument(meta, [ExtractedTable(RES, "部门预算收支总表", [1], records)])
    assert [f for f in validate_document(doc) if f.table == RES] == []
    records[4]["amount"] = None  # without the carry-over the same figures do not balance
    checks = sorted(f.check for f in validate_document(doc) if f.table == RES)
    assert checks == ["two_sided.balance", "two_sided.grand_total"]


def test_class_names_match_across_template_wording(inject) -> None:
    """收支总表 may print a 类 without its trailing 支出; the figures are still compared, not reported."""

    def reword(doc: ExtractedDocument) -> None:
        set_cells(row(doc, RES, 8, "expenditure"), item="八、社会保障和就业")
        set_cells(row(doc, RES, 10, "expenditure"), item="十、卫生健康", amount="160.00")

    added = added_keys(inject(STEM, reword))
    assert added == [
        ("cross_table.class_totals", RES, 10, None, "amount"),
        ("two_sided.items_sum", RES, 32, None, "amount"),
    ]


def test_a_table_without_class_rows_is_not_compared_by_class(inject) -> None:
    """支出总表 printed with 款/项 rows only: nothing to match the summary's 类 with, so no finding."""

    def keep_deeper_codes(doc: ExtractedDocument) -> None:
        table = doc.table(EBF)
        assert table is not None
        table.records = [r for r in table.records if not (r.get("code") and len(r["code"]) == 3)]

    assert added_keys(inject(STEM, keep_deeper_codes)) == []


def test_carry_over_printed_only_in_its_breakdown_lines_counts(inject) -> None:
    """财政拨款收支总表 may leave 年初结转和结余 blank and fill 一般公共预算拨款 … below it instead."""

    def carry_in_breakdown(doc: ExtractedDocument) -> None:
        set_cells(row(doc, FAS, 34, "revenue"), total="20.00")
        set_cells(row(doc, FAS, 37, "revenue"), total="16520.49")
        for n in (32, 37):
            set_cells(row(doc, FAS, n, "expenditure"), total="16520.49", general_budget="16520.49")
        set_cells(row(doc, FAS, 8, "expenditure"), total="16212.65", general_budget="16212.65")

    # the figures balance once the breakdown counts; only the 类 now disagrees with the detailed table
    assert added_keys(inject(STEM, carry_in_breakdown)) == [
        ("cross_table.fiscal_appropriation", FAS, 8, None, "general_budget"),
        ("cross_table.fiscal_appropriation", FAS, 32, None, "general_budget"),
    ]
