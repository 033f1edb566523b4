"""Fixtures for flow tests: the session's real Prefect API, a real SQLite file, a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from budget_etl.settings import Settings
from storage.engine import make_engine
from storage.repository import Repository
from tests.fetch.conftest import make_pdf
from tests.fetch.faulty_server import FaultyServer

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


@pytest.fixture
def server() -> Iterator[FaultyServer]:
    with FaultyServer() as running:
        yield running


def settings_for_tests(tmp_path: Path, database_url: str) -> Settings:
    """Production code paths with test-sized waits; data under tmp_path, the DB a real SQLite file."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        http_timeout_s=0.5,
        http_retries=2,
        http_backoff_s=0.01,
        http_retry_after_max_s=1.0,
        http_max_redirects=3,
        max_download_bytes=2_000_000,
        per_host_concurrency=8,
        per_host_requests_per_s=100.0,
        politeness_timeout_s=30,
        task_retries=1,
        task_retry_delay_s=0,
        http_allow_private_hosts=True,  # the test publishers are on 127.0.0.1: allowed explicitly
    )


@pytest.fixture
def flow_settings(tmp_path: Path, sqlite_url: str) -> Settings:
    return settings_for_tests(tmp_path, sqlite_url)


@pytest.fixture
def repo(flow_settings: Settings) -> Iterator[Repository]:
    engine = make_engine(flow_settings.resolved_database_url())
    yield Repository(engine, actor="flow-tests")
    engine.dispose()


@pytest.fixture(scope="session")
def not_a_budget_pdf() -> bytes:
    """A real PDF with text but no budget tables (the extractor must send it to review)."""
    return make_pdf("A real PDF that is no budget document")


def corpus_pdfs(kind: str | None = None) -> list[Path]:
    """The corpus engineer's rendered sample PDFs (tests that need them fail loudly when absent)."""
    pdfs = sorted(CORPUS.glob("*.pdf"))
    if kind is not None:
        import json

        index = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))
        entries = index if isinstance(index, list) else index.get("documents", index.get("stems", []))
        stems = {e["stem"] for e in entries if e.get("kind") == kind}
        pdfs = [p for p in pdfs if p.stem in stems]
    assert pdfs, f"no corpus PDFs in {CORPUS} (built by `make corpus`)"
    return pdfs


def write_sources(path: Path, publishers: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"publishers": publishers}, allow_unicode=True), encoding="utf-8")
    return path


def publisher(name: str, *, listings: list[str] = (), documents: list[str] = ()) -> dict:
    return {
        "name": name, "region": "测试省测试县", "department": f"{name}部门", "year": 2025,
        "kind": "budget_disclosure", "listings": list(listings), "documents": list(documents),
    }


def listing_page(links: dict[str, str]) -> bytes:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in links.items())
    return f"<!DOCTYPE html><html><body><ul>{items}</ul></body></html>".encode()
