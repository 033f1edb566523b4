"""A JavaScript-rendered listing (a provincial 预决算公开 platform): read in headless Chromium.

The server's HTML has no links; a script fetches ``/api/list.json`` and builds them. Without a
browser the listing is *reported* (``browser_unavailable``), not skipped silently; the test that
needs Chromium skips LOUDLY when it is missing (and fails in CI, where ``make test`` installs it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from budget_etl.errors import Reason
from budget_etl.settings import Settings
from tasks.fetch.fetcher import Fetcher
from tasks.fetch.intake import discover_publisher
from tasks.fetch.sources import Listing, Publisher
from tests.fetch.conftest import make_pdf
from tests.fetch.site_server import Page, SiteServer, html
from tests.flows.prefect_server import require_browser

SCRIPT = """
<div id="list">加载中…</div>
<script>
fetch('/api/list.json').then(r => r.json()).then(items => {
  const list = document.getElementById('list');
  list.textContent = '';
  for (const item of items) {
    const a = document.createElement('a');
    a.href = item.href; a.textContent = item.title;
    list.appendChild(a);
  }
});
</script>
"""


def platform() -> dict[str, Page]:
    items = [
        {"title": "某县某局2025年部门预算公开", "href": "/yjs/detail.html?id=7"},
        {"title": "工作动态", "href": "/news/1.html"},
    ]
    return {
        "/yjs/list.html": html("部门预决算公开", SCRIPT),
        "/api/list.json": Page(json.dumps(items, ensure_ascii=False).encode(), "application/json"),
        "/yjs/detail.html?id=7": html("详情", '<a href="/attach/fileDown?fileId=9">部门预算.pdf</a>'),
        "/attach/fileDown?fileId=9": Page(make_pdf("platform budget"), "application/pdf"),
    }


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer(platform()) as running:
        yield running


def discover(site: SiteServer, settings: Settings, repository):
    publisher = Publisher(
        name="platform", region="某县", department="某县某局", year=2025, kind="budget_disclosure",
        listings=(Listing(url=site.url("/yjs/list.html"), render="browser", follow="article"),),
    )
    with Fetcher(settings) as fetcher:
        return discover_publisher(publisher, fetcher=fetcher, repository=repository)


def test_a_javascript_listing_is_rendered_and_its_articles_followed(site, fast_settings, repository):
    require_browser()
    found = discover(site, fast_settings.model_copy(update={"http_timeout_s": 10.0}), repository)

    assert [d.url for d in found.documents] == [site.url("/attach/fileDown?fileId=9")]
    assert found.failures == ()
    requested = site.requested()
    assert requested.count("/api/list.json") == 1  # the browser ran the page's script
    assert "/yjs/detail.html?id=7" in requested and "/news/1.html" not in requested
    assert "/attach/fileDown?fileId=9" not in requested  # discovery does not download attachments


def test_without_a_browser_the_listing_is_reported_not_skipped(site, fast_settings, repository, tmp_path):
    settings = fast_settings.model_copy(update={"browser_executable": Path(tmp_path / "no-chromium")})
    found = discover(site, settings, repository)

    assert found.documents == ()
    [failure] = found.failures
    assert (failure.url, failure.error.reason) == (site.url("/yjs/list.html"), Reason.BROWSER_UNAVAILABLE)
    assert "Chromium" in failure.error.message
    assert site.requested() == ["/robots.txt"]
