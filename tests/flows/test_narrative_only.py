"""A real explanation published apart from its tables goes through the pipeline as a normal outcome.

Real Prefect API, a real SQLite file and the real Jiangsu PDFs of ``tests/fixtures/real``: the
narrative-only file is accepted (not sent to review as ``no_budget_tables``) and stored as a
document of its own with the figures its 情况说明 states, linked both ways with its tables file.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from budget_etl.settings import use_settings
from flows.run_files import run_files
from storage.models import Document, DocumentCompanion, DocumentVersion, NarrativeFigure, ReviewItem
from storage.repository import Repository

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
EXPLANATION = REAL / "js-rd-2019-narrative.pdf"  # MANIFEST: narrative only, tables attached separately
TABLES = REAL / "js-rd-2019-tables.pdf"


def test_a_narrative_only_file_is_accepted_with_its_figures(
    prefect_api, flow_settings, repo: Repository
) -> None:
    with use_settings(flow_settings):
        summary = run_files(inputs=[str(EXPLANATION), str(TABLES)])
    by_file = {Path(o.source_url or "").name or o.sha256: o for o in summary.outcomes}
    statuses = sorted(o.status for o in summary.outcomes)
    assert "failed" not in statuses, [(o.status, o.reason, o.message) for o in summary.outcomes]
    with repo.engine.connect() as conn:
        documents = conn.execute(select(Document.narrative_only, Document.id)).all()
        explanation_id = next(i for narrative_only, i in documents if narrative_only)
        states = (
            conn.execute(select(DocumentVersion.state).where(DocumentVersion.document_id == explanation_id))
            .scalars()
            .all()
        )
        figures = dict(
            conn.execute(
                select(NarrativeFigure.label, NarrativeFigure.value_wan)
                .join(DocumentVersion, DocumentVersion.id == NarrativeFigure.version_id)
                .where(DocumentVersion.document_id == explanation_id)
            ).all()
        )
        reasons = conn.execute(select(ReviewItem.reason)).scalars().all()
        links = set(
            conn.execute(select(DocumentCompanion.document_id, DocumentCompanion.companion_id)).tuples()
        )
    assert states == ["accepted"], by_file
    assert "no_budget_tables" not in reasons
    assert len(documents) == 2  # the explanation and the tables are two logical documents
    tables_id = next(i for narrative_only, i in documents if not narrative_only)
    assert links == {(explanation_id, tables_id), (tables_id, explanation_id)}  # one publication
    # the explanation states the year's spending and its split (page 9/11 of the PDF)
    assert figures["支出预算"] == Decimal("18330.37")
    assert figures["基本支出"] == Decimal("9312.9")
    assert figures["项目支出"] == Decimal("6459.58")
