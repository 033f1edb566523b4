"""Classification hierarchy: 类 = sum of its 款, 款 = sum of its 项, 合计 = sum of the 类.

Applies to every amount column of the function-classified tables and the economic-classified
基本支出表. A code's children are the codes two digits longer that start with it.
"""

from __future__ import annotations

from budget_etl.contract import ECONOMIC_CLASSIFIED, FUNCTION_CLASSIFIED
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.findings import Finding
from tasks.validate.lookup import class_rows, coded_rows, grand_total_row
from tasks.validate.reconcile.sums import compare_parent
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
        kids = children_by_parent(table)
        for code, parent in coded_rows(table):
            children = kids.pop(code, None)  # a duplicated parent code is compared once
            if not children:
                continue
            level, child_level = (
                LEVEL_NAMES.get(len(code), "科目"),
                LEVEL_NAMES.get(len(code) + 2, "下级科目"),
            )
            findings += compare_parent(
                SUM_OF_CHILDREN,
                table,
                parent,
                f"{level} {code} {parent.get('name') or ''}",
                children,
                f"its {len(children)} {child_level}",
                settings,
            )
    return findings


def check_grand_total(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    findings: list[Finding] = []
    for table in classified_tables(doc):
        total_row = grand_total_row(table)
        classes = class_rows(table)
        if total_row is None or not classes:
            continue
        findings += compare_parent(
            GRAND_TOTAL,
            table,
            total_row,
            "合计 line",
            [r for _, r in classes],
            f"the {len(classes)} 类",
            settings,
        )
    return findings
