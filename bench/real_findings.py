"""Validation errors per real PDF of ``tests/fixtures/real``: extract, validate, count by check.

Prints one line per file (narrative-only flag, unit, error count, errors by check and table) so a
change to the checks or the extractor shows which real documents gain or lose findings. Usage:
``.venv/bin/python bench/real_findings.py [FILE.pdf ...]``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from budget_etl.errors import BudgetEtlError
from budget_etl.findings import Severity
from tasks.extract import extract_document
from tasks.validate import validate_document

REAL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real"


def main(names: list[str]) -> None:
    paths = [REAL / n for n in names] if names else sorted(REAL.glob("*.pdf"))
    for path in paths:
        try:
            doc = extract_document(path)
        except BudgetEtlError as error:
            print(f"{path.name}\textract: {error.reason.value}")
            continue
        errors = [f for f in validate_document(doc) if f.severity is Severity.ERROR]
        by_check = Counter(f"{f.check}@{f.table}" for f in errors)
        print(
            f"{path.name}\tnarrative_only={doc.document.narrative_only}\tunit={doc.document.unit}"
            f"\terrors={len(errors)}\t{dict(by_check)}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
