"""``ingest`` over a publisher whose server misbehaves in every way the fault matrix lists.

Real Prefect API (the session harness), real SQLite file, real HTTP server on 127.0.0.1. Every
fault ends as a retried success or as a review item with the right reason, and the batch goes on.
The batch runs once per module; each test reads a different part of what it left behind.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest

from budget_etl.settings import Settings, use_settings
from flows.ingest import ingest
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.repository import Repository
from tests.fetch.conftest import make_pdf
from tests.fetch.faulty_server import FaultyServer, Huge, Redirect, Reset, Serve, Sleep, Status, Truncate
from tests.flows.conftest import listing_page, publisher, settings_for_tests, write_sources
from tests.flows.prefect_reads import artifacts_of, child_flow_runs, flow_run_id, read_flow_run, task_runs

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

HTML_ERROR_PAGE = "<!DOCTYPE html><html><body>404 页面不存在</body></html>".encode()

#: fault → (how the document ends, its reason); fetch failures are "failed" + a fetch-stage review item
EXPECTED = {
    "flaky": ("in_review", "no_budget_tables"),  # 500 × 3 exhaust one task attempt; the task retry fetches it
    "busy": ("in_review", "no_budget_tables"),  # 503 + Retry-After, then the file
    "slow": ("failed", "fetch_timeout"),
    "reset": ("failed", "connection_error"),
    "error-page": ("failed", "not_pdf"),
    "cut": ("failed", "incomplete_download"),
    "missing": ("failed", "http_not_found"),
    "huge": ("failed", "file_too_large"),
    "loop": ("failed", "too_many_redirects"),
    "word": ("in_review", "no_budget_tables"),  # the .docx is read (issue 16); it holds no table
}


def a_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("部门预算")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def file_name(fault: str) -> str:
    return f"{fault}.docx" if fault == "word" else f"{fault}.pdf"


@dataclass
class FaultyRun:
    state: Any
    urls: dict[str, str]
    repo: Repository
    settings: Settings


@pytest.fixture(scope="module")
def faulty_run(prefect_api, tmp_path_factory) -> FaultyRun:
    tmp = tmp_path_factory.mktemp("faulty")
    url = f"sqlite:///{tmp / 'budget_etl.db'}"
    upgrade(url)
    settings = settings_for_tests(Path(tmp), url)
    pdf = make_pdf("A real PDF that is no budget document")
    scripts = {
        "flaky": [Status(500)] * (settings.http_retries + 1) + [Serve(pdf + b"%flaky")],
        "busy": [Status(503, headers={"Retry-After": "1"}), Serve(pdf + b"%busy")],
        "slow": [Sleep(1.0)],
        "reset": [Reset()],
        "error-page": [Serve(HTML_ERROR_PAGE, "text/html")],
        "cut": [Truncate(pdf, keep=len(pdf) // 3)],
        "missing": [Status(404)],
        "huge": [Huge(settings.max_download_bytes * 4)],
        "loop": [Redirect("/files/loop.pdf")],
        "word": [Serve(a_docx(), "application/octet-stream")],
    }
    with FaultyServer() as server:
        urls = {f: server.script(f"/files/{file_name(f)}", *script) for f, script in scripts.items()}
        links = {fault: f"files/{file_name(fault)}" for fault in scripts}
        server.script("/list.html", Serve(listing_page(links), "text/html; charset=utf-8"))
        listing = publisher("faulty", listings=[server.url("/list.html")])
        sources = write_sources(tmp / "sources.yaml", [listing])
        with use_settings(settings):
            state = ingest(sources_file=str(sources), publishers=["faulty"], return_state=True)
    engine = make_engine(url)
    yield FaultyRun(state, urls, Repository(engine), settings)
    engine.dispose()


def test_every_fault_ends_as_a_retried_success_or_a_review_item_with_its_reason(faulty_run):
    assert faulty_run.state.is_completed(), faulty_run.state.message
    by_url = {o.source_url: o for o in faulty_run.state.result().outcomes}

    assert {f: (by_url[url].status, by_url[url].reason) for f, url in faulty_run.urls.items()} == EXPECTED


def test_each_failure_is_an_open_review_item_with_stage_and_reason(faulty_run):
    queue = {item.source_url: item for item in faulty_run.repo.list_reviews("open")}

    assert {f: (queue[url].stage, queue[url].reason) for f, url in faulty_run.urls.items()} == {
        f: ("fetch" if status == "failed" else "extract", reason) for f, (status, reason) in EXPECTED.items()
    }


def test_every_http_attempt_is_in_the_fetch_log(faulty_run):
    from sqlalchemy import text

    with faulty_run.repo.engine.connect() as connection:
        rows = connection.execute(text("SELECT url, attempt, outcome, reason FROM fetch_log")).all()
    flaky = sorted((r.attempt, r.outcome, r.reason) for r in rows if r.url == faulty_run.urls["flaky"])
    assert flaky == [(1, "failed", "http_error"), (2, "failed", "http_error"), (3, "failed", "http_error"),
                     (4, "downloaded", None)]
    page = [(r.outcome, r.reason) for r in rows if r.url == faulty_run.urls["error-page"]]
    assert page == [("failed", "not_pdf")], "an HTML page's validators must not be reused"


def test_the_ui_sees_state_task_retries_run_names_and_tags(faulty_run):
    run = read_flow_run(flow_run_id(faulty_run.state))
    assert run.state.is_completed()
    assert run.name == "ingest-faulty-faulty部门-2025"

    fetches = {t.name: t for t in task_runs(run.id) if t.name.startswith("fetch ")}
    assert set(fetches) == {f"fetch {url}" for url in faulty_run.urls.values()}
    retried = {fault for fault, url in faulty_run.urls.items() if fetches[f"fetch {url}"].run_count == 2}
    assert retried == {"flaky", "slow", "reset", "cut"}, "transient failures only are retried by Prefect"
    assert fetches[f"fetch {faulty_run.urls['flaky']}"].state.is_completed()
    assert fetches[f"fetch {faulty_run.urls['slow']}"].state.is_failed()

    children = child_flow_runs(run.id)
    assert len(children) == 3  # flaky, busy, word reached process-document
    assert all(c.name.startswith("faulty-") for c in children), "renamed from the document once it is read"
    assert all("publisher:faulty" in c.tags for c in children)


def test_the_run_publishes_summary_queue_progress_and_review_reports(faulty_run):
    artifacts = artifacts_of(flow_run_id(faulty_run.state))

    assert json.loads(artifacts["ingest-summary"].data) == [
        {"publisher": "faulty", "discovered": 10, "fetched": 3, "unchanged": 0,
         "accepted": 0, "in_review": 3, "failed": 7},
    ]
    queue = json.loads(artifacts["review-queue"].data)
    assert sorted(row["reason"] for row in queue) == sorted(reason for _, reason in EXPECTED.values())
    assert artifacts["ingest-progress"].data == 100.0
    fetch_reports = [a.data for key, a in artifacts.items() if key.startswith("review-item-")]
    assert len(fetch_reports) == 7, "one report per review item of a URL that gave no document"
    assert any("`too_many_redirects`" in text and "budget-etl review retry" in text for text in fetch_reports)
