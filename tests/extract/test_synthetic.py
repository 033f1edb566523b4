"""Single features of the extractor on small PDFs built here (see ``pdfs.py``).

Each test names one behaviour of the data dictionary — a table over several pages is one
table, a title may sit at the bottom of the previous page, a row cut by a page break is
rejoined, columns are found by header text not position, ``level1`` is carried down — and
derives its expectation from the input it rendered.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from budget_etl.document import ExtractedDocument
from tasks.extract import extract_document
from tests.extract.pdfs import REVENUE_HEADER, REVENUE_SPANS, REVENUE_WIDTHS, Story, para, revenue_rows

ROWS = 60
PURPOSE = "资金用于示例工作的开展，保证各项任务按期完成并接受监督检查，提高资金使用效益。"


def project_rows() -> tuple[list[list], list]:
    rows = [
        ["项目编码", "990001260000000001 2X", "", "项目名称", "示例专项经费", "", ""],
        [para("预算规模及资金用途"), "预算数", "1,250.50", "其中：财政资金", "1250.50", "其他资金", ""],
        ["", para(PURPOSE), "", "", "", "", ""],
        [para("资金支出计划（%）"), "3月底", "6月底", "", "10月底", "12月底", ""],
        ["", "", "30%", "", "", "100.00", ""],
        ["绩效目标", para("1.按期完成示例工作 2.提高服务质量"), "", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据", ""],
        ["产出指标", "数量指标", para("完成任务数量"), "完成任务数量", "≥12 个", "工作计划", ""],
        ["", "质量指标", "验收合格率", "验收合格率", "100%", "工作计划", ""],
        ["", "成本指标", "成本控制", "成本控制数", "≤1250.5万元", "预算批复", ""],
        ["效益指标", "社会效益指标", "服务水平", "服务水平提升", "明显提升", "工作计划", ""],
        ["满意度指标", para("服务对象满意度指标"), "满意度", "服务对象满意度", ">90%", "问卷调查", ""],
    ]
    spans = [((1, 0), (2, 0)), ((4, 0), (6, 0)), ((0, 1), (0, 2)), ((1, 2), (6, 2)), ((0, 3), (0, 4)),
             ((2, 3), (3, 3)), ((2, 4), (3, 4)), ((5, 3), (6, 3)), ((5, 4), (6, 4)), ((1, 5), (6, 5)),
             ((5, 6), (6, 6)), ((0, 7), (0, 9))] + [((5, r), (6, r)) for r in range(7, 12)]
    return rows, spans


@cache
def budget_pdf() -> bytes:
    story = Story().line("2026 年部门预算信息公开", 16).space(20)
    story.line("部门预算收入总表", 14).line("901 示例县测试局").line("预算年度：2026").line("单位：万元")
    story.table(REVENUE_HEADER + revenue_rows(ROWS), REVENUE_SPANS, REVENUE_WIDTHS, repeat=3)
    story.line("情况说明：本表反映部门全部收入。").space(10)
    story.line("部门预算政府性基金预算财政拨款支出表", 14).line("901 示例县测试局").line("单位：万元")
    story.table([["序号", "功能分类科目", "", "合计", "基本支出", "项目支出"],
                 ["", "科目编码", "科目名称", "", "", ""],
                 ["栏次", "1", "2", "3", "4", "5"], ["", "", "", "", "", ""]],
                [((0, 0), (0, 1)), ((1, 0), (2, 0)), ((3, 0), (3, 1)), ((4, 0), (4, 1)), ((5, 0), (5, 1))])
    story.line("注：本部门无政府性基金预算财政拨款支出，空表列示。").space(10)
    rows, spans = project_rows()
    story.line("7、示例专项经费绩效目标表").line("901001 示例县测试局本级").line("单位：万元")
    story.table(rows, spans, [80, 70, 80, 80, 70, 70, 10])
    return story.render()


@cache
def budget_doc() -> ExtractedDocument:
    return extract_document(budget_pdf())


def test_document_metadata_from_the_lines_around_the_tables() -> None:
    meta = budget_doc().document
    assert (meta.kind, meta.department_code) == ("budget_disclosure", "901")
    assert meta.department_name == "示例县测试局"
    assert (meta.budget_year, meta.unit) == (2026, "万元")
    assert meta.page_count >= 3 and len(meta.sha256) == 64


def test_a_table_over_several_pages_is_one_table_with_running_line_numbers() -> None:
    table = budget_doc().table("revenue_by_function")
    assert table is not None
    assert len(table.pages) >= 2
    assert [r["line_no"] for r in table.records] == list(range(1, ROWS + 1))
    assert all(r["name"] not in ("科目名称", "栏次") for r in table.records)


def test_merged_header_cells_map_to_canonical_columns() -> None:
    records = budget_doc().table("revenue_by_function").records
    total = records[0]
    assert (total["code"], total["name"], total["total"]) == (None, "合计", Decimal(ROWS * 10))
    row = records[41]  # 序号 42
    assert row["code"] == "242"
    assert row["total"] == row["current_year_subtotal"] == row["fiscal_appropriation"] == Decimal("63.00")
    assert row["prior_year_carryover"] is None  # blank is null, not zero


def test_thousands_separators_are_removed() -> None:
    records = budget_doc().table("revenue_by_function").records
    assert records[-1]["total"] == Decimal(f"{ROWS * 1.5:.2f}")
    assert all(isinstance(r["total"], Decimal) for r in records)


def test_records_carry_lineage() -> None:
    table = budget_doc().table("revenue_by_function")
    first, last = table.records[0], table.records[-1]
    assert first["pages"] == [table.pages[0]] and last["pages"] == [table.pages[-1]]
    x0, top, x1, bottom = first["bbox"]
    assert x0 < x1 and top < bottom


def test_an_empty_table_is_present_with_no_records() -> None:
    table = budget_doc().table("government_fund_expenditure")
    assert table is not None and table.records == []


def test_project_form_is_read_by_its_labels() -> None:
    table = budget_doc().table("project_performance")
    assert table is not None and table.title == "示例专项经费绩效目标表"
    record = table.records[0]
    assert (record["seq"], record["unit_code"], record["unit_name"]) == (7, "901001", "示例县测试局本级")
    assert record["project_code"] == "9900012600000000012X"  # all whitespace removed
    assert (record["budget_total"], record["fiscal_funds"], record["other_funds"]) == (
        Decimal("1250.50"), Decimal("1250.50"), None)
    assert record["purpose"] == PURPOSE  # wrapped lines joined, no gaps between CJK characters
    assert [record[k] for k in ("plan_mar", "plan_jun", "plan_oct", "plan_dec")] == [None, 30, None, 100]
    assert record["goals"] == "1.按期完成示例工作 2.提高服务质量"


def test_indicators_carry_level1_down_merged_cells_and_parse_targets() -> None:
    indicators = budget_doc().table("project_performance").records[0]["indicators"]
    assert [i["level1"] for i in indicators] == ["产出指标"] * 3 + ["效益指标", "满意度指标"]
    assert [i["level2"] for i in indicators][:3] == ["数量指标", "质量指标", "成本指标"]
    assert [(i["target_op"], i["target_value"], i["target_unit"]) for i in indicators] == [
        (">=", Decimal(12), "个"), ("=", Decimal(100), "%"), ("<=", Decimal("1250.5"), "万元"),
        (None, None, None), (">", Decimal(90), "%"),
    ]
    assert indicators[4]["level2"] == "服务对象满意度指标"


def test_narrative_keeps_the_text_outside_tables() -> None:
    text = budget_doc().narrative_text()
    assert "情况说明：本表反映部门全部收入。" in text
    assert "空表列示" in text


def test_title_at_the_bottom_of_the_previous_page() -> None:
    story = Story().line("2026 年部门预算信息公开").space(640)
    story.line("部门预算收入总表", 14)
    story.table(REVENUE_HEADER + revenue_rows(5), REVENUE_SPANS, REVENUE_WIDTHS, repeat=3)
    doc = extract_document(story.render())
    table = doc.table("revenue_by_function")
    assert table is not None and table.pages == [2]
    assert [r["line_no"] for r in table.records] == [1, 2, 3, 4, 5]


def test_title_wrapped_over_two_lines() -> None:
    story = Story().line("12.示例县关于提前下达某某年度省级专项补助资金第二批次项目的绩效目")
    story.line("标表")
    rows, spans = project_rows()
    story.table(rows, spans, [80, 70, 80, 80, 70, 70, 10])
    table = extract_document(story.render()).table("project_performance")
    assert table is not None and table.records[0]["seq"] == 12
    assert table.title.replace(" ", "").endswith("项目的绩效目标表")


def test_row_cut_by_a_page_break_is_rejoined() -> None:
    """As a word processor prints it: the row's first lines end page 1, the rest opens page 2."""
    head, tail = "跨页的科目名称" * 6, "续在下一页的部分" * 3
    rows = revenue_rows(5)
    first = [*rows[:2], ["3", "299", para(head), "7.00", "7.00", "7.00", ""]]
    second = [["", "", para(tail), "", "", "", ""], *rows[3:]]
    story = Story().line("部门预算收入总表", 14).line("单位：万元")
    story.table(REVENUE_HEADER + first, REVENUE_SPANS, REVENUE_WIDTHS).page_break().line("单位：万元")
    story.table(REVENUE_HEADER + second, REVENUE_SPANS, REVENUE_WIDTHS)
    table = extract_document(story.render()).table("revenue_by_function")
    assert table is not None and table.pages == [1, 2]
    assert [r["line_no"] for r in table.records] == [1, 2, 3, 4, 5]
    assert table.records[2]["name"] == head + tail
    assert table.records[2]["total"] == Decimal("7.00")
    assert table.records[2]["pages"] == [1, 2]


