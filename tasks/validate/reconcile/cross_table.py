"""Figures that appear in two tables must agree.

- each 类 on the 支出 side of 收支总表 = the same 类's 合计 in 支出总表 (matched by name);
- 收入总表 合计 = 收支总表 收入总计, and its 本年收入小计 = 本年收入合计; 支出总表 合计 = 本年支出合计;
- 财政拨款收支总表: its 一般公共预算 / 政府性基金 / 国有资本经营 columns = the 合计 and 类 of the
  matching 财政拨款支出表, and its revenue items = the same items of 收支总表;
- 基本支出表 合计 = 基本支出 of the 一般公共预算财政拨款支出表;
- the 绩效目标表 budgets add up to 项目支出 (a shortfall is a warning: documents often publish
  tables for only part of their projects; an excess is an error).

Each table has its own unit (a province prints most tables in 元 and the 三公 table in 万元):
every comparison converts the other table's figure into the unit of the table the finding is on.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding, Severity
from budget_etl.vocabulary import load as load_vocabulary
from tasks.validate.amounts import (
    ZERO,
    agree_across,
    convert,
    format_amount,
    sum_amounts,
    table_unit,
    to_amount,
)
from tasks.validate.evidence import finding_at
from tasks.validate.labels import FIELD_LABELS
from tasks.validate.lookup import class_rows, clean_label, first_table, grand_total_row, prints_column
from tasks.validate.reconcile.two_sided import Side, sides_of
from tasks.validate.settings import ValidateSettings

CLASS_TOTALS = "cross_table.class_totals"
REVENUE_TOTAL = "cross_table.revenue_total"
EXPENDITURE_TOTAL = "cross_table.expenditure_total"
FISCAL_APPROPRIATION = "cross_table.fiscal_appropriation"
FISCAL_REVENUE = "cross_table.fiscal_revenue"
BASIC_EXPENDITURE = "cross_table.basic_expenditure"
PROJECT_BUDGETS = "cross_table.project_budgets"

FUND_TABLES = {
    "general_budget": "general_budget_expenditure",
    "government_fund": "government_fund_expenditure",
    "state_capital": "state_capital_expenditure",
}


def side(doc: ExtractedDocument, slug: str, name: str) -> tuple[ExtractedTable, Side] | None:
    table = first_table(doc, slug)
    if table is None or not table.records:
        return None
    return table, sides_of(table)[name]


Units = tuple[str, str]  # (unit of ``actual``'s table, unit of ``expected``'s table)


def units_of(doc: ExtractedDocument, here: ExtractedTable | None, there: ExtractedTable | None) -> Units:
    return table_unit(here, doc), table_unit(there, doc)


def mismatch(
    check: str,
    message: str,
    table: ExtractedTable,
    record: Record | None,
    field: str,
    expected: Any,
    actual: Any,
    settings: ValidateSettings,
    severity: Severity = Severity.ERROR,
    units: Units | None = None,
) -> list[Finding]:
    """A finding when ``expected`` (from another table) and ``actual`` differ, none otherwise.

    With ``units`` the two figures may be printed in different units: they are compared to the
    coarser unit's rounding and the finding states ``expected`` in the unit of ``table``.
    """
    here, there = units or ("", "")
    if agree_across(actual, here or None, expected, there or None, settings.amount_tolerance):
        return []
    converted = convert(expected, there or None, here or None)
    text = f"{message}: {format_amount(actual)} here, {format_amount(converted)} there"
    if here != there:
        text += f" ({format_amount(expected)} {there} converted to {here})"
    return [
        finding_at(
            check,
            text,
            table=table,
            record=record,
            field=field,
            expected=converted,
            actual=to_amount(actual),
            severity=severity,
        )
    ]


def match_class(label: str, classes: dict[str, Record]) -> str | None:
    """The 类 name a summary item refers to: the same name, else the one name containing the other.

    Templates differ in small ways (``社会保障和就业`` vs ``社会保障和就业支出``); an ambiguous
    containment matches nothing rather than the wrong 类.
    """
    if label in classes:
        return label
    if not label:
        return None
    candidates = [name for name in classes if name and (name in label or label in name)]
    return candidates[0] if len(candidates) == 1 else None


def function_items(items: list[Record]) -> list[Record]:
    """The items that classify spending by function (类): not the 支出用途 breakdown beside them.

    Some templates list the 支出 side twice, by function and by nature (基本支出, 项目支出,
    单位预留机动经费 …; ``budget_etl/vocabulary/summary_lines.yaml``); the nature lines are never 类.
    """
    words = load_vocabulary("summary_lines")
    groups, nature = set(words["nature_groups"]), set(words["nature_items"])
    return [
        r
        for r in items
        if clean_label(r.get("group")) not in groups and clean_label(r.get("item")) not in nature
    ]


def compare_classes(
    check: str,
    items: list[Record],
    item_field: str,
    items_table: ExtractedTable,
    classified: ExtractedTable | None,
    what: str,
    settings: ValidateSettings,
    doc: ExtractedDocument,
    field_label: str | None = None,
) -> list[Finding]:
    """Each 类 item of a summary's 支出 side against the 类 of the same name in ``classified``.

    ``field_label`` names the item column in messages when the dictionary's label does not fit
    (a 决算 summary's ``amount`` is its 决算数, not a 预算数).

    A missing classified table counts as all zero; a 类 of the classified table that the summary does
    not list is compared with zero, at the classified table's row.
    """
    classes = {clean_label(r.get("name")): r for _, r in class_rows(classified)} if classified else {}
    if classified is not None and not classes:
        return []  # the table prints only 款/项 rows, or only its 合计: no 类 to match items with
    findings: list[Finding] = []
    listed = set()
    by_function = function_items(items)
    if items and not by_function:
        return []  # the summary breaks its 支出 down by nature only: no 类 to compare
    for item in by_function:
        label = clean_label(item.get("item"))
        matched = match_class(label, classes)
        listed.add(matched)
        row = classes.get(matched) if matched else None
        findings += mismatch(
            check,
            f"{label} ({field_label or FIELD_LABELS[item_field]}) disagrees with {what}",
            items_table,
            item,
            item_field,
            row.get("total") if row else ZERO,
            item.get(item_field),
            settings,
            units=units_of(doc, items_table, classified),
        )
    if classified is not None:
        for label, row in classes.items():
            if label not in listed:
                findings += mismatch(
                    check,
                    f"类 {row.get('code')} {label} is missing from the summary table's 支出 side",
                    classified,
                    row,
                    "total",
                    ZERO,
                    row.get("total"),
                    settings,
                    units=units_of(doc, classified, items_table),
                )
    return findings


def check_class_totals(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    summary = side(doc, "revenue_expenditure_summary", "expenditure")
    by_function = first_table(doc, "expenditure_by_function")
    if summary is None or by_function is None or not by_function.records:
        return []
    table, expenditure = summary
    return compare_classes(
        CLASS_TOTALS,
        expenditure.items,
        "amount",
        table,
        by_function,
        "the 类 合计 in 部门预算支出总表",
        settings,
        doc,
    )


def check_revenue_total(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    summary = side(doc, "revenue_expenditure_summary", "revenue")
    revenue = first_table(doc, "revenue_by_function")
    total_row = grand_total_row(revenue)
    if summary is None or revenue is None or total_row is None:
        return []
    _, rev = summary
    findings: list[Finding] = []
    if rev.grand_total is not None:
        findings += mismatch(
            REVENUE_TOTAL,
            "收入总表 合计 disagrees with 收支总表 收入总计",
            revenue,
            total_row,
            "total",
            rev.grand_total.get("amount"),
            total_row.get("total"),
            settings,
            units=units_of(doc, revenue, summary[0]),
        )
    if rev.subtotal is not None and prints_column(revenue, "current_year_subtotal"):
        findings += mismatch(
            REVENUE_TOTAL,
            "收入总表 本年收入小计 disagrees with 收支总表 本年收入合计",
            revenue,
            total_row,
            "current_year_subtotal",
            rev.subtotal.get("amount"),
            total_row.get("current_year_subtotal"),
            settings,
            units=units_of(doc, revenue, summary[0]),
        )
    return findings


def check_expenditure_total(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    summary = side(doc, "revenue_expenditure_summary", "expenditure")
    spending = first_table(doc, "expenditure_by_function")
    total_row = grand_total_row(spending)
    if summary is None or spending is None or total_row is None or summary[1].subtotal is None:
        return []
    return mismatch(
        EXPENDITURE_TOTAL,
        "支出总表 合计 disagrees with 收支总表 本年支出合计",
        spending,
        total_row,
        "total",
        summary[1].subtotal.get("amount"),
        total_row.get("total"),
        settings,
        units=units_of(doc, spending, summary[0]),
    )


def check_fiscal_appropriation(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    fiscal = side(doc, "fiscal_appropriation_summary", "expenditure")
    if fiscal is None:
        return []
    table, expenditure = fiscal
    findings: list[Finding] = []
    for column, slug in FUND_TABLES.items():
        detail = first_table(doc, slug)
        if detail is None:
            continue  # absence is the completeness check's finding
        total_row = grand_total_row(detail)
        detail_total = (
            total_row.get("total")
            if total_row
            else sum_amounts(r.get("total") for _, r in class_rows(detail))
        )
        if expenditure.subtotal is not None:
            findings += mismatch(
                FISCAL_APPROPRIATION,
                f"财政拨款收支总表 本年支出合计 ({FIELD_LABELS[column]}) disagrees with the 合计 of "
                f"{detail.title}",
                table,
                expenditure.subtotal,
                column,
                detail_total,
                expenditure.subtotal.get(column),
                settings,
                units=units_of(doc, table, detail),
            )
        findings += compare_classes(
            FISCAL_APPROPRIATION,
            expenditure.items,
            column,
            table,
            detail if detail.records else None,
            f"the 类 合计 in {detail.title}",
            settings,
            doc,
        )
    return findings


def check_fiscal_revenue(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    fiscal = side(doc, "fiscal_appropriation_summary", "revenue")
    summary = side(doc, "revenue_expenditure_summary", "revenue")
    if fiscal is None or summary is None:
        return []
    table, revenue = fiscal
    summary_items = {clean_label(r.get("item")).removesuffix("收入"): r for r in summary[1].items}
    findings: list[Finding] = []
    for item in revenue.items:
        label = clean_label(item.get("item")).removesuffix("收入")
        other = summary_items.get(label)
        if other is None:
            continue
        findings += mismatch(
            FISCAL_REVENUE,
            f"{label} disagrees with the same 收入 item of 部门预算收支总表",
            table,
            item,
            "total",
            other.get("amount"),
            item.get("total"),
            settings,
            units=units_of(doc, table, summary[0]),
        )
    return findings


def check_basic_expenditure(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    basic = first_table(doc, "general_budget_basic_expenditure")
    general = first_table(doc, "general_budget_expenditure")
    basic_total, general_total = grand_total_row(basic), grand_total_row(general)
    if basic is None or basic_total is None or general_total is None or not prints_column(general, "basic"):
        return []
    return mismatch(
        BASIC_EXPENDITURE,
        "基本支出表 合计 disagrees with 基本支出 of 一般公共预算财政拨款支出表",
        basic,
        basic_total,
        "total",
        general_total.get("basic"),
        basic_total.get("total"),
        settings,
        units=units_of(doc, basic, general),
    )


def check_project_budgets(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    spending = first_table(doc, "expenditure_by_function")
    total_row = grand_total_row(spending)
    projects = [(t, r) for t in doc.tables_of("project_performance") for r in t.records]
    if doc.document.kind != "budget_disclosure" or spending is None or total_row is None or not projects:
        return []
    unit = table_unit(spending, doc)
    listed: Decimal = sum(
        (convert(r.get("budget_total"), table_unit(t, doc), unit) for t, r in projects), ZERO
    )
    planned = to_amount(total_row.get("project"))
    if agree_across(planned, unit, listed, unit, settings.amount_tolerance):
        return []
    if listed > planned:
        text = (
            f"the {len(projects)} 绩效目标表 budget {format_amount(listed)} in total, more than the "
            f"项目支出 {format_amount(planned)} of 部门预算支出总表"
        )
        severity = Severity.ERROR
    else:
        text = (
            f"the {len(projects)} 绩效目标表 cover {format_amount(listed)} of the 项目支出 "
            f"{format_amount(planned)}; the document may not publish a table for every project"
        )
        severity = Severity.WARNING
    return [
        finding_at(
            PROJECT_BUDGETS,
            text,
            table=spending,
            record=total_row,
            field="project",
            expected=planned,
            actual=listed,
            severity=severity,
        )
    ]
