"""部门决算 final accounts go through the budget's steps (titles → header → columns → stitch → records).

Each PDF is built here (reportlab, the suite's CID font) so a failure names the variant it broke:
another 决算 title wording or header synonym must give the same records; the layouts only 决算 print
(三公 with 预算数 | 决算数 under each item, a 基本支出 table of two blocks side by side, a fund table's
本年支出 with 合计 | 基本支出 | 项目支出 under it) and the bugs found on the real files (a numbered item at
the top of a page glued onto the row above; the template's instruction line taken as the 空表 note).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget_etl.contract import FINAL_ACCOUNTS_KIND, FINAL_TABLE_TYPES
from budget_etl.document import ExtractedDocument
from tasks.extract import extract_document
from tests.extract.pdfs import Story
from tests.extract.test_variants import _summary_items, _summary_over_a_break

COVER = "某某局2024年度部门决算"
SUMMARY_HEADER = [["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"]]
SUMMARY_ROWS = [
    ["一、一般公共预算财政拨款收入", "90.00", "一、一般公共服务支出", "70.00"],
    ["二、事业收入", "10.00", "二、教育支出", "30.00"],
    ["本年收入合计", "100.00", "本年支出合计", "100.00"],
    ["年初结转和结余", "5.00", "年末结转和结余", "5.00"],
    ["总计", "105.00", "总计", "105.00"],
]
SUMMARY_SPANS = [((0, 0), (1, 0)), ((2, 0), (3, 0))]
EXPECTED_SUMMARY = [
    ("revenue", "一、一般公共预算财政拨款收入", Decimal("90.00")),
    ("expenditure", "一、一般公共服务支出", Decimal("70.00")),
    ("revenue", "二、事业收入", Decimal("10.00")), ("expenditure", "二、教育支出", Decimal("30.00")),
    ("revenue", "本年收入合计", Decimal("100.00")), ("expenditure", "本年支出合计", Decimal("100.00")),
    ("revenue", "年初结转和结余", Decimal("5.00")), ("expenditure", "年末结转和结余", Decimal("5.00")),
    ("revenue", "总计", Decimal("105.00")), ("expenditure", "总计", Decimal("105.00")),
]


def final_story(title: str, header: list[list[str]], rows: list[list[str]], *, widths: list[float],
                spans=(), notes: tuple[str, ...] = (), cover: str = COVER) -> Story:
    story = Story().line(cover, 18).page_break().line(title, 14).line("单位：万元", 9)
    story.table([*header, *rows], spans=spans, widths=widths)
    for note in notes:
        story.line(note, 9)
    return story


def extract(story: Story) -> ExtractedDocument:
    return extract_document(story.render())


def summary(doc: ExtractedDocument) -> list[tuple]:
    table = doc.table("revenue_expenditure_final")
    assert table is not None, [t.type for t in doc.tables]
    return [(r["side"], r["item"], r["amount"]) for r in table.records]


# document and titles ---------------------------------------------------------------------------
def test_a_final_accounts_file_is_read_with_its_kind_year_and_scope() -> None:
    doc = extract(final_story("收入支出决算总表", SUMMARY_HEADER, SUMMARY_ROWS, widths=[160, 70, 160, 70],
                              spans=SUMMARY_SPANS))
    assert doc.document.kind == FINAL_ACCOUNTS_KIND
    assert (doc.document.budget_year, doc.document.scope, doc.document.unit) == (2024, "department", "万元")
    assert doc.document.department_name == "某某局"
    assert summary(doc) == EXPECTED_SUMMARY
    record = doc.table("revenue_expenditure_final").records[0]
    assert set(record) == {*FINAL_TABLE_TYPES["revenue_expenditure_final"].fields, "pages", "bbox"}
    assert doc.findings == []


@pytest.mark.parametrize(
    ("cover", "scope", "year", "name"),
    [("某某中心2023年度单位决算", "unit", 2023, "某某中心"),
     ("某某局 2022 年度部门决算", "department", 2022, "某某局")],
)
def test_the_cover_gives_the_scope_year_and_department(cover: str, scope: str, year: int, name: str) -> None:
    doc = extract(final_story("收入支出决算总表", SUMMARY_HEADER, SUMMARY_ROWS, widths=[160, 70, 160, 70],
                              spans=SUMMARY_SPANS, cover=cover))
    meta = doc.document
    assert (meta.kind, meta.scope, meta.budget_year) == (FINAL_ACCOUNTS_KIND, scope, year)
    assert meta.department_name == name


@pytest.mark.parametrize(
    ("title", "amount_header"),
    [
        ("一、收入支出决算总表", "决算数"),
        ("2024年度部门收支决算总表", "决算数"),
        ("表1 收入支出决算总表", "金额"),
        ("收 入 支 出 决 算 总 表", "本年决算数"),
    ],
)
def test_another_final_title_wording_or_header_synonym_gives_the_same_records(
    title: str, amount_header: str
) -> None:
    header = [SUMMARY_HEADER[0], ["项目", amount_header, "项目名称", amount_header]]
    doc = extract(final_story(title, header, SUMMARY_ROWS, widths=[160, 70, 160, 70], spans=SUMMARY_SPANS))
    assert [t.type for t in doc.tables] == ["revenue_expenditure_final"]
    assert summary(doc) == EXPECTED_SUMMARY
    assert doc.findings == []


def test_revenue_and_expenditure_final_tables_map_their_columns_by_meaning() -> None:
    header = [["功能分类\n科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出", "上缴上级支出",
               "经营支出"]]
    rows = [["", "合计", "9.00", "6.00", "3.00", "", ""],
            ["201", "一般公共服务支出", "9.00", "6.00", "3.00", "", ""]]
    doc = extract(final_story("三、支出决算表", header, rows, widths=[50, 80, 60, 45, 45, 60, 45]))
    records = doc.table("expenditure_final").records
    nine, six, three = Decimal("9.00"), Decimal("6.00"), Decimal("3.00")
    assert [(r["code"], r["name"], r["total"], r["basic"], r["project"], r["remittance_to_superior"])
            for r in records] == [(None, "合计", nine, six, three, None),
                                  ("201", "一般公共服务支出", nine, six, three, None)]
    assert doc.findings == []


# layouts only 决算 print ------------------------------------------------------------------------
THREE_PUBLIC_ITEMS = [
    ("合计", Decimal("3.00"), Decimal("1.50"), None),
    ("因公出国（境）费", Decimal("1.00"), Decimal("0.50"), None),
    ("公务用车购置及运行维护费", Decimal("1.00"), Decimal("0.60"), None),
    ("公务接待费", Decimal("1.00"), Decimal("0.40"), None),
]


def three_public_items(story: Story) -> list[tuple]:
    doc = extract(story)
    assert doc.findings == []
    return [(r["item"], r["budget_amount"], r["final_amount"], r["line_no"])
            for r in doc.table("three_public_final").records]


def test_three_public_final_pairs_give_one_record_per_item() -> None:
    """sh-ghzy p17: 预算数 | 决算数 under each item (a 小计 named by its group header)."""
    header = [["财政拨款“三公”经费", "", "", "", "", "", "", ""],
              ["合计", "", "因公出国（境）费", "", "公务用车购置及运行维护费", "", "公务接待费", ""],
              ["", "", "", "", "小计", "", "", ""],
              ["预算数", "决算数", "预算数", "决算数", "预算数", "决算数", "预算数", "决算数"]]
    rows = [["3.00", "1.50", "1.00", "0.50", "1.00", "0.60", "1.00", "0.40"]]
    spans = [((0, 0), (7, 0)), ((0, 1), (1, 2)), ((2, 1), (3, 2)), ((4, 1), (5, 1)), ((4, 2), (5, 2)),
             ((6, 1), (7, 2))]
    story = final_story("财政拨款“三公”经费支出决算表", header, rows, widths=[55] * 8, spans=spans)
    assert three_public_items(story) == THREE_PUBLIC_ITEMS


def test_three_public_final_with_budget_and_final_over_the_items_gives_the_same_records() -> None:
    """The other layout: 预算数 over the four items, then 决算数 over the same four (perturbation)."""
    items = ["合计", "因公出国\n（境）费", "公务用车购\n置及运行维\n护费", "公务接\n待费"]
    header = [["预算数", "", "", "", "决算数", "", "", ""], [*items, *items]]
    rows = [["3.00", "1.00", "1.00", "1.00", "1.50", "0.50", "0.60", "0.40"]]
    spans = [((0, 0), (3, 0)), ((4, 0), (7, 0))]
    story = final_story("2024年度“三公”经费支出决算表", header, rows, widths=[55] * 8, spans=spans)
    assert three_public_items(story) == THREE_PUBLIC_ITEMS


def test_a_table_of_two_blocks_side_by_side_gives_a_record_per_block_row_major() -> None:
    header = [["经济分类\n科目编码", "科目名称", "决算数", "经济分类\n科目编码", "科目名称", "决算数"]]
    rows = [["301", "工资福利支出", "8.00", "302", "商品和服务支出", "2.00"],
            ["30101", "基本工资", "8.00", "30201", "办公费", "2.00"],
            ["", "", "", "310", "资本性支出", "0.00"],
            ["人员经费合计", "", "8.00", "公用经费合计", "", "2.00"]]
    spans = [((0, 4), (1, 4)), ((3, 4), (4, 4))]
    doc = extract(final_story("一般公共预算财政拨款基本支出决算表", header, rows,
                              widths=[50, 90, 45, 50, 90, 45], spans=spans))
    records = doc.table("general_budget_basic_expenditure_final").records
    assert [(r["code"], r["name"], r["total"], r["personnel"]) for r in records] == [
        ("301", "工资福利支出", Decimal("8.00"), None), ("302", "商品和服务支出", Decimal("2.00"), None),
        ("30101", "基本工资", Decimal("8.00"), None), ("30201", "办公费", Decimal("2.00"), None),
        ("310", "资本性支出", Decimal("0.00"), None),
        (None, "人员经费合计", Decimal("8.00"), None), (None, "公用经费合计", Decimal("2.00"), None),
    ]
    assert all("extra" not in r for r in records)
    left, right = records[0]["bbox"], records[1]["bbox"]
    assert left[2] <= right[0] + 0.01, "each block's record carries the bbox of its own cells"


FUND_HEADER = [["项目", "", "年初结转\n和结余", "本年收入", "本年支出", "", "", "年末结转\n和结余"],
               ["功能分类\n科目编码", "科目名称", "", "", "", "", "", ""],
               ["合计", "", "", "", "合计", "基本支出", "项目支出", ""]]
FUND_SPANS = [((0, 0), (1, 0)), ((2, 0), (2, 1)), ((3, 0), (3, 1)), ((4, 0), (6, 1)), ((7, 0), (7, 1)),
              ((0, 2), (1, 2))]


def test_an_empty_fund_table_takes_the_note_an_instruction_line_announces() -> None:
    """sh-shgzb p15: the template's 无…的，仍保留该表格式，并在本表下方作下述说明： is not the note."""
    notes = ("注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。",
             "无政府性基金预算财政拨款收入支出的，仍保留该表格式，并在本表下方作下述说明：",
             "说明：某某局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。")
    rows = [[""] * 8, [""] * 8]
    doc = extract(final_story("政府性基金预算财政拨款收入支出决算表", FUND_HEADER, rows,
                              widths=[60, 80, 60, 50, 45, 45, 45, 60], spans=FUND_SPANS, notes=notes))
    table = doc.table("government_fund_final")
    assert table.records == []
    assert table.empty_note == notes[2]
    assert doc.findings == []


