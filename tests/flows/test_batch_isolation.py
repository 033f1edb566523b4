"""One publisher whose discovery crashes does not stop the others (real SQLite refusing a write)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from budget_etl.settings import use_settings
from flows.ingest import ingest
from tests.fetch.faulty_server import Serve
from tests.flows.conftest import CORPUS, listing_page, publisher, write_sources

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def test_a_publisher_whose_discovery_fails_is_reported_and_the_batch_goes_on(
    prefect_api, server, flow_settings, repo, tmp_path
):
    with repo.engine.begin() as connection:  # the database refuses this one publisher's sources
        connection.execute(text(
            "CREATE TRIGGER refuse_broken BEFORE INSERT ON sources WHEN NEW.url LIKE '%/broken/%' "
            "BEGIN SELECT RAISE(ABORT, 'sources of this publisher are refused'); END"
        ))
    server.script("/ok/a.pdf", Serve((CORPUS / "002-b.pdf").read_bytes()))
    server.script("/ok/", Serve(listing_page({"a": "a.pdf"}), "text/html"))
    sources = write_sources(tmp_path / "sources.yaml", [
        publisher("broken", listings=[server.url("/broken/")]),
        publisher("fine", listings=[server.url("/ok/")]),
    ])

    with use_settings(flow_settings):
        state = ingest(sources_file=str(sources), return_state=True)

    assert state.is_completed(), state.message
    summary = state.result()
    by_publisher = {c.publisher: c for c in summary.publishers}
    assert (by_publisher["broken"].failed, by_publisher["fine"].accepted) == (1, 1)
    [broken] = [o for o in summary.outcomes if o.source_url == server.url("/broken/")]
    assert (broken.stage, broken.reason) == ("store", "store_failed")
    assert "refused" in broken.message
