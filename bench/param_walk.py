"""Benchmark: CPU Prefect spends walking a task's parameters, an extracted document plain vs ``quote``d.

Before a task runs, Prefect walks every parameter twice (collecting upstream futures for the
task run's inputs, then resolving them); ``flows.process_document`` passes the extracted
document and its findings ``quote``d so neither walk enters them (issue 12). Prints CPU ms per
document per task call for each corpus PDF's extraction, plain and quoted. Asserts nothing.
``.venv/bin/python bench/param_walk.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def walk(value: object) -> None:
    """What the task engine does to one parameter before the task runs."""
    from prefect.utilities.collections import visit_collection
    from prefect.utilities.engine import collect_task_run_inputs_sync, resolve_to_final_result

    collect_task_run_inputs_sync(value)
    visit_collection(value, visit_fn=resolve_to_final_result, return_data=True, max_depth=-1,
                     remove_annotations=True, context={})


def main() -> int:
    from prefect.utilities.annotations import quote

    from tasks.extract.guarded import extract_guarded

    pdfs = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.pdf"))
    docs = [extract_guarded(pdf.read_bytes(), source_url=str(pdf))[0] for pdf in pdfs]
    records = sum(len(table.records) for doc in docs for table in doc.tables) / len(docs)
    print(f"{len(docs)} corpus documents, {records:.0f} records per document on average")
    for label, wrap in (("plain", lambda doc: doc), ("quoted", quote)):
        started = time.process_time()
        for doc in docs:
            walk(wrap(doc))
        per_doc_ms = (time.process_time() - started) / len(docs) * 1000
        print(f"{label:<7} {per_doc_ms:7.2f} ms CPU per document per task call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
