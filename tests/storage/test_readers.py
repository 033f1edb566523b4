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


def test_an_ocr_records_confidence_is_stored_as_lineage_and_shown_for_review(repository: Repository) -> None:
    """Migration 0010: ``ocr_confidence`` sits beside the bbox; the review page reads it back."""
    from storage.models import RevenueExpenditureSummary
    from storage.review_pages import read_tables

    doc = make_document(total="12.00")
    doc.document = dataclasses.replace(doc.document, reader="pdf_ocr", sha256=fake_sha("ocr-confidence"))
    summary = next(t for t in doc.tables if t.type == "revenue_expenditure_summary")
    summary.records[0]["ocr_confidence"] = 0.873
    version_id = repository.accept_document(doc, [warning()], report_uri=None)
    with repository.engine.connect() as conn:
        stored = conn.execute(
            select(RevenueExpenditureSummary.row_index, RevenueExpenditureSummary.ocr_confidence)
            .where(RevenueExpenditureSummary.version_id == version_id)
            .order_by(RevenueExpenditureSummary.row_index)
        ).all()
    assert stored[0][1] == 0.873 and all(c is None for _, c in stored[1:])
    records = next(t for t in read_tables(repository.engine, version_id)
                   if t.type == "revenue_expenditure_summary").records
    assert records[0]["_ocr_confidence"] == 0.873
    assert "ocr_confidence" not in records[0]  # a lineage column, not an unmapped key
    assert records[1]["_ocr_confidence"] is None
