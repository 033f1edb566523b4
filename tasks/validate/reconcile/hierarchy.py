"""Classification hierarchy: 类 = sum of its 款, 款 = sum of its 项, 合计 = sum of the 类.

Applies to every amount column of the function-classified tables and the economic-classified
基本支出表. A code's children are the codes two digits longer that start with it.
"""

from __future__ import annotations

from budget_etl.contract import ECONOMIC_CLASSIFIED, FUNCTION_CLASSIFIED, TABLE_TYPES
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding
from tasks.validate.amounts import amounts_agree, format_amount, sum_amounts
from tasks.validate.evidence import finding_at
from tasks.validate.labels import FIELD_LABELS
from tasks.validate.lookup import class_rows, coded_rows, grand_total_row
from tasks.validate.settings import ValidateSettings

SUM_OF_CHILDREN = "hierarchy.sum_of_children"
GRAND_TOTAL = "hierarchy.grand_total"
LEVEL_NAMES = {3: "类", 5: "款", 7: "项"}


def classified_tables(doc: ExtractedDocument) -> list[ExtractedTable]:
    return [t for t in doc.tables if t.type in FUNCTION_CLASSIFIED + ECONOMIC_CLASSIFIED and t.records]


def children_by_parent(table: ExtractedTable) -> dict[str, list[Record]]:
    """Parent code → its child rows (first occurrence of each code; duplicates are a GX finding)."""
    first: dict[str, Record] = {}
    for code, record in coded_rows(table):
        first.setdefault(code, record)
    children: dict[str, list[Record]] = {}
    for code, record in first.items():
        parent = code[:-2]
        if len(code) > 3 and parent in first:
            children.setdefault(parent, []).append(record)
    return children


def check_sum_of_children(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table in classified_tables(doc):
        fields = TABLE_TYPES[table.type].amount_fields
        kids = children_by_parent(table)
        for code, parent in coded_rows(table):
            children = kids.pop(code, None)  # a duplicated parent code is compared once
            if not children:
                continue
            level, child_level = (
                LEVEL_NAMES.get(len(code), "科目"),
                LEVEL_NAMES.get(len(code) + 2, "下级科目"),
            )
            for field in fields:
                expected = sum_amounts(r.get(field) for r in children)
                if amounts_agree(expected, parent.get(field), settings.amount_tolerance):
                    continue
                findings.append(
                    finding_at(
                        SUM_OF_CHILDREN,
                        f"{level} {code} {parent.get('name') or ''}: {FIELD_LABELS[field]} is "
                        f"{format_amount(parent.get(field))} but its {len(children)} {child_level} add up to "
                        f"{format_amount(expected)}",
                        table=table,
                        record=parent,
                        field=field,
                        expected=expected,
                        actual=parent.get(field),
                    )
                )
    return findings


def check_grand_total(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table in classified_tables(doc):
        total_row = grand_total_row(table)
        classes = class_rows(table)
        if total_row is None or not classes:
            continue
        for field in TABLE_TYPES[table.type].amount_fields:
            expected = sum_amounts(r.get(field) for _, r in classes)
            if amounts_agree(expected, total_row.get(field), settings.amount_tolerance):
                continue
            findings.append(
                finding_at(
                    GRAND_TOTAL,
                    f"合计 line: {FIELD_LABELS[field]} is {format_amount(total_row.get(field))} but the "
                    f"{len(classes)} 类 add up to {format_amount(expected)}",
                    table=table,
                    record=total_row,
                    field=field,
                    expected=expected,
                    actual=total_row.get(field),
                )
            )
    return findings
