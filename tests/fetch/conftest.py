"""Fixtures for the fetch tests: a real misbehaving HTTP server and a real (tiny) PDF."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from reportlab.pdfgen import canvas

from budget_etl.settings import Settings
from tests.fetch.faulty_server import FaultyServer


def make_pdf(text: str) -> bytes:
    """A real one-page PDF (ReportLab), different bytes for different text."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="session")
def small_pdf() -> bytes:
    return make_pdf("budget-etl fetch test document")


@pytest.fixture
def server() -> Iterator[FaultyServer]:
    with FaultyServer() as running:
        yield running


@pytest.fixture
def fast_settings(tmp_path) -> Settings:
    """Real behaviour, test-sized waits: short timeouts and back-offs, a small size limit."""
    return Settings(
        data_dir=tmp_path / "data",
        http_timeout_s=0.5,
        http_retries=2,
        http_backoff_s=0.01,
        http_retry_after_max_s=1.0,
        http_max_redirects=3,
        max_download_bytes=200_000,
        task_retries=1,
        task_retry_delay_s=0,
        http_allow_private_hosts=True,  # the faulty server is on 127.0.0.1: allowed explicitly, here only
    )