def test_columns_are_found_by_header_text_not_position() -> None:
    header = [["序号", "科目编码", "科目名称", "基本支出", "项目支出", "合计"],
              ["栏次", "1", "2", "3", "4", "5"]]
    body = [["1", "", "合计", "3.00", "4.00", "7.00"], ["2", "201", "一般公共服务支出", "1.00", "", "1.00"]]
    story = Story().line("部门预算一般公共预算财政拨款支出表").table(header + body)
    records = extract_document(story.render()).table("general_budget_expenditure").records
    assert [(r["total"], r["basic"], r["project"]) for r in records] == [
        (Decimal("7.00"), Decimal("3.00"), Decimal("4.00")), (Decimal("1.00"), Decimal("1.00"), None)]


def test_row_cut_with_its_number_printed_in_the_second_part() -> None:
    """Vertically centred cells can put the 序号 and amounts below the break instead."""
    head, tail = "跨页的科目名称" * 6, "续在下一页的部分" * 3
    rows = revenue_rows(5)
    first = [*rows[:2], ["", "", para(head), "", "", "", ""]]
    second = [["3", "299", para(tail), "7.00", "7.00", "7.00", ""], *rows[3:]]
    story = Story().line("部门预算收入总表", 14)
    story.table(REVENUE_HEADER + first, REVENUE_SPANS, REVENUE_WIDTHS).page_break()
    story.table(REVENUE_HEADER + second, REVENUE_SPANS, REVENUE_WIDTHS)
    records = extract_document(story.render()).table("revenue_by_function").records
    assert [r["line_no"] for r in records] == [1, 2, 3, 4, 5]
    assert (records[2]["code"], records[2]["name"]) == ("299", head + tail)