def test_a_fund_table_reads_the_current_expenditure_and_its_parts() -> None:
    rows = [["229", "其他支出", "1.00", "4.00", "3.00", "1.00", "2.00", "2.00"]]
    doc = extract(final_story("政府性基金预算财政拨款收入支出决算表", FUND_HEADER, rows,
                              widths=[60, 80, 60, 50, 45, 45, 45, 60], spans=FUND_SPANS))
    (record,) = doc.table("government_fund_final").records
    keys = ("code", "opening_balance", "current_revenue", "current_expenditure", "basic", "project",
            "balance_allocation", "closing_balance")
    assert {k: record[k] for k in keys} == {
        "code": "229", "opening_balance": Decimal("1.00"), "current_revenue": Decimal("4.00"),
        "current_expenditure": Decimal("3.00"), "basic": Decimal("1.00"), "project": Decimal("2.00"),
        "balance_allocation": None, "closing_balance": Decimal("2.00"),
    }


# regressions ------------------------------------------------------------------------------------
def test_a_numbered_item_at_the_top_of_a_page_is_its_own_row_when_the_other_side_is_blank() -> None:
    """sh-ghzy p12/13: 十五、商业服务业等支出 | 十六、金融支出 (revenue blank in both) were glued into one."""
    data = _summary_over_a_break(["", "", "十五、商业服务业等支出", ""], ["", "", "十六、金融支出", ""],
                                 foot_runs_on=False)
    expenditure = [item for side, item, _ in _summary_items(data) if side == "expenditure"]
    assert expenditure == ["一、一般公共服务支出", "二、教育支出", "十五、商业服务业等支出", "十六、金融支出",
                           "支出合计"]


