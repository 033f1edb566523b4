"""Fixtures for the review app: a real database and raw store holding real pipeline output.

``seeded`` stores what the pipeline's own functions make of real PDFs (extract → validate →
send to review / accept) without Prefect, on both backends; tests that run actions which go
through the ``retry_reviews`` flow also ask for ``prefect_api``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from budget_etl.errors import Reason, Stage
from budget_etl.findings import has_errors
from budget_etl.settings import Settings
from budget_etl.web.app import create_app
from storage.engine import make_engine
from storage.raw_store import RawStore
from storage.repository import Repository
from tasks.extract import extract_document
from tasks.validate import render_html_report, validate_document
from tests.web.pdfs import plan_pdf

TOKEN = "operator-secret-token"
#: engines opened by a test (apps, repositories), disposed after it: an idle PostgreSQL
#: connection would block the next test's TRUNCATE
OPEN_ENGINES: list = []
MARKUP_PROJECT = "示例<script>alert(1)</script>经费"


@dataclass
class Seeded:
    settings: Settings
    items: dict[str, int]
    pdfs: dict[str, bytes]


def store_reading(repository: Repository, raw: RawStore, settings: Settings, pdf: bytes) -> int | None:
    """What ``process_document`` does with one file, by its plain functions; the review item id."""
    stored = raw.put(pdf)
    repository.register_file(sha256=stored.sha256, url=None, size=len(pdf), raw_uri=stored.uri,
                             content_type="application/pdf", etag=None, last_modified=None)
    doc = extract_document(pdf)
    findings = validate_document(doc)
    report = settings.resolved_reports_dir() / f"{stored.sha256}.html"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render_html_report(doc, findings), encoding="utf-8")
    if not has_errors(findings):
        repository.accept_document(doc, findings, report_uri=str(report))
        return None
    return repository.send_to_review(
        sha256=stored.sha256, source_url=None, stage=Stage.VALIDATE, reason=Reason.VALIDATION_ERRORS.value,
        message=f"{sum(f.severity.value == 'error' for f in findings)} check(s) failed",
        findings=findings, report_uri=str(report), doc=doc,
    )


def settings_for(db_url: str, data: Path, token: str | None = TOKEN) -> Settings:
    return Settings(
        data_dir=data, database_url=db_url, raw_store_url=str(data / "raw"), reports_dir=data / "reports",
        review_token=SecretStr(token) if token else None, extract_isolated=False,
    )


def seed(db_url: str, tmp_path: Path) -> Iterator[Seeded]:
    settings = settings_for(db_url, tmp_path)
    engine = make_engine(db_url)
    repository = Repository(engine, actor="test-suite")
    raw = RawStore(settings.resolved_raw_store_url())
    pdfs = {
        "plan": plan_pdf("示例县测试局"),
        "markup": plan_pdf("示例县测试二局", "9.00", project=MARKUP_PROJECT),
    }
    items = {}
    for name, pdf in pdfs.items():
        item = store_reading(repository, raw, settings, pdf)
        assert item is not None, f"{name} should fail validation"
        items[name] = item
    yield Seeded(settings=settings, items=items, pdfs=pdfs)
    engine.dispose()
    while OPEN_ENGINES:
        OPEN_ENGINES.pop().dispose()


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> Iterator[Seeded]:
    """Two failing readings stored for review, on SQLite and on PostgreSQL."""
    yield from seed(db_url, tmp_path)


@pytest.fixture
def seeded_sqlite(sqlite_url: str, tmp_path: Path) -> Iterator[Seeded]:
    """The same on SQLite only (for tests that also run Prefect flows, the slow part)."""
    yield from seed(sqlite_url, tmp_path)


def repository_of(seeded: Seeded) -> Repository:
    """A repository on the seeded database, its engine disposed after the test."""
    engine = make_engine(seeded.settings.resolved_database_url())
    OPEN_ENGINES.append(engine)
    return Repository(engine, actor="test-suite")


def client_for(settings: Settings) -> TestClient:
    app = create_app(settings)
    OPEN_ENGINES.append(app.state.review.engine)
    return TestClient(app, base_url="http://127.0.0.1")


def sign_in(client: TestClient, name: str = "审核员 Wang") -> str:
    """Sign in with the operator's token; returns a CSRF token read from an item page's form."""
    response = client.post("/login", data={"name": name, "token": TOKEN, "next": "/items"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def csrf_of(client: TestClient, item_id: int) -> str:
    import re

    page = client.get(f"/items/{item_id}").text
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, "the signed-in item page carries a CSRF token in its forms"
    return found.group(1)
