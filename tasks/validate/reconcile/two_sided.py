"""Two-sided totals of 收支总表 and 财政拨款收支总表.

Each side lists its items, then 本年收入合计 / 本年支出合计, then the carry-over line(s), then
收入总计 / 支出总计. Checks: the items add up to their 合计 line; 本年收入合计 = 本年支出合计 when
neither side carries money over (with 上年结转 or 年终结转 they differ by it);
总计 = 本年合计 + the carry-over line; 收入总计 = 支出总计. The carry-over line's own breakdown
(一、一般公共预算拨款 … repeated under 年初结转) is not counted twice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from budget_etl.contract import TWO_SIDED
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding
from tasks.validate.amounts import amounts_agree, format_amount, is_number, sum_amounts, to_amount
from tasks.validate.evidence import finding_at
from tasks.validate.labels import FIELD_LABELS
from tasks.validate.lookup import clean_label, side_rows
from tasks.validate.reconcile.sums import compare_parent
from tasks.validate.settings import ValidateSettings

ITEMS_SUM = "two_sided.items_sum"
BALANCE = "two_sided.balance"
GRAND_TOTAL = "two_sided.grand_total"

SIDE_WORDS = {"revenue": ("本年收入合计", "收入总计"), "expenditure": ("本年支出合计", "支出总计")}
SIDE_NAMES = {"revenue": "收入", "expenditure": "支出"}


@dataclass
class Side:
    """One side of a two-sided table, cut at its 合计 and 总计 lines."""

    name: str
    items: list[Record]
    subtotal: Record | None
    carryover: Record | None
    grand_total: Record | None
    carryover_detail: list[Record] = dataclasses.field(
        default_factory=list
    )  # its breakdown lines, if printed

    def carried(self, column: str) -> Decimal:
        """The carry-over figure: the 结转 line's own, else the sum of its breakdown lines."""
        if self.carryover is not None and is_number(self.carryover.get(column)):
            return to_amount(self.carryover.get(column))
        return sum_amounts(r.get(column) for r in self.carryover_detail)


def split_side(records: list[Record], side: str) -> Side:
    subtotal_word, total_word = SIDE_WORDS[side]
    items: list[Record] = []
    subtotal = carryover = grand_total = None
    detail: list[Record] = []
    for record in records:
        label = clean_label(record.get("item"))
        if label == subtotal_word and subtotal is None:
            subtotal = record
        elif label == total_word and grand_total is None:
            grand_total = record
        elif subtotal is None:
            items.append(record)
        elif carryover is None and grand_total is None:
            carryover = record
        elif grand_total is None:
            detail.append(record)
    return Side(side, items, subtotal, carryover, grand_total, detail)


def side_fields(table: ExtractedTable, side: str) -> tuple[str, ...]:
    """Amount columns of that side.

    收支总表 has ``amount``; the revenue side of 财政拨款收支总表 has only ``total``.
    """
    if table.type == "revenue_expenditure_summary":
        return ("amount",)
    if side == "revenue":
        return ("total",)
    return ("total", "general_budget", "government_fund", "state_capital")


def main_field(table: ExtractedTable) -> str:
    return "amount" if table.type == "revenue_expenditure_summary" else "total"


def sides_of(table: ExtractedTable) -> dict[str, Side]:
    return {side: split_side(side_rows(table, side), side) for side in SIDE_WORDS}


def two_sided_tables(doc: ExtractedDocument) -> list[ExtractedTable]:
    return [t for t in doc.tables if t.type in TWO_SIDED and t.records]


def check_items_sum(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table in two_sided_tables(doc):
        for side_name, side in sides_of(table).items():
            if side.subtotal is None or not side.items:
                continue
            findings += compare_parent(
                ITEMS_SUM,
                table,
                side.subtotal,
                SIDE_WORDS[side_name][0],
                side.items,
                f"the {len(side.items)} {SIDE_NAMES[side_name]} items above it",
                settings,
                fields=side_fields(table, side_name),
            )
    return findings


def has_carryover(side: Side, field: str) -> bool:
    """A non-zero 上年结转 / 年终结转 line: then this year's 收入 and 支出 legitimately differ by it."""
    return side.carried(field) != 0


def check_balance(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table in two_sided_tables(doc):
        sides = sides_of(table)
        field = main_field(table)
        revenue, expenditure = sides["revenue"], sides["expenditure"]
        pairs = [(revenue.grand_total, expenditure.grand_total)]
        if not (has_carryover(revenue, field) or has_carryover(expenditure, field)):
            pairs.insert(0, (revenue.subtotal, expenditure.subtotal))
        for left, right in pairs:
            if left is None or right is None:
                continue
            if amounts_agree(left.get(field), right.get(field), settings.amount_tolerance):
                continue
            findings.append(
                finding_at(
                    BALANCE,
                    f"the budget does not balance: {clean_label(left.get('item'))} is "
                    f"{format_amount(left.get(field))} but {clean_label(right.get('item'))} is "
                    f"{format_amount(right.get(field))}",
                    table=table,
                    record=right,
                    field=field,
                    expected=left.get(field),
                    actual=right.get(field),
                )
            )
    return findings


def check_grand_total(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table in two_sided_tables(doc):
        for side_name, side in sides_of(table).items():
            if side.subtotal is None or side.grand_total is None:
                continue
            for field in side_fields(table, side_name):
                expected = to_amount(side.subtotal.get(field)) + side.carried(field)
                actual = side.grand_total.get(field)
                if amounts_agree(expected, actual, settings.amount_tolerance):
                    continue
                carry = clean_label(side.carryover.get("item")) if side.carryover else "结转结余"
                findings.append(
                    finding_at(
                        GRAND_TOTAL,
                        f"{SIDE_WORDS[side_name][1]}: {FIELD_LABELS[field]} is {format_amount(actual)} but "
                        f"{SIDE_WORDS[side_name][0]} + {carry} = {format_amount(expected)}",
                        table=table,
                        record=side.grand_total,
                        field=field,
                        expected=expected,
                        actual=actual,
                    )
                )
    return findings
