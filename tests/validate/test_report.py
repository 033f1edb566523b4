"""The HTML report a reviewer opens offline: findings beside their rows, offending cells marked."""

from __future__ import annotations

import re
from decimal import Decimal

from tasks.validate import render_html_report, validate_document
from tests.validate.defects import project, row, set_cells


def test_report_shows_each_finding_beside_its_row_with_the_cell_marked(golden) -> None:
    doc = golden("001")
    set_cells(row(doc, "expenditure_by_function", 5), total="150.00", project="150.00")
    doc.tables[2].pages = [5]
    findings = validate_document(doc)
    html = render_html_report(doc, findings)

    table_html = html.split('<details id="t2"')[1].split("</details>")[0]
    line3 = next(r for r in table_html.split("<tr") if "<td>3</td>" in r and "20801" in r)
    assert 'class="error"' in line3
    assert line3.count('class="num bad"') == 2  # total and project of 款 20801
    assert "hierarchy.sum_of_children" in line3
    assert "expected 1952.78, found 1948.78" in line3
    assert "page 5" in line3
    assert "(expenditure_by_function, page 5; 单位：万元) — 2 errors, 0 warnings" in html
    assert '<details id="t2" open>' in html  # tables with findings are unfolded, clean ones folded
    assert '<details id="t0">' in html
    assert '<a href="#t2">部门预算支出总表</a>: 2 errors, 0 warnings' in html


def test_report_is_self_contained(golden) -> None:
    doc = golden("004")
    html = render_html_report(doc, validate_document(doc))
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"src\s*=|href\s*=\s*\"(?!#)|https?://|@import|url\(|<script", html)
    assert project(doc, 0)["project_code"] in html


def test_document_level_findings_are_listed_first(golden) -> None:
    doc = golden("001")
    doc.tables = [t for t in doc.tables if t.type != "state_capital_expenditure"]
    project(doc, 0)["budget_total"] = Decimal(81)
    html = render_html_report(doc, validate_document(doc))
    document_part = html.split("<h2>Document</h2>")[1].split("<h2>")[0]
    assert "completeness.standard_tables" in document_part


def test_no_finding_is_left_out_of_the_report(golden) -> None:
    from budget_etl.findings import Finding, Severity

    doc = golden("001")
    stray = Finding(
        "hierarchy.sum_of_children",
        Severity.ERROR,
        "row 999 is wrong",
        table="expenditure_by_function",
        line_no=999,
    )
    html = render_html_report(doc, [stray])
    assert "row 999 is wrong" in html.split('<details id="t2"')[1].split("</details>")[0]


def test_a_finding_on_a_two_sided_line_shows_on_its_own_side(golden) -> None:
    doc = golden("001")
    set_cells(row(doc, "revenue_expenditure_summary", 10, "expenditure"), amount="161.00")
    html = render_html_report(doc, validate_document(doc))
    section = html.split('<details id="t0"')[1].split("</details>")[0]
    rows = [r for r in section.split("<tr") if "<td>32</td>" in r]
    revenue, expenditure = (next(r for r in rows if side in r) for side in ("本年收入合计", "本年支出合计"))
    assert "two_sided.items_sum" in expenditure
    assert "two_sided.items_sum" not in revenue


def test_report_shows_units_extra_columns_other_tables_and_empty_notes(golden) -> None:
    from budget_etl.document import ExtractedTable

    doc = golden("001")
    spending = doc.table("expenditure_by_function")
    assert spending is not None
    spending.unit = "元"
    spending.records[0]["extra"] = {"单位预留机动经费": "12.50"}
    doc.tables.append(
        ExtractedTable("other", "机关运行经费预算表", [14], [{"cells": ["机关运行经费", "3500.00"]}])
    )
    doc.tables.append(
        ExtractedTable("government_procurement", "政府采购预算表", [15], [], empty_note="本表无数据")
    )
    html = render_html_report(doc, [])
    assert "(expenditure_by_function, page ; 单位：元)" in html  # the golden carries no pages
    assert "<td>单位预留机动经费: 12.50</td>" in html
    assert "<td>机关运行经费 | 3500.00</td>" in html
    assert "(empty table: 本表无数据)" in html
