"""Checks on what real templates print (issue 9): per-table units, ``extra`` columns, ``other``
tables, narrative-only files and the extractor's own findings.

Cases start from the clean golden of seed 001 (every figure agrees) and change ONE thing; a case
that must stay clean is paired with the same change made wrongly, so the test fails if the
feature (unit conversion, extra parts …) is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from budget_etl.contract import EXTRACT_AMOUNT_NOT_NUMBER, EXTRACT_HEADER_NOT_UNDERSTOOD, STANDARD_TABLES
from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable, NarrativeBlock
from budget_etl.findings import Finding, Severity
from tasks.validate import validate_document
from tasks.validate.amounts import CENT, agree_across, convert
from tasks.validate.reconcile.narrative import stated_figures
from tests.validate.defects import rewrite_narrative
from tests.validate.test_injected_defects import STEM, added_keys

GBE, GBB = "general_budget_expenditure", "general_budget_basic_expenditure"
TOLERANCE = Decimal("0.005")


def reprint_in_yuan(slug: str, *, say_so: bool = True) -> Callable[[ExtractedDocument], None]:
    """Print every amount of the table in 元 (×10000); ``say_so=False`` forgets to set its unit."""

    def mutate(doc: ExtractedDocument) -> None:
        table = doc.table(slug)
        assert table is not None
        for record in table.records:
            for field, value in record.items():
                if isinstance(value, Decimal) and field != "line_no":
                    record[field] = value * 10000
        if say_so:
            table.unit = "元"

    return mutate


# ---- units ---------------------------------------------------------------------------------------


def test_a_table_printed_in_yuan_agrees_with_tables_in_wan(inject) -> None:
    assert added_keys(inject(STEM, reprint_in_yuan(GBE))) == []


def test_the_same_figures_without_their_unit_disagree_with_every_other_table(inject) -> None:
    """The control of the case above: the figures ×10000 read as 万元 contradict the other tables."""
    added = added_keys(inject(STEM, reprint_in_yuan(GBE, say_so=False)))
    assert ("cross_table.basic_expenditure", GBB, 1, None, "total") in added
    assert {key[0] for key in added} == {"cross_table.basic_expenditure", "cross_table.fiscal_appropriation"}


def test_narrative_in_wan_is_compared_with_a_table_in_yuan(inject) -> None:
    assert added_keys(inject(STEM, reprint_in_yuan(GBB))) == []


def test_a_narrative_figure_stated_in_yuan_is_converted(inject) -> None:
    def state_in_yuan(delta: str) -> Callable[[ExtractedDocument], None]:
        def mutate(doc: ExtractedDocument) -> None:
            yuan = Decimal("19560600") + Decimal(delta)
            rewrite_narrative(doc, "人员经费1956.06万元", f"人员经费{yuan}元")

        return mutate

    assert added_keys(inject(STEM, state_in_yuan("0"))) == []
    [finding] = inject(STEM, state_in_yuan("100"))  # 100 元 more than the table's 1956.06 万元
    assert (finding.check, finding.table, finding.line_no, finding.field) == (
        "narrative.personnel",
        GBB,
        1,
        "personnel",
    )
    assert finding.expected == Decimal("19560700") and finding.actual == Decimal("19560600")
    assert "元" in finding.message


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_a_figure_in_yuan_agrees_with_its_own_rounding_in_wan(yuan: Decimal) -> None:
    wan = convert(yuan, "元", "万元").quantize(CENT)
    assert agree_across(yuan, "元", wan, "万元", TOLERANCE)
    assert agree_across(wan, "万元", yuan, "元", TOLERANCE)
    assert not agree_across(yuan + 101, "元", wan, "万元", TOLERANCE)  # ≥ 51 元 off: beyond rounding


def test_unknown_units_are_reported_and_not_compared(inject) -> None:
    def guilders(doc: ExtractedDocument) -> None:
        reprint_in_yuan(GBE, say_so=False)(doc)
        table = doc.table(GBE)
        assert table is not None
        table.unit = "千荷兰盾"

    assert added_keys(inject(STEM, guilders)) == [("units.not_understood", GBE, None, None, "unit")]


# ---- extra columns in row identities --------------------------------------------------------------


def spending_table(extra: dict[str, Decimal] | None, total: str) -> ExtractedDocument:
    """A one-table document: 合计 and one 类 of 一般公共预算支出表, with ``extra`` on both rows."""
    rows = [
        {"line_no": 1, "code": None, "name": "合计"},
        {"line_no": 2, "code": "201", "name": "一般公共服务支出"},
    ]
    for row in rows:
        row.update(total=Decimal(total), basic=Decimal("60.00"), project=Decimal("40.00"))
        if extra is not None:
            row["extra"] = dict(extra)
    meta = DocumentMeta("budget_disclosure", None, "示例局", 2031, "万元", 1, "0" * 64, narrative_only=True)
    return ExtractedDocument(meta, [ExtractedTable(GBE, "一般公共预算支出表", [4], rows)])


def identity_keys(doc: ExtractedDocument) -> list[tuple[str, str | None, int | None, str | None]]:
    return sorted((f.check, f.table, f.line_no, f.field) for f in validate_document(doc))


BROKEN = [
    ("identities.basic_plus_project", GBE, 1, "total"),
    ("identities.basic_plus_project", GBE, 2, "total"),
]


def test_an_extra_column_that_completes_the_total_is_a_part_of_it() -> None:
    """合计 110 = 基本支出 60 + 项目支出 40 + 单位预留机动经费 10."""
    assert identity_keys(spending_table({"单位预留机动经费": Decimal("10.00")}, "110.00")) == []


def test_without_the_extra_column_the_same_total_fails() -> None:
    assert identity_keys(spending_table(None, "110.00")) == BROKEN


def test_a_breakdown_column_is_never_a_part() -> None:
    """其中：会议费 is part of 基本支出 already; adding it would hide a wrong 合计."""
    assert identity_keys(spending_table({"其中：会议费": Decimal("10.00")}, "110.00")) == BROKEN


def test_an_extra_column_does_not_count_when_the_named_parts_balance() -> None:
    """机关运行经费 beside a 合计 that is 基本 + 项目 already: a breakdown, not a missing part."""
    assert identity_keys(spending_table({"机关运行经费": Decimal("7.00")}, "100.00")) == []


def test_an_extra_column_that_does_not_close_the_gap_leaves_the_error() -> None:
    assert identity_keys(spending_table({"单位预留机动经费": Decimal("3.00")}, "110.00")) == BROKEN


# ---- narrative-only files, other tables, the extractor's findings ---------------------------------


def narrative_only(flag: bool) -> ExtractedDocument:
    meta = DocumentMeta("budget_disclosure", None, "示例局", 2031, None, 9, "0" * 64, narrative_only=flag)
    doc = ExtractedDocument(meta)
    doc.narrative = [NarrativeBlock(5, "本年支出预算合计18330.37万元，其中：基本支出9312.9万元，占50.81%")]
    return doc


def test_a_narrative_only_file_is_valid_without_tables_and_its_figures_are_read() -> None:
    assert validate_document(narrative_only(True)) == []
    figures = {(f.label, f.value, f.unit, f.page) for f in stated_figures(narrative_only(True))}
    assert figures == {
        ("支出预算", Decimal("18330.37"), "万元", 5),
        ("基本支出", Decimal("9312.9"), "万元", 5),
    }


def test_the_same_file_not_marked_narrative_only_misses_the_nine_tables() -> None:
    findings = validate_document(narrative_only(False))
    assert sorted((f.check, f.table) for f in findings) == sorted(
        ("completeness.standard_tables", slug) for slug in STANDARD_TABLES
    )


def test_other_tables_are_kept_but_not_checked_as_budget_tables(inject) -> None:
    def add_other(doc: ExtractedDocument) -> None:
        rows = [{"cells": ["合计", "999.00", "1.00"]}, {"cells": ["301", "工资福利支出", None]}]
        doc.tables.append(ExtractedTable("other", "财政拨款基本支出预算表", [8], rows, unit="元"))

    assert added_keys(inject(STEM, add_other)) == []


def test_extractor_findings_become_errors_with_their_page_and_cell(inject) -> None:
    def unreadable(doc: ExtractedDocument) -> None:
        doc.findings += [
            Finding(
                EXTRACT_AMOUNT_NOT_NUMBER,
                Severity.WARNING,
                "金额 '(12.00)' is not a number",
                table=GBE,
                line_no=7,
                field="total",
                actual="(12.00)",
                pages=[6],
            ),
            Finding("extract.title_variant", Severity.WARNING, "title read by meaning", table=GBE, pages=[6]),
        ]

    added = {f.check: f for f in inject(STEM, unreadable)}
    assert set(added) == {EXTRACT_AMOUNT_NOT_NUMBER, "extract.title_variant"}
    amount = added[EXTRACT_AMOUNT_NOT_NUMBER]
    assert (amount.severity, amount.table, amount.line_no, amount.field, amount.actual, amount.pages) == (
        Severity.ERROR,
        GBE,
        7,
        "total",
        "(12.00)",
        [6],
    )
    assert added["extract.title_variant"].severity is Severity.WARNING  # not a never-silent case


def test_a_table_with_rows_but_no_understood_header_sends_the_document_to_review(golden, inject) -> None:
    """The worst case of the issue: nine emptied tables used to give 0 findings."""
    filled = sorted(t.type for t in golden(STEM).tables if t.type in STANDARD_TABLES and t.records)

    def emptied(doc: ExtractedDocument) -> None:
        for table in doc.tables:
            if table.type in filled:
                doc.findings.append(
                    Finding(
                        EXTRACT_HEADER_NOT_UNDERSTOOD,
                        Severity.ERROR,
                        "body rows under a header that was not understood",
                        table=table.type,
                        pages=list(table.pages),
                    )
                )
                table.records = []

    added = inject(STEM, emptied)
    assert sorted(f.table for f in added if f.check == EXTRACT_HEADER_NOT_UNDERSTOOD) == filled
    assert all(
        f.severity is Severity.ERROR for f in added if f.check == EXTRACT_HEADER_NOT_UNDERSTOOD
    )