def test_title_and_page_header_printed_inside_the_ruled_area() -> None:
    """Spreadsheet exports often rule the title and 单位 rows together with the table."""
    header = [["序号", "科目编码", "科目名称", "合计", "基本支出", "项目支出"],
              ["栏次", "1", "2", "3", "4", "5"]]
    caption = [["部门预算一般公共预算财政拨款支出表", "", "", "", "", ""],
               ["901 示例县测试局", "", "", "预算年度：2026", "", "单位：万元"]]
    body = [["1", "", "合计", "5.00", "2.00", "3.00"]]
    spans = [((0, 0), (5, 0)), ((0, 1), (2, 1)), ((3, 1), (4, 1))]
    story = Story().line("2026 年部门预算信息公开").table(caption + header + body, spans)
    doc = extract_document(story.render())
    table = doc.table("general_budget_expenditure")
    assert table is not None and table.title == "部门预算一般公共预算财政拨款支出表"
    assert [(r["line_no"], r["total"], r["project"]) for r in table.records] == [
        (1, Decimal("5.00"), Decimal("3.00"))]
    meta = doc.document
    assert (meta.department_code, meta.budget_year, meta.unit) == ("901", 2026, "万元")


def test_project_form_rows_cut_by_a_page_break() -> None:
    """A word processor cuts the 资金支出计划 label and a long 绩效目标 between two pages."""
    goals_head, goals_tail = "1.按期完成示例工作，", "2.提高服务质量。"
    top = [
        ["项目编码", "990001260000000003", "", "项目名称", "示例经费", "", ""],
        [para("预算规模及资金用途"), "预算数", "8.00", "其中：财政资金", "8.00", "其他资金", ""],
        ["", para(PURPOSE), "", "", "", "", ""],
        ["资金支出计", "3月底", "6月底", "", "10月底", "12月底", ""],
    ]
    top_spans = [((1, 0), (2, 0)), ((4, 0), (6, 0)), ((0, 1), (0, 2)), ((1, 2), (6, 2)), ((2, 3), (3, 3)),
                 ((5, 3), (6, 3))]
    bottom = [
        ["划（%）", "", "25%", "", "60%", "100%", ""],
        ["绩效目标", goals_head, "", "", "", "", ""],
    ]
    rest = [
        ["", goals_tail, "", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据", ""],
        ["产出指标", "数量指标", "完成数量", "完成数量", "≥3 个", "工作计划", ""],
    ]
    bottom_spans = [((2, 0), (3, 0)), ((5, 0), (6, 0)), ((1, 1), (6, 1))]
    rest_spans = [((1, 0), (6, 0)), ((5, 1), (6, 1)), ((5, 2), (6, 2))]
    widths = [80, 70, 80, 80, 70, 70, 10]
    story = Story().line("3.示例经费绩效目标表").table(top, top_spans, widths).page_break()
    story.table(bottom, bottom_spans, widths).page_break().table(rest, rest_spans, widths)
    record = extract_document(story.render()).table("project_performance").records[0]
    assert [record[k] for k in ("plan_mar", "plan_jun", "plan_oct", "plan_dec")] == [None, 25, 60, 100]
    assert record["purpose"] == PURPOSE
    assert record["goals"].replace(" ", "") == goals_head + goals_tail
    assert [i["target_value"] for i in record["indicators"]] == [3]


def test_continuation_page_without_a_repeated_header() -> None:
    rows = revenue_rows(6)
    story = Story().line("部门预算收入总表", 14)
    story.table(REVENUE_HEADER + rows[:3], REVENUE_SPANS, REVENUE_WIDTHS).page_break()
    story.line("单位：万元").table(rows[3:], widths=REVENUE_WIDTHS)
    table = extract_document(story.render()).table("revenue_by_function")
    assert table is not None and table.pages == [1, 2]
    assert [(r["line_no"], r["code"]) for r in table.records][3:] == [(4, "204"), (5, "205"), (6, "206")]
    assert table.records[-1]["fiscal_appropriation"] == Decimal("9.00")


def test_a_title_followed_by_prose_announces_no_table() -> None:
    """A heading naming a table, then running text, then some other ruled box: not that table."""
    story = Story().line("部门预算收支总表", 14).line("本部门本年度收支情况如下文所述，不另列表。")
    story.table([["名称", "数量"], ["办公桌", "3"]])
    story.line("部门预算一般公共预算财政拨款支出表").table([
        ["序号", "科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["1", "", "合计", "1.00", "1.00", ""],
    ])
    doc = extract_document(story.render())
    assert [t.type for t in doc.tables] == ["general_budget_expenditure"]


def test_narrative_paragraph_keeps_a_figure_wrapped_to_the_next_line() -> None:
    """The wrap before an unbreakable figure leaves a ragged line; the paragraph goes on."""
    import io

    import pdfplumber
    from reportlab.pdfgen import canvas

    from tasks.extract.narrative import build_narrative
    from tasks.extract.pages import read_page
    from tasks.extract.settings import ExtractSettings
    from tests.extract.pdfs import register_font

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.setFont(register_font(), 12)
    for y, text in [
        (760, "1、支出说明"),
        (740, "本年支出预算安排如下，其中基本支出用于人员和日常运转的各项开支，"),  # the full width
        (722, "包括人员经费和日常公用经费以及其他运转开支另有项目支出"),  # 5 characters short: a wrap
        (704, "1234.50 万元，主要用于专项工作。"),
        (686, "2、比上年增减情况"),
    ]:
        c.drawString(72, y, text)
    c.showPage()
    c.save()
    settings = ExtractSettings()
    with pdfplumber.open(io.BytesIO(out.getvalue())) as pdf:
        lines = read_page(pdf.pages[0], settings).lines
    blocks = build_narrative(lines, slack=settings.paragraph_slack, short_line=settings.paragraph_short_line)
    paragraphs = blocks[0].text.split("\n")
    assert paragraphs[0] == "1、支出说明" and paragraphs[-1] == "2、比上年增减情况"
    assert len(paragraphs) == 3
    assert paragraphs[1].endswith("另有项目支出1234.50万元，主要用于专项工作。")


def test_grid_without_its_outside_border() -> None:
    """Word processors' "no outside border" styles: the outer rows and columns still count."""
    story = Story().line("部门预算收入总表", 14)
    story.table(REVENUE_HEADER + revenue_rows(4), REVENUE_SPANS, REVENUE_WIDTHS, frame=False)
    table = extract_document(story.render()).table("revenue_by_function")
    assert table is not None
    assert [r["line_no"] for r in table.records] == [1, 2, 3, 4]
    assert all(r["prior_year_carryover"] is None for r in table.records)  # the rightmost column is there
    assert table.records[-1]["total"] == Decimal("6.00")


def test_budget_row_cut_by_a_page_break_and_purpose_opening_the_next_page() -> None:
    """The 预算规模 row's labels wrap and break (``其中：财政资`` / ``金``); a purpose starting
    with a year opens the next page (it is not a ``901 XX局`` page-header line)."""
    widths = [80, 70, 80, 80, 70, 70, 10]
    top = [
        ["项目编码", "990001260000000004", "", "项目名称", "示例经费", "", ""],
        ["预算规模", "预算数", "12.00", "其中：财政资", "12.00", "其他资金", ""],
    ]
    rest = [
        ["及资金用途", "", "", "金", "", "", ""],
        ["", "2026 年示例专项资金", "", "", "", "", ""],
        ["资金支出计划（%）", "3月底", "6月底", "", "10月底", "12月底", ""],
        ["", "", "", "", "", "100%", ""],
    ]
    top_spans = [((1, 0), (2, 0)), ((4, 0), (6, 0))]
    rest_spans = [((1, 1), (6, 1)), ((2, 2), (3, 2)), ((2, 3), (3, 3)), ((5, 2), (6, 2)), ((5, 3), (6, 3))]
    story = Story().line("4.示例经费绩效目标表").table(top, top_spans, widths).page_break()
    story.table(rest, rest_spans, widths)
    record = extract_document(story.render()).table("project_performance").records[0]
    assert (record["budget_total"], record["fiscal_funds"]) == (Decimal("12.00"), Decimal("12.00"))
    assert record["purpose"] == "2026 年示例专项资金"
    assert record["plan_dec"] == 100


def test_month_row_cut_by_a_page_break_keeps_waiting_for_its_values() -> None:
    widths = [80, 70, 80, 80, 70, 70, 10]
    top = [["项目编码", "990001260000000005", "", "项目名称", "示例经费", "", ""],
           ["资金支出计", "3月底", "6月底", "", "10月底", "12月底", ""]]
    rest = [["划（%）", "", "", "", "", "", ""],  # the cut row's remainder: only its label goes on
            ["", "", "20%", "", "50%", "100%", ""],
            ["绩效目标", "1.完成示例工作", "", "", "", "", ""]]
    spans = [((1, 0), (2, 0)), ((4, 0), (6, 0))]
    month_spans = [((2, 1), (3, 1)), ((5, 1), (6, 1))]
    rest_spans = [((2, r), (3, r)) for r in range(2)] + [((5, r), (6, r)) for r in range(2)]
    rest_spans.append(((1, 2), (6, 2)))
    story = Story().line("5.示例经费绩效目标表").table(top, spans + month_spans, widths).page_break()
    story.table(rest, rest_spans, widths)
    record = extract_document(story.render()).table("project_performance").records[0]
    assert [record[k] for k in ("plan_mar", "plan_jun", "plan_oct", "plan_dec")] == [None, 20, 50, 100]
    assert record["goals"] == "1.完成示例工作"


def test_project_name_cut_by_a_page_break() -> None:
    widths = [80, 70, 80, 80, 70, 70, 10]
    top = [["项目编码", "990001260000000006", "", "项目名称", "提前下达的示例省级", "", ""]]
    rest = [["", "", "", "", "专项补助资金", "", ""],
            [para("预算规模及资金用途"), "预算数", "3.00", "其中：财政资金", "3.00", "其他资金", ""]]
    spans = [((1, 0), (2, 0)), ((4, 0), (6, 0))]
    story = Story().line("6.示例经费绩效目标表").table(top, spans, widths).page_break()
    story.table(rest, spans, widths)
    record = extract_document(story.render()).table("project_performance").records[0]
    assert record["project_name"] == "提前下达的示例省级专项补助资金"
    assert record["project_code"] == "990001260000000006"
    assert record["budget_total"] == Decimal("3.00")


def test_frameless_table_whose_last_row_is_alone_on_the_next_page() -> None:
    """One frameless row has column rules only; its outer columns still hold data."""
    rows = revenue_rows(4)
    story = Story().line("部门预算收入总表", 14)
    story.table(REVENUE_HEADER + rows[:3], REVENUE_SPANS, REVENUE_WIDTHS, frame=False).page_break()
    story.table(rows[3:], widths=REVENUE_WIDTHS, frame=False)
    table = extract_document(story.render()).table("revenue_by_function")
    assert table is not None and table.pages == [1, 2]
    assert [r["line_no"] for r in table.records] == [1, 2, 3, 4]
    assert table.records[-1]["code"] == "204"


def test_text_where_the_finder_missed_a_border_is_kept() -> None:
    """A cell whose left rule is missing is no cell to the table finder; its words still count."""
    from reportlab.platypus import Table, TableStyle

    from tests.extract.pdfs import register_font

    rows = [["序号", "科目编码", "科目名称", "合计"], ["1", "", "合计", "3.00"],
            ["2", "201", "示例支出", "3.00"]]
    table = Table(rows, colWidths=[40, 60, 120, 60])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), register_font(), 9),
        ("LINEABOVE", (0, 0), (-1, -1), 0.5, "black"), ("LINEBELOW", (0, -1), (-1, -1), 0.5, "black"),
        ("LINEAFTER", (0, 0), (-1, -1), 0.5, "black"),
        ("LINEBEFORE", (0, 0), (0, 1), 0.5, "black"),  # no left rule on the last row
    ]))
    story = Story().line("部门预算一般公共预算财政拨款支出表")
    story.items.append(table)
    records = extract_document(story.render()).table("general_budget_expenditure").records
    assert [(r["line_no"], r["code"]) for r in records] == [(1, None), (2, "201")]
