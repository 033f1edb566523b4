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
    assert all(f.severity is Severity.ERROR for f in added if f.check == EXTRACT_HEADER_NOT_UNDERSTOOD)


# ---- template variants of the summaries, the 三公 table and the 收入 table ------------------------


def line(side: str, item: str, amount: str | None, group: str | None = None) -> dict:
    record: dict = {"side": side, "item": item, "amount": Decimal(amount) if amount else None}
    if group:
        record["group"] = group
    return record


def summary_document(*, project: str = "40.00", by_function: str = "100.00", grand: str = "100.00"):
    """收支总表 listing 支出 twice (功能分类 and 支出用途), 收入 with sub-items, 收入合计 as grand total."""
    records = [
        line("revenue", "一、财政拨款", "100.00"),
        line("expenditure", "一、一般公共服务支出", by_function, "功能分类"),
        line("expenditure", "一、基本支出", "60.00", "支出用途"),
        line("revenue", "1.一般公共预算", "100.00"),
        line("expenditure", "二、项目支出", project, "支出用途"),
        line("revenue", "2.政府性基金预算", None),
        line("revenue", "当年收入小计", "100.00"),
        line("expenditure", "当年支出小计", "100.00"),
        line("revenue", "上年结转资金", None),
        line("expenditure", "结转下年资金", None),
        line("revenue", "收入合计", grand),
        line("expenditure", "支出合计", "100.00"),
    ]
    spending = [
        {
            "code": None,
            "name": "合计",
            "total": Decimal("100.00"),
            "basic": Decimal("60.00"),
            "project": Decimal("40.00"),
        },
        {
            "code": "201",
            "name": "一般公共服务支出",
            "total": Decimal("100.00"),
            "basic": Decimal("60.00"),
            "project": Decimal("40.00"),
        },
    ]
    meta = DocumentMeta("budget_disclosure", None, "示例局", 2031, "万元", 3, "0" * 64, narrative_only=True)
    return ExtractedDocument(
        meta,
        [
            ExtractedTable("revenue_expenditure_summary", "收支预算总表", [1], records),
            ExtractedTable("expenditure_by_function", "支出预算总表", [3], spending),
        ],
    )


def checks_of(doc: ExtractedDocument) -> list[tuple[str, str | None]]:
    return sorted((f.check, f.field) for f in validate_document(doc))


def test_a_summary_listing_spending_by_function_and_by_nature_adds_up_per_group() -> None:
    assert checks_of(summary_document()) == []


def test_a_nature_line_that_does_not_add_up_is_reported_once() -> None:
    assert checks_of(summary_document(project="30.00")) == [("two_sided.items_sum", "amount")]


def test_a_function_line_is_still_compared_with_the_spending_table() -> None:
    assert checks_of(summary_document(by_function="80.00")) == [
        ("cross_table.class_totals", "amount"),
        ("two_sided.items_sum", "amount"),
    ]


def test_the_grand_total_worded_heji_is_checked_as_the_grand_total() -> None:
    assert checks_of(summary_document(grand="90.00")) == [
        ("two_sided.balance", "amount"),
        ("two_sided.grand_total", "amount"),
    ]


def three_public_document(total: str) -> ExtractedDocument:
    rows = [
        ("合计", total),
        ("“三公”经费", "48.00"),
        ("因公出国（境）费", "10.00"),
        ("公务用车购置及运行维护费", "30.00"),
        ("购置费", "20.00"),
        ("运行费", "10.00"),
        ("公务接待费", "8.00"),
        ("会议费", "2.00"),
        ("培训费", "5.00"),
    ]
    records = [{"item": item, "total": Decimal(amount)} for item, amount in rows]
    meta = DocumentMeta("budget_disclosure", None, "示例局", 2031, "万元", 3, "0" * 64, narrative_only=True)
    doc = ExtractedDocument(
        meta,
        [ExtractedTable("three_public_expenditure", "“三公”经费、会议费、培训费支出预算表", [9], records)],
    )
    doc.narrative = [NarrativeBlock(2, "公务用车购置费20.00万元，公务用车运行维护费10.00万元")]
    return doc


def test_a_three_public_table_with_meeting_and_training_lines_adds_up() -> None:
    """合计 = “三公”经费 + 会议费 + 培训费; 购置费 / 运行费 are the 公务用车 line's breakdown."""
    assert checks_of(three_public_document("55.00")) == []


def test_a_wrong_three_public_grand_total_is_still_reported() -> None:
    assert checks_of(three_public_document("60.00")) == [("identities.three_public_total", "total")]


def revenue_document(total: str) -> ExtractedDocument:
    """A 收入总表 that prints 合计 and the sources but no 本年收入小计 column."""
    rows = [
        {"code": None, "name": "合计", "total": Decimal(total), "fiscal_appropriation": Decimal("100.00")},
        {
            "code": "201",
            "name": "一般公共服务支出",
            "total": Decimal(total),
            "fiscal_appropriation": Decimal("100.00"),
        },
    ]
    meta = DocumentMeta("budget_disclosure", None, "示例局", 2031, "元", 3, "0" * 64, narrative_only=True)
    return ExtractedDocument(meta, [ExtractedTable("revenue_by_function", "部门收入预算总表", [4], rows)])


def test_a_subtotal_column_the_template_does_not_print_makes_no_claim() -> None:
    assert checks_of(revenue_document("100.00")) == []


def test_without_the_subtotal_column_合计_is_still_checked_against_the_sources() -> None:
    assert checks_of(revenue_document("120.00")) == [
        ("identities.revenue_total", "total"),
        ("identities.revenue_total", "total"),
    ]


def test_a_missing_fund_table_is_a_warning_when_the_document_has_no_money_of_that_fund(inject) -> None:
    def drop(doc: ExtractedDocument) -> None:
        doc.tables = [t for t in doc.tables if t.type != "state_capital_expenditure"]

    def drop_with_money(doc: ExtractedDocument) -> None:
        drop(doc)
        summary = doc.table("revenue_expenditure_summary")
        assert summary is not None
        line = next(r for r in summary.records if r["side"] == "revenue" and "国有资本经营" in r["item"])
        line["amount"] = Decimal("5.00")

    [warning] = inject(STEM, drop)
    assert (warning.check, warning.severity) == ("completeness.standard_tables", Severity.WARNING)
    with_money = [f for f in inject(STEM, drop_with_money) if f.check == "completeness.standard_tables"]
    assert [f.severity for f in with_money] == [Severity.ERROR]


def test_a_change_on_last_year_is_not_read_as_the_figure() -> None:
    from tasks.validate.reconcile.narrative import NARRATIVE_FIGURES, find_figure

    basic = next(f for f in NARRATIVE_FIGURES if f.what == "基本支出")
    text = (
        "主要原因是政策性增资，增加基本支出844.15万元。"
        "本年支出预算合计13649.07万元，其中：基本支出7666.68万元"
    )
    assert find_figure(text, basic.pattern) == Decimal("7666.68")


def test_a_figure_the_tables_print_no_column_for_is_not_compared(inject) -> None:
    """人员经费 printed only as economic classes (301, 303), not as a column: nothing to compare."""

    def no_personnel_column(doc: ExtractedDocument) -> None:
        table = doc.table(GBB)
        assert table is not None
        for record in table.records:
            record["personnel"] = None
            record["public_funds"] = None

    added = added_keys(inject(STEM, no_personnel_column))
    assert [k for k in added if k[0].startswith("narrative.")] == []
