"""Two-sided totals of 收支总表 and 财政拨款收支总表.

Each side lists its items, then 本年收入合计 / 本年支出合计, then the carry-over line(s), then
收入总计 / 支出总计. Checks: the items add up to their 合计 line; 本年收入合计 = 本年支出合计 when
neither side carries money over (with 上年结转 or 年终结转 they differ by it);
总计 = 本年合计 + the carry-over line; 收入总计 = 支出总计. The carry-over line's own breakdown
(一、一般公共预算拨款 … repeated under 年初结转) is not counted twice.

The total lines are found by position and wording (``budget_etl/vocabulary/summary_lines.yaml``):
of a side's total lines the first is this year's total and the last the grand total, so 收入合计
works as either, as templates use it. A side may list its items twice — by function and by
nature (``group`` 功能分类 / 支出用途) — and number sub-items under items (一、财政拨款 / 1.一般公共预算):
each group adds up on its own, and only the top numbering level is summed.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal

from budget_etl.contract import TWO_SIDED
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding
from budget_etl.vocabulary import load as load_vocabulary
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


def total_lines(records: list[Record], side: str) -> tuple[int | None, int | None]:
    """Positions of this year's total and the grand total among a side's records.

    Of the lines worded as a total, the first is this year's total and the last the grand total;
    a single one is this year's total when worded so (本年收入合计), else the grand total.
    """
    words = load_vocabulary("summary_lines")
    subtotal_words, total_words = set(words["subtotal"][side]), set(words["grand_total"][side])
    found = [i for i, r in enumerate(records) if clean_label(r.get("item")) in subtotal_words | total_words]
    if not found:
        return None, None
    if len(found) == 1:
        only = found[0]
        return (only, None) if clean_label(records[only].get("item")) in subtotal_words else (None, only)
    return found[0], found[-1]


def split_side(records: list[Record], side: str) -> Side:
    first, last = total_lines(records, side)
    end_of_items = next(i for i in (first, last, len(records)) if i is not None)
    items = records[:end_of_items]
    subtotal = records[first] if first is not None else None
    grand_total = records[last] if last is not None else None
    between = records[first + 1 : last] if first is not None and last is not None else []
    carryover = between[0] if between else None
    return Side(side, items, subtotal, carryover, grand_total, between[1:])


_CHINESE_NUMBERING = re.compile(r"^\s*[一二三四五六七八九十百]+\s*[、.．]")
_BRACKET_NUMBERING = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十\d]+\s*[）)]")
_ARABIC_NUMBERING = re.compile(r"^\s*\d+\s*[、.．]")


def numbering_level(label: object) -> int | None:
    """一、 → 1, （一） → 2, 1. → 3; None for an unnumbered line."""
    text = str(label or "")
    for level, pattern in enumerate((_CHINESE_NUMBERING, _BRACKET_NUMBERING, _ARABIC_NUMBERING), 1):
        if pattern.match(text):
            return level
    return None


def summed_items(items: list[Record]) -> list[list[Record]]:
    """The item lists that each add up to the side's total: one per ``group``, top level only."""
    groups: dict[object, list[Record]] = {}
    for record in items:
        groups.setdefault(record.get("group"), []).append(record)
    out = []
    for records in groups.values():
        levels = [lvl for lvl in (numbering_level(r.get("item")) for r in records) if lvl is not None]
        top = min(levels) if levels else None
        out.append(
            [
                r
                for r in records
                if numbering_level(r.get("item")) in (top, None)
                and not clean_label(r.get("item")).startswith("其中")
            ]
        )
    return out


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
            for items in summed_items(side.items):
                group = items[0].get("group") if items else None
                findings += compare_parent(
                    ITEMS_SUM,
                    table,
                    side.subtotal,
                    clean_label(side.subtotal.get("item")) or SIDE_WORDS[side_name][0],
                    items,
                    f"the {len(items)} {SIDE_NAMES[side_name]} items above it"
                    + (f" ({group})" if group else ""),
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
