"""Documents processed many at once (``Settings.runner``) lose nothing and duplicate nothing (issue 12);
each is a task run named after it, in the batch's run or in a ``process-documents`` run of the pool.

Real parts: the session's Prefect API, Prefect's own ``ProcessPoolTaskRunner``, a real SQLite
file, the corpus PDFs. The same file given twice runs twice at the same time — the storage layer
must keep one version of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.variables import Variable
from sqlalchemy import text

from budget_etl.deploy import apply_prefect_file
from budget_etl.settings import use_settings
from flows.ingest import ingest
from flows.run_files import run_files
from flows.states import IN_REVIEW
from tests.fetch.faulty_server import Serve
from tests.flows.conftest import corpus_pdfs, listing_page, publisher, write_sources
from tests.flows.prefect_reads import child_flow_runs, task_runs

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

    # each document a task run named after it (no sub-flow: ~15 blocking API calls fewer per document)
    assert child_flow_runs(state.state_details.flow_run_id) == []
    names = {o.sha256: f"cli-{o.sha256[:8]}" for o in summary.outcomes[:5]}
    documents = finished_task_runs(state.state_details.flow_run_id, set(names.values()))
    assert sorted(r.name for r in documents) == sorted(names[o.sha256] for o in summary.outcomes[:5])
    assert sorted(r.state.name for r in documents) == ["Completed"] * 4 + [IN_REVIEW]
    [review] = [r for r in documents if r.state.name == IN_REVIEW]
    assert review.name == names[summary.outcomes[3].sha256] and "review item #" in review.state.message
    assert not any(r.tags for r in documents), "an untagged task run costs no concurrency-slot call"


def finished_task_runs(run_id, names: set[str], timeout_s: float = 20) -> list:
    """The run's task runs with these names once all are final (task states are recorded from events)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = [t for t in task_runs(run_id) if t.name in names]
        if (len(found) >= len(names) and all(t.state and t.state.is_final() for t in found)) or (
            time.monotonic() > deadline
        ):
            return found
        time.sleep(0.5)


def test_a_batch_fans_its_documents_out_to_the_work_pool_as_deployment_runs(
    prefect_api, server, flow_settings, repo, tmp_path
):
    root = Path(__file__).resolve().parents[2]
    pdfs = corpus_pdfs()[:2]
    for i, pdf in enumerate(pdfs):
        server.script(f"/docs/{i}.pdf", Serve(pdf.read_bytes()))
    links = {f"doc {i}": f"{i}.pdf" for i in range(len(pdfs))}
    server.script("/docs/", Serve(listing_page(links), "text/html"))
    sources = write_sources(tmp_path / "sources.yaml", [publisher("pool", listings=[server.url("/docs/")])])
    apply_prefect_file(root / "deployments" / "prefect.yaml", project_root=root, names=["batch"])
    Variable.set("budget_etl_checkout", str(root), overwrite=True)
    worker_env = {
        **os.environ, "PREFECT_API_URL": prefect_api,
        "BUDGET_ETL_DATABASE_URL": flow_settings.resolved_database_url(),
        "BUDGET_ETL_DATA_DIR": str(flow_settings.data_dir),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "prefect", "worker", "start", "--pool", "process"],
        env=worker_env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        settings = flow_settings.model_copy(
            update={"runner": "deployment", "runner_workers": 2, "runner_batch_size": 2})
        with use_settings(settings):
            state = ingest(sources_file=str(sources), return_state=True)
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    summary = state.result()
    assert [o.status for o in summary.outcomes] == ["accepted", "accepted"], summary.outcomes
    [batch] = child_flow_runs(state.state_details.flow_run_id)  # both documents: one run of the batch
    assert batch.deployment_id is not None and batch.state.name == "Completed"
    assert "publisher:pool" in batch.tags
    names = {f"pool-pool部门-2025-{o.sha256[:8]}" for o in summary.outcomes}
    documents = finished_task_runs(batch.id, names)
    assert sorted(d.name for d in documents) == sorted(names), "each document a task run named after it"
    assert all(d.state.name == "Completed" for d in documents)
    with repo.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM document_versions")).scalar() == 2


