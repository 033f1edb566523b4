"""The database goes away in the middle of a run (PostgreSQL): nothing half-written, a re-run recovers."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from budget_etl.settings import use_settings
from flows.ingest import ingest
from storage.engine import make_engine
from storage.models import DocumentVersion, FetchedFile
from tests.fetch.faulty_server import Call, Serve
from tests.flows.conftest import CORPUS, listing_page, publisher, settings_for_tests, write_sources
from tests.plugins.db import _libpq

pytestmark = [pytest.mark.prefect, pytest.mark.postgres, pytest.mark.slow]


def set_connections(admin_url: str, database: str, *, allowed: bool) -> None:
    """ALLOW_CONNECTIONS off + ending every session = the database server went away for this run."""
    with psycopg.connect(_libpq(admin_url), autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (database,)
            )


def test_a_database_outage_mid_run_loses_nothing_and_the_next_run_stores_the_document(
    prefect_api, pg_url, pg_admin_url, server, tmp_path
):
    database = make_url(pg_url).database
    settings = settings_for_tests(Path(tmp_path), pg_url)
    pdf = (CORPUS / "002-c.pdf").read_bytes()
    server.script(
        "/p/doc.pdf",
        Call(lambda: set_connections(pg_admin_url, database, allowed=False), Serve(pdf)),
        Serve(pdf),
    )
    server.script("/p/", Serve(listing_page({"doc": "doc.pdf"}), "text/html"))
    sources = write_sources(tmp_path / "sources.yaml", [publisher("outage", listings=[server.url("/p/")])])

    try:
        with use_settings(settings):
            during = ingest(sources_file=str(sources), return_state=True)
    finally:
        set_connections(pg_admin_url, database, allowed=True)

    assert during.is_completed(), "the batch itself survives; the document is reported, not lost"
    [outcome] = during.result().outcomes
    assert (outcome.status, outcome.reason) == ("failed", "database_unavailable")
    engine = make_engine(pg_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(DocumentVersion)) == 0
            assert connection.scalar(select(func.count()).select_from(FetchedFile)) == 0

        with use_settings(settings):
            after = ingest(sources_file=str(sources), return_state=True)

        [recovered] = after.result().outcomes
        assert recovered.status == "accepted"
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(DocumentVersion)) == 1
    finally:
        engine.dispose()
