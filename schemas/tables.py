"""pandera models, one per table type of the data dictionary (``budget_etl.contract``).

They check what a single cell or a single frame can tell: types, blanks, code formats,
non-negative amounts, ``side`` values, percentages, the project-code form and a few frame-wide
rules (unique line numbers, a 合计 line, both sides of a two-sided table). Arithmetic between
rows and tables is the reconciliation's job (``tasks.validate.reconcile``).

Frames are built by ``tasks.validate.frames`` with the cells as extracted; ``coerce=True`` turns
Decimals into floats here and reports any cell that is not a number instead of failing.

Only the dictionary's fields are checked (``strict=False``): a record's ``extra`` (printed columns
the dictionary does not name) is kept and stored but is not validated as amounts — its meaning
is not known. An ``other`` table (a titled table of no known type) has no schema beyond its rows
being lists of printed cells.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from budget_etl.contract import TARGET_OPS

#: the grand-total line's names (a two-level 收入总表 prints 收入总计); as ``tasks.validate.lookup``
GRAND_TOTAL_NAMES = ("合计", "总计", "收入总计", "支出总计", "收入合计", "支出合计")
FUNCTION_CODE = r"^(?:\d{3}|\d{5}|\d{7})$"  # 类 / 款 / 项
ECONOMIC_CODE = r"^(?:\d{3}|\d{5})$"  # 类 / 款
PROJECT_CODE = r"^\d{8}P\d{11}[0-9A-Z]$"
SIDES = ("revenue", "expenditure")


def amount(**kwargs: Any) -> Any:
    """An amount column: blank allowed (null, not zero), never negative."""
    return pa.Field(nullable=True, ge=0, **kwargs)


def percent() -> Any:
    return pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 100})


def has_grand_total(df: pd.DataFrame) -> bool:
    """A filled classified table carries its 合计 line (dropping it hides every total check)."""
    if df.empty:
        return True
    names = df["name"].astype(str).str.replace(r"\s+", "", regex=True)
    return bool((names.isin(list(GRAND_TOTAL_NAMES)) & df["code"].isna()).any())


def unique_line_numbers(df: pd.DataFrame) -> pd.Series:
    """Each printed 序号 once (blank ones are not compared)."""
    return df["line_no"].isna() | ~df["line_no"].duplicated(keep="first")


class _Base(pa.DataFrameModel):
    class Config:
        coerce = True
        strict = False


class _Classified(_Base):
    line_no: Series[pd.Int64Dtype] = pa.Field(nullable=True)  # tables without 序号 exist
    code: Series[str] = pa.Field(nullable=True, str_matches=FUNCTION_CODE)
    name: Series[str] = pa.Field(nullable=False)
    total: Series[float] = amount()

    @pa.dataframe_check(name="unique_line_no")
    def _unique_line_no(cls, df: pd.DataFrame) -> pd.Series:
        return unique_line_numbers(df)

    @pa.dataframe_check(name="grand_total_row")
    def _grand_total_row(cls, df: pd.DataFrame) -> bool:
        return has_grand_total(df)


class RevenueByFunction(_Classified):
    current_year_subtotal: Series[float] = amount()
    fiscal_appropriation: Series[float] = amount()
    fiscal_special_account: Series[float] = amount()
    business_income: Series[float] = amount()
    operating_income: Series[float] = amount()
    superior_subsidy: Series[float] = amount()
    subordinate_remittance: Series[float] = amount()
    other_income: Series[float] = amount()
    prior_year_carryover: Series[float] = amount()


class ExpenditureByFunction(_Classified):
    basic: Series[float] = amount()
    project: Series[float] = amount()
    operating: Series[float] = amount()
    remittance_to_superior: Series[float] = amount()
    subsidy_to_subordinate: Series[float] = amount()


class BasicProjectByFunction(_Classified):
    """一般公共预算 / 政府性基金 / 国有资本经营 财政拨款支出表: total = basic + project."""

    basic: Series[float] = amount()
    project: Series[float] = amount()


class GeneralBudgetBasicExpenditure(_Classified):
    code: Series[str] = pa.Field(nullable=True, str_matches=ECONOMIC_CODE)
    personnel: Series[float] = amount()
    public_funds: Series[float] = amount()


class _TwoSided(_Base):
    line_no: Series[pd.Int64Dtype] = pa.Field(nullable=True)  # tables without 序号 exist
    side: Series[str] = pa.Field(nullable=False, isin=list(SIDES))
    item: Series[str] = pa.Field(nullable=False)

    @pa.dataframe_check(name="unique_line_no")
    def _unique_line_side(cls, df: pd.DataFrame) -> pd.Series:
        return df["line_no"].isna() | ~df.duplicated(subset=["line_no", "side"], keep="first")

    @pa.dataframe_check(name="both_sides")
    def _both_sides(cls, df: pd.DataFrame) -> bool:
        return df.empty or set(SIDES) <= set(df["side"].dropna())


class RevenueExpenditureSummary(_TwoSided):
    amount: Series[float] = amount()


class FiscalAppropriationSummary(_TwoSided):
    total: Series[float] = amount()
    general_budget: Series[float] = amount()
    government_fund: Series[float] = amount()
    state_capital: Series[float] = amount()


class ThreePublicExpenditure(_Base):
    line_no: Series[pd.Int64Dtype] = pa.Field(nullable=True)  # tables without 序号 exist
    item: Series[str] = pa.Field(nullable=False)
    total: Series[float] = amount()
    general_budget: Series[float] = amount()
    government_fund: Series[float] = amount()
    state_capital: Series[float] = amount()

    @pa.dataframe_check(name="unique_line_no")
    def _unique_line_no(cls, df: pd.DataFrame) -> pd.Series:
        return unique_line_numbers(df)


class ProjectPerformance(_Base):
    seq: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    title: Series[str] = pa.Field(nullable=False)
    project_code: Series[str] = pa.Field(nullable=False, str_matches=PROJECT_CODE)
    project_name: Series[str] = pa.Field(nullable=False)
    budget_total: Series[float] = pa.Field(nullable=False, ge=0)
    fiscal_funds: Series[float] = amount()
    other_funds: Series[float] = amount()
    plan_mar: Series[float] = percent()
    plan_jun: Series[float] = percent()
    plan_oct: Series[float] = percent()
    plan_dec: Series[float] = percent()


class ProjectIndicator(_Base):
    """One row per indicator of a 绩效目标表 (frames ``project_indicators``, ``department_indicators``)."""

    level1: Series[str] = pa.Field(nullable=False)
    target_op: Series[str] = pa.Field(nullable=True, isin=list(TARGET_OPS))
    target_value: Series[float] = pa.Field(nullable=True)
    target_max: Series[float] = pa.Field(nullable=True)

    @pa.dataframe_check(name="target_range")
    def _target_range(cls, df: pd.DataFrame) -> pd.Series:
        """``target_max`` exactly on ``between`` targets, and never below ``target_value``."""
        if "target_max" not in df:
            return pd.Series(True, index=df.index)
        between = df["target_op"] == "between"
        has_max = df["target_max"].notna()
        low = pd.to_numeric(df["target_value"], errors="coerce")
        high = pd.to_numeric(df["target_max"], errors="coerce")
        ordered = ~(low.notna() & high.notna()) | (low <= high)
        return (between == has_max) & ordered


class DepartmentPerformance(_Base):
    """部门整体支出绩效目标表: the department's own goals and budget."""

    title: Series[str] = pa.Field(nullable=False)
    budget_total: Series[float] = amount()
    fiscal_funds: Series[float] = amount()
    other_funds: Series[float] = amount()


