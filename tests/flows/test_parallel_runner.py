"""Documents processed many at once (``Settings.runner``) lose nothing and duplicate nothing (issue 12).

Real parts: the session's Prefect API, Prefect's own ``ProcessPoolTaskRunner``, a real SQLite
file, the corpus PDFs. The same file given twice runs twice at the same time — the storage layer
must keep one version of it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from budget_etl.settings import use_settings
from flows.run_files import run_files
from flows.states import IN_REVIEW
from tests.flows.conftest import corpus_pdfs
from tests.flows.prefect_reads import child_flow_runs

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def test_a_parallel_batch_processes_every_input_once_and_keeps_one_version_per_file(
    prefect_api, flow_settings, repo, tmp_path, not_a_budget_pdf
):
    pdfs = corpus_pdfs()[:3]
    bad = tmp_path / "not-a-budget.pdf"
    bad.write_bytes(not_a_budget_pdf)
    missing = tmp_path / "missing.pdf"
    inputs = [str(p) for p in pdfs] + [str(bad), str(pdfs[0]), str(missing)]
    settings = flow_settings.model_copy(update={"runner": "processes", "runner_workers": 2})

    with use_settings(settings):
        state = run_files(inputs, return_state=True)

    summary = state.result()
    statuses = [o.status for o in summary.outcomes]
    assert statuses == ["accepted"] * 3 + ["in_review", "accepted", "failed"], summary.outcomes
    assert [o.source_url for o in summary.outcomes[:3]] == [p.resolve().as_uri() for p in pdfs]
    with repo.engine.connect() as connection:
        versions = connection.execute(text(
            "SELECT sha256, count(*) FROM document_versions GROUP BY sha256")).all()
    assert sorted(sha for sha, _ in versions) == sorted({o.sha256 for o in summary.outcomes[:3]})
    assert all(count == 1 for _, count in versions), "a file processed twice at once is stored once"
    assert len(repo.list_reviews("open")) == 2  # the unreadable document and the missing path

    documents = child_flow_runs(state.state_details.flow_run_id)  # one process-document run each
    assert len(documents) == 5, [r.name for r in documents]  # every stored input, the duplicate too
    assert sorted(r.state.name for r in documents) == ["Completed"] * 4 + [IN_REVIEW]
    assert all(any(t.startswith("outcome:") for t in r.tags) for r in documents)
