"""Budget vs final accounts (issue 15): the 预算数 a 决算 prints, against the budget's own figure.

The budget is a real one (sh-wl-2025, extracted from its PDF; tables in 元). No published 决算 of
the same department-year is among the fixtures, so its 决算 is written here from the budget's
own codes the way a 决算 prints them (万元, two decimals): agreeing rows raise nothing, one planted
difference raises exactly its finding, and documents of another year are not compared.
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from budget_etl.contract import FINAL_ACCOUNTS_KIND
from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable
from tasks.extract import DocumentExtractor
from tasks.validate.amounts import convert, table_unit
from tasks.validate.budget_vs_final import BUDGET_AMOUNT, NOT_COMPARABLE, compare_budget_and_final
from tasks.validate.lookup import code_of

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
CENT = Decimal("0.01")


@cache
def _budget() -> ExtractedDocument:
    return DocumentExtractor().extract(REAL / "sh-wl-2025.pdf")


def budget() -> ExtractedDocument:
    return copy.deepcopy(_budget())


def final_of(doc: ExtractedDocument) -> ExtractedDocument:
    """The 决算 the department would print: each code's budget 预算数 in 万元, 决算数 95 % of it."""
    table = doc.table("general_budget_expenditure")
    unit = table_unit(table, doc)
    records = []
    for r in table.records:
        if code_of(r) is None:
            continue
        wan = convert(r["total"], unit, "万元").quantize(CENT, ROUND_HALF_UP)
        records.append(
            {
                "line_no": None,
                "code": r["code"],
                "name": r["name"],
                "budget_amount": wan,
                "total": (wan * Decimal("0.95")).quantize(CENT),
                "basic": None,
                "project": None,
            }
        )
    meta = DocumentMeta(
        FINAL_ACCOUNTS_KIND,
        None,
        doc.document.department_name,
        doc.document.budget_year,
        "万元",
        1,
        "0" * 64,
        scope=doc.document.scope,
    )
    return ExtractedDocument(
        meta,
        [
            ExtractedTable(
                "general_budget_expenditure_final",
                "一般公共预算财政拨款支出决算表",
                [14],
                records,
                unit="万元",
            )
        ],
    )


def test_a_final_accounts_printing_the_budgets_figures_agrees_code_by_code() -> None:
    doc = budget()
    rows, findings = compare_budget_and_final(doc, final_of(doc))
    assert findings == []
    assert rows and all(row.agrees for row in rows)
    assert len(rows) == sum(1 for r in doc.table("general_budget_expenditure").records if code_of(r))
    assert {row.unit for row in rows} == {"万元"}


def test_a_budget_amount_that_is_not_the_budgets_is_reported_on_its_row() -> None:
    doc = budget()
    final = final_of(doc)
    record = final.tables[0].records[3]
    record["budget_amount"] += Decimal("1.00")
    rows, findings = compare_budget_and_final(doc, final)
    assert [(f.check, f.table, f.field, f.actual - f.expected) for f in findings] == [
        (BUDGET_AMOUNT, "general_budget_expenditure_final", "budget_amount", Decimal("1.00"))
    ]
    assert [row.key for row in rows if row.agrees is False] == [record["code"]]


def test_documents_of_another_year_are_not_compared_and_say_so() -> None:
    doc = budget()
    final = final_of(doc)
    final.document.budget_year -= 1
    rows, findings = compare_budget_and_final(doc, final)
    assert rows == [] and [f.check for f in findings] == [NOT_COMPARABLE]


def test_one_department_printed_two_ways_is_compared_and_another_is_not() -> None:
    """预算 中共江苏省委办公厅 and 决算 江苏省委办公厅 are one department (budget_etl.departments)."""
    doc = budget()
    doc.document.department_name = "中共江苏省委办公厅"
    final = final_of(doc)
    final.document.department_name = "江苏省委办公厅"
    rows, findings = compare_budget_and_final(doc, final)
    assert rows and findings == []

    final.document.department_name = "江苏省政协办公厅"
    rows, findings = compare_budget_and_final(doc, final)
    assert rows == [] and [f.check for f in findings] == [NOT_COMPARABLE]
