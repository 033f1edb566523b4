"""Budget vs final accounts: the 预算数 a 决算 prints beside its 决算数, against the budget's own figure.

Auditors read the 部门预算 of year N and the 部门决算 of year N together. The 决算's
一般公共预算财政拨款支出决算表 prints, per function code, the 预算数 the year started with; it must be
the figure the published budget printed for that code (一般公共预算财政拨款支出表 ``total``), and the
三公 决算 table's 预算数 the budget's 三公 figure per item. Both documents are compared in the
coarser of their units. One row per code (both figures and the 决算数) is the comparison export;
a disagreement is a finding on the 决算 row. Documents of different departments, years or scopes
are not compared (a finding says so, never a silent nothing).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from budget_etl.contract import FINAL_ACCOUNTS_KIND
from budget_etl.departments import same_department
from budget_etl.document import ExtractedDocument, ExtractedTable
from budget_etl.findings import Finding, Severity
from tasks.validate.amounts import coarser_unit, convert, is_number, table_unit
from tasks.validate.evidence import finding_at, record_pages
from tasks.validate.lookup import clean_label, code_of, first_table
from tasks.validate.settings import ValidateSettings

BUDGET_AMOUNT = "budget_vs_final.budget_amount"
NOT_COMPARABLE = "budget_vs_final.not_comparable"

#: (决算 table, its 预算数 field, budget table, the budget's field, how rows are matched)
PAIRS = (
    ("general_budget_expenditure_final", "budget_amount", "general_budget_expenditure", "total", "code"),
    ("three_public_final", "budget_amount", "three_public_expenditure", "total", "item"),
)


@dataclass(frozen=True)
class ComparisonRow:
    """One code (or 三公 item) of the comparison export."""

    table: str
    key: str
    name: str | None
    unit: str
    budget_in_final: Decimal | None
    budget_document: Decimal | None
    final_amount: Decimal | None
    agrees: bool | None
    #: where the two figures are printed (the 决算 row's pages, the budget row's pages; () if none)
    final_pages: tuple[int, ...] = ()
    budget_pages: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


def comparable(budget: ExtractedDocument, final: ExtractedDocument) -> str | None:
    """Why the two documents are not the budget and the final accounts of one department-year."""
    b, f = budget.document, final.document
    if f.kind != FINAL_ACCOUNTS_KIND or b.kind == FINAL_ACCOUNTS_KIND:
        return "one document must be a budget and the other final accounts"
    if b.budget_year is None or b.budget_year != f.budget_year:
        return f"the budget is of {b.budget_year}, the final accounts of {f.budget_year}"
    if not same_department(b.department_name, f.department_name):
        return f"different departments: {b.department_name!r} and {f.department_name!r}"
    if (b.scope or "department") != (f.scope or "department"):
        return f"different scopes: {b.scope} and {f.scope}"
    return None


def row_key(record: dict, how: str) -> str | None:
    """How a row is matched across the two documents: its code, or what a 三公 item is.

    Budget and 决算 word the same 三公 item differently (因公出国(境)费 / 因公出国（境）费, 公务用车购置及
    运行费 / 公务用车购置及运行维护费, 购置费 under it): the item's role decides, else its label.
    """
    if how == "code":
        return code_of(record)
    from tasks.validate.reconcile.identities import ROLE_NAMES, three_public_role

    role = three_public_role(record)
    if role in ROLE_NAMES and role != "abroad_detail":
        return ROLE_NAMES[role]
    label = clean_label(record.get("item"))
    return label or None


def compare_tables(
    budget: ExtractedDocument, final: ExtractedDocument, settings: ValidateSettings
) -> tuple[list[ComparisonRow], list[Finding]]:
    rows: list[ComparisonRow] = []
    findings: list[Finding] = []
    for final_slug, final_field, budget_slug, budget_field, how in PAIRS:
        final_table = first_table(final, final_slug)
        budget_table = first_table(budget, budget_slug)
        if final_table is None or budget_table is None:
            continue
        unit = coarser_unit(table_unit(final_table, final), table_unit(budget_table, budget))
        printed: dict[str | None, dict] = {}
        for r in budget_table.records:  # the first row of a key (a 其中 line never hides its parent)
            printed.setdefault(row_key(r, how), r)
        printed.pop(None, None)
        for record in final_table.records:
            key = row_key(record, how)
            if key is None or not is_number(record.get(final_field)):
                continue
            in_final = convert(record[final_field], table_unit(final_table, final), unit)
            other = printed.get(key)
            own = (
                convert(other[budget_field], table_unit(budget_table, budget), unit)
                if other is not None and is_number(other.get(budget_field))
                else None
            )
            amount = record.get("total", record.get("final_amount"))
            final_amount = (
                convert(amount, table_unit(final_table, final), unit) if is_number(amount) else None
            )
            agrees = None if own is None else abs(in_final - own) <= settings.amount_tolerance
            rows.append(
                ComparisonRow(
                    final_slug,
                    key,
                    record.get("name") or record.get("item"),
                    unit,
                    in_final,
                    own,
                    final_amount,
                    agrees,
                    tuple(record_pages(record, final_table)),
                    tuple(record_pages(other, budget_table)) if other is not None else (),
                )
            )
            if agrees is False:
                findings.append(disagreement(final_table, record, final_field, in_final, own, unit))
    return rows, findings


def disagreement(
    table: ExtractedTable, record: dict, field: str, in_final: Decimal, own: Decimal, unit: str
) -> Finding:
    return finding_at(
        BUDGET_AMOUNT,
        f"{table.title}: {record.get('code') or ''} {record.get('name') or record.get('item') or ''} prints "
        f"预算数 {in_final} {unit} but the published budget printed {own} {unit}",
        table=table,
        record=record,
        field=field,
        expected=own,
        actual=in_final,
    )


def compare_budget_and_final(
    budget: ExtractedDocument, final: ExtractedDocument, settings: ValidateSettings | None = None
) -> tuple[list[ComparisonRow], list[Finding]]:
    """The comparison rows and the findings of one department-year's budget and final accounts."""
    settings = settings or ValidateSettings()
    why = comparable(budget, final)
    if why is not None:
        return [], [Finding(NOT_COMPARABLE, Severity.WARNING, f"not compared: {why}")]
    return compare_tables(budget, final, settings)
