"""OCR pages/s and peak memory beside text-layer extraction of the same pages.

The same corpus pages are extracted twice, each run in a fresh child process (peak RSS is the
child's own ``ru_maxrss``): once from the PDF text layer, once as scans (the pages rendered,
noised, rotated and stamped by tests/extract/scans.py, so only the OCR reader can read them).

    PYTHONPATH=. .venv/bin/python bench/ocr.py --stem 004-a --pages 4,5
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import resource
import time
from pathlib import Path

import pikepdf

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus"


def subset(data: bytes, pages: list[int]) -> bytes:
    """Only ``pages`` (1-based) of ``data``, in order."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = pikepdf.new()
        for p in pages:
            out.pages.append(pdf.pages[p - 1])
        buffer = io.BytesIO()
        out.save(buffer)
    return buffer.getvalue()


def run(data: bytes, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from budget_etl.errors import ExtractError
    from tasks.extract import extract_document

    start = time.perf_counter()
    reader, outcome = "?", "ok"
    try:
        reader = extract_document(data).document.reader
    except ExtractError as exc:
        outcome = exc.reason.value
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, reader, outcome))


def measure(data: bytes) -> tuple[float, float, str, str]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=run, args=(data, queue))
    child.start()
    result = queue.get(timeout=1800)
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stem", default="004-a")
    parser.add_argument("--pages", default="4,5", help="1-based pages of the corpus PDF")
    args = parser.parse_args()
    pages = [int(p) for p in args.pages.split(",")]
    from tests.extract.scans import scanned_pdf

    source = CORPUS / f"{args.stem}.pdf"
    text = subset(source.read_bytes(), pages)
    scan = subset(scanned_pdf(source, pages), pages)
    print(f"{args.stem} pages {pages} ({len(pages)} pages)")
    print(f"{'reader':10} {'seconds':>8} {'pages/s':>8} {'peak MiB':>9}  outcome")
    for label, data in (("text", text), ("ocr", scan)):
        seconds, peak, reader, outcome = measure(data)
        print(f"{reader:10} {seconds:8.2f} {len(pages) / seconds:8.3f} {peak:9.0f}  {outcome} ({label} run)")


if __name__ == "__main__":
    main()
