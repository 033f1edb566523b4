"""Perturbation tests of the 绩效目标表 reader: one project, drawn many ways, one record.

Each test draws the same made-up project (tests/extract/forms.py, reportlab with the built-in
CID font STSong-Light) with one perturbation real templates show — a label synonym from the
vocabulary, spaced or wrapped labels, a title over 1–3 lines, a page break between or inside
indicator rows — and asserts the extracted record equals the one stated from the project's data.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from budget_etl.vocabulary import load
from tasks.extract import extract_document
from tests.extract.forms import (
    DEFAULT_LABELS,
    FormStyle,
    expected_department_record,
    expected_record,
    render_department_form,
    render_form,
    sample_department,
    sample_project,
    wrap,
)

PROJECT = sample_project()
EXPECTED = expected_record(PROJECT)
LABELS = load("form_labels")["fields"]
_AMOUNTS = ("budget_total", "fiscal_funds", "other_funds")


def read_record(pdf: bytes, table_type: str = "project_performance") -> dict[str, Any]:
    tables = extract_document(pdf).tables
    assert [t.type for t in tables] == [table_type]
    (record,) = tables[0].records
    return {k: v for k, v in record.items() if k not in ("pages", "bbox")}


def synonyms() -> list[tuple[str, str]]:
    cases = [(name, label) for name in DEFAULT_LABELS for label in LABELS[name]]
    cases += [(name, f"{label}（万元）") for name in _AMOUNTS for label in LABELS[name][:2]]
    cases += [("project_name", "项目名称（全称）"), ("fiscal_funds", "其中：一般公共预算")]
    return cases


@pytest.mark.parametrize(("field", "label"), synonyms())
def test_every_label_synonym_gives_the_same_record(field: str, label: str) -> None:
    assert read_record(render_form(PROJECT, FormStyle(labels={field: label}))) == EXPECTED


@pytest.mark.parametrize(("spaced", "wrapped"), [(True, False), (False, True), (True, True)])
def test_spaced_and_wrapped_labels(spaced: bool, wrapped: bool) -> None:
    labels = {"project_code": "项目编号", "budget_total": "年度资金总额（万元）", "goals": "项目年度绩效目标"}
    style = FormStyle(labels=labels, spaced=spaced, wrapped=wrapped)
    assert read_record(render_form(PROJECT, style)) == EXPECTED


@pytest.mark.parametrize("lines", [1, 2, 3])
def test_a_numbered_title_over_one_to_three_lines_keeps_its_seq(lines: int) -> None:
    record = read_record(render_form(PROJECT, FormStyle(title_lines=lines)))
    assert (record["seq"], record["title"]) == (PROJECT.seq, PROJECT.title)
    assert record == EXPECTED


@pytest.mark.parametrize("after", range(1, len(PROJECT.indicators)))
def test_page_break_between_indicator_rows(after: int) -> None:
    # row 1 | row 2 is 数量 | 质量: level-2 names that do not end in 指标 must not merge
    assert read_record(render_form(PROJECT, FormStyle(break_after=after))) == EXPECTED


def _rows_that_wrap() -> list[int]:
    from tests.extract.forms import COLUMNS

    widths = (COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4], COLUMNS[5] + COLUMNS[6])
    return [
        k
        for k, ind in enumerate(PROJECT.indicators)
        if any(
            len(wrap(text, w)) > 1
            for text, w in zip(
                (ind.level1, ind.level2, ind.level3, ind.description, ind.target, ind.basis),
                widths,
                strict=True,
            )
        )
    ]


@pytest.mark.parametrize("row", _rows_that_wrap())
def test_page_break_inside_an_indicator_row(row: int) -> None:
    assert read_record(render_form(PROJECT, FormStyle(break_after=row, cut_row=True))) == EXPECTED


def test_all_perturbations_at_once() -> None:
    style = FormStyle(
        labels={
            "project_code": "项目代码",
            "budget_total": "项目总金额",
            "fiscal_funds": "其中：一般公共预算",
            "goals": "年度目标",
        },
        spaced=True,
        wrapped=True,
        title_lines=3,
        break_after=4,
        cut_row=True,
    )
    assert read_record(render_form(PROJECT, style)) == EXPECTED


def test_a_different_project_is_a_different_record() -> None:
    """The comparison is not vacuous: another project's data gives another record."""
    other = replace(PROJECT, project_code="13099925P00099990001L", indicators=PROJECT.indicators[:2])
    record = read_record(render_form(other))
    assert record == expected_record(other) and record != EXPECTED


def test_department_wide_form_is_its_own_type() -> None:
    form = sample_department()
    assert read_record(render_department_form(form), "department_performance") == expected_department_record(
        form
    )


def test_an_amount_that_is_not_a_number_is_reported_not_nulled_silently() -> None:
    doc = extract_document(
        render_form(replace(PROJECT, budget_total="待定", plan=("25%", "过半", "75%", "100%")))
    )
    (record,) = doc.tables[0].records
    assert (record["budget_total"], record["plan_jun"], record["fiscal_funds"]) == (
        None,
        None,
        EXPECTED["fiscal_funds"],
    )
    reported = {(f.check, f.table, f.field, f.actual) for f in doc.findings}
    assert reported == {
        ("extract.amount_not_number", "project_performance", "budget_total", "待定"),
        ("extract.amount_not_number", "project_performance", "plan_jun", "过半"),
    }