class FixedAssets(_Base):
    item: Series[str] = pa.Field(nullable=False)
    quantity: Series[float] = amount()
    value: Series[float] = amount()


class Institutions(_Base):
    unit_name: Series[str] = pa.Field(nullable=False)


def cells_are_lists(value: object) -> bool:
    """A row of an ``other`` table: the printed cells, as a list of texts (blank cells None)."""
    return isinstance(value, list) and all(c is None or isinstance(c, str | int | float) for c in value)


class OtherTable(pa.DataFrameModel):
    """``type: "other"``: rows as printed, ``{"cells": [...]}``; nothing else is asserted."""

    cells: Series[object] = pa.Field(nullable=False)

    @pa.check("cells", name="cells_are_lists", element_wise=True)
    def _cells_are_lists(cls, value: object) -> bool:
        return cells_are_lists(value)

    class Config:
        strict = False


# ---- 部门决算 final accounts (issue 15; ``budget_etl.contract.FINAL_TABLE_TYPES``) ------------------
# The two-sided 决算 summaries have the budget summaries' shape (``RevenueExpenditureSummary``,
# ``FiscalAppropriationSummary``); the 决算's own arithmetic is ``tasks.validate.reconcile.final_accounts``.


class RevenueFinal(_Classified):
    """收入决算表: 本年收入合计 (``total``) and its sources per function code."""

    fiscal_appropriation: Series[float] = amount()
    superior_subsidy: Series[float] = amount()
    business_income: Series[float] = amount()
    operating_income: Series[float] = amount()
    subordinate_remittance: Series[float] = amount()
    other_income: Series[float] = amount()


