"""A 部门预算信息公开 publishes all nine standard tables (an empty one, marked 空表列示, still counts).

A narrative-only file (``narrative_only``: the explanation, its tables filed apart) is complete
without them: its figures are read and stored, and its tables arrive as a companion document.
"""

from __future__ import annotations

from budget_etl.contract import FINAL_ACCOUNTS_KIND, FINAL_TABLE_TYPES, STANDARD_TABLES, TABLE_TYPES
from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding, Severity
from budget_etl.vocabulary import load as load_vocabulary
from tasks.validate.amounts import to_amount
from tasks.validate.lookup import clean_label, first_table, prints_column
from tasks.validate.settings import ValidateSettings

STANDARD_TABLES_CHECK = "completeness.standard_tables"


#: the tables of one fund, and the column of 财政拨款收支总表 that states that fund's money
FUND_TABLES = {"government_fund_expenditure": "government_fund", "state_capital_expenditure": "state_capital"}


def fund_has_money(doc: ExtractedDocument, column: str) -> bool | None:
    """Whether 财政拨款收支总表 (or 收支总表) shows money of that fund; None without either table.

    Templates of some provinces print no 国有资本经营预算 table at all; its absence is only a
    contradiction when the document budgets money of that fund.
    """
    fiscal = first_table(doc, "fiscal_appropriation_summary")
    if fiscal is not None and fiscal.records and prints_column(fiscal, column):
        return any(to_amount(r.get(column)) != 0 for r in fiscal.records)
    words = {"government_fund": "政府性基金", "state_capital": "国有资本经营"}[column]
    summary = first_table(doc, "revenue_expenditure_summary")
    if summary is None or not summary.records:
        return False if fiscal is not None and fiscal.records else None
    lines = [r for r in summary.records if r.get("side") == "revenue" and words in clean_label(r.get("item"))]
    return any(to_amount(r.get("amount")) != 0 for r in lines)  # a fund no revenue line names has none


def check_standard_tables(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    if doc.document.kind != "budget_disclosure" or doc.document.narrative_only:
        return []
    present = {t.type for t in doc.tables}
    findings: list[Finding] = []
    for slug in STANDARD_TABLES:
        if slug in present:
            continue
        money = fund_has_money(doc, FUND_TABLES[slug]) if slug in FUND_TABLES else True
        unused = money is False
        findings.append(
            Finding(
                check=STANDARD_TABLES_CHECK,
                severity=Severity.WARNING if unused else Severity.ERROR,
                message=f"the document has no {TABLE_TYPES[slug].title}: a 部门预算信息公开 must publish "
                "all nine standard tables (an empty one printed as 空表列示 counts)"
                + ("; the summaries budget no money of this fund, so nothing is hidden" if unused else ""),
                table=slug,
                expected="present",
                actual="missing",
            )
        )
    return findings


def final_fund_has_money(doc: ExtractedDocument, column: str) -> bool | None:
    """Whether 财政拨款收入支出决算总表 shows money of that fund (None: the table is not there)."""
    fiscal = first_table(doc, "fiscal_appropriation_final")
    if fiscal is None or not fiscal.records:
        return None
    return any(to_amount(r.get(column)) != 0 for r in fiscal.records)


def check_final_tables(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """A 部门决算 publishes the tables ``final_checks.yaml`` requires (an empty one, noted, counts)."""
    if doc.document.kind != FINAL_ACCOUNTS_KIND or doc.document.narrative_only:
        return []
    rules = load_vocabulary("final_checks")["completeness"]
    present = {t.type for t in doc.tables}
    findings: list[Finding] = []
    for slug in rules["required_tables"]:
        if slug in present:
            continue
        column = rules["fund_tables"].get(slug)
        unused = column is not None and final_fund_has_money(doc, column) is False
        findings.append(
            Finding(
                check=STANDARD_TABLES_CHECK,
                severity=Severity.WARNING if unused else Severity.ERROR,
                message=f"the document has no {FINAL_TABLE_TYPES[slug].title}: a 部门决算 must publish it "
                "(an empty one printed with its 空表 note counts)"
                + ("; 财政拨款收入支出决算总表 shows no money of that fund" if unused else ""),
                table=slug,
                expected="present",
                actual="missing",
            )
        )
    return findings
