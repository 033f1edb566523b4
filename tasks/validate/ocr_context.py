"""Checks treat OCR'd values as such: a finding on a row read by OCR says so, with its confidence.

Why: on a text-layer PDF a failed sum is the department's error; on a scan it may as well be the
recogniser's. The reviewer must know which before correcting the figure or rejecting the
document — so the finding names the row's lowest OCR cell confidence (the records'
``ocr_confidence``, which the OCR reader sets) and says to compare the figure with the scan.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from budget_etl.contract import EXTRACT_OCR_LOW_CONFIDENCE
from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding

OCR_NOTE = "read by OCR, lowest cell confidence {confidence:.2f}: compare the figure with the scan"


def with_ocr_context(doc: ExtractedDocument, findings: list[Finding]) -> list[Finding]:
    """``findings`` with the OCR note on each one whose row (table, line, project) was OCR'd."""
    confidence: dict[tuple[str, Any, Any], float] = {}
    for table in doc.tables:
        for record in table.records:
            value = record.get("ocr_confidence")
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                key = (table.type, record.get("line_no"), record.get("project_code"))
                confidence[key] = min(float(value), confidence.get(key, 1.0))
    if not confidence:
        return findings
    out = []
    for finding in findings:
        key = (finding.table or "", finding.line_no, finding.project_code)
        if finding.check == EXTRACT_OCR_LOW_CONFIDENCE or key not in confidence or key[1:] == (None, None):
            out.append(finding)
            continue
        note = OCR_NOTE.format(confidence=confidence[key])
        out.append(dataclasses.replace(finding, message=f"{finding.message} ({note})"))
    return out
