"""部门决算 end to end through the validator (issue 15): schemas, suites, completeness, cross-table checks.

Clean documents are the goldens of the two published 决算 of ``tests/fixtures/real`` (read by eye,
``sh-ghzy-2024-final.expected.json`` / ``sh-shgzb-2024-final.expected.json``). Both print a few
rounding-sized contradictions of their own, listed in their ``_notes`` and pinned in ``KNOWN`` with
page and row; every planted defect below adds exactly the findings named in its case, nothing else.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from budget_etl.document import ExtractedDocument, Record
from budget_etl.findings import Finding
from tasks.validate import validate_document
from tasks.validate.reconcile import final_cross_table as fx

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
GHZY, SHGZB = "sh-ghzy-2024-final", "sh-shgzb-2024-final"
RE, RF, EF, FA = (
    "revenue_expenditure_final",
    "revenue_final",
    "expenditure_final",
    "fiscal_appropriation_final",
)
GB, BASIC, TP = (
    "general_budget_expenditure_final",
    "general_budget_basic_expenditure_final",
    "three_public_final",
)

#: (check, table, field, expected, actual, pages): what a finding says, row by its figures and page
Key = tuple[str, str | None, str | None, str | None, str | None, tuple[int, ...]]


def key_of(finding: Finding) -> Key:
    def text(value: object) -> str | None:
        return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))

    expected = text(finding.expected) if isinstance(finding.expected, Decimal | int | float) else None
    actual = text(finding.actual) if isinstance(finding.actual, Decimal | int | float) else None
    return (finding.check, finding.table, finding.field, expected, actual, tuple(finding.pages))


@cache
def _golden(stem: str) -> ExtractedDocument:
    data = json.loads((REAL / f"{stem}.expected.json").read_text(encoding="utf-8"))
    data.pop("_notes", None)
    return ExtractedDocument.from_dict(data)


def golden(stem: str) -> ExtractedDocument:
    return copy.deepcopy(_golden(stem))


@cache
def clean_findings(stem: str) -> tuple[Key, ...]:
    return tuple(sorted(key_of(f) for f in validate_document(golden(stem))))


#: the documents' own contradictions (goldens' _notes), each 0.01 万元: found, never hidden
KNOWN: dict[str, list[Key]] = {
    GHZY: [
        # p7 收入支出决算总表 卫生健康支出 236.63 / 城乡社区支出 3845.25
        # vs p10-11 支出决算表 210 236.64 / 212 3845.24
        ("final_accounts.class_totals", RE, "amount", "236.64", "236.63", (7,)),
        ("final_accounts.class_totals", RE, "amount", "3845.24", "3845.25", (7,)),
        # p12 财政拨款收入支出决算总表 卫生健康支出 236.63 vs p14 一般公共预算财政拨款支出决算表 210 236.64
        ("final_accounts.class_totals", FA, "general_budget", "236.64", "236.63", (12, 13)),
        # p12-13: its items add up to 9746.49, 本年支出合计 prints 9746.50
        ("final_accounts.items_sum", FA, "total", "9746.49", "9746.50", (12, 13)),
        # p14-15 合计 ≠ 基本支出 + 项目支出 by 0.01 on 212, 21201, 2120101 and the 合计 line
        ("identities.basic_plus_project", GB, "total", "1092.79", "1092.80", (14, 15)),
        ("identities.basic_plus_project", GB, "total", "1092.79", "1092.80", (14, 15)),
        ("identities.basic_plus_project", GB, "total", "3832.35", "3832.36", (14, 15)),
        ("identities.basic_plus_project", GB, "total", "9746.49", "9746.50", (14, 15)),
        # p16 302 商品和服务支出 440.90, its 款 add up to 440.88
        ("hierarchy.sum_of_children", BASIC, "total", "440.88", "440.90", (16,)),
    ],
    SHGZB: [
        # p13 人员经费合计 95.36 + 公用经费合计 10.23 = 105.59; p12 基本支出 合计 105.58
        ("final_accounts.basic_expenditure", BASIC, "total", "105.58", "105.59", (13,)),
        # p13 302 商品和服务支出 10.23, its 款 add up to 10.22
        ("hierarchy.sum_of_children", BASIC, "total", "10.22", "10.23", (13,)),
    ],
}


@pytest.mark.parametrize("stem", [GHZY, SHGZB])
def test_a_published_final_accounts_raises_only_its_own_printed_contradictions(stem: str) -> None:
    assert list(clean_findings(stem)) == sorted(KNOWN[stem])


# ---- planted defects -------------------------------------------------------------------------------


def line(doc: ExtractedDocument, slug: str, side: str, item: str) -> Record:
    table = doc.table(slug)
    assert table is not None
    return next(r for r in table.records if r.get("side") == side and r.get("item") == item)


def named(doc: ExtractedDocument, slug: str, name: str) -> Record:
    table = doc.table(slug)
    assert table is not None
    return next(r for r in table.records if r.get("name") == name or r.get("code") == name)


def move(record_from: Record, record_to: Record, field: str) -> None:
    """Move a figure from one line to another: the side's sum is unchanged."""
    record_to[field], record_from[field] = record_from[field], None