def test_a_batch_run_whose_outcomes_cannot_be_read_is_answered_by_the_database(
    prefect_api, flow_settings, repo
):
    from prefect.states import Crashed

    from flows.fanout import DocumentJob, outcomes_of_batch
    from tests.storage.samples import make_document

    stored = make_document("stored-before-the-crash")
    repo.accept_document(stored, [], report_uri=None)
    jobs = [DocumentJob(stored.document.sha256, source_url="https://a.example/1.pdf"),
            DocumentJob("e" * 64, source_url="https://a.example/2.pdf")]

    with use_settings(flow_settings):
        outcomes = outcomes_of_batch(Crashed(message="worker killed"), jobs, flow_settings)

    assert [o.status for o in outcomes] == ["accepted", "in_review"]  # nothing dropped
    assert outcomes[1].reason == "unexpected_error" and "worker killed" in outcomes[1].message
    [item] = repo.list_reviews("open")
    assert item.sha256 == "e" * 64 and item.source_url == "https://a.example/2.pdf"


def test_a_process_pool_starts_every_process_when_it_opens_before_any_document(prefect_api, flow_settings):
    import multiprocessing

    from prefect import flow

    from flows.fanout import Fanout

    settings = flow_settings.model_copy(update={"runner": "processes", "runner_workers": 2})

    @flow
    def open_the_pool() -> tuple[list[int], int]:
        with Fanout(settings) as fanout:
            pids = [future.result() for future in fanout.started]
            return pids, len(multiprocessing.active_children())

    pids, children = open_the_pool()
    assert os.getpid() not in pids, "the start tasks ran in the pool's processes"
    assert children >= 2, "both pool processes were spawned at once, not at the first documents"


def test_a_pool_process_builds_its_expectations_context_as_it_starts():
    # a fresh interpreter: the test process has GX imported already
    probe = (
        "import sys; from flows.fanout import prepare_pool_process; "
        "assert 'great_expectations' not in sys.modules; prepare_pool_process(); "
        "from tasks.validate.expectation_layer import _RUNNER; "
        "print(_RUNNER._batch_definition is not None)"
    )
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_one_pool_serves_every_publisher_of_an_ingest_and_each_outcome_counts_for_its_own(
    prefect_api, server, flow_settings, repo, tmp_path, not_a_budget_pdf
):
    pdfs = corpus_pdfs()[:3]
    for i, pdf in enumerate(pdfs):
        server.script(f"/a/{i}.pdf", Serve(pdf.read_bytes()))
    server.script("/b/bad.pdf", Serve(not_a_budget_pdf))
    server.script("/a/", Serve(listing_page({f"doc {i}": f"{i}.pdf" for i in range(len(pdfs))}), "text/html"))
    listed = [
        publisher("first", listings=[server.url("/a/")]),
        publisher("second", documents=[server.url("/b/bad.pdf"), server.url("/b/missing.pdf")]),
    ]
    sources = write_sources(tmp_path / "sources.yaml", listed)
    settings = flow_settings.model_copy(update={"runner": "processes", "runner_workers": 2})

    with use_settings(settings):
        state = ingest(sources_file=str(sources), return_state=True)

    summary = state.result()
    counts = {c.publisher: (c.discovered, c.accepted, c.in_review + c.failed) for c in summary.publishers}
    assert counts == {"first": (3, 3, 0), "second": (2, 0, 2)}, summary.publishers
    urls = [server.url(f"/a/{i}.pdf") for i in range(3)]
    urls += [server.url(f"/b/{name}.pdf") for name in ("bad", "missing")]
    assert sorted(o.source_url for o in summary.outcomes) == sorted(urls), "one outcome per document"
    runs = task_runs(state.state_details.flow_run_id)
    starts = [t for t in runs if t.name.startswith("start pool process")]
    assert len(starts) == 2, "one pool for the whole run, not one per publisher"
