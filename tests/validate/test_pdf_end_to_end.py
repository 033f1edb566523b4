"""End to end on the real corpus PDFs: extract → validate gives the same verdict as the goldens.

Every PDF of ``tests/fixtures/corpus/index.json`` is extracted by the real extractor and fully
validated. The findings must be exactly the seed's known real inconsistencies (see
``test_clean_corpus``) — layout changes between variants must not create or hide any — every
finding must carry the page(s) it is on, and the narrative figures must actually be read.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from budget_etl.document import ExtractedDocument
from tasks.validate import validate_document
from tasks.validate.reconcile.narrative import NARRATIVE_FIGURES, find_figure, narrative_text
from tests.validate.conftest import CORPUS
from tests.validate.test_clean_corpus import KNOWN_REAL


def corpus_entries() -> list[dict]:
    index = CORPUS / "index.json"
    return json.loads(index.read_text(encoding="utf-8"))["documents"] if index.exists() else []


@cache
def extracted(stem: str) -> ExtractedDocument:
    from tasks.extract import extract_document

    return extract_document(Path(CORPUS / f"{stem}.pdf"))


ENTRIES = corpus_entries()


@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES, ids=[e["stem"] for e in ENTRIES])
def test_pdf_validates_to_the_known_real_findings(entry: dict) -> None:
    doc = extracted(entry["stem"])
    findings = validate_document(doc)
    found = Counter(
        (f.check, f.table, f.line_no, f.project_code, f.field, f.severity.value) for f in findings
    )
    assert found == Counter(KNOWN_REAL[entry["seed"]])
    assert all(f.pages for f in findings), "every finding points at its page(s)"


@pytest.mark.slow
@pytest.mark.parametrize(
    "entry",
    [e for e in ENTRIES if e["kind"] == "budget_disclosure"],
    ids=[e["stem"] for e in ENTRIES if e["kind"] == "budget_disclosure"],
)
def test_pdf_narrative_figures_are_all_compared(entry: dict) -> None:
    text = narrative_text(extracted(entry["stem"]))
    missing = [f.what for f in NARRATIVE_FIGURES if find_figure(text, f.pattern) is None]
    assert missing == []


def test_corpus_is_present() -> None:
    """The end-to-end cases above must not silently vanish."""
    assert len(ENTRIES) >= 4
