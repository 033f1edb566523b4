"""The data dictionary as code: document kinds, table types, their record fields.

``docs/data-dictionary.md`` is the prose contract; this module is its single machine-readable
copy. Extractor, schemas, expectation suites, database models and exports all take slugs and
field names from here, so a new table type starts with one entry below.
"""

from __future__ import annotations

from dataclasses import dataclass

DOCUMENT_KINDS = ("budget_disclosure", "performance_targets")

#: ``document.scope``: 部门预算 (consolidated over the department's units) or 单位预算 (one unit)
SCOPES = ("department", "unit")

#: ``type`` of a titled table that is none of the types below: kept with its title, pages and
#: rows as printed (records ``{"cells": [...]}``), never merged into a neighbour
OTHER_TABLE = "other"

#: Finding ``check`` names the extractor reports for what it saw but could not read as data
EXTRACT_HEADER_NOT_UNDERSTOOD = "extract.header_not_understood"
EXTRACT_AMOUNT_NOT_NUMBER = "extract.amount_not_number"
EXTRACT_EMPTY_TABLE_WITHOUT_NOTE = "extract.empty_table_without_note"
#: an OCR'd amount read with too little confidence to be trusted (page, cell bbox, confidence)
EXTRACT_OCR_LOW_CONFIDENCE = "extract.ocr_low_confidence"
EXTRACT_CHECKS = (
    EXTRACT_HEADER_NOT_UNDERSTOOD,
    EXTRACT_AMOUNT_NOT_NUMBER,
    EXTRACT_EMPTY_TABLE_WITHOUT_NOTE,
    EXTRACT_OCR_LOW_CONFIDENCE,
)
#: which reader produced a document (``document.reader``): PDF text layer, OCR of page images, Office
READERS = ("pdf_text", "pdf_ocr", "xlsx", "xls", "docx", "doc")


@dataclass(frozen=True)
class TableType:
    slug: str
    title: str  # the text the printed title contains
    fields: tuple[str, ...]
    amount_fields: tuple[str, ...] = ()
    #: True for the nine standard tables every 部门预算信息公开 must contain
    standard: bool = False


_FUNCTION_BASIC_PROJECT = ("line_no", "code", "name", "total", "basic", "project")

TABLE_TYPES: dict[str, TableType] = {
    t.slug: t
    for t in (
        TableType(
            "revenue_expenditure_summary",
            "部门预算收支总表",
            ("line_no", "side", "item", "amount"),
            ("amount",),
            standard=True,
        ),
        TableType(
            "revenue_by_function",
            "部门预算收入总表",
            (
                "line_no", "code", "name", "total", "current_year_subtotal", "fiscal_appropriation",
                "fiscal_special_account", "business_income", "operating_income", "superior_subsidy",
                "subordinate_remittance", "other_income", "prior_year_carryover",
            ),
            (
                "total", "current_year_subtotal", "fiscal_appropriation", "fiscal_special_account",
                "business_income", "operating_income", "superior_subsidy", "subordinate_remittance",
                "other_income", "prior_year_carryover",
            ),
            standard=True,
        ),
        TableType(
            "expenditure_by_function",
            "部门预算支出总表",
            (
                "line_no", "code", "name", "total", "basic", "project", "operating",
                "remittance_to_superior", "subsidy_to_subordinate",
            ),
            ("total", "basic", "project", "operating", "remittance_to_superior", "subsidy_to_subordinate"),
            standard=True,
        ),
        TableType(
            "fiscal_appropriation_summary",
            "部门预算财政拨款收支总表",
            ("line_no", "side", "item", "total", "general_budget", "government_fund", "state_capital"),
            ("total", "general_budget", "government_fund", "state_capital"),
            standard=True,
        ),
        TableType(
            "general_budget_expenditure",
            "一般公共预算财政拨款支出表",
            _FUNCTION_BASIC_PROJECT,
            ("total", "basic", "project"),
            standard=True,
        ),
        TableType(
            "general_budget_basic_expenditure",
            "一般公共预算财政拨款基本支出表",
            ("line_no", "code", "name", "total", "personnel", "public_funds"),
            ("total", "personnel", "public_funds"),
            standard=True,
        ),
        TableType(
            "government_fund_expenditure",
            "政府性基金预算财政拨款支出表",
            _FUNCTION_BASIC_PROJECT,
            ("total", "basic", "project"),
            standard=True,
        ),
        TableType(
            "state_capital_expenditure",
            "国有资本经营预算财政拨款支出表",
            _FUNCTION_BASIC_PROJECT,
            ("total", "basic", "project"),
            standard=True,
        ),
        TableType(
            "three_public_expenditure",
            "“三公”经费支出表",
            ("line_no", "item", "total", "general_budget", "government_fund", "state_capital"),
            ("total", "general_budget", "government_fund", "state_capital"),
            standard=True,
        ),
        TableType(
            "project_performance",
            "绩效目标表",
            (
                "seq", "title", "unit_code", "unit_name", "project_code", "project_name", "budget_total",
                "fiscal_funds", "other_funds", "purpose", "plan_mar", "plan_jun", "plan_oct", "plan_dec",
                "goals", "indicators",
            ),
            ("budget_total", "fiscal_funds", "other_funds"),
        ),
        # 部门（单位）整体支出绩效目标表: department-wide goals and indicators, no project fields
        TableType(
            "department_performance",
            "整体支出绩效目标表",
            ("title", "unit_name", "budget_total", "fiscal_funds", "other_funds", "goals", "indicators"),
            ("budget_total", "fiscal_funds", "other_funds"),
        ),
        TableType("institutions", "部门机构设置情况", ("unit_name", "nature", "rank", "funding")),
        TableType("fixed_assets", "部门固定资产占用情况表", ("item", "quantity", "value"), ("value",)),
        TableType("government_procurement", "部门政府采购预算", ()),
    )
}

