"""pandera models per table type, keyed by the data dictionary's slugs (see ``schemas.tables``)."""

from __future__ import annotations

import pandera.pandas as pa

from schemas.tables import (
    BasicProjectByFunction,
    DepartmentPerformance,
    ExpenditureByFunction,
    ExpenditureFinal,
    FiscalAppropriationSummary,
    FixedAssets,
    FundFinal,
    GeneralBudgetBasicExpenditure,
    GeneralBudgetBasicExpenditureFinal,
    GeneralBudgetExpenditureFinal,
    Institutions,
    OtherTable,
    ProjectIndicator,
    ProjectPerformance,
    RevenueByFunction,
    RevenueExpenditureSummary,
    RevenueFinal,
    ThreePublicExpenditure,
    ThreePublicFinal,
)

#: table slug (or an indicator frame: ``project_indicators`` / ``department_indicators``) → its model
SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "revenue_expenditure_summary": RevenueExpenditureSummary,
    "revenue_by_function": RevenueByFunction,
    "expenditure_by_function": ExpenditureByFunction,
    "fiscal_appropriation_summary": FiscalAppropriationSummary,
    "general_budget_expenditure": BasicProjectByFunction,
    "general_budget_basic_expenditure": GeneralBudgetBasicExpenditure,
    "government_fund_expenditure": BasicProjectByFunction,
    "state_capital_expenditure": BasicProjectByFunction,
    "three_public_expenditure": ThreePublicExpenditure,
    "project_performance": ProjectPerformance,
    "project_indicators": ProjectIndicator,
    "department_performance": DepartmentPerformance,
    "department_indicators": ProjectIndicator,  # the same indicator fields
    "fixed_assets": FixedAssets,
    "institutions": Institutions,
    "other": OtherTable,  # budget_etl.contract.OTHER_TABLE
    # 部门决算 final accounts (budget_etl.contract.FINAL_TABLE_TYPES)
    "revenue_expenditure_final": RevenueExpenditureSummary,
    "revenue_final": RevenueFinal,
    "expenditure_final": ExpenditureFinal,
    "fiscal_appropriation_final": FiscalAppropriationSummary,
    "general_budget_expenditure_final": GeneralBudgetExpenditureFinal,
    "general_budget_basic_expenditure_final": GeneralBudgetBasicExpenditureFinal,
    "government_fund_final": FundFinal,
    "state_capital_final": FundFinal,
    "three_public_final": ThreePublicFinal,
}

__all__ = ["SCHEMAS"]
