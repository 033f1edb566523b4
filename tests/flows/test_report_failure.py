"""A validation report that cannot be written never costs a document its records (issue 12 made the
report a plain call inside the document's run instead of a task run of its own)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from budget_etl.settings import use_settings
from flows.run_files import run_files
from tests.flows.conftest import corpus_pdfs

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def test_a_document_whose_report_cannot_be_written_is_still_accepted_without_a_report(
    prefect_api, flow_settings, repo, tmp_path
):
    blocked = tmp_path / "reports-is-a-file"
    blocked.write_text("a file where the reports folder should be", encoding="utf-8")
    settings = flow_settings.model_copy(update={"reports_dir": blocked / "reports"})
    pdf = corpus_pdfs()[0]

    with use_settings(settings):
        summary = run_files([str(pdf)])

    [outcome] = summary.outcomes
    assert outcome.status == "accepted", outcome
    assert outcome.report_uri is None
    with repo.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM document_versions")).scalar() == 1


def test_a_document_gets_its_report_when_the_folder_is_writable(prefect_api, flow_settings, tmp_path):
    pdf = corpus_pdfs()[0]

    with use_settings(flow_settings):
        summary = run_files([str(pdf)])

    [outcome] = summary.outcomes
    assert outcome.report_uri is not None
    report = flow_settings.resolved_reports_dir() / f"{outcome.sha256}.html"
    assert str(report) == outcome.report_uri and "<html" in report.read_text(encoding="utf-8").lower()
