"""部门决算 final accounts (issue 15): the kind and its tables by meaning, and their arithmetic.

The published 决算 files of ``tests/fixtures/real`` are read with pdfplumber's own text (never
the project extractor) for the titles; the arithmetic is specified on the 收入支出决算总表 of
sh-ghzy-2024-final page 7, transcribed from the rendered page
(``tests/fixtures/real/final/sh-ghzy-2024-final.p7.json``), which balances: each planted defect
adds exactly its finding.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from budget_etl.contract import FINAL_ACCOUNTS_KIND, FINAL_TABLE_TYPES
from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable
from budget_etl.findings import Finding
from tasks.extract.final_accounts import document_kind, final_table_type, scope
from tasks.validate import validate_document
from tasks.validate.reconcile import final_accounts as fa
from tasks.validate.settings import ValidateSettings

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
PAGE_7 = REAL / "final" / "sh-ghzy-2024-final.p7.json"
PUBLISHED = ["sh-ghzy-2024-final", "sh-shgzb-2024-final"]


def page_lines(stem: str) -> list[list[str]]:
    with pdfplumber.open(REAL / f"{stem}.pdf") as pdf:
        return [(page.extract_text() or "").splitlines() for page in pdf.pages]


@pytest.mark.parametrize("stem", [*PUBLISHED, "sh-final-template"])
def test_the_cover_makes_the_document_final_accounts_of_a_department(stem: str) -> None:
    cover = page_lines(stem)[0]
    assert document_kind(cover) == FINAL_ACCOUNTS_KIND
    assert scope(cover) == "department"


def test_a_budget_cover_is_not_final_accounts() -> None:
    assert document_kind(page_lines("sh-wl-2025")[0]) is None


@pytest.mark.parametrize("stem", PUBLISHED)
def test_every_table_title_of_a_published_final_accounts_has_its_type(stem: str) -> None:
    """Each of the nine 决算 tables is found by meaning on its own page (the 目录 pages 1-3 aside)."""
    found = {
        final_table_type(line) for n, lines in enumerate(page_lines(stem), 1) if n > 3 for line in lines
    } - {None}
    assert found == set(FINAL_TABLE_TYPES)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("一、收入支出决算总表", "revenue_expenditure_final"),
        ("表2 收入决算表", "revenue_final"),
        ("2024年度支出决算表（续）", "expenditure_final"),
        ("财政拨款收支决算总表", "fiscal_appropriation_final"),
        ("七、财政拨款“三公”经费支出决算表", "three_public_final"),
        ("政府性基金预算财政拨款支出决算表", "government_fund_final"),
        ("收支预算总表", None),  # a budget title is not a 决算 type
        ("本表反映部门本年度的总收支和年末结转结余情况。", None),
    ],
)
def test_title_variants(title: str, slug: str | None) -> None:
    assert final_table_type(title) == slug


# ---- arithmetic ----------------------------------------------------------------------------------


def page_7() -> ExtractedDocument:
    data = json.loads(PAGE_7.read_text(encoding="utf-8"))
    data.pop("_notes")
    return ExtractedDocument.from_dict(data)


def with_line(side: str, item: str, value: str) -> Callable[[ExtractedDocument], None]:
    def mutate(doc: ExtractedDocument) -> None:
        [record] = [r for r in doc.tables[0].records if r["side"] == side and r["item"] == item]
        record["amount"] = Decimal(value)

    return mutate


def final_findings(doc: ExtractedDocument) -> list[Finding]:
    return [f for f in validate_document(doc) if f.check.startswith("final_accounts.")]


def arithmetic(doc: ExtractedDocument) -> list[Finding]:
    """All findings but completeness: the page-7 fixture is one table of nine on purpose."""
    return [f for f in validate_document(doc) if f.check != "completeness.standard_tables"]


def test_the_printed_page_balances() -> None:
    assert arithmetic(page_7()) == []


@pytest.mark.parametrize(
    ("mutations", "expected"),
    [
        ([with_line("expenditure", "九、卫生健康支出", "236.53")], [(fa.ITEMS_SUM, "本年支出合计")]),
        ([with_line("revenue", "总计", "9859.48")], [(fa.SIDE_TOTAL, "总计")]),
        (  # 年末 and the expenditure 总计 agree with each other, not with the money that came in
            [
                with_line("expenditure", "年末结转和结余", "100.01"),
                with_line("expenditure", "总计", "9859.39"),
            ],
            [(fa.BALANCE, "年末结转和结余")],
        ),
    ],
    ids=["items", "side total", "balance"],
)
def test_a_planted_slip_adds_exactly_its_finding(mutations: list, expected: list) -> None:
    doc = page_7()
    for mutate in mutations:
        mutate(doc)
    found = final_findings(doc)
    assert [(f.check, f.pages) for f in found] == [(check, [7]) for check, _ in expected]
    assert all(item in f.message or item == "总计" for f, (_, item) in zip(found, expected, strict=True))
    assert [f for f in arithmetic(doc) if not f.check.startswith("final_accounts.")] == []


def fund_row(**figures: str) -> ExtractedDocument:
    """A 政府性基金预算财政拨款收入支出决算表 row (the published ones print the table empty)."""
    record = {"line_no": None, "code": "2120816", "name": "农业土地开发资金安排的支出"}
    record |= {f: None for f in FINAL_TABLE_TYPES["government_fund_final"].amount_fields}
    record |= {k: Decimal(v) for k, v in figures.items()}
    meta = DocumentMeta(FINAL_ACCOUNTS_KIND, None, None, 2024, "万元", 1, "0" * 64)
    return ExtractedDocument(
        meta,
        [
            ExtractedTable(
                "government_fund_final", "政府性基金预算财政拨款收入支出决算表", [18], [record], unit="万元"
            )
        ],
    )


def test_a_fund_row_carries_its_balance_over() -> None:
    balanced = dict(
        opening_balance="10.00",
        current_revenue="50.00",
        current_expenditure="45.00",
        closing_balance="15.00",
        basic="5.00",
        project="40.00",
    )
    assert final_findings(fund_row(**balanced)) == []
    off = final_findings(fund_row(**{**balanced, "closing_balance": "15.01"}))
    assert [(f.check, f.field) for f in off] == [(fa.ROW_BALANCE, "closing_balance")]
    split = final_findings(fund_row(**{**balanced, "project": "40.10"}))
    assert [(f.check, f.field) for f in split] == [(fa.ROW_BALANCE, "current_expenditure")]


def test_a_budget_is_not_read_with_the_final_accounts_identities() -> None:
    doc = page_7()
    doc.document.kind = "budget_disclosure"
    with_line("revenue", "总计", "1.00")(doc)
    assert [f for f in fa.check_side_total(doc, None) if f] == []  # type: ignore[arg-type]


@pytest.mark.parametrize("stem", PUBLISHED)
def test_the_published_final_accounts_text_raises_no_document_finding(stem: str) -> None:
    """Their 说明 state 完成年初预算的P% and 与2023年度相比增加…增长P% many times: all agree (read on the
    pages with pdfplumber's text, the extractor ends 决算 files with ``final_accounts`` for now)."""
    from budget_etl.document import NarrativeBlock
    from tasks.extract.text import clean_cjk_digits
    from tasks.validate.reconcile import document_checks as dc
    from tasks.validate.settings import ValidateSettings

    blocks = [
        NarrativeBlock(n, clean_cjk_digits("\n".join(lines))) for n, lines in enumerate(page_lines(stem), 1)
    ]
    meta = DocumentMeta(FINAL_ACCOUNTS_KIND, None, None, 2024, "万元", len(blocks), "0" * 64)
    doc = ExtractedDocument(meta, [], blocks)
    settings = ValidateSettings()
    checks = [
        dc.check_placeholders,
        dc.check_heading_years,
        dc.check_as_of_years,
        dc.check_change_direction,
        dc.check_change_percent,
        dc.check_comparison_words,
        dc.check_completion_percent,
    ]
    assert [f.message for check in checks for f in check(doc, settings)] == []
    assert len(list(dc.stated_changes(doc))) >= 2
    # the one template alternative left in: sh-ghzy p25 "减少0.15万元，下降（增长）27.78%"
    undecided = [(f.pages, f.actual) for f in dc.check_undecided_wording(doc, settings)]
    assert undecided == ([([25], "下降（增长）")] if stem == "sh-ghzy-2024-final" else [])


def classified_final() -> ExtractedDocument:
    """A 一般公共预算财政拨款支出决算表 with the real hierarchy of sh-wl-2025 (codes, 合计, figures as
    its budget prints them), read as a 决算 (预算数 = 决算数 = the budget's total)."""
    from tasks.extract import DocumentExtractor

    budget = DocumentExtractor().extract(REAL / "sh-wl-2025.pdf")
    source = budget.table("general_budget_expenditure")
    records = [
        {
            "line_no": None,
            "code": r.get("code"),
            "name": r.get("name"),
            "budget_amount": r.get("total"),
            "total": r.get("total"),
            "basic": r.get("basic"),
            "project": r.get("project"),
        }
        for r in source.records
    ]
    meta = DocumentMeta(FINAL_ACCOUNTS_KIND, None, None, 2025, source.unit, 1, "0" * 64)
    return ExtractedDocument(
        meta,
        [
            ExtractedTable(
                "general_budget_expenditure_final",
                "一般公共预算财政拨款支出决算表",
                source.pages,
                records,
                unit=source.unit,
            )
        ],
    )


def test_the_budget_hierarchy_holds_in_a_final_table_and_a_slip_is_found_on_its_parent() -> None:
    doc = classified_final()
    clean = {(f.check, f.field) for f in fa.check_final_hierarchy(doc, ValidateSettings())}
    # the page's own true 1-元 slip (issue 9, p23): 款 21201 = 94,995,790 but its 项 add up to 94,995,789,
    # 类 212 = 154,369,326 but its 款 add up to 154,369,327 — found in 预算数 and 合计 alike
    slips = sorted(
        f.message.split(":")[0].split(" ")[1] for f in fa.check_final_hierarchy(doc, ValidateSettings())
    )
    assert slips == ["212", "212", "21201", "21201"]
    leaf = next(r for r in doc.tables[0].records if r.get("code") and len(r["code"]) == 7 and r.get("basic"))
    leaf["basic"] += Decimal(1)
    found = [f for f in fa.check_final_hierarchy(doc, ValidateSettings()) if (f.check, f.field) not in clean]
    assert [(f.check, f.field, f.expected - f.actual) for f in found] == [
        ("hierarchy.sum_of_children", "basic", Decimal(1))
    ]