def test_an_unnumbered_remainder_at_the_top_of_a_page_still_joins_its_row() -> None:
    """js-jcy-2018: 十七、国土海洋气象等支 | 出 over the break (revenue blank) stays one item."""
    data = _summary_over_a_break(["", "", "十七、国土海洋气象等支", ""], ["", "", "出", ""],
                                 foot_runs_on=False)
    expenditure = [item for side, item, _ in _summary_items(data) if side == "expenditure"]
    assert expenditure == ["一、一般公共服务支出", "二、教育支出", "十七、国土海洋气象等支出", "支出合计"]


def test_a_summary_with_a_line_number_column_per_side_gives_each_side_its_own() -> None:
    """The 财决 template prints 项目 | 行次 | 金额 on each side: the expenditure 行次 is not dropped."""
    header = [["收入", "", "", "支出", "", ""], ["项目", "行次", "金额", "项目", "行次", "金额"]]
    rows = [["一、一般公共预算财政拨款收入", "1", "90.00", "一、一般公共服务支出", "32", "70.00"],
            ["本年收入合计", "2", "90.00", "本年支出合计", "33", "90.00"]]
    spans = [((0, 0), (2, 0)), ((3, 0), (5, 0))]
    doc = extract(final_story("收入支出决算总表", header, rows, widths=[140, 30, 50, 140, 30, 50],
                              spans=spans))
    records = doc.table("revenue_expenditure_final").records
    assert [(r["line_no"], r["side"], r["item"], r["amount"]) for r in records] == [
        (1, "revenue", "一、一般公共预算财政拨款收入", Decimal("90.00")),
        (32, "expenditure", "一、一般公共服务支出", Decimal("70.00")),
        (2, "revenue", "本年收入合计", Decimal("90.00")),
        (33, "expenditure", "本年支出合计", Decimal("90.00")),
    ]
    assert all("extra" not in r for r in records)


