"""部门决算 through the whole pipeline: real Prefect API, real SQLite file, the real published PDFs.

A published 决算 is extracted into the nine 决算 types and validated; the 0.01 万元 contradictions
it really prints (sh-shgzb p13: 人员经费合计 + 公用经费合计 = 105.59 against 基本支出 105.58, and
302 printed 10.23 against its items' 10.22) send it to review with those findings, and a waive
stores its records. The blank template beside it ends ``template_document`` and stores nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from budget_etl.review_actions import waive_item
from budget_etl.settings import use_settings
from flows.run_files import run_files
from storage.models import DocumentVersion, FindingRow, GeneralBudgetBasicExpenditureFinal, ReviewItem
from storage.repository import Repository

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
FINAL = REAL / "sh-shgzb-2024-final.pdf"
TEMPLATE = REAL / "sh-final-template.pdf"


def test_a_published_final_accounts_is_reviewed_for_what_it_prints_and_a_template_is_not_data(
    prefect_api, flow_settings, repo: Repository
) -> None:
    with use_settings(flow_settings):
        summary = run_files(inputs=[str(FINAL), str(TEMPLATE)])
    by_file = {Path(o.source_url or "").name: o for o in summary.outcomes}
    final, template = by_file[FINAL.name], by_file[TEMPLATE.name]
    assert (final.status, final.stage, final.reason) == ("in_review", "validate", "validation_errors")
    assert (template.status, template.stage, template.reason) == ("in_review", "extract", "template_document")
    with repo.engine.connect() as conn:
        item = conn.execute(select(ReviewItem).where(ReviewItem.id == final.review_item_id)).one()
        checks = sorted(
            (check, tuple(pages or ()))
            for check, pages in conn.execute(
                select(FindingRow.check, FindingRow.pages).where(
                    FindingRow.review_item_id == item.id, FindingRow.severity == "error"
                )
            ).tuples()
        )
    assert checks == [  # both on p13, both printed by the department
        ("final_accounts.basic_expenditure", (13,)),
        ("hierarchy.sum_of_children", (13,)),
    ], checks

    with use_settings(flow_settings):
        waive_item(final.review_item_id, reason="rounding the department printed", actor="test",
                   settings=flow_settings)
    with repo.engine.connect() as conn:
        states = conn.execute(select(DocumentVersion.state)).scalars().all()
        count = select(func.count()).select_from(GeneralBudgetBasicExpenditureFinal)
        basic_rows = conn.execute(count).scalar()
    assert states == ["waived"]  # the template never became a version
    assert basic_rows == 67  # the golden's 67 records of p13
