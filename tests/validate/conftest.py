"""Fixtures for the quality-check specifications: clean documents and a defect injector.

Clean documents are the corpus goldens (``tests/fixtures/corpus/<seed>.expected.json``, the exact
extract of each seed). The goldens carry no narrative, so ``seed_narrative`` rebuilds the
情况说明 paragraphs from the seed text: the running-text lines (table cells are tab-separated)
from the 情况说明 heading to the end (the fixed-assets paragraph follows the project tables).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from budget_etl.document import ExtractedDocument, NarrativeBlock
from budget_etl.findings import Finding
from tasks.validate import validate_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS = FIXTURES / "corpus"
SEEDS = FIXTURES / "seeds"

FindingKey = tuple[str, str | None, int | None, str | None, str | None]


def key_of(finding: Finding) -> FindingKey:
    return (finding.check, finding.table, finding.line_no, finding.project_code, finding.field)


def load_golden(stem: str) -> ExtractedDocument:
    return ExtractedDocument.from_json((CORPUS / f"{stem}.expected.json").read_text(encoding="utf-8"))


def seed_narrative(stem: str) -> list[NarrativeBlock]:
    """The running text of a seed from its 情况说明 on, as narrative blocks (one per line)."""
    path = next(SEEDS.glob(f"{stem}_*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(
        i for i, line in enumerate(lines) if "情况说明" in line and "年" in line and "\t" not in line
    )
    blocks = []
    for line in lines[start:]:
        if not line.strip() or line.startswith("\t") or "\t" in line.strip():
            continue
        text = re.sub(r"\[bookmark:[^\]]*\]|<[^>]+>|^#+\s*", "", line).strip()
        if text:
            blocks.append(NarrativeBlock(page=3, text=text))
    return blocks


def with_narrative(stem: str) -> ExtractedDocument:
    doc = load_golden(stem)
    doc.narrative = seed_narrative(stem)
    return doc


@pytest.fixture(scope="session")
def golden() -> Callable[[str], ExtractedDocument]:
    """A fresh deep copy of a seed's golden document, with its 情况说明 narrative."""
    cache: dict[str, ExtractedDocument] = {}

    def load(stem: str) -> ExtractedDocument:
        if stem not in cache:
            cache[stem] = with_narrative(stem) if stem in ("001", "004") else load_golden(stem)
        return copy.deepcopy(cache[stem])

    return load


@pytest.fixture(scope="session")
def clean_findings(golden: Callable[[str], ExtractedDocument]) -> Callable[[str], list[Finding]]:
    cache: dict[str, list[Finding]] = {}

    def run(stem: str) -> list[Finding]:
        if stem not in cache:
            cache[stem] = validate_document(golden(stem))
        return cache[stem]

    return run


@pytest.fixture(scope="session")
def inject(
    golden: Callable[[str], ExtractedDocument], clean_findings: Callable[[str], list[Finding]]
) -> Callable[[str, Callable[[ExtractedDocument], None]], list[Finding]]:
    """Apply one defect to a clean copy of the seed and return only the findings it added."""

    def run(stem: str, mutate: Callable[[ExtractedDocument], None]) -> list[Finding]:
        doc = golden(stem)
        mutate(doc)
        before = {key_of(f) for f in clean_findings(stem)}
        return [f for f in validate_document(doc) if key_of(f) not in before]

    return run