def drop(slug: str) -> Callable[[ExtractedDocument], None]:
    def mutate(doc: ExtractedDocument) -> None:
        doc.tables = [t for t in doc.tables if t.type != slug]

    return mutate


@dataclass(frozen=True)
class Case:
    id: str
    stem: str
    mutate: Callable[[ExtractedDocument], None]
    added: list[Key]
    severity: str = "error"


def _revenue_to_business_income(doc: ExtractedDocument) -> None:
    move(
        line(doc, RE, "revenue", "一、一般公共预算财政拨款收入"),
        line(doc, RE, "revenue", "五、事业收入"),
        "amount",
    )


def _health_to_social_security(doc: ExtractedDocument) -> None:
    move(
        line(doc, RE, "expenditure", "九、卫生健康支出"),
        line(doc, RE, "expenditure", "八、社会保障和就业支出"),
        "amount",
    )
    line(doc, RE, "expenditure", "八、社会保障和就业支出")["amount"] = Decimal("13.53")  # 10.82 + 2.71


def _expenditure_total(doc: ExtractedDocument) -> None:
    line(doc, RE, "expenditure", "本年支出合计")["amount"] = Decimal("9758.38")
    line(doc, RE, "expenditure", "年末结转和结余")["amount"] = Decimal("101.00")  # the side still adds up


def _fiscal_revenue(doc: ExtractedDocument) -> None:
    line(doc, FA, "revenue", "一、一般公共预算财政拨款")["total"] = Decimal("300.00")


def _fund_column(doc: ExtractedDocument) -> None:
    for item in ("本年支出合计", "总计"):
        record = line(doc, FA, "expenditure", item)
        record["general_budget"], record["government_fund"] = Decimal("300.00"), Decimal("7.82")


def _public_funds(doc: ExtractedDocument) -> None:
    named(doc, BASIC, "公用经费合计")["total"] = Decimal("490.66")


def _label_shifted(doc: ExtractedDocument) -> None:
    table = doc.table(TP)
    assert table is not None
    table.records[1]["item"] = "12.50"


def set_three_public(doc: ExtractedDocument, item: str, final_amount: str) -> None:
    table = doc.table(TP)
    assert table is not None
    next(r for r in table.records if r["item"] == item)["final_amount"] = Decimal(final_amount)


def _code_misread(doc: ExtractedDocument) -> None:
    named(doc, RF, "2080599")["code"] = "20805O9"


def _expenditure_part(doc: ExtractedDocument) -> None:
    named(doc, EF, "2200199")["project"] = Decimal("44.00")  # 合计 45.00 = 0.00 + 45.00 no longer


