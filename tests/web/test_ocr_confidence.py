"""The review page shows the OCR confidence of the row a finding points at (issue 16).

The reading is the pipeline's own (a real PDF extracted, validated, stored for review, served by
the app); its records are given the ``ocr_confidence`` the OCR reader sets on a scan's records,
so the test does not pay for OCR (tests/extract/test_ocr.py checks the reader sets it).
"""

from __future__ import annotations

from pathlib import Path

from budget_etl.errors import Reason, Stage
from storage.engine import make_engine
from storage.raw_store import RawStore
from storage.repository import Repository
from tasks.extract import extract_document
from tasks.validate import validate_document
from tests.web.conftest import OPEN_ENGINES, client_for, settings_for
from tests.web.pdfs import plan_pdf


def test_a_finding_on_an_ocr_row_shows_its_confidence_and_says_so(db_url: str, tmp_path: Path) -> None:
    settings = settings_for(db_url, tmp_path)
    engine = make_engine(db_url)
    OPEN_ENGINES.append(engine)
    repository = Repository(engine, actor="test-suite")
    pdf = plan_pdf("示例县扫描局")
    stored = RawStore(settings.resolved_raw_store_url()).put(pdf)
    repository.register_file(sha256=stored.sha256, url=None, size=len(pdf), raw_uri=stored.uri,
                             content_type="application/pdf", etag=None, last_modified=None)
    doc = extract_document(pdf)
    doc.document.reader = "pdf_ocr"
    for table in doc.tables:
        for record in table.records:
            record["ocr_confidence"] = 0.8765
    findings = validate_document(doc)
    item = repository.send_to_review(
        sha256=stored.sha256, source_url=None, stage=Stage.VALIDATE, reason=Reason.VALIDATION_ERRORS.value,
        message="check(s) failed", findings=findings, report_uri=None, doc=doc,
    )
    page = client_for(settings).get(f"/items/{item}").text
    assert "read by OCR: lowest cell confidence 0.88" in page  # beside the row as extracted
    assert "read by OCR, lowest cell confidence 0.88: compare the figure with the scan" in page  # the check
