"""Checks treat OCR'd values as such: a failed check on a row read by OCR names its confidence.

The real validator on a corpus golden with one figure broken: the same failure reads as the
department's error on a text-layer row and as a possible misread on an OCR'd one.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from budget_etl.document import ExtractedDocument
from tasks.validate import validate_document
from tasks.validate.report import render_html_report

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def broken_golden() -> dict[str, Any]:
    """004-a's golden with one 功能分类 figure off by 1.00 (a sum that no longer adds up)."""
    doc = json.loads((CORPUS / "004-a.expected.json").read_text(encoding="utf-8"))
    table = next(t for t in doc["tables"] if t["type"] == "expenditure_by_function" and len(t["records"]) > 3)
    record = next(r for r in table["records"][1:] if r.get("total") not in (None, 0))
    record["total"] = float(Decimal(str(record["total"])) + 1)
    return doc


def row_findings(doc: dict[str, Any]) -> list[Any]:
    return [f for f in validate_document(ExtractedDocument.from_dict(doc))
            if f.table == "expenditure_by_function" and f.line_no is not None]


def test_a_failed_check_on_an_ocr_row_says_it_was_read_by_ocr_with_its_confidence() -> None:
    text_layer = broken_golden()
    plain = row_findings(text_layer)
    assert plain, "the broken figure fails a row check"
    assert not any("read by OCR" in f.message for f in plain)

    scanned = copy.deepcopy(text_layer)
    scanned["document"]["reader"] = "pdf_ocr"
    for table in scanned["tables"]:
        for record in table["records"]:
            record["ocr_confidence"] = 0.912
    noted = row_findings(scanned)
    assert [f.check for f in noted] == [f.check for f in plain]  # the same checks fail …
    assert all("read by OCR, lowest cell confidence 0.91" in f.message for f in noted)  # … said as OCR'd


def test_the_report_shows_an_ocr_rows_confidence_and_the_reader() -> None:
    scanned = broken_golden()
    scanned["document"]["reader"] = "pdf_ocr"
    table = next(t for t in scanned["tables"] if t["type"] == "expenditure_by_function")
    table["records"][0]["ocr_confidence"] = 0.8765
    doc = ExtractedDocument.from_dict(scanned)
    html = render_html_report(doc, validate_document(doc))
    assert "reader: pdf_ocr" in html
    assert '<small class="ocr">OCR 0.88</small>' in html
    assert ">ocr_confidence<" not in html  # lineage, not a column of the table
