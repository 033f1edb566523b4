"""The arithmetic of a 部门决算 (final accounts): the year's money in, out and carried over.

收入支出决算总表 and 财政拨款收入支出决算总表 print, per side, the year's items, their 本年收入合计 /
本年支出合计, the carry-over lines and the 总计. They must say:

* the items add up to their 本年…合计 (``final_accounts.items_sum``);
* 年初结转和结余 (+ 使用非财政拨款结余) + 本年收入 = the revenue 总计, and 本年支出 + 结余分配 +
  年末结转和结余 = the expenditure 总计 (``final_accounts.side_total``);
* both 总计 are one figure: 年初结转和结余 + 本年收入 = 本年支出 + 结余分配 + 年末结转和结余
  (``final_accounts.balance``);
* per row of the fund tables (政府性基金 / 国有资本经营): the same identity across the columns, and
  本年支出 = 基本支出 + 项目支出 (``final_accounts.row_balance``).

A line the table does not print (结余分配 blank) counts 0, as the printed 总计 does. Line labels
are data (``budget_etl/vocabulary/final_accounts.yaml``: ``summary_lines``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import cache

from budget_etl.contract import FINAL_ACCOUNTS_KIND
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding
from budget_etl.vocabulary import load
from tasks.validate.amounts import amounts_agree, format_amount, sum_amounts, to_amount
from tasks.validate.evidence import finding_at
from tasks.validate.lookup import clean_label
from tasks.validate.settings import ValidateSettings

ITEMS_SUM = "final_accounts.items_sum"
SIDE_TOTAL = "final_accounts.side_total"
BALANCE = "final_accounts.balance"
ROW_BALANCE = "final_accounts.row_balance"

#: the two-sided 决算 summaries and the column holding each line's figure
SUMMARIES = {"revenue_expenditure_final": "amount", "fiscal_appropriation_final": "total"}
FUND_TABLES = ("government_fund_final", "state_capital_final")


@cache
def line_words() -> dict[str, frozenset[str]]:
    return {role: frozenset(words) for role, words in load("final_accounts")["summary_lines"].items()}


def role_of(record: Record) -> str | None:
    label = clean_label(record.get("item"))
    for role, words in line_words().items():
        if label in words:
            return role
    return None


def is_final(doc: ExtractedDocument) -> bool:
    return doc.document.kind == FINAL_ACCOUNTS_KIND


def side_lines(table: ExtractedTable, side: str) -> tuple[list[Record], dict[str, Record]]:
    """(items, summary lines by role) of one side, in print order."""
    items: list[Record] = []
    roles: dict[str, Record] = {}
    for record in table.records:
        if record.get("side") != side:
            continue
        role = role_of(record)
        if role is None and not roles:  # items come before the first summary line
            items.append(record)
        elif role is not None:
            roles.setdefault(role, record)
    return items, roles


def differ(
    check: str,
    table: ExtractedTable,
    record: Record,
    field: str,
    expected: Decimal,
    what: str,
    settings: ValidateSettings,
) -> list[Finding]:
    actual = record.get(field)
    if amounts_agree(expected, actual, settings.amount_tolerance):
        return []
    return [
        finding_at(
            check,
            f"{table.title}: {clean_label(record.get('item') or record.get('name'))} is "
            f"{format_amount(actual)} but {what} is {format_amount(expected)}",
            table=table,
            record=record,
            field=field,
            expected=expected,
            actual=to_amount(actual),
        )
    ]


def amount(record: Record | None, field: str) -> Decimal:
    return to_amount(record.get(field)) if record is not None else Decimal(0)


def summaries(doc: ExtractedDocument) -> list[tuple[ExtractedTable, str]]:
    return (
        [(t, SUMMARIES[t.type]) for t in doc.tables if t.type in SUMMARIES and t.records]
        if is_final(doc)
        else []
    )


def check_items_sum(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings = []
    for table, field in summaries(doc):
        for side, role in (
            ("revenue", "current_revenue_total"),
            ("expenditure", "current_expenditure_total"),
        ):
            items, roles = side_lines(table, side)
            if role in roles and items:
                total = sum_amounts(r.get(field) for r in items)
                findings += differ(
                    ITEMS_SUM, table, roles[role], field, total, "the sum of its items", settings
                )
    return findings


def check_side_total(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    parts = {
        "revenue": ("current_revenue_total", "opening_balance", "use_of_non_fiscal_balance"),
        "expenditure": ("current_expenditure_total", "balance_allocation", "closing_balance"),
    }
    findings = []
    for table, field in summaries(doc):
        for side, roles_of_side in parts.items():
            _, roles = side_lines(table, side)
            if "grand_total" not in roles or roles_of_side[0] not in roles:
                continue
            expected = sum(amount(roles.get(r), field) for r in roles_of_side)
            what = " + ".join(clean_label(roles[r].get("item")) for r in roles_of_side if r in roles)
            findings += differ(SIDE_TOTAL, table, roles["grand_total"], field, expected, what, settings)
    return findings


def check_balance(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """Money in = money out: 年初结转和结余 + 本年收入 = 本年支出 + 结余分配 + 年末结转和结余."""
    findings = []
    for table, field in summaries(doc):
        _, revenue = side_lines(table, "revenue")
        _, spending = side_lines(table, "expenditure")
        if "current_revenue_total" not in revenue or "current_expenditure_total" not in spending:
            continue
        money_in = sum(
            amount(revenue.get(r), field)
            for r in ("opening_balance", "current_revenue_total", "use_of_non_fiscal_balance")
        )
        money_out = sum(
            amount(spending.get(r), field)
            for r in ("current_expenditure_total", "balance_allocation", "closing_balance")
        )
        anchor = spending.get("closing_balance") or spending["current_expenditure_total"]
        if not amounts_agree(money_in, money_out, settings.amount_tolerance):
            findings.append(
                finding_at(
                    BALANCE,
                    f"{table.title}: 年初结转和结余 + 本年收入 = {format_amount(money_in)} "
                    f"but 本年支出 + 结余分配 + 年末结转和结余 = {format_amount(money_out)}",
                    table=table,
                    record=anchor,
                    field=field,
                    expected=money_in,
                    actual=money_out,
                )
            )
    return findings


ROW_IN: Sequence[str] = ("opening_balance", "current_revenue")
ROW_OUT: Sequence[str] = ("current_expenditure", "balance_allocation", "closing_balance")


def check_row_balance(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    if not is_final(doc):
        return []
    findings = []
    for table in (t for t in doc.tables if t.type in FUND_TABLES):
        for record in table.records:
            if not any(record.get(f) is not None for f in (*ROW_IN, *ROW_OUT)):
                continue
            money_in = sum(amount(record, f) for f in ROW_IN)
            money_out = sum(amount(record, f) for f in ROW_OUT)
            if not amounts_agree(money_in, money_out, settings.amount_tolerance):
                findings.append(
                    finding_at(
                        ROW_BALANCE,
                        f"{table.title}: {record.get('name') or record.get('code')}: "
                        f"年初结转和结余 + 本年收入 = {format_amount(money_in)} "
                        f"but 本年支出 + 结余分配 + 年末结转和结余 = {format_amount(money_out)}",
                        table=table,
                        record=record,
                        field="closing_balance",
                        expected=money_in,
                        actual=money_out,
                    )
                )
            if record.get("basic") is not None or record.get("project") is not None:
                parts = amount(record, "basic") + amount(record, "project")
                what = "基本支出 + 项目支出"
                findings += differ(ROW_BALANCE, table, record, "current_expenditure", parts, what, settings)
    return findings


#: 决算 tables classified by function / economic code: the budget's hierarchy holds in them too
FINAL_CLASSIFIED = (
    "revenue_final",
    "expenditure_final",
    "general_budget_expenditure_final",
    "general_budget_basic_expenditure_final",
    "government_fund_final",
    "state_capital_final",
)


def final_classified(doc: ExtractedDocument) -> list[ExtractedTable]:
    return [t for t in doc.tables if t.type in FINAL_CLASSIFIED and t.records] if is_final(doc) else []


def check_final_hierarchy(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """类 = Σ款, 款 = Σ项 (``hierarchy.sum_of_children``) and 合计 = Σ类 (``hierarchy.grand_total``)
    on every amount column of the 决算's classified tables — the budget's checks, the 决算's columns."""
    from budget_etl.contract import FINAL_TABLE_TYPES
    from tasks.validate.lookup import class_rows, coded_rows, grand_total_row
    from tasks.validate.reconcile.hierarchy import (
        GRAND_TOTAL,
        LEVEL_NAMES,
        SUM_OF_CHILDREN,
        children_by_parent,
    )
    from tasks.validate.reconcile.sums import compare_parent

    findings: list[Finding] = []
    for table in final_classified(doc):
        fields = FINAL_TABLE_TYPES[table.type].amount_fields
        kids = children_by_parent(table)
        for code, parent in coded_rows(table):
            children = kids.pop(code, None)
            if children:
                level = LEVEL_NAMES.get(len(code), "科目")
                child_level = LEVEL_NAMES.get(len(code) + 2, "下级科目")
                findings += compare_parent(
                    SUM_OF_CHILDREN,
                    table,
                    parent,
                    f"{level} {code} {parent.get('name') or ''}",
                    children,
                    f"its {len(children)} {child_level}",
                    settings,
                    fields,
                )
        total_row, classes = grand_total_row(table), class_rows(table)
        if total_row is not None and classes:
            findings += compare_parent(
                GRAND_TOTAL,
                table,
                total_row,
                "合计 line",
                [r for _, r in classes],
                f"the {len(classes)} 类",
                settings,
                fields,
            )
    return findings