def test_a_final_three_public_row_without_budget_and_final_columns_keeps_its_amounts() -> None:
    """Items printed with one amount each (no 预算数 | 决算数 under them): the type has no `total`, so each
    amount is kept under `extra` by its item — never dropped, never guessed to be 预算数 or 决算数."""
    header = [["合计", "因公出国（境）费", "公务接待费"]]
    doc = extract(final_story("财政拨款“三公”经费支出决算表", header, [["3.00", "1.00", "2.00"]],
                              widths=[80, 100, 80]))
    records = doc.table("three_public_final").records
    assert [(r["item"], r["budget_amount"], r["final_amount"], r["extra"]) for r in records] == [
        ("合计", None, None, {"合计": Decimal("3.00")}),
        ("因公出国（境）费", None, None, {"因公出国（境）费": Decimal("1.00")}),
        ("公务接待费", None, None, {"公务接待费": Decimal("2.00")}),
    ]


@pytest.mark.parametrize("budget_header", ["预算数", "年初预算数", "调整预算数", "全年预算数"])
def test_a_general_budget_final_table_with_its_budget_column_reads_both(budget_header: str) -> None:
    header = [["项目", "", budget_header, "决算数", "", ""],
              ["功能分类\n科目编码", "科目名称", "", "合计", "基本支出", "项目支出"]]
    rows = [["", "合计", "12.00", "10.00", "6.00", "4.00"],
            ["201", "一般公共服务支出", "12.00", "10.00", "6.00", "4.00"]]
    spans = [((0, 0), (1, 0)), ((2, 0), (2, 1)), ((3, 0), (5, 0))]
    doc = extract(final_story("一般公共预算财政拨款支出决算表", header, rows,
                              widths=[60, 100, 60, 50, 50, 50], spans=spans))
    records = doc.table("general_budget_expenditure_final").records
    figures = (Decimal("12.00"), Decimal("10.00"), Decimal("6.00"), Decimal("4.00"))
    assert [(r["code"], r["name"], r["budget_amount"], r["total"], r["basic"], r["project"])
            for r in records] == [(None, "合计", *figures), ("201", "一般公共服务支出", *figures)]
    assert all("extra" not in r for r in records) and doc.findings == []


