"""The ``ingest`` flow over the government-shaped site: discovery's walk, end to end.

Real Prefect API (the session harness), real SQLite file, real server on 127.0.0.1. The flow
fetches each attachment exactly once, sends the robots-disallowed archive to review with its
reason, and records the repost's two URLs in one file's lineage.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_etl.settings import use_settings
from flows.ingest import ingest
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.repository import Repository
from tests.fetch.site_server import SiteServer
from tests.fetch.test_site_discovery import ATTACHMENTS, COLUMN, PAGES, government_site
from tests.flows.conftest import settings_for_tests, write_sources

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def test_ingest_walks_the_site_and_fetches_each_attachment_once(prefect_api, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'budget_etl.db'}"
    upgrade(url)
    settings = settings_for_tests(tmp_path, url).model_copy(update={"http_timeout_s": 5.0})
    with SiteServer(government_site()) as site:
        sources = write_sources(tmp_path / "sources.yaml", [{
            "name": "county-site", "region": "某县", "department": "某县某局", "year": 2025,
            "kind": "budget_disclosure",
            "listings": [{"url": site.url(f"{COLUMN}index.html"), "follow": "article"}],
        }])
        with use_settings(settings):
            state = ingest(sources_file=str(sources), publishers=["county-site"], return_state=True)
        requested = site.requested()

    engine = make_engine(url)
    try:
        repository = Repository(engine)
        downloads = [p for p in requested if p not in ("/robots.txt", *PAGES)]
        assert sorted(downloads) == sorted(ATTACHMENTS)  # each attachment once, nothing else
        assert sorted(p for p in requested if p in PAGES) == sorted(PAGES)  # each page once
        queue = {item.source_url: item.reason for item in repository.list_reviews("open")}
        assert queue[site.url("/private/archive_2023.html")] == "robots_disallowed"
        [repost_sha] = repository.files_under_url(site.url("/attach/repost/2025bmys.pdf"))
        lineage = sorted(row["url"] for row in repository.file_lineage(repost_sha))  # fetched concurrently
        assert lineage == [site.url("/attach/2025/bmys.pdf"), site.url("/attach/repost/2025bmys.pdf")]
        assert state.result().outcomes  # the batch ran to its summary
    finally:
        engine.dispose()