INDICATOR_FIELDS = (
    "level1", "level2", "level3", "description", "target", "basis",
    "target_op", "target_value", "target_unit", "target_max",
)

#: ``target_op`` values; ``between`` means target_value ≤ x ≤ target_max (``90%-100%``)
TARGET_OPS = (">=", "<=", ">", "<", "=", "between")

#: table types whose records are 绩效目标表 forms with an ``indicators`` list
PERFORMANCE_TABLES = ("project_performance", "department_performance")

PLAN_FIELDS = ("plan_mar", "plan_jun", "plan_oct", "plan_dec")

STANDARD_TABLES: tuple[str, ...] = tuple(slug for slug, t in TABLE_TYPES.items() if t.standard)

#: Tables whose ``code`` column holds a classification code (function 3/5/7 digits, economic 3/5).
FUNCTION_CLASSIFIED = (
    "revenue_by_function",
    "expenditure_by_function",
    "general_budget_expenditure",
    "government_fund_expenditure",
    "state_capital_expenditure",
)
ECONOMIC_CLASSIFIED = ("general_budget_basic_expenditure",)
TWO_SIDED = ("revenue_expenditure_summary", "fiscal_appropriation_summary")

# ---- 部门决算 / 单位决算 final accounts (issue 15) ------------------------------------------------
#: a recognised document kind that is not a budget: its tables are the 决算 types below. Kept out of
#: DOCUMENT_KINDS (the budget corpus' kinds) so budget schemas, suites and models are unaffected.
FINAL_ACCOUNTS_KIND = "final_accounts"
RECOGNISED_KINDS = (*DOCUMENT_KINDS, FINAL_ACCOUNTS_KIND)

_FINAL_BALANCE = (
    "opening_balance", "current_revenue", "current_expenditure", "balance_allocation", "closing_balance",
)

#: 决算 table types by meaning (titles: ``budget_etl/vocabulary/final_accounts.yaml``)
FINAL_TABLE_TYPES: dict[str, TableType] = {
    t.slug: t
    for t in (
        TableType("revenue_expenditure_final", "收入支出决算总表", ("line_no", "side", "item", "amount"),
                  ("amount",), standard=True),
        TableType("revenue_final", "收入决算表",
                  ("line_no", "code", "name", "total", "fiscal_appropriation", "superior_subsidy",
                   "business_income", "operating_income", "subordinate_remittance", "other_income"),
                  ("total", "fiscal_appropriation", "superior_subsidy", "business_income", "operating_income",
                   "subordinate_remittance", "other_income"), standard=True),
        TableType("expenditure_final", "支出决算表",
                  ("line_no", "code", "name", "total", "basic", "project", "remittance_to_superior",
                   "operating", "subsidy_to_subordinate"),
                  ("total", "basic", "project", "remittance_to_superior", "operating",
                   "subsidy_to_subordinate"), standard=True),
        TableType("fiscal_appropriation_final", "财政拨款收入支出决算总表",
                  ("line_no", "side", "item", "total", "general_budget", "government_fund", "state_capital"),
                  ("total", "general_budget", "government_fund", "state_capital"), standard=True),
        TableType("general_budget_expenditure_final", "一般公共预算财政拨款支出决算表",
                  ("line_no", "code", "name", "budget_amount", "total", "basic", "project"),
                  ("budget_amount", "total", "basic", "project"), standard=True),
        TableType("general_budget_basic_expenditure_final", "一般公共预算财政拨款基本支出决算表",
                  ("line_no", "code", "name", "total", "personnel", "public_funds"),
                  ("total", "personnel", "public_funds"), standard=True),
        TableType("government_fund_final", "政府性基金预算财政拨款收入支出决算表",
                  ("line_no", "code", "name", *_FINAL_BALANCE, "basic", "project"),
                  (*_FINAL_BALANCE, "basic", "project"), standard=True),
        TableType("state_capital_final", "国有资本经营预算财政拨款收入支出决算表",
                  ("line_no", "code", "name", *_FINAL_BALANCE, "basic", "project"),
                  (*_FINAL_BALANCE, "basic", "project"), standard=True),
        TableType("three_public_final", "财政拨款“三公”经费支出决算表",
                  ("line_no", "item", "budget_amount", "final_amount"), ("budget_amount", "final_amount"),
                  standard=True),
    )
}
FINAL_STANDARD_TABLES: tuple[str, ...] = tuple(FINAL_TABLE_TYPES)
#: two-sided 决算 summaries (收入 | 支出 side by side): read like the budget's TWO_SIDED, checked by the
#: 决算 identities (TWO_SIDED stays budget-only, so budget summary checks never see them)
FINAL_TWO_SIDED = ("revenue_expenditure_final", "fiscal_appropriation_final")


def table_spec(slug: str | None) -> TableType | None:
    """The budget or 决算 type of a slug (None: ``other`` or unknown): one lookup for the extractor."""
    return TABLE_TYPES.get(slug or "") or FINAL_TABLE_TYPES.get(slug or "")


def empty_note_required(slug: str | None) -> bool:
    """Whether a table printed empty must say so (空表列示 …): the standard tables must, others not.

    The disclosure rules ask the note of the standard tables (budget and final accounts alike); a
    blank list such as 政府采购 without one is suspicious, not a contradiction.
    """
    table_type = TABLE_TYPES.get(slug or "") or FINAL_TABLE_TYPES.get(slug or "")
    return table_type is not None and table_type.standard