def test_a_budget_column_with_its_own_parts_gives_budget_amount_and_keeps_the_parts_under_extra() -> None:
    """预算数 over 合计 | 基本支出 | 项目支出 beside 决算数 over the same: the 决算 parts are the fields, the
    budget's 合计 is budget_amount, its parts are kept under extra by their printed header."""
    header = [["项目", "", "预算数", "", "", "决算数", "", ""],
              ["功能分类\n科目编码", "科目名称", *["合计", "基本支出", "项目支出"] * 2]]
    rows = [["201", "一般公共服务支出", "12.00", "7.00", "5.00", "10.00", "6.00", "4.00"]]
    spans = [((0, 0), (1, 0)), ((2, 0), (4, 0)), ((5, 0), (7, 0))]
    doc = extract(final_story("一般公共预算财政拨款支出决算表", header, rows,
                              widths=[55, 85, 40, 45, 45, 40, 45, 45], spans=spans))
    (record,) = doc.table("general_budget_expenditure_final").records
    assert (record["budget_amount"], record["total"], record["basic"], record["project"]) == (
        Decimal("12.00"), Decimal("10.00"), Decimal("6.00"), Decimal("4.00"))
    assert record["extra"] == {"基本支出": Decimal("7.00"), "项目支出": Decimal("5.00")}
    assert doc.findings == []


@pytest.mark.parametrize(("opening", "subtotal"),
                         [("上年结转\n和结余", "小计"), ("年初结转\n和结余", "合计")])
def test_fund_table_header_synonyms_give_the_same_record(opening: str, subtotal: str) -> None:
    header = [["科目编码", "科目名称", opening, "本年收入", "本年支出", "", "", "结余分配",
               "年末结转\n和结余"],
              ["", "", "", "", subtotal, "基本支出", "项目支出", "", ""]]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (2, 1)), ((3, 0), (3, 1)), ((4, 0), (6, 0)),
             ((7, 0), (7, 1)), ((8, 0), (8, 1))]
    rows = [["229", "其他支出", "1.00", "4.00", "3.00", "1.00", "2.00", "0.50", "1.50"]]
    doc = extract(final_story("国有资本经营预算财政拨款收入支出决算表", header, rows,
                              widths=[45, 60, 45, 40, 40, 45, 45, 40, 45], spans=spans))
    (record,) = doc.table("state_capital_final").records
    keys = ("opening_balance", "current_revenue", "current_expenditure", "basic", "project",
            "balance_allocation", "closing_balance")
    assert [record[k] for k in keys] == [
        Decimal(v) for v in ("1.00", "4.00", "3.00", "1.00", "2.00", "0.50", "1.50")]
    assert "extra" not in record and doc.findings == []
