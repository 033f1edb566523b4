"""``budget-etl sources check`` explains every link of the demo publisher, and of a real-shaped site.

Real servers on 127.0.0.1 (the demo's own site as ``budget-etl demo`` builds it, and the
government-shaped test site), the real typer app; nothing is downloaded beyond the pages and
nothing is written to a database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from budget_etl.cli import app
from budget_etl.demo import SOURCES_TEMPLATE, build_site, find_samples, serve_site, write_sources
from budget_etl.settings import Settings, use_settings
from tests.fetch.site_server import SiteServer
from tests.fetch.test_site_discovery import ATTACHMENTS, COLUMN, PAGES, government_site


@pytest.fixture
def demo_sources(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    site = tmp_path / "site"
    build_site(site, find_samples())
    with serve_site(site, 0) as base_url:
        yield base_url, write_sources(SOURCES_TEMPLATE, base_url, tmp_path / "sources.yaml")


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[Settings]:
    with use_settings(Settings(data_dir=tmp_path / "data", http_allow_private_hosts=True)) as settings:
        yield settings


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_sources_check_on_the_demo_publisher_explains_every_link(demo_sources, loopback, tmp_path):
    _, sources = demo_sources
    result = CliRunner().invoke(app, ["sources", "check", "demo-disclosure", "--sources", str(sources)])

    listing = tmp_path / "site" / "budget_disclosure" / "index.html"
    links = hrefs(listing.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    for href in links:  # every link on the listing has its own line: taken, as what, and why
        line = next(line for line in result.output.splitlines() if f"/budget_disclosure/{href}" in line
                    and " — " in line)
        assert line.split()[0] == "take" and "file extension .pdf in the path" in line
    assert f"would fetch {len(links)} document URL(s):" in result.output
    assert "robots.txt: none (4xx): everything allowed, no Crawl-delay" in result.output
    assert not list(tmp_path.rglob("*.db"))  # a dry run stores nothing


def test_sources_check_json_says_why_each_link_of_a_site_was_taken_or_left(loopback, tmp_path):
    with SiteServer(government_site()) as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump({"publishers": [{
            "name": "dept", "region": "某县", "department": "某县某局", "year": 2025,
            "kind": "budget_disclosure",
            "listings": [{"url": site.url(f"{COLUMN}index.html"), "follow": "article"}],
        }]}, allow_unicode=True), encoding="utf-8")
        result = CliRunner().invoke(app, ["sources", "check", "dept", "--sources", str(sources), "--json"])
        requested = site.requested()

    assert result.exit_code == 1, result.output  # the robots-disallowed archive is listed as not fetched
    report = json.loads(result.output)
    [listing] = report["listings"]
    assert report["would_fetch"] == [site.url(p) for p in ATTACHMENTS]
    assert listing["pages"] == [site.url(p) for p in PAGES]
    assert requested == ["/robots.txt", *PAGES]  # a dry run: no attachment downloaded
    why = {(d["url"].removeprefix(site.base_url), d["found_on"].removeprefix(site.base_url)): d
           for d in listing["links"]}
    index = f"{COLUMN}index.html"
    assert why[(f"{COLUMN}202501/t20250105_3.html", index)]["taken"] is False  # 春节慰问
    assert why[("/", index)]["why"] == "page furniture (首页)"
    assert why[(f"{COLUMN}index_1.html", index)]["action"] == "page"
    assert why[(f"{COLUMN}202501/t20250110_2.html", index)]["why"] == "the text mentions 预算"
    assert why[("/content/frame_2.html", f"{COLUMN}202501/t20250110_2.html")]["action"] == "frame"
    assert [f["error"] for f in listing["failures"]] == ["robots_disallowed"]
    assert listing["robots"] == [f"{site.url('/robots.txt')}: rules read; Crawl-delay 0.3 s"]


def test_an_unknown_publisher_is_a_one_line_error(demo_sources, loopback):
    _, sources = demo_sources
    result = CliRunner().invoke(app, ["sources", "check", "nobody", "--sources", str(sources)])

    assert result.exit_code == 2
    assert "unknown publisher(s): nobody" in result.output
