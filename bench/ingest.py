"""Benchmark: one ``ingest`` over the bundled samples, then an unchanged re-run, side by side.

Prints wall-clock seconds of each run (the same process, the same temporary local Prefect API),
documents processed, and the ratio — the cost of a daily run when nothing changed versus the first.
Run: ``.venv/bin/python bench/ingest.py [--all-layouts]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--all-layouts", action="store_true", help="every corpus PDF, not one per sample")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    os.environ["PREFECT_HOME"] = str(work / "prefect")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

    from budget_etl.demo import SAMPLES_DIR, run_demo
    from budget_etl.settings import Settings

    samples = SAMPLES_DIR
    if args.all_layouts:  # one "seed" per file, so every layout is served
        samples = work / "samples"
        samples.mkdir()
        index = json.loads((SAMPLES_DIR / "index.json").read_text(encoding="utf-8"))
        for entry in index["documents"]:
            entry["seed"] = entry["stem"]
            shutil.copy(SAMPLES_DIR / f"{entry['stem']}.pdf", samples)
        (samples / "index.json").write_text(json.dumps(index), encoding="utf-8")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(data_dir=work / "data", demo_port=port)
    timings = []
    for label in ("first run", "unchanged re-run"):
        started = time.perf_counter()
        report = run_demo(settings, samples_dir=samples)
        elapsed = time.perf_counter() - started
        timings.append(elapsed)
        totals = report.summary.totals()
        print(
            f"{label:<17} {elapsed:7.1f} s  processed={report.summary.processed:<3} "
            f"accepted={totals['accepted']} in_review={totals['in_review']} failed={totals['failed']} "
            f"unchanged={totals['unchanged']}"
        )
    print(f"re-run / first run = {timings[1] / timings[0]:.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
