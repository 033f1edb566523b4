"""OCR accuracy per document: every page of a corpus PDF scanned, OCR'd and scored against its golden.

Each page is rendered, noised, rotated 0.5–1.5° and stamped (tests/extract/scans.py), so the
whole document — title page, narrative and tables — can only be read by the OCR reader. The
extract is scored field by field against the document's golden (whitespace-free text, numbers
to 0.005; tests/extract/scoring.py) and every wrong amount is looked up for its flag
(tests/extract/ocr_audit.py). The suite keeps a few pages only (OCR is ~6 s a page); this is
the per-document figure of issue 16.

    PYTHONPATH=. .venv/bin/python bench/ocr_accuracy.py 004-a 001-c 002-b
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="+", help="corpus documents, e.g. 004-a")
    parser.add_argument("--mismatches", type=int, default=0, help="print this many wrong fields per document")
    args = parser.parse_args()
    import pypdfium2 as pdfium

    from tasks.extract import extract_document
    from tests.extract.ocr_audit import audit_extract
    from tests.extract.scans import scanned_pdf

    print(f"{'document':9} {'pages':>5} {'s/page':>6} {'fields':>11} {'right %':>8} "
          f"{'wrong amounts':>13} {'flagged':>7}  reader")
    for stem in args.stems:
        source = CORPUS / f"{stem}.pdf"
        pages = list(range(1, len(pdfium.PdfDocument(source.read_bytes())) + 1))
        scan = scanned_pdf(source, pages)
        start = time.perf_counter()
        actual = extract_document(scan).to_dict()
        seconds = time.perf_counter() - start
        golden = json.loads((CORPUS / f"{stem}.expected.json").read_text(encoding="utf-8"))
        golden["document"].update(sha256="", reader="")  # the scan is another file, read by another reader
        audit = audit_extract(actual, golden)
        flagged = len(audit.wrong) - len(audit.silent)
        print(f"{stem:9} {len(pages):5d} {seconds / len(pages):6.1f} "
              f"{audit.score.matched:5d}/{audit.score.total:<5d} {100 * audit.score.ratio:8.2f} "
              f"{len(audit.wrong):13d} {flagged:7d}  {actual['document']['reader']}", flush=True)
        for line in audit.score.mismatches[: args.mismatches]:
            print("   ", line)
        for wrong in audit.silent:
            print("    SILENT", wrong)


if __name__ == "__main__":
    main()