class ExpenditureFinal(_Classified):
    """支出决算表: 本年支出合计 (``total``) and its parts per function code."""

    basic: Series[float] = amount()
    project: Series[float] = amount()
    remittance_to_superior: Series[float] = amount()
    operating: Series[float] = amount()
    subsidy_to_subordinate: Series[float] = amount()


class GeneralBudgetExpenditureFinal(BasicProjectByFunction):
    """一般公共预算财政拨款支出决算表: the budget table's columns plus the 预算数 some templates print."""

    budget_amount: Series[float] = amount()


class GeneralBudgetBasicExpenditureFinal(_Base):
    """一般公共预算财政拨款基本支出决算表, by economic code.

    No 合计 line is required: templates close it with 人员经费合计 / 公用经费合计 instead.
    """

    line_no: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    code: Series[str] = pa.Field(nullable=True, str_matches=ECONOMIC_CODE)
    name: Series[str] = pa.Field(nullable=False)
    total: Series[float] = amount()
    personnel: Series[float] = amount()
    public_funds: Series[float] = amount()

    @pa.dataframe_check(name="unique_line_no")
    def _unique_line_no(cls, df: pd.DataFrame) -> pd.Series:
        return unique_line_numbers(df)


class FundFinal(_Base):
    """政府性基金 / 国有资本经营预算财政拨款收入支出决算表: the year's balance per function code."""

    line_no: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    code: Series[str] = pa.Field(nullable=True, str_matches=FUNCTION_CODE)
    name: Series[str] = pa.Field(nullable=False)
    opening_balance: Series[float] = amount()
    current_revenue: Series[float] = amount()
    current_expenditure: Series[float] = amount()
    balance_allocation: Series[float] = amount()
    closing_balance: Series[float] = amount()
    basic: Series[float] = amount()
    project: Series[float] = amount()

    @pa.dataframe_check(name="unique_line_no")
    def _unique_line_no(cls, df: pd.DataFrame) -> pd.Series:
        return unique_line_numbers(df)


class ThreePublicFinal(_Base):
    """财政拨款“三公”经费支出决算表: 预算数 and 决算数 per item."""

    line_no: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    item: Series[str] = pa.Field(nullable=False)
    budget_amount: Series[float] = amount()
    final_amount: Series[float] = amount()

    @pa.dataframe_check(name="unique_line_no")
    def _unique_line_no(cls, df: pd.DataFrame) -> pd.Series:
        return unique_line_numbers(df)
