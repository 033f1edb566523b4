"""A publisher over several days: first run, an unchanged re-run, cached work, a fixed document retried.

Real Prefect API, real SQLite file, a real HTTP server on 127.0.0.1 and the corpus's real PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from budget_etl.settings import Settings, use_settings
from flows.ingest import ingest
from flows.process_document import process_document
from flows.retry_reviews import retry_reviews
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import DocumentVersion, ReviewItem
from storage.raw_store import RawStore
from storage.repository import Repository
from tests.fetch.faulty_server import FaultyServer, Serve, Status
from tests.flows.conftest import CORPUS, listing_page, publisher, settings_for_tests, write_sources
from tests.flows.prefect_reads import child_flow_runs, flow_run_id, task_runs

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

#: one document the checks accept and one they send to review (its spending plan decreases)
ACCEPTED_SAMPLE = CORPUS / "002-a.pdf"
REVIEWED_SAMPLE = CORPUS / "004-a.pdf"


@dataclass
class Publisher:
    server: FaultyServer
    settings: Settings
    repo: Repository
    sources: Path
    urls: dict[str, str]
    first: Any = None
    second: Any = None

    def counts(self) -> tuple[int, int, int]:
        with self.repo.engine.connect() as connection:
            versions = connection.scalar(select(func.count()).select_from(DocumentVersion))
            items = connection.scalar(select(func.count()).select_from(ReviewItem))
            attempts = connection.scalar(select(func.sum(ReviewItem.attempts)))
        return versions, items, attempts


@pytest.fixture(scope="module")
def two_days(prefect_api, tmp_path_factory) -> Publisher:
    """Day 1 ingests a listing with a good document, a failing one and a dead link; day 2 re-runs."""
    tmp = tmp_path_factory.mktemp("lifecycle")
    url = f"sqlite:///{tmp / 'budget_etl.db'}"
    upgrade(url)
    settings = settings_for_tests(Path(tmp), url)
    engine = make_engine(url)
    with FaultyServer() as server:
        urls = {
            "good": server.script("/d/good.pdf", Serve(ACCEPTED_SAMPLE.read_bytes())),
            "bad": server.script("/d/bad.pdf", Serve(REVIEWED_SAMPLE.read_bytes())),
            "dead": server.script("/d/dead.pdf", Status(404)),
        }
        server.script("/d/", Serve(listing_page({k: f"{k}.pdf" for k in urls}), "text/html"))
        sources = write_sources(tmp / "sources.yaml", [publisher("daily", listings=[server.url("/d/")])])
        run = Publisher(server, settings, Repository(engine), sources, urls)
        with use_settings(settings):
            run.first = ingest(sources_file=str(sources), return_state=True)
        run.counts_after_first = run.counts()
        with use_settings(settings):
            run.second = ingest(sources_file=str(sources), return_state=True)
        yield run
    engine.dispose()


def test_the_first_run_accepts_reviews_and_records_the_dead_link(two_days):
    outcomes = {o.source_url: o for o in two_days.first.result().outcomes}

    assert outcomes[two_days.urls["good"]].status == "accepted"
    assert (outcomes[two_days.urls["bad"]].status, outcomes[two_days.urls["bad"]].reason) == (
        "in_review", "validation_errors")
    assert outcomes[two_days.urls["bad"]].error_findings > 0
    assert (outcomes[two_days.urls["dead"]].status, outcomes[two_days.urls["dead"]].reason) == (
        "failed", "http_not_found")
    assert two_days.repo.document_state(outcomes[two_days.urls["good"]].sha256) == "accepted"


def test_a_second_ingest_downloads_and_processes_nothing_and_duplicates_nothing(two_days):
    second = two_days.second.result()

    assert second.processed == 0
    assert {o.source_url: o.status for o in second.outcomes if o.source_url != two_days.urls["dead"]} == {
        two_days.urls["good"]: "unchanged", two_days.urls["bad"]: "unchanged"}
    assert child_flow_runs(flow_run_id(two_days.second)) == [], "no process-document run on day 2"
    versions, items, attempts = two_days.counts()
    first_versions, first_items, first_attempts = two_days.counts_after_first
    assert (versions, items) == (first_versions, first_items)
    assert attempts == first_attempts + 1, "only the dead link is tried (and counted) again"
    sent = two_days.server.request_headers["/d/good.pdf"][-1]
    assert sent.get("if-none-match"), "day 2 asks with the ETag of day 1"
    with two_days.repo.engine.connect() as connection:
        outcomes = connection.execute(
            text("SELECT outcome FROM fetch_log WHERE url = :u ORDER BY id"), {"u": two_days.urls["good"]}
        ).scalars().all()
    assert outcomes == ["downloaded", "not_modified"]


def test_a_retried_flow_run_reuses_the_extraction_cached_by_sha256(two_days):
    good = two_days.urls["good"]
    sha256 = next(o.sha256 for o in two_days.first.result().outcomes if o.source_url == good)

    settings = two_days.settings
    with use_settings(settings):
        again = process_document(sha256, source_url=good, return_state=True)
    with use_settings(settings):
        fresh = process_document(sha256, source_url=good, refresh=True, return_state=True)

    def state_of(run: Any, prefix: str) -> str:
        [task] = [t for t in task_runs(flow_run_id(run)) if t.name.startswith(prefix)]
        return task.state.name

    assert again.result().status == fresh.result().status == "accepted"
    assert state_of(again, "extract ") == "Cached"
    assert state_of(again, "validate ") == "Cached"
    assert state_of(fresh, "extract ") == "Completed", "refresh (used by retries) extracts again"


def test_retry_reviews_moves_a_fixed_document_from_review_to_accepted(two_days):
    dead = two_days.urls["dead"]
    item = next(i for i in two_days.repo.list_reviews("open") if i.source_url == dead)
    two_days.server.script("/d/dead.pdf", Serve(ACCEPTED_SAMPLE.read_bytes() + b"\n% republished\n"))

    with use_settings(two_days.settings):
        state = retry_reviews(item_ids=[item.id], return_state=True)

    assert state.is_completed(), state.message
    [outcome] = state.result().outcomes
    assert outcome.status == "accepted"
    assert two_days.repo.get_review(item.id).item.status == "resolved"
    assert two_days.repo.document_state(outcome.sha256) == "accepted"


def test_retrying_an_unknown_review_item_fails_the_run_with_the_reason(two_days):
    with use_settings(two_days.settings):
        state = retry_reviews(item_ids=[999_999], return_state=True)

    assert state.is_failed()
    assert "unknown_review_item" in state.message or "999999" in state.message


def test_retrying_a_document_that_still_fails_adds_an_attempt_and_keeps_it_open(two_days):
    bad = two_days.urls["bad"]
    item = next(i for i in two_days.repo.list_reviews("open") if i.source_url == bad)

    with use_settings(two_days.settings):
        state = retry_reviews(return_state=True)  # every open item

    assert state.is_completed(), state.message
    assert [o.status for o in state.result().outcomes if o.source_url == bad] == ["in_review"]
    after = two_days.repo.get_review(item.id).item
    assert (after.status, after.attempts) == ("open", item.attempts + 1)


def test_a_retry_whose_raw_file_went_missing_fetches_it_again_from_its_url(two_days):
    bad = two_days.urls["bad"]
    item = next(i for i in two_days.repo.list_reviews("open") if i.source_url == bad)
    raw_store = RawStore(two_days.settings.resolved_raw_store_url())
    Path(raw_store.uri_of(item.sha256)).unlink()

    with use_settings(two_days.settings):
        state = retry_reviews(item_ids=[item.id], return_state=True)

    assert [(o.status, o.reason) for o in state.result().outcomes] == [("in_review", "validation_errors")]
    assert raw_store.exists(item.sha256), "the file is back in the raw store"
    assert two_days.server.hits["/d/bad.pdf"] >= 2
