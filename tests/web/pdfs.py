"""A one-project 绩效目标表 PDF whose 12月底 plan cell is printed wrong (a real validation error).

Built with the synthetic-PDF helpers of the extractor tests (reportlab, built-in CID font), so
the review app is exercised on a file the real pipeline reads, fails and can be corrected.
"""

from __future__ import annotations

import copy
from xml.sax.saxutils import escape

from tests.extract.pdfs import Story
from tests.extract.test_synthetic import project_rows

PROJECT_CODE = "90100126P00000000012X"


def plan_pdf(department: str, plan_dec: str = "8.00", project: str = "示例专项经费") -> bytes:
    """``department``'s 绩效目标表: 10月底 80 %, 12月底 ``plan_dec`` (8.00 → projects.plan_order error)."""
    rows, spans = project_rows()
    rows = copy.deepcopy(rows)
    rows[0][1] = PROJECT_CODE
    rows[0][4] = project  # a plain table cell: printed literally, markup included
    rows[4] = ["", "10%", "30%", "", "80%", plan_dec, ""]
    name = escape(department)  # reportlab paragraphs read markup; the PDF must print it literally
    story = Story().line(f"{name}2026年部门预算绩效文本", 16).space(20)
    story.line("1、示例专项经费绩效目标表").line(f"901001 {name}本级").line("单位：万元")
    story.table(rows, spans, [80, 70, 80, 80, 70, 70, 10])
    return story.render()
