"""The extractor reads the document family by meaning: one test per variant, plus perturbations.

Each PDF is built here with reportlab's built-in CID font, so a failure names the variant it
broke: where the title is printed and how it is worded, header synonyms, split 类/款/项 code
columns, columns the dictionary does not name (``extra``), units per table, Word-style
white cell fills, tables of no known type, narrative-only files, and every case the
extractor must report instead of dropping (findings with page and cell). Perturbation tests
print the same table another way and require the same records.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from budget_etl.contract import (
    EXTRACT_AMOUNT_NOT_NUMBER,
    EXTRACT_EMPTY_TABLE_WITHOUT_NOTE,
    EXTRACT_HEADER_NOT_UNDERSTOOD,
    OTHER_TABLE,
)
from budget_etl.document import ExtractedDocument
from budget_etl.errors import ExtractError, Reason
from tasks.extract import extract_document
from tests.extract.pdfs import Story, register_font

FUNCTION_HEADER = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
FUNCTION_ROWS = [
    ["", "合计", "130.50", "100.25", "30.25"],
    ["201", "一般公共服务支出", "120.50", "90.25", "30.25"],
    ["2010301", "行政运行", "10.00", "10.00", ""],
]
WIDTHS = [70, 170, 80, 80, 80]


def function_records(doc: ExtractedDocument, slug: str = "general_budget_expenditure") -> list[tuple]:
    table = doc.table(slug)
    assert table is not None, [t.type for t in doc.tables]
    return [(r["code"], r["name"], r["total"], r["basic"], r["project"]) for r in table.records]


EXPECTED = [
    (None, "合计", Decimal("130.50"), Decimal("100.25"), Decimal("30.25")),
    ("201", "一般公共服务支出", Decimal("120.50"), Decimal("90.25"), Decimal("30.25")),
    ("2010301", "行政运行", Decimal("10.00"), Decimal("10.00"), None),
]


def titled(title: str, header=FUNCTION_HEADER, rows=FUNCTION_ROWS, *, unit: str = "万元",
           caption: str = "部门：某某局", widths=WIDTHS, spans=()) -> Story:
    story = Story().line(title, 14).line(f"{caption}    单位：{unit}", 9)
    return story.table([*header, *rows], spans=spans, widths=widths)


def extract(data: bytes) -> ExtractedDocument:
    return extract_document(data)


# titles ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "title",
    [
        "一般公共预算财政拨款支出表",
        "2025年部门一般公共预算支出功能分类预算表",
        "表7 一般公共预算支出预算表（功能科目）",
        "公开07表：一般公共预算支出预算表",
        "附表1：2025年单位一般公共预算支出表",
        "一 般 公 共 预 算 支 出 预 算 表",
    ],
)
def test_title_wordings_by_meaning_give_the_same_records(title: str) -> None:
    doc = extract(titled(title).render())
    assert function_records(doc) == EXPECTED
    assert doc.table("general_budget_expenditure").title.replace(" ", "") in title.replace(" ", "")


def test_title_in_the_first_merged_cell_with_marker_and_department_line() -> None:
    header = [["一般公共预算支出预算表\n公开表七\n部门：某某局        单位：万元", "", "", "", ""],
              *FUNCTION_HEADER]
    story = Story().table([*header, *FUNCTION_ROWS], spans=[((0, 0), (4, 0))], widths=WIDTHS)
    doc = extract(story.render())
    assert function_records(doc) == EXPECTED
    assert doc.document.department_name == "某某局"
    assert doc.table("general_budget_expenditure").unit == "万元"


def test_title_wrapped_over_two_lines() -> None:
    story = Story().line("公开09表：一般公共预算“三公”经费、会议费、", 14).line("培训费支出预算表", 14)
    story.table([["项目", "合计"], ["合计", "3.00"], ["公务接待费", "3.00"]], widths=[200, 100])
    doc = extract(story.render())
    assert [t.type for t in doc.tables] == ["three_public_expenditure"]


# columns ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "name", "total"),
    [("科目编码", "科目名称", "合计"), ("功能科目代码", "功能科目名称", "金额"),
     ("功能分类科目编码", "功能分类科目名称", "本年预算数"), ("科目编码", "科目名称", "合计（万元）")],
)
def test_header_synonyms_map_to_the_same_fields(code: str, name: str, total: str) -> None:
    header = [[code, name, total]]
    rows = [[r[0], r[1], r[2]] for r in FUNCTION_ROWS]
    doc = extract(titled("一般公共预算支出表", header, rows, widths=[80, 200, 100]).render())
    table = doc.table("general_budget_expenditure")
    assert [(r["code"], r["name"], r["total"]) for r in table.records] == [e[:3] for e in EXPECTED]


def test_split_code_columns_are_joined_with_two_digit_parts() -> None:
    header = [["功能分类科目编码", "", "", "功能分类科目名称", "合计"], ["类", "款", "项", "", ""]]
    rows = [["201", "", "", "一般公共服务支出", "5.00"], ["201", "3", "", "政府办公厅", "5.00"],
            ["201", "03", "1", "行政运行", "5.00"]]
    spans = [((0, 0), (2, 0)), ((3, 0), (3, 1)), ((4, 0), (4, 1))]
    story = titled("一般公共预算支出表", header, rows, widths=[40, 40, 40, 200, 80], spans=spans)
    table = extract(story.render()).table("general_budget_expenditure")
    assert [r["code"] for r in table.records] == ["201", "20103", "2010301"]


def test_columns_the_dictionary_does_not_name_are_kept_under_extra() -> None:
    header = [["合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"]]
    rows = [["9.00", "5.00", "3.00", "1.00", ""]]
    doc = extract(titled("支出预算总表", header, rows, widths=[80] * 5).render())
    (record,) = doc.table("expenditure_by_function").records
    assert record["total"] == Decimal("9.00") and record["name"] == "合计"
    assert record["extra"] == {"单位预留机动经费": Decimal("1.00"), "结转下年资金": None}


def test_two_level_revenue_list_gives_group_and_name() -> None:
    header = [["项目名称", "", "金额"]]
    rows = [["收入总计", "", "7.00"], ["一般公共预算资金", "小计", "7.00"], ["", "公共财政拨款资金", "7.00"],
            ["政府性基金", "小计", ""]]
    spans = [((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 3))]
    table = extract(titled("收入预算总表", header, rows, widths=[120, 160, 80], spans=spans).render())
    records = table.table("revenue_by_function").records
    assert [(r["group"], r["name"], r["total"]) for r in records] == [
        (None, "收入总计", Decimal("7.00")), ("一般公共预算资金", "小计", Decimal("7.00")),
        ("一般公共预算资金", "公共财政拨款资金", Decimal("7.00")), ("政府性基金", "小计", None),
    ]


def test_horizontal_three_public_row_gives_one_record_per_item() -> None:
    header = [["合计", "因公出国（境）费", "公务用车购置及运行费", "", "公务接待费"],
              ["", "", "小计", "运行费", ""]]
    rows = [["6.00", "1.00", "3.00", "3.00", "2.00"]]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (3, 0)), ((4, 0), (4, 1))]
    story = titled("“三公”经费支出预算表", header, rows, widths=[60, 100, 100, 60, 80], spans=spans)
    records = extract(story.render()).table("three_public_expenditure").records
    assert [(r["item"], r["total"]) for r in records] == [
        ("合计", Decimal("6.00")), ("因公出国（境）费", Decimal("1.00")),
        ("公务用车购置及运行费", Decimal("3.00")), ("运行费", Decimal("3.00")),
        ("公务接待费", Decimal("2.00")),
    ]


# units -----------------------------------------------------------------------------------------
def test_each_table_carries_its_own_unit_and_the_document_the_most_common() -> None:
    story = titled("一般公共预算支出表", unit="元").page_break()
    story.items += titled("政府性基金预算支出表", unit="元").page_break().items
    story.items += titled("国有资本经营预算支出表", unit="万元").items
    doc = extract(story.render())
    assert [t.unit for t in doc.tables] == ["元", "元", "万元"]
    assert doc.document.unit == "元"


# grids -----------------------------------------------------------------------------------------
def _canvas(title: str | None) -> tuple[io.BytesIO, canvas.Canvas]:
    """A page drawn by hand (geometry the flowables cannot make), with a title and 部门/单位 line."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    if title is not None:
        c.setFont(register_font(), 14)
        c.drawString(60, 780, title)
        c.setFont(register_font(), 9)
        c.drawString(60, 760, "部门：某某局")
        c.drawString(420, 760, "单位：万元")
    return out, c


