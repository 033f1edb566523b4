"""A file given on the command line is judged by ``stat`` and its first bytes before it is copied."""

from __future__ import annotations

import os

import pytest

from budget_etl.errors import FetchError, Reason
from storage.raw_store import RawStore
from tasks.fetch.intake import intake_file


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_an_oversized_sparse_file_is_refused_before_anything_is_copied(tmp_path, repository):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(600 * 1024 * 1024)  # 600 MB on paper, a few bytes on disk
    raw = tmp_path / "raw"

    with pytest.raises(FetchError) as caught:
        intake_file(big, repository=repository, raw_store=RawStore(str(raw)), max_bytes=50 * 1024 * 1024)

    assert caught.value.reason is Reason.FILE_TOO_LARGE
    assert not raw.exists() or stored_files(raw) == []


def test_a_fifo_is_refused_without_blocking(tmp_path, repository):
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)

    with pytest.raises(FetchError) as caught:
        intake_file(pipe, repository=repository, raw_store=RawStore(str(tmp_path / "raw")))

    assert caught.value.reason is Reason.SPECIAL_FILE


def test_an_html_page_saved_as_pdf_is_refused_before_copying(tmp_path, repository):
    page = tmp_path / "page.pdf"
    page.write_bytes(b"<!DOCTYPE html><html><body>404</body></html>")
    raw = tmp_path / "raw"

    with pytest.raises(FetchError) as caught:
        intake_file(page, repository=repository, raw_store=RawStore(str(raw)))

    assert caught.value.reason is Reason.NOT_PDF
    assert not raw.exists() or stored_files(raw) == []