CASES = [
    Case(
        "revenue lines",
        SHGZB,
        _revenue_to_business_income,
        [
            # 收入支出决算总表 财政拨款 0 vs 收入决算表 307.82, 事业收入 307.82 vs 0 …
            (fx.REVENUE_LINES, RE, "amount", "307.82", "0.00", (5,)),
            (fx.REVENUE_LINES, RE, "amount", "0.00", "307.82", (5,)),
            # … and 财政拨款收入支出决算总表 一般公共预算财政拨款 307.82 vs the summary's 0
            (fx.FISCAL_LINES, FA, "total", "0.00", "307.82", (10, 11)),
        ],
    ),
    Case(
        "expenditure lines",
        GHZY,
        _expenditure_total,
        [
            # 支出决算表 合计 9759.38 vs 本年支出合计 9758.38, and the summary's items no longer add up to it
            (fx.EXPENDITURE_LINES, EF, "total", "9758.38", "9759.38", (10, 11)),
            ("final_accounts.items_sum", RE, "amount", "9759.38", "9758.38", (7,)),
        ],
    ),
    Case(
        "fiscal lines",
        SHGZB,
        _fiscal_revenue,
        [
            (fx.FISCAL_LINES, FA, "total", "307.82", "300.00", (10, 11)),
            ("final_accounts.items_sum", FA, "total", "300.00", "307.82", (10, 11)),
        ],
    ),
    Case(
        "fund expenditure",
        SHGZB,
        _fund_column,
        [
            # the 政府性基金 table is printed empty (0): 7.82 here; 一般公共预算 300.00 vs the table's 307.82
            (fx.FUND_EXPENDITURE, FA, "general_budget", "307.82", "300.00", (10, 11)),
            (fx.FUND_EXPENDITURE, FA, "government_fund", "0.00", "7.82", (10, 11)),
        ],
    ),
    Case(
        "basic expenditure",
        GHZY,
        _public_funds,
        [
            (fx.BASIC_EXPENDITURE, BASIC, "total", "5364.75", "5374.75", (16,)),
        ],
    ),
    Case(
        "class totals",
        SHGZB,
        _health_to_social_security,
        [
            (fx.CLASS_TOTALS, RE, "amount", "10.82", "13.53", (5,)),
            (fx.CLASS_TOTALS, RE, "amount", "2.71", "0.00", (5,)),
        ],
    ),
    Case("missing table", SHGZB, drop(TP), [("completeness.standard_tables", TP, None, None, None, ())]),
    Case(
        "missing fund table without money",
        SHGZB,
        drop("government_fund_final"),
        [("completeness.standard_tables", "government_fund_final", None, None, None, ())],
        severity="warning",
    ),
    Case(
        "suite: label", GHZY, _label_shifted, [("expectations.label_is_text", TP, "item", None, None, (17,))]
    ),
    Case(
        "suite: row identity",
        GHZY,
        _expenditure_part,
        [
            ("identities.expenditure_total", EF, "total", "44.00", "45.00", (10, 11)),
            ("hierarchy.sum_of_children", EF, "project", "2121.09", "2122.09", (10, 11)),
        ],
    ),
    Case(
        "schema: code",
        GHZY,
        _code_misread,
        [
            ("schema.code_format", RF, "code", None, None, (8, 9)),
            # the misread 项 is no longer a child of 20805 (754.75 = 753.87 + 0.88 no longer)
            ("hierarchy.sum_of_children", RF, "total", "753.87", "754.75", (8, 9)),
            ("hierarchy.sum_of_children", RF, "fiscal_appropriation", "753.87", "754.75", (8, 9)),
        ],
    ),
    Case(
        "fund carry-over",
        SHGZB,
        lambda doc: line(doc, FA, "expenditure", "年末财政拨款结转和结余").update(
            government_fund=Decimal("5.00")
        ),
        [
            # the 政府性基金 table is printed empty: it carries nothing over
            (fx.FUND_EXPENDITURE, FA, "government_fund", "0.00", "5.00", (10, 11)),
            # and the line's 合计 (blank) no longer equals its fund columns
            ("identities.funding_sources", FA, "total", "5.00", "0.00", (10, 11)),
        ],
    ),
    # the budget's 三公 identities hold in the 决算's table, on 预算数 and 决算数 alike
    Case(
        "三公 total",
        GHZY,
        lambda doc: set_three_public(doc, "公务接待费", "0.49"),
        [("identities.three_public_subtotal", TP, "final_amount", "0.49", "0.39", (17,))],
    ),
    Case(
        "三公 vehicle",
        GHZY,
        lambda doc: set_three_public(doc, "公务用车购置费", "1.00"),
        [("identities.vehicle_subtotal", TP, "final_amount", "1.00", "0.00", (17,))],
    ),
]


