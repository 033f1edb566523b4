"""Figures a 部门决算 prints in two tables must agree (the 决算's cross-table identities).

收入支出决算总表's 本年收入 lines are the 合计 columns of 收入决算表; 支出决算表 合计 is its 本年支出合计;
财政拨款收入支出决算总表 repeats the 财政拨款 revenue lines, and its 本年支出合计 per fund is the 合计 of
that fund's table; 基本支出决算表 adds up to 一般公共预算财政拨款支出决算表's 基本支出; and the 类 items
of both summaries are the 类 of 支出决算表 / 一般公共预算财政拨款支出决算表. Which figure must equal which is
data (``budget_etl/vocabulary/final_checks.yaml``), so a template's further line is a YAML edit, not
code; the comparison itself is the budget's (``cross_table.mismatch`` / ``compare_classes``: each
table in its own unit, converted to the coarser one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding
from budget_etl.vocabulary import load
from tasks.validate.amounts import ZERO, sum_amounts, to_amount
from tasks.validate.labels import FIELD_LABELS
from tasks.validate.lookup import clean_label, first_table, grand_total_row
from tasks.validate.reconcile.cross_table import compare_classes, mismatch, units_of
from tasks.validate.reconcile.final_accounts import SUMMARIES, is_final, side_lines
from tasks.validate.settings import ValidateSettings

REVENUE_LINES = "final_accounts.revenue_lines"
EXPENDITURE_LINES = "final_accounts.expenditure_lines"
FISCAL_LINES = "final_accounts.fiscal_lines"
FUND_EXPENDITURE = "final_accounts.fund_expenditure"
BASIC_EXPENDITURE = "final_accounts.basic_expenditure"
CLASS_TOTALS = "final_accounts.class_totals"


@dataclass(frozen=True)
class Figure:
    """One figure of one table, found by meaning; ``record`` is where a finding about it points."""

    table: ExtractedTable
    record: Record | None
    field: str
    value: Decimal
    label: str


#: leading numbering of a line (一、 / （二） / 3. …); unlike ``lookup.clean_label`` it needs its
#: separator, so the 一 of 一般公共预算 is never taken for numbering
_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十百零〇\d]+[）)]|[一二三四五六七八九十百零〇]+[、.．]|\d+[、.．])"
)


def line_label(text: object) -> str:
    """A summary line's label without whitespace, quotes or its numbering."""
    if not isinstance(text, str):
        return ""
    label = _NUMBERING.sub("", re.sub(r"\s+", "", text))
    return label.replace("“", "").replace("”", "").replace('"', "")


@cache
def vocabulary() -> dict[str, Any]:
    return load("final_checks")


def identity_slugs() -> tuple[str, ...]:
    return (*vocabulary()["identities"], *vocabulary()["class_totals"])


def default_field(slug: str) -> str:
    """A summary's figure column (收入支出决算总表: amount), else ``total``."""
    return SUMMARIES.get(slug, "total")


def locate(doc: ExtractedDocument, spec: dict[str, Any]) -> Figure | None:
    """The figure ``spec`` names, or None when the document makes no claim about it."""
    table = first_table(doc, spec["table"])
    if table is None:
        return None  # a missing table is the completeness check's finding
    field = spec.get("field") or default_field(table.type)
    if not table.records:  # printed empty (空表): its figures are 0
        return Figure(table, None, field, ZERO, "(空表: 0)")
    if "line" in spec:
        _, roles = side_lines(table, spec["side"])
        record = roles.get(spec["line"])
        if record is None:
            return None
        return Figure(table, record, field, to_amount(record.get(field)), clean_label(record.get("item")))
    if "items" in spec:
        items, _ = side_lines(table, spec["side"])
        wanted = {line_label(w) for w in spec["items"]}
        hits = [r for r in items if line_label(r.get("item")) in wanted]
        if not hits:
            return None  # the template prints no such line
        label = " + ".join(line_label(r.get("item")) for r in hits)
        return Figure(table, hits[0], field, sum_amounts(r.get(field) for r in hits), label)
    total = grand_total_row(table)
    if total is not None:
        return Figure(table, total, field, to_amount(total.get(field)), "合计")
    names = {clean_label(n) for n in spec.get("total_rows", ())}
    rows = [
        r for r in table.records if clean_label(r.get("name") or r.get("item")) in names and not r.get("code")
    ]
    if not names or not rows:
        return None
    label = " + ".join(clean_label(r.get("name") or r.get("item")) for r in rows)
    return Figure(table, rows[0], field, sum_amounts(r.get(field) for r in rows), label)


#: columns whose dictionary label is a budget's word: what they hold in a 决算
FINAL_LABELS = {"amount": "决算数"}


def column_label(field: str) -> str:
    return FINAL_LABELS.get(field) or FIELD_LABELS.get(field, field)


def compare_identity(
    doc: ExtractedDocument, check: str, identity: dict[str, Any], settings: ValidateSettings
) -> list[Finding]:
    here, there = locate(doc, identity["here"]), locate(doc, identity["there"])
    if here is None or there is None or (here.record is None and there.record is None):
        return []  # no claim, or two empty tables
    if here.record is None:  # the finding goes on the printed figure, never on an empty table
        here, there = there, here
    return mismatch(
        check,
        f"{here.table.title} {here.label} ({column_label(here.field)}) disagrees with "
        f"{there.table.title} {there.label} ({column_label(there.field)})",
        here.table,
        here.record,
        here.field,
        there.value,
        here.value,
        settings,
        units=units_of(doc, here.table, there.table),
    )


def compare_class_pair(
    doc: ExtractedDocument, check: str, pair: dict[str, Any], settings: ValidateSettings
) -> list[Finding]:
    summary = first_table(doc, pair["summary"]["table"])
    classified = first_table(doc, pair["classified"])
    if summary is None or classified is None or not summary.records or not classified.records:
        return []
    items, _ = side_lines(summary, pair["summary"]["side"])
    return compare_classes(
        check,
        items,
        pair["summary"]["field"],
        summary,
        classified,
        f"the 类 合计 in {classified.title}",
        settings,
        doc,
        pair["summary"].get("label"),
    )


def check_final_cross_tables(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """Every identity of ``final_checks.yaml``, on final accounts only."""
    if not is_final(doc):
        return []
    findings: list[Finding] = []
    for check, identities in vocabulary()["identities"].items():
        for identity in identities:
            findings += compare_identity(doc, check, identity, settings)
    for check, pairs in vocabulary()["class_totals"].items():
        for pair in pairs:
            findings += compare_class_pair(doc, check, pair, settings)
    return findings
