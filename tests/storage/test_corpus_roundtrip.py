"""The extractor's golden outputs store completely: every record, field and amount comes back out.

Uses the corpus engineer's ``tests/fixtures/corpus/*.expected.json`` (the ``extract`` JSON for real
layouts); each gets the hash of its own JSON text and counts as its own document.
"""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from budget_etl.contract import TABLE_TYPES
from budget_etl.document import ExtractedDocument
from storage.export import export_table, to_csv
from storage.models import RECORD_MODELS, ProjectIndicator
from storage.repository import Repository

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
GOLDENS = sorted(CORPUS.glob("*.expected.json"))


def load(path: Path) -> ExtractedDocument:
    text = path.read_text(encoding="utf-8")
    doc = ExtractedDocument.from_json(text)
    doc.document.sha256 = hashlib.sha256(text.encode()).hexdigest()
    # layout variants of one seed are the same logical document; keep each as its own here
    doc.document.department_name = f"{doc.document.department_name}|{path.name}"
    return doc


@pytest.mark.skipif(not GOLDENS, reason="the corpus has no expected JSON yet")
def test_every_golden_stores_without_losing_a_field(repository: Repository) -> None:
    docs = [load(path) for path in GOLDENS]
    for doc in docs:
        repository.accept_document(doc, [], report_uri=None)

    for slug, model in RECORD_MODELS.items():
        expected = [r for d in docs for t in d.tables_of(slug) for r in t.records]
        with repository.engine.connect() as conn:
            stored = conn.execute(select(model)).all()
        assert len(stored) == len(expected), slug
        has_fields = slug in TABLE_TYPES and TABLE_TYPES[slug].fields
        assert all(row.unmapped is None for row in stored if has_fields), slug  # every key had a column

    indicators = [
        i
        for d in docs
        for t in d.tables_of("project_performance")
        for r in t.records
        for i in r.get("indicators") or []
    ]
    with repository.engine.connect() as conn:
        assert conn.execute(select(ProjectIndicator)).all().__len__() == len(indicators)


@pytest.mark.skipif(not GOLDENS, reason="the corpus has no expected JSON yet")
def test_amounts_come_back_exactly_as_extracted(repository: Repository) -> None:
    docs = [load(path) for path in GOLDENS]
    for doc in docs:
        repository.accept_document(doc, [], report_uri=None)
    for slug in ("expenditure_by_function", "revenue_expenditure_summary", "project_performance"):
        amounts = TABLE_TYPES[slug].amount_fields
        expected = sorted(
            (str(r.get("name") or r.get("item") or r.get("project_code")), f, Decimal(str(r[f])))
            for d in docs
            for t in d.tables_of(slug)
            for r in t.records
            for f in amounts
            if r.get(f) is not None
        )
        rows = list(csv.DictReader(io.StringIO(to_csv(export_table(repository.engine, slug)).decode())))
        exported = sorted(
            (str(r.get("name") or r.get("item") or r.get("project_code")), f, Decimal(r[f]))
            for r in rows
            for f in amounts
            if r[f] != ""
        )
        assert exported == expected, slug