def _rules_and_save(out: io.BytesIO, c: canvas.Canvas, xs: list[float], top: float, height: float,
                    rows: int) -> bytes:
    """Rule a grid of ``rows`` rows between the column positions ``xs``, finish the PDF."""
    c.setLineWidth(0.5)
    for r in range(rows + 1):
        c.line(xs[0], top - r * height, xs[-1], top - r * height)
    for x in xs:
        c.line(x, top, x, top - rows * height)
    c.showPage()
    c.save()
    return out.getvalue()


def _canvas_grid(*, white_fills: bool) -> bytes:
    """A ruled grid drawn like a Word 2007 export: thin black rules plus white cell-padding boxes."""
    out, c = _canvas("一般公共预算支出表")
    c.setFont(register_font(), 9)
    xs = [60, 130, 300, 380, 460, 540]
    rows = [*FUNCTION_HEADER, *FUNCTION_ROWS]
    top, height = 750, 20
    for r, row in enumerate(rows):
        y = top - (r + 1) * height
        for i, text in enumerate(row):
            if white_fills:  # padding boxes 2pt in from every rule, white, no stroke
                c.setFillColorRGB(1, 1, 1)
                c.rect(xs[i] + 2, y + 2, xs[i + 1] - xs[i] - 4, height - 4, stroke=0, fill=1)
                c.rect(xs[i] + 0.5, y + 0.5, 1.5, height - 1, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            c.drawString(xs[i] + 4, y + 6, text)
    return _rules_and_save(out, c, xs, top, height, len(rows))


def test_white_cell_fills_are_not_rulings() -> None:
    plain = function_records(extract(_canvas_grid(white_fills=False)))
    filled = function_records(extract(_canvas_grid(white_fills=True)))
    assert plain == filled == EXPECTED


def test_a_page_break_inside_a_table_gives_the_same_records() -> None:
    rows = [["", "合计", "60.00", "60.00", ""]] + [
        [f"2{i:02d}", f"支出科目{i}", "1.00", "1.00", ""] for i in range(1, 61)
    ]
    one_page = titled("一般公共预算支出表", rows=rows[:30]).render()
    long = Story().line("一般公共预算支出表", 14).line("部门：某某局    单位：万元", 9)
    long.table([*FUNCTION_HEADER, *rows], widths=WIDTHS, repeat=1)
    doc = extract(long.render())
    table = doc.table("general_budget_expenditure")
    assert len(table.pages) >= 2 and len(table.records) == 61
    first = extract(one_page).table("general_budget_expenditure")
    strip = [{k: v for k, v in r.items() if k not in ("pages", "bbox")} for r in first.records]
    assert strip == [{k: v for k, v in r.items() if k not in ("pages", "bbox")} for r in table.records[:30]]


# other tables ----------------------------------------------------------------------------------
def test_a_titled_table_of_no_known_type_is_its_own_table_not_glued_on() -> None:
    story = titled("一般公共预算支出表")
    header = [["科目编码", "科目名称", "机关运行经费支出"]]
    story.items += titled("一般公共预算机关运行经费支出预算表", header, [["302", "商品和服务支出", "8.00"]],
                          widths=[80, 200, 100]).items
    doc = extract(story.render())
    assert [t.type for t in doc.tables] == ["general_budget_expenditure", OTHER_TABLE]
    assert function_records(doc) == EXPECTED
    other = doc.tables[1]
    assert other.title == "一般公共预算机关运行经费支出预算表"
    assert [r["cells"] for r in other.records] == [
        ["科目编码", "科目名称", "机关运行经费支出"], ["302", "商品和服务支出", "8.00"],
    ]


def test_only_unknown_tables_is_unrecognised_tables_with_the_titles() -> None:
    story = titled("机关运行经费支出预算表", [["科目编码", "科目名称", "金额"]], [["302", "办公费", "1.00"]],
                   widths=[80, 200, 100])
    with pytest.raises(ExtractError) as info:
        extract(story.render())
    assert info.value.reason is Reason.UNRECOGNISED_TABLES
    assert info.value.evidence["titles"] == ["机关运行经费支出预算表"]


def test_final_accounts_are_read_as_their_own_kind_not_refused() -> None:
    """A 部门决算 is read (issue 15; more in test_final_extract.py), no longer ended with a reason."""
    story = Story().line("某某局2024年度部门决算", 18).page_break()
    story.items += titled("收入支出决算总表", [["项目", "决算数"]], [["一般公共预算财政拨款收入", "1.00"]],
                          widths=[200, 100]).items
    doc = extract(story.render())
    assert (doc.document.kind, doc.document.budget_year) == ("final_accounts", 2024)
    assert [(r["item"], r["amount"]) for r in doc.table("revenue_expenditure_final").records] == [
        ("一般公共预算财政拨款收入", Decimal("1.00"))]


def test_a_narrative_only_file_is_a_document_not_an_error() -> None:
    story = Story().line("某某局2019年度部门预算", 18)
    for i in range(12):
        story.line(f"第{i + 1}段：本部门2019年部门预算收入合计{i + 10}.00万元，"
                   f"支出合计{i + 10}.00万元，具体公开表样附后。")
    doc = extract(story.render())
    assert doc.document.narrative_only is True and doc.tables == []
    assert doc.document.budget_year == 2019 and doc.document.scope == "department"
    assert "部门预算收入合计10.00万元" in doc.narrative_text()


# never silent ----------------------------------------------------------------------------------
def test_body_rows_under_a_header_not_understood_are_reported() -> None:
    header = [["甲栏", "乙栏", "丙栏"]]
    rows = [["201", "一般公共服务支出", "1.00"]]
    doc = extract(titled("一般公共预算支出表", header, rows, widths=[80, 200, 100]).render())
    (finding,) = [f for f in doc.findings if f.check == EXTRACT_HEADER_NOT_UNDERSTOOD]
    assert finding.table == "general_budget_expenditure" and finding.pages == [1]
    assert finding.actual in ("甲栏", "201")


@pytest.mark.parametrize("text", ["(12.00)", "△100", "12.5万"])
def test_an_amount_that_is_not_a_number_is_reported_with_page_and_cell(text: str) -> None:
    rows = [["", "合计", "130.50", "100.25", "30.25"], ["201", "一般公共服务支出", text, "90.25", "30.25"]]
    doc = extract(titled("一般公共预算支出表", rows=rows).render())
    (finding,) = [f for f in doc.findings if f.check == EXTRACT_AMOUNT_NOT_NUMBER]
    assert finding.actual == text and finding.field == "total" and finding.pages == [1]
    assert "bbox" in finding.message and finding.severity.value == "error"
    assert doc.table("general_budget_expenditure").records[1]["total"] is None


def test_an_empty_table_without_a_note_is_reported_and_with_a_note_is_not() -> None:
    empty = [["", "合计", "", "", ""]]
    silent = extract(titled("政府性基金预算支出表", rows=empty).render())
    assert silent.table("government_fund_expenditure").records == []
    assert [f.check for f in silent.findings] == [EXTRACT_EMPTY_TABLE_WITHOUT_NOTE]
    story = titled("政府性基金预算支出表", rows=empty).line("注：本部门无政府性基金预算支出，本表为空表。", 9)
    noted = extract(story.render())
    table = noted.table("government_fund_expenditure")
    assert table.records == [] and "本表为空表" in table.empty_note and noted.findings == []


def test_an_empty_procurement_list_without_a_note_is_a_warning_not_an_error() -> None:
    """The 空表 note is required of the standard tables only; a blank 政府采购 list is suspicious."""
    header = [["序号", "采购项目", "采购品目", "数量", "金额"]]
    doc = extract(titled("政府采购预算表", header, [],
                         widths=[50, 150, 150, 60, 80]).render())
    assert doc.table("government_procurement").records == []
    (finding,) = [f for f in doc.findings if f.check == EXTRACT_EMPTY_TABLE_WITHOUT_NOTE]
    assert finding.severity.value == "warning" and finding.table == "government_procurement"


def test_new_contract_fields_round_trip_through_the_extract_json() -> None:
    rows = [["201", "一般公共服务支出", "△1", "", ""]]
    doc = extract(titled("2025年单位一般公共预算支出表", rows=rows, caption="编制单位：某某局").render())
    back = ExtractedDocument.from_json(doc.to_json())
    assert back.to_json() == doc.to_json()
    assert back.document.scope == "unit" and back.tables[0].unit == "万元"
    assert [f.check for f in back.findings] == [EXTRACT_AMOUNT_NOT_NUMBER]


def _unruled_rows_pdf() -> bytes:
    """Column rules and a header rule only: the body rows share one ruled band."""
    from reportlab.platypus import Table, TableStyle

    body = list(zip(*[r for r in FUNCTION_ROWS], strict=True))
    rows = [FUNCTION_HEADER[0], ["\n".join(col) for col in body]]
    table = Table(rows, colWidths=WIDTHS)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), register_font(), 9), ("BOX", (0, 0), (-1, -1), 0.5, "black"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, "black"), ("LINEAFTER", (0, 0), (-2, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = Story().line("一般公共预算支出表", 14).line("部门：某某局    单位：万元", 9)
    story.items.append(table)
    return story.render()


def test_rows_without_inner_rulings_are_split_at_their_text_lines() -> None:
    assert function_records(extract(_unruled_rows_pdf())) == EXPECTED


def _overflowing_header_pdf() -> bytes:
    """A header whose last glyph is printed across the rule below it (采购组织形|式 in a real file)."""
    out, c = _canvas("支出预算总表")
    xs, top, height = [60, 160, 260, 420], 750, 24
    c.setFont(register_font(), 12)
    for i, text in enumerate(["合计", "基本支出", "单位预留机动经"]):
        c.drawString(xs[i] + 4, top - 16, text)
    c.drawString(xs[2] + 4, top - height - 7, "费")  # the overflow: its glyph crosses the rule
    for i, text in enumerate(["9.00", "8.00", "1.00"]):
        c.drawString(xs[i] + 60, top - 2 * height + 6, text)
    return _rules_and_save(out, c, xs, top, height, 2)


def test_a_header_glyph_printed_across_the_rule_below_stays_in_its_header() -> None:
    (record,) = extract(_overflowing_header_pdf()).table("expenditure_by_function").records
    assert record["total"] == Decimal("9.00") and record["basic"] == Decimal("8.00")
    assert record["extra"] == {"单位预留机动经费": Decimal("1.00")}


def test_quote_marks_set_a_few_points_off_the_title_line_stay_in_the_title() -> None:
    """“三公” printed with quotes from another font, 3.5 pt below the title's baseline."""
    out, c = _canvas(None)
    c.setFont(register_font(), 14)
    for x, text, y in [(0, "一般公共预算", 780), (7, "三公", 780), (10, "经费支出预算表", 780),
                       (6, "“", 776.5), (9, "”", 776.5)]:
        c.drawString(60 + x * 14, y, text)
    c.setFont(register_font(), 9)
    c.drawString(60, 755, "部门：某某局    单位：万元")
    xs, top, height = [60, 260, 360], 745, 20
    for r, row in enumerate([["项目", "合计"], ["公务接待费", "3.00"]]):
        for i, text in enumerate(row):
            c.drawString(xs[i] + 4, top - (r + 1) * height + 6, text)
    data = _rules_and_save(out, c, xs, top, height, 2)
    (table,) = extract(data).tables
    assert table.type == "three_public_expenditure"
    assert table.title.replace(" ", "") == "一般公共预算“三公”经费支出预算表"


# a cell cut by a page break --------------------------------------------------------------------
SUMMARY_XS = [60, 140, 210, 340, 410]  # 收入 项目 | 预算数 | 支出 项目 | 预算数


def _justified(c: canvas.Canvas, text: str, x0: float, x1: float, y: float, size: float = 9) -> None:
    """A wrapped line set justified: its first glyph at the cell's left rule, its last at the right."""
    gap = (x1 - x0 - 1 - len(text) * size) / (len(text) - 1)
    for i, ch in enumerate(text):
        c.drawString(x0 + 0.5 + i * (size + gap), y, ch)


def _summary_over_a_break(foot: list[str], top: list[str], *, foot_runs_on: bool) -> bytes:
    """A two-sided 收支预算总表 over two pages, each page's grid closed by its own rules.

    ``foot`` is the last row of page 1 (its revenue item justified edge to edge when
    ``foot_runs_on``: a wrapped cell the break cut), ``top`` the first row of page 2.
    """
    out, c = _canvas("收支预算总表")
    xs, height = SUMMARY_XS, 20
    c.setFont(register_font(), 9)
    rows = [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
            ["一、财政拨款收入", "90.00", "一、一般公共服务支出", "70.00"],
            ["二、事业收入", "10.00", "二、教育支出", "30.00"], foot]
    top_y = 750
    for r, row in enumerate(rows):
        y = top_y - (r + 1) * height + 6
        for i, text in enumerate(row):
            if r == len(rows) - 1 and i == 0 and foot_runs_on:
                _justified(c, text, xs[0], xs[1], y)
            elif text:
                c.drawString(xs[i] + 4, y, text)
    c.setLineWidth(0.5)
    for r in range(len(rows) + 1):
        c.line(xs[0], top_y - r * height, xs[-1], top_y - r * height)
    bottom = top_y - len(rows) * height
    for i, x in enumerate(xs):
        if i in (1, 3):  # 收入 / 支出 each span their two columns in the first header row
            c.line(x, top_y - height, x, bottom)
        else:
            c.line(x, top_y, x, bottom)
    c.showPage()
    c.setFont(register_font(), 9)
    rest = [top, ["收入合计", "100.00", "支出合计", "100.00"]]
    top_y = 800
    for r, row in enumerate(rest):
        y = top_y - (r + 1) * height + 6
        for i, text in enumerate(row):
            if text:
                c.drawString(xs[i] + (0.5 if r == 0 and i == 0 else 4), y, text)
    return _rules_and_save(out, c, xs, top_y, height, len(rest))


def _summary_items(data: bytes) -> list[tuple]:
    table = extract(data).table("revenue_expenditure_summary")
    assert table is not None
    return [(r["side"], r["item"], r["amount"]) for r in table.records]


def test_a_label_cell_wrapped_over_a_page_break_is_one_record() -> None:
    """当年收入|小计: one ruled cell whose words ran on (edge to edge) over the break, its figure
    printed with the first part; the top row of the next page holds only the rest of the words."""
    data = _summary_over_a_break(["当年收入", "100.00", "当年支出小计", "100.00"], ["小计", "", "", ""],
                                 foot_runs_on=True)
    revenue = [(item, amount) for side, item, amount in _summary_items(data) if side == "revenue"]
    assert revenue == [("一、财政拨款收入", Decimal("90.00")), ("二、事业收入", Decimal("10.00")),
                       ("当年收入小计", Decimal("100.00")), ("收入合计", Decimal("100.00"))]


@pytest.mark.parametrize(
    ("foot_runs_on", "top"),
    [(False, ["上年结转", "", "", ""]),  # the foot label ended short of its cell's edge
     (True, ["上年结转", "5.00", "", ""])],  # the top row prints a figure of its own
    ids=["finished-label", "top-row-with-figure"],
)
def test_a_new_row_at_the_top_of_the_next_page_stays_a_row(foot_runs_on: bool, top: list[str]) -> None:
    data = _summary_over_a_break(["其他收入", "", "当年支出小计", "100.00"], top, foot_runs_on=foot_runs_on)
    revenue = [(item, amount) for side, item, amount in _summary_items(data) if side == "revenue"]
    assert revenue == [("一、财政拨款收入", Decimal("90.00")), ("二、事业收入", Decimal("10.00")),
                       ("其他收入", None), ("上年结转", Decimal(top[1]) if top[1] else None),
                       ("收入合计", Decimal("100.00"))]
