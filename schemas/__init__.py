"""pandera models per table type, keyed by the data dictionary's slugs (see ``schemas.tables``)."""

from __future__ import annotations

import pandera.pandas as pa

from schemas.tables import (
    BasicProjectByFunction,
    DepartmentPerformance,
    ExpenditureByFunction,
    FiscalAppropriationSummary,
    FixedAssets,
    GeneralBudgetBasicExpenditure,
    Institutions,
    OtherTable,
    ProjectIndicator,
    ProjectPerformance,
    RevenueByFunction,
    RevenueExpenditureSummary,
    ThreePublicExpenditure,
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
}

__all__ = ["SCHEMAS"]
