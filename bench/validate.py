"""Benchmark: ``validate_document`` vs ``extract_document`` on the same corpus PDF, side by side.

For every corpus PDF (tests/fixtures/corpus/*.pdf) it extracts the document, then validates it,
``--repeat`` times each, and prints the median milliseconds of both and the ratio
validate / extract (the target is < 1: checking a document costs less than reading it). It
also splits validation into its three layers (pandera, GX suites, reconciliation) so a slow
layer is visible. The one-off cost of importing GX and building its context is paid in a
warm-up run first and printed separately.

    .venv/bin/python bench/validate.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tasks.extract import extract_document  # noqa: E402
from tasks.validate import validate_document  # noqa: E402
from tasks.validate.expectation_layer import check_expectations  # noqa: E402
from tasks.validate.reconcile import reconcile  # noqa: E402
from tasks.validate.schema_layer import check_schemas  # noqa: E402
from tasks.validate.settings import get_validate_settings  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    pdfs = sorted(CORPUS.glob("*.pdf"))
    if not pdfs:
        print("no corpus PDFs under tests/fixtures/corpus", file=sys.stderr)
        return 2

    start = time.perf_counter()
    validate_document(extract_document(pdfs[0]))
    print(f"warm-up (imports, GX context, first run): {(time.perf_counter() - start) * 1000:.0f} ms\n")

    settings = get_validate_settings()
    header = f"{'document':10} {'pages':>5} {'extract ms':>11} {'validate ms':>12} {'ratio':>6}   "
    print(header + f"{'pandera':>8} {'GX':>8} {'reconcile':>9}  findings")
    ratios = []
    for pdf in pdfs:
        data = pdf.read_bytes()
        doc = extract_document(data)
        extract = median_ms(lambda data=data: extract_document(data), args.repeat)
        validate = median_ms(lambda doc=doc: validate_document(doc), args.repeat)
        schema = median_ms(lambda doc=doc: check_schemas(doc), args.repeat)
        suites = median_ms(lambda doc=doc: check_expectations(doc), args.repeat)
        arithmetic = median_ms(lambda doc=doc: reconcile(doc, settings), args.repeat)
        ratios.append(validate / extract)
        print(
            f"{pdf.stem:10} {doc.document.page_count:5d} {extract:11.1f} {validate:12.1f} "
            f"{validate / extract:6.2f}   "
            f"{schema:8.1f} {suites:8.1f} {arithmetic:9.1f}  {len(validate_document(doc))}"
        )
    print(
        f"\nvalidate/extract ratio: median {statistics.median(ratios):.2f}, max {max(ratios):.2f} "
        f"(median of {args.repeat} runs per document)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
