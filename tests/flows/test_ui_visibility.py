"""What an operator sees in the Prefect UI, read back through the real Prefect API (as the UI reads it).

One demo-like day: a listing with a good document, one its checks send to review, a dead link and
an HTML error page. Then the dead link is fixed and both open document items are retried. Real
Prefect test server, real SQLite file, real HTTP server on 127.0.0.1, the corpus's real PDFs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.exceptions import PrefectHTTPStatusError

from budget_etl.deploy import apply_prefect_file
from budget_etl.settings import Settings, use_settings
from flows.ingest import ingest
from flows.retry_reviews import retry_reviews
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.repository import Repository
from tests.fetch.faulty_server import FaultyServer, Serve, Status
from tests.flows.conftest import CORPUS, listing_page, publisher, settings_for_tests, write_sources
from tests.flows.prefect_reads import (
    artifacts_of,
    artifacts_with_key,
    child_flow_runs,
    flow_run_id,
    read_flow_run,
    task_runs,
)

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
REVIEW_APP = "http://review.test:8123"
HTML_ERROR_PAGE = "<!DOCTYPE html><html><body><h1>系统维护</h1></body></html>".encode()


@dataclass
class Day:
    settings: Settings
    repo: Repository
    urls: dict[str, str]
    ingest: Any
    retry: Any = None
    retried_items: tuple[int, int] = (0, 0)

    def item_for(self, name: str) -> Any:
        return next(i for i in self.repo.list_reviews() if i.source_url == self.urls[name])


@pytest.fixture(scope="module")
def day(prefect_api, tmp_path_factory) -> Day:
    tmp = Path(tmp_path_factory.mktemp("ui"))
    url = f"sqlite:///{tmp / 'budget_etl.db'}"
    upgrade(url)
    settings = settings_for_tests(tmp, url).model_copy(update={"review_base_url": REVIEW_APP})
    engine = make_engine(url)
    with FaultyServer() as server:
        urls = {
            "good": server.script("/d/good.pdf", Serve((CORPUS / "002-a.pdf").read_bytes())),
            "bad": server.script("/d/bad.pdf", Serve((CORPUS / "004-a.pdf").read_bytes())),
            "dead": server.script("/d/dead.pdf", Status(404)),
            "page": server.script("/d/page.pdf", Serve(HTML_ERROR_PAGE, "application/pdf")),
        }
        server.script("/d/", Serve(listing_page({k: f"{k}.pdf" for k in urls}), "text/html"))
        sources = write_sources(tmp / "sources.yaml", [publisher("ops", listings=[server.url("/d/")])])
        run = Day(settings, Repository(engine), urls, None)
        with use_settings(settings):
            run.ingest = ingest(sources_file=str(sources), return_state=True)
            # the publisher re-uploads the dead link; an operator retries it and the failing document
            server.script("/d/dead.pdf", Serve((CORPUS / "002-b.pdf").read_bytes()))
            run.retried_items = (run.item_for("dead").id, run.item_for("bad").id)
            run.retry = retry_reviews(item_ids=list(run.retried_items), return_state=True)
        yield run
    engine.dispose()


def documents_of(state: Any) -> dict[str, Any]:
    """The ``process-document`` sub-runs of a run, by source URL."""
    return {c.parameters["source_url"]: c for c in child_flow_runs(flow_run_id(state))}


def test_a_document_in_review_ends_in_a_named_state_and_carries_a_filterable_tag(day):
    runs = documents_of(day.ingest)

    bad, good = runs[day.urls["bad"]], runs[day.urls["good"]]
    assert (bad.state.type.value, bad.state.name) == ("COMPLETED", "In review")
    assert "outcome:review" in bad.tags and "publisher:ops" in bad.tags
    assert f"#{day.item_for('bad').id}" in bad.state.message
    assert (good.state.name, "outcome:accepted" in good.tags) == ("Completed", True)
    assert "outcome:review" not in good.tags


def test_document_runs_are_renamed_from_what_the_document_itself_says(day):
    outcomes = {o.source_url: o for o in day.ingest.result().outcomes}
    runs = documents_of(day.ingest)

    for name in ("good", "bad"):
        outcome, run = outcomes[day.urls[name]], runs[day.urls[name]]
        assert outcome.department_name and outcome.budget_year, "the corpus documents name both"
        assert run.name == f"ops-{outcome.department_name}-{outcome.budget_year}-{outcome.sha256[:8]}"
        assert "ops部门" not in run.name, "the sources file's department is only the fallback"


def test_fetch_failures_are_failed_task_runs_with_the_reason_as_message(day):
    tasks = {t.name: t for t in task_runs(flow_run_id(day.ingest))}

    dead, page = tasks[f"fetch {day.urls['dead']}"], tasks[f"fetch {day.urls['page']}"]
    assert dead.state.is_failed() and dead.state.message.startswith("http_not_found: ")
    assert page.state.is_failed() and page.state.message.startswith("not_pdf: ")
    assert dead.run_count == 1, "a 404 is not retried"
    assert tasks[f"fetch {day.urls['good']}"].state.is_completed()


def test_task_runs_are_named_after_the_url_they_worked_on(day):
    bad = documents_of(day.ingest)[day.urls["bad"]]
    names = {t.name for t in task_runs(bad.id)}

    sha8 = day.item_for("bad").sha256[:8]
    assert f"extract {day.urls['bad']} ({sha8})" in names
    assert f"send to review {day.urls['bad']} ({sha8})" in names
    ingest_tasks = {t.name for t in task_runs(flow_run_id(day.ingest))}
    assert f"send to review {day.urls['dead']}" in ingest_tasks


def test_an_ingest_with_failures_says_so_in_its_final_state_and_summary(day):
    run = read_flow_run(flow_run_id(day.ingest))

    assert (run.state.type.value, run.state.name) == ("COMPLETED", "Needs review")
    assert "outcome:needs-review" in run.tags, "filterable in the runs list like the documents"
    assert "1 accepted, 1 in review, 2 failed" in run.state.message
    assert day.urls["dead"] in run.state.message
    summary = artifacts_of(run.id)["ingest-summary"]
    assert "1 in review, 2 failed" in summary.description


def test_progress_shows_n_of_n_and_the_last_document(day):
    progress = artifacts_of(flow_run_id(day.ingest))["ingest-progress"]

    assert progress.data == 100.0
    assert "4 of 4 documents done" in progress.description


def test_review_reports_link_to_the_review_app_and_show_values_not_reprs(day):
    item = day.item_for("page")  # never retried: still open
    [report, *_] = artifacts_with_key(f"review-item-{item.id}")

    assert f"({REVIEW_APP}/items/{item.id})" in report.data
    assert "not_pdf" in report.data
    assert str(day.settings.data_dir) not in report.data, "no worker-disk paths"
    bad_versions = artifacts_with_key(f"review-item-{day.retried_items[1]}")
    assert all("Decimal(" not in a.data for a in bad_versions)
    assert any("| error |" in a.data for a in bad_versions), "the findings table is there"


def test_a_resolved_item_report_is_updated_and_its_attempts_counted(day):
    dead_id, bad_id = day.retried_items
    latest = artifacts_with_key(f"review-item-{dead_id}")[0]

    assert latest.data.startswith("# Resolved:")
    assert "**Attempts:** 2" in latest.data
    assert day.repo.get_review(dead_id).item.attempts == 2
    still = artifacts_with_key(f"review-item-{bad_id}")[0]
    assert still.data.startswith("# In review:"), "an item still open keeps its why"


def test_the_retry_summary_lists_each_item_with_its_new_state(day):
    dead_id, bad_id = day.retried_items
    run = read_flow_run(flow_run_id(day.retry))
    rows = {r["item"]: r for r in json.loads(artifacts_of(run.id)["retry-summary"].data)}

    assert (rows[dead_id]["outcome"], rows[dead_id]["item_status"], rows[dead_id]["attempts"]) == (
        "accepted", "resolved", 2)
    assert (rows[bad_id]["outcome"], rows[bad_id]["item_status"], rows[bad_id]["attempts"]) == (
        "in_review", "open", 2)
    assert run.state.name == "Needs review" and "1 in review" in run.state.message


def test_retried_document_runs_keep_their_publisher_tag(day):
    runs = list(child_flow_runs(flow_run_id(day.retry)))

    assert len(runs) == 2
    assert all("publisher:ops" in r.tags for r in runs)
    assert sorted(next(t for t in r.tags if t.startswith("outcome:")) for r in runs) == [
        "outcome:accepted", "outcome:review"]


def test_the_run_forms_offer_only_operator_parameters_with_help_and_refuse_settings(prefect_api):
    prefect_file = ROOT / "deployments" / "prefect.yaml"
    applied = {a.name: a for a in apply_prefect_file(prefect_file, project_root=ROOT)}

    with get_client(sync_client=True) as client:
        schemas = {
            name: client.read_deployment(a.id).parameter_openapi_schema for name, a in applied.items()
        }
        for schema in schemas.values():
            assert "settings" not in schema["properties"]
            assert all(p.get("description") for p in schema["properties"].values()), schema
        assert set(schemas["retry-reviews/by-hand"]["properties"]) == {"item_ids"}
        assert set(schemas["ingest/daily"]["properties"]) == {"sources_file", "publishers"}
        with pytest.raises(PrefectHTTPStatusError) as refused:
            client.create_flow_run_from_deployment(
                applied["retry-reviews/by-hand"].id,
                parameters={"item_ids": [1], "settings": {"database_url": "sqlite:///elsewhere.db"}},
            )
    assert refused.value.response.status_code in (409, 422)


def test_an_expected_fetch_failure_is_logged_as_one_line_without_a_traceback(
    prefect_api, server, flow_settings, caplog
):
    from prefect import flow

    from tasks.fetch.task import fetch_document
    from tasks.retry import configured

    dead = server.script("/gone.pdf", Status(404))

    @flow(name="fetch-one")
    def fetch_one() -> tuple[bool, str]:
        state = configured(fetch_document, flow_settings)(dead, flow_settings, return_state=True)
        return state.is_failed(), state.message

    with caplog.at_level("INFO"):
        failed, message = fetch_one()

    assert failed and message.startswith("http_not_found: ")
    task_records = [r for r in caplog.records if r.name.startswith("prefect.task_runs")]
    assert any("http_not_found" in r.getMessage() for r in task_records)
    assert all(not r.exc_info or r.exc_info[0] is None for r in task_records), "no traceback"
    assert all("\n" not in r.getMessage() for r in task_records)


def test_a_host_that_does_not_exist_fails_its_fetch_task_at_once_without_retries(prefect_api, flow_settings):
    import socket

    from prefect import flow

    from tasks.fetch.task import fetch_document
    from tasks.retry import configured

    host = "no-such-publisher.invalid"  # RFC 2606: never resolves
    try:
        socket.getaddrinfo(host, 80)
    except socket.gaierror as exc:
        if exc.errno != socket.EAI_NONAME:
            pytest.skip(f"this resolver answers {exc} (not 'name does not exist') for {host}")
    settings = flow_settings.model_copy(update={"task_retries": 2, "http_retries": 3})

    @flow(name="fetch-missing-host")
    def fetch_one() -> tuple[bool, str, Any]:
        state = configured(fetch_document, settings)(f"http://{host}/a.pdf", settings, return_state=True)
        return state.is_failed(), state.message, state.state_details.task_run_id

    failed, message, task_run_id = fetch_one()

    assert failed and message.startswith("host_not_found: "), message
    with get_client(sync_client=True) as client:
        task_run = client.read_task_run(task_run_id)
    assert task_run.run_count == 1, "a DNS 'name does not exist' is permanent: no Prefect retry"


def test_a_waived_item_report_says_who_waived_it_and_why(day):
    from budget_etl.errors import Stage
    from budget_etl.review_actions import waive_item

    item_id = day.repo.send_to_review(
        sha256=None, source_url="http://publisher.test/waive-me.pdf", stage=Stage.FETCH,
        reason="not_pdf", message="an HTML page", findings=[], report_uri=None,
    )

    waive_item(item_id, reason="the publisher confirmed no PDF exists", actor="ops-person",
               settings=day.settings)

    latest = artifacts_with_key(f"review-item-{item_id}")[0]
    assert latest.data.startswith("# Waived:")
    assert "waived by ops-person: the publisher confirmed no PDF exists" in latest.data
    assert f"({REVIEW_APP}/items/{item_id})" in latest.data


def test_an_unreadable_listing_is_a_failed_discover_task_and_the_rest_goes_on(
    prefect_api, server, flow_settings, tmp_path
):
    gone = server.script("/gone/", Status(404))
    doc = server.script("/direct/a.pdf", Serve((CORPUS / "002-a.pdf").read_bytes()))
    both = {**publisher("mixed", listings=[gone]), "documents": [doc]}
    sources = write_sources(tmp_path / "sources.yaml", [both])

    with use_settings(flow_settings):
        state = ingest(sources_file=str(sources), return_state=True)

    [discover] = [t for t in task_runs(flow_run_id(state)) if t.name == "discover mixed"]
    assert discover.state.is_failed()
    assert discover.state.message.startswith(f"1 listing(s) unreadable, first {gone}: http_not_found")
    by_url = {o.source_url: o.status for o in state.result().outcomes}
    assert by_url == {gone: "failed", doc: "accepted"}
    assert state.name == "Needs review"
