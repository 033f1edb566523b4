"""The pure steps, specified one by one: numbers, targets, plan cells, text, titles, sniffing, headers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.extract.header import column_labels, count_header_rows, map_columns
from tasks.extract.numbers import parse_amount, parse_int
from tasks.extract.pages import Cell, RawTable, build_grid
from tasks.extract.plan import parse_plan_percent
from tasks.extract.sniff import sniff_format
from tasks.extract.stitch import stitch_rows
from tasks.extract.targets import parse_target
from tasks.extract.text import clean_text
from tasks.extract.titles import match_title

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


# numbers ---------------------------------------------------------------------------------------
@given(amounts)
def test_amount_round_trips_with_and_without_thousands_separators(value: Decimal) -> None:
    assert parse_amount(f"{value:.2f}") == value
    assert parse_amount(f"{value:,.2f}") == value
    assert parse_amount(f" {value:,.2f} \n") == value


@pytest.mark.parametrize("blank", ["", "  ", None, "-", "—", "－"])
def test_blank_amount_is_null_not_zero(blank: str | None) -> None:
    assert parse_amount(blank) is None


def test_text_in_an_amount_column_is_an_error_not_a_null() -> None:
    with pytest.raises(ValueError):
        parse_amount("合计")


def test_line_numbers() -> None:
    assert parse_int(" 12 ") == 12
    assert parse_int("") is None and parse_int("栏次") is None


# targets ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥95%", (">=", Decimal(95), "%")),
        ("≤131.4 万元", ("<=", Decimal("131.4"), "万元")),
        ("100%", ("=", Decimal(100), "%")),
        ("＞90％", (">", Decimal(90), "%")),
        ("<5 天", ("<", Decimal(5), "天")),
        ("238 个", ("=", Decimal(238), "个")),
        ("保障当年完成年度工作计划", (None, None, None)),
        ("≤预算批复金额", (None, None, None)),
        ("12 月底之前", ("<=", Decimal(12), "月底")),
        ("", (None, None, None)),
    ],
)
def test_target_examples(text: str, expected: tuple) -> None:
    assert tuple(parse_target(text))[:3] == expected


ops = st.sampled_from([("≥", ">="), ("≤", "<="), (">", ">"), ("<", "<"), ("", "=")])
units = st.sampled_from(["%", "万元", "人", "个", "次", "人次", "平方米", ""])


@given(ops, amounts, units, st.sampled_from(["", " "]))
def test_target_parse_recovers_sign_number_and_unit(op: tuple[str, str], value: Decimal, unit: str,
                                                    gap: str) -> None:
    parsed = parse_target(f"{op[0]}{value}{gap}{unit}")
    assert parsed.op == op[1]
    assert parsed.value == value
    assert parsed.unit == (unit or None)


@given(st.text(alphabet="保障完成计划年度工作效益提升明显", min_size=1, max_size=20))
def test_qualitative_targets_have_no_number(text: str) -> None:
    assert parse_target(text) == (None, None, None, None)


# plan percentages ------------------------------------------------------------------------------
@given(st.integers(min_value=0, max_value=100))
def test_plan_percent_with_or_without_sign(value: int) -> None:
    assert parse_plan_percent(f"{value}%") == value
    assert parse_plan_percent(f"{value}.00") == value
    assert parse_plan_percent("") is None


# text ------------------------------------------------------------------------------------------
def test_wrapped_cjk_is_one_value_and_other_whitespace_collapses() -> None:
    assert clean_text("社会效益指 标") == "社会效益指标"
    assert clean_text("很长的科目名称需要换\n行显示") == "很长的科目名称需要换行显示"
    assert clean_text("  Office   2019 \n 版 ") == "Office 2019 版"


# titles ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "slug", "seq"),
    [
        ("部门预算收支总表", "revenue_expenditure_summary", None),
        ("部门预算财政拨款收支总表", "fiscal_appropriation_summary", None),
        ("部门预算一般公共预算财政拨款基本支出表", "general_budget_basic_expenditure", None),
        ("部门预算一般公共预算财政拨款支出表", "general_budget_expenditure", None),
        ("部门预算财政拨款\u201c三公\u201d经费支出表", "three_public_expenditure", None),
        ("部门预算财政拨款\"三公\"经费支出表", "three_public_expenditure", None),
        ("3、2024年某项经费绩效目标表", "project_performance", 3),
        ("16.25 年某某补助绩效目标表", "project_performance", 16),
        ("部 门 预 算 收 入 总 表", "revenue_by_function", None),
    ],
)
def test_titles(line: str, slug: str, seq: int | None) -> None:
    match = match_title(line)
    assert match is not None and (match.slug, match.seq) == (slug, seq)


@pytest.mark.parametrize(
    "line",
    [
        "部门预算收支总表 1",  # table-of-contents entry with its page number
        "3.2025 年招聘经费绩效目标表..... 13",
        "收支预算总表支出栏、基本支出表按经济分类编制，反映部门预算收支总表。",
        "七、部门项目预算安排情况及绩效目标",
    ],
)
def test_lines_that_are_not_titles(line: str) -> None:
    assert match_title(line) is None


def test_project_title_keeps_the_text_after_its_number() -> None:
    match = match_title("2.2025 年招聘经费绩效目标表")
    assert match is not None and match.title == "2025年招聘经费绩效目标表"


# sniffing --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\xef\xbb\xbf%PDF-1.4", "pdf"),
        (b"", "empty"),
        (b"  \n", "empty"),
        (b"<!DOCTYPE html><html>", "html"),
        (b"\n<html lang=zh>", "html"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "xls"),
        (b"GIF89a", "unknown"),
    ],
)
def test_sniff_by_content(data: bytes, kind: str) -> None:
    assert sniff_format(data) == kind


# header and stitching on hand-made grids ----------------------------------------------------
def grid(rows: list[list[str | None]], page: int = 1, width: float = 50, height: float = 20) -> RawTable:
    """Cells on a regular grid; ``None`` continues the cell to the left (a horizontal merge)."""
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                last = cells[-1]
                last.bbox = (last.bbox[0], last.bbox[1], (c + 1) * width, last.bbox[3])
                continue
            cells.append(Cell(text=text, bbox=(c * width, r * height, (c + 1) * width, (r + 1) * height)))
    return build_grid(cells, page, (0, 0, len(rows[0]) * width, len(rows) * height))


def test_group_label_spanning_columns_reaches_every_column_under_it() -> None:
    table = grid([
        ["序号", "本年收入", None, "合计"],
        ["", "小计", "财政拨款收入", ""],
        ["栏次", "1", "2", "3"],
        ["1", "5.00", "5.00", "5.00"],
    ])
    assert count_header_rows(table, "revenue_by_function") == 3
    labels = column_labels(table, 3)
    assert labels[2] == ["本年收入", "财政拨款收入"]
    mapping = map_columns(labels, "revenue_by_function", two_sided=False)
    fields = [mapping[c][1] for c in range(4)]
    assert fields == ["line_no", "current_year_subtotal", "fiscal_appropriation", "total"]


def test_two_sided_header_without_side_row_splits_at_the_second_item_column() -> None:
    table = grid([["序号", "项目", "预算数", "项目", "预算数"], ["1", "甲", "1.00", "乙", "2.00"]])
    mapping = map_columns(column_labels(table, 1), "revenue_expenditure_summary", two_sided=True)
    assert list(mapping.values()) == [(None, "line_no"), ("revenue", "item"), ("revenue", "amount"),
                                      ("expenditure", "item"), ("expenditure", "amount")]


def test_repeated_headers_and_numbering_rows_are_dropped_when_stitching() -> None:
    header = [["序号", "科目编码", "科目名称", "合计"], ["栏次", "1", "2", "3"]]
    page1 = grid([*header, ["1", "", "合计", "3.00"], ["2", "201", "甲", "1.00"]], page=1)
    page2 = grid([*header, ["3", "202", "乙", "2.00"]], page=2)
    rows = stitch_rows([page1, page2], "general_budget_expenditure", two_sided=False)
    assert [r.values[(None, "line_no")] for r in rows] == ["1", "2", "3"]
    assert rows[-1].pages == [2]


# metadata --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("902 示例县某某局", ("902", "示例县某某局")),
        ("901示例县某某局", ("901", "示例县某某局")),
        ("单位名称：示例县某某局", (None, "示例县某某局")),
        ("单位：万元", None),
        ("预算年度：2025", None),
        ("截止时间：2024-12-31", None),
    ],
)
def test_department_line(line: str, found: tuple | None) -> None:
    from tasks.extract.metadata import department_line

    assert department_line(line) == found


def test_unmapped_glyphs() -> None:
    from tasks.extract.pages import is_unmapped_glyph

    assert is_unmapped_glyph("(cid:123)") and is_unmapped_glyph("\ue012") and is_unmapped_glyph("\ufffd")
    assert not is_unmapped_glyph("预") and not is_unmapped_glyph("5")


@pytest.mark.parametrize(
    ("label", "field"),
    [("一级指标", "level1"), ("绩效指标描述", "description"), ("指标值", "target"),
     ("指标值（包含数字及文字描述）", "target"), ("指标值确定依据", "basis"), ("指标值设定依据", "basis"),
     ("社会效益指标", None)],
)
def test_indicator_header_variants(label: str, field: str | None) -> None:
    from tasks.extract.project import indicator_field
    from tasks.extract.text import label_key

    assert indicator_field(label_key(label)) == field


@pytest.mark.parametrize(("member", "kind"), [("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"),
                                              ("mimetype", "unknown")])
def test_sniff_office_zip_containers_by_their_members(member: str, kind: str) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<x/>")
    assert sniff_format(buffer.getvalue()) == kind


@pytest.mark.parametrize(
    ("line", "title"),
    [("表9部门预算财政拨款“三公”经费支出表", "部门预算财政拨款“三公”经费支出表"),
     ("附表1：部门预算收支总表", "部门预算收支总表"),
     ("附表五 部门预算收入总表", "部门预算收入总表"),
     ("表彰经费绩效目标表", "表彰经费绩效目标表")],  # 表 starting a word is not a table number
)
def test_table_numbers_are_not_part_of_the_title(line: str, title: str) -> None:
    match = match_title(line)
    assert match is not None and match.title == title