def added_findings(case: Case) -> list[Finding]:
    doc = golden(case.stem)
    case.mutate(doc)
    baseline = list(clean_findings(case.stem))
    added = []
    for finding in validate_document(doc):
        key = key_of(finding)
        if key in baseline:
            baseline.remove(key)
        else:
            added.append(finding)
    return added


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_planted_defect_adds_exactly_its_findings(case: Case) -> None:
    added = added_findings(case)
    assert sorted(key_of(f) for f in added) == sorted(case.added), "\n".join(f.message for f in added)
    assert {f.severity.value for f in added} == {case.severity}


def covered_checks() -> set[str]:
    """The check slugs these cases plant (``test_injected_defects.test_every_check_has_a_defect_case``)."""
    return {key[0] for case in CASES for key in case.added}


def test_every_final_identity_has_a_case() -> None:
    assert set(fx.identity_slugs()) <= covered_checks()


def test_the_html_report_shows_final_accounts_amounts_as_figures() -> None:
    """Amount cells of a 决算 table are laid out as figures (class num), like a budget table's."""
    from tasks.validate.report import render_html_report

    doc = golden(SHGZB)
    table = doc.table(RF)
    assert table is not None
    html = render_table_html(render_html_report(doc, []), table.title)
    assert 'class="num"' in html and "307.82" in html


def render_table_html(report: str, title: str) -> str:
    start = report.index(f"<h2>{title} ")
    return report[start : report.index("</details>", start)]


def test_messages_name_the_final_accounts_columns_in_its_own_words() -> None:
    """A 决算 summary's figure is its 决算数 (the dictionary's ``amount`` label is the budget's 预算数)."""
    [health, _] = [f for f in added_findings(CASES[5]) if f.check == fx.CLASS_TOTALS]
    assert "(决算数)" in health.message and "预算数" not in health.message
    [basic] = [f for f in validate_document(golden(SHGZB)) if f.check == fx.BASIC_EXPENDITURE]
    assert "人员经费合计 + 公用经费合计 (合计)" in basic.message and "(基本支出)" in basic.message


@pytest.mark.parametrize("stem", [GHZY, SHGZB])
def test_the_published_pdf_validates_end_to_end_with_the_same_verdict(stem: str) -> None:
    """The real extractor's reading of the PDF raises exactly the goldens' findings (pages may be the
    row's own page where the golden knows only the table's)."""
    from tasks.extract import extract_document

    found = validate_document(extract_document(REAL / f"{stem}.pdf"))
    # p25 prints the template's 下降（增长） alternative (a document check on the narrative the PDF has)
    narrative = [("document.undecided_wording", None, None, None, None, (25,))] if stem == GHZY else []
    known = KNOWN[stem] + narrative
    assert sorted(k[:5] for k in map(key_of, found)) == sorted(k[:5] for k in known)
    for finding in found:  # on the page(s) the golden places it
        pages = {k[5] for k in known if k[:5] == key_of(finding)[:5]}
        assert any(set(finding.pages) <= set(p) for p in pages), (finding.message, finding.pages)
