"""How an OCR'd extract compares with its golden: fields right, wrong amounts, and which are flagged.

One audit for the suite (a few scanned pages, tests/extract/test_ocr.py) and for the whole-document
bench (bench/ocr_accuracy.py), so both report the same figure the same way. Done-when of issue 16:
every wrong amount must be flagged — by an ``extract.ocr_low_confidence`` finding on that cell,
an ``extract.amount_not_number`` finding on its row, or a failed (error) check on its table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from budget_etl.contract import EXTRACT_AMOUNT_NOT_NUMBER, EXTRACT_OCR_LOW_CONFIDENCE, TABLE_TYPES
from tests.extract.scoring import Score, score_extract


@dataclass
class WrongAmount:
    table: str
    line_no: Any
    field: str
    expected: Any
    actual: Any
    flagged_by: str | None  # the check that caught it; None: accepted silently


@dataclass
class Audit:
    score: Score
    wrong: list[WrongAmount] = field(default_factory=list)

    @property
    def silent(self) -> list[WrongAmount]:
        return [w for w in self.wrong if w.flagged_by is None]


def audit_extract(actual: dict[str, Any], golden: dict[str, Any], pages: list[int] | None = None) -> Audit:
    """Score ``actual`` (an extract JSON) against ``golden`` and find every wrong amount's flag.

    ``pages``: only the tables printed on those pages are scored (the suite scans a few pages);
    the checks still run on the whole document, as the pipeline runs them.
    """
    from budget_etl.document import ExtractedDocument
    from budget_etl.findings import Severity
    from tasks.validate import validate_document

    checked = validate_document(ExtractedDocument.from_dict(actual))
    failed_tables = {f.table for f in checked if f.severity == Severity.ERROR and f.table}
    findings = actual.get("findings", [])
    low = {_number(f["actual"]) for f in findings if f["check"] == EXTRACT_OCR_LOW_CONFIDENCE}
    not_numbers = {(f["table"], f["line_no"]) for f in findings if f["check"] == EXTRACT_AMOUNT_NOT_NUMBER}
    if pages is not None:
        golden = {"document": {}, "tables": tables_on(golden, pages)}
        actual = {**actual, "tables": tables_on(actual, pages)}
    audit = Audit(score=score_extract(actual, golden))
    by_type: dict[str, list[dict[str, Any]]] = {}
    for table in actual.get("tables", []):
        by_type.setdefault(table["type"], []).append(table)
    seen: dict[str, int] = {}
    for table in golden.get("tables", []):
        kind = table["type"]
        index = seen.get(kind, 0)
        seen[kind] = index + 1
        mine = by_type.get(kind, [])
        got = mine[index]["records"] if index < len(mine) else []
        amounts = TABLE_TYPES[kind].amount_fields if kind in TABLE_TYPES else ()
        for i, record in enumerate(table["records"]):
            ours = got[i] if i < len(got) else {}
            for name in amounts:
                if same_number(record.get(name), ours.get(name)):
                    continue
                flag = ("ocr_low_confidence" if _number(ours.get(name)) in low and ours.get(name) is not None
                        else "amount_not_number" if (kind, ours.get("line_no")) in not_numbers
                        else "table_check_failed" if kind in failed_tables else None)
                audit.wrong.append(WrongAmount(kind, ours.get("line_no"), name, record.get(name),
                                               ours.get(name), flag))
    return audit


def tables_on(doc: dict[str, Any], pages: list[int]) -> list[dict[str, Any]]:
    return [t for t in doc["tables"] if t["pages"] and set(t["pages"]) <= set(pages)]


def _number(value: Any) -> float | None:
    try:
        return round(float(str(value).replace(",", "")), 2)
    except (TypeError, ValueError):
        return None


def same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 0.005
