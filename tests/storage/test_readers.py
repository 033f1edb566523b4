"""The stored version records which reader produced it (migration 0008, ``document_versions.reader``)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from storage.models import DocumentVersion
from storage.repository import Repository
from tests.storage.samples import fake_sha, make_document, warning


def test_the_reader_is_stored_with_the_version(repository: Repository) -> None:
    doc = make_document(total="10.00")
    doc.document = dataclasses.replace(doc.document, reader="xlsx", sha256=fake_sha("readers"))
    version_id = repository.accept_document(doc, [warning()], report_uri=None)
    with repository.engine.connect() as conn:
        assert conn.scalar(select(DocumentVersion.reader).where(DocumentVersion.id == version_id)) == "xlsx"


def test_a_text_layer_pdf_is_stored_as_pdf_text(repository: Repository) -> None:
    version_id = repository.accept_document(make_document(total="11.00"), [warning()], report_uri=None)
    with repository.engine.connect() as conn:
        stored = conn.scalar(select(DocumentVersion.reader).where(DocumentVersion.id == version_id))
    assert stored == "pdf_text"
