"""Benchmark on the real published PDFs: how much of each golden ``extract`` recovers, and how fast.

For every ``tests/fixtures/real/<stem>.expected.json`` (goldens read off the pages) it prints,
per file and overall:
  * tables found / expected — expected tables whose type has a counterpart in the output
    (matched like the scorer: the n-th table of a type against the n-th of that type);
  * rows right / expected — records whose every expected leaf matches;
  * numbers recovered / expected — numeric leaves (amounts, line numbers) that match;
  * pages/s of ``extract`` and of pdfplumber's ``page.extract_tables()`` on the same pages,
    in CPU seconds, side by side in one run (best of ``--repeat``), and their ratio.
A file the extractor rejects shows its reason code and counts zero. It asserts nothing.

    .venv/bin/python bench/real.py [--repeat 1] [--only STEM ...]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from budget_etl.errors import BudgetEtlError  # noqa: E402
from tasks.extract import extract_document  # noqa: E402
from tests.extract.scoring import Score, compare  # noqa: E402

REAL = ROOT / "tests" / "fixtures" / "real"


@dataclass
class Counts:
    tables: int = 0
    tables_expected: int = 0
    rows: int = 0
    rows_expected: int = 0
    numbers: int = 0
    numbers_expected: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def numeric_leaves(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return 1
    if isinstance(value, dict):
        return sum(numeric_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(numeric_leaves(v) for v in value)
    return 0


def numeric_hits(expected: Any, actual: Any) -> int:
    """Numeric leaves of ``expected`` that ``actual`` matches at the same path."""
    if isinstance(expected, dict):
        mapping = actual if isinstance(actual, dict) else {}
        return sum(numeric_hits(v, mapping.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        items = actual if isinstance(actual, list) else []
        return sum(numeric_hits(v, items[i] if i < len(items) else None) for i, v in enumerate(expected))
    if isinstance(expected, bool) or not isinstance(expected, int | float):
        return 0
    score = Score()
    compare(expected, actual if actual is not None else {}, "", score)
    return score.matched


def recovered(actual: dict[str, Any] | None, expected: dict[str, Any]) -> Counts:
    counts = Counts()
    by_type: dict[str, list[dict[str, Any]]] = {}
    for table in (actual or {}).get("tables", []):
        by_type.setdefault(table["type"], []).append(table)
    seen: dict[str, int] = {}
    for table in expected["tables"]:
        index = seen.get(table["type"], 0)
        seen[table["type"]] = index + 1
        candidates = by_type.get(table["type"], [])
        other = candidates[index] if index < len(candidates) else None
        counts.tables_expected += 1
        counts.rows_expected += len(table["records"])
        counts.numbers_expected += numeric_leaves(table["records"])
        if other is None:
            continue
        counts.tables += 1
        got = other.get("records", [])
        for i, record in enumerate(table["records"]):
            score = Score()
            compare(record, got[i] if i < len(got) else {}, "", score)
            counts.rows += score.matched == score.total
        counts.numbers += numeric_hits(table["records"], got)
    return counts


def run_extract(data: bytes) -> dict[str, Any] | str:
    try:
        return extract_document(data).to_dict()
    except BudgetEtlError as exc:
        return exc.reason.value


def run_extract_tables(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()
        return len(pdf.pages)


def cpu_best(fn: Callable[[bytes], Any], data: bytes, repeat: int) -> tuple[float, Any]:
    """Best CPU seconds over ``repeat`` runs (CPU, not wall: the machine is shared)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        result = fn(data)
        best = min(best, time.process_time() - start)
    return best, result


def figures_row(label: str, c: Counts, pages: int, t_extract: float, t_plumber: float) -> str:
    """One line of the table: counts, then pages per CPU-second of both readers and their ratio."""
    return (
        f"{label:24} {c.tables:>4}/{c.tables_expected:<4} {c.rows:>5}/{c.rows_expected:<5} "
        f"{c.numbers:>6}/{c.numbers_expected:<6} {pages:>5} {pages / max(t_extract, 1e-9):>11.1f} "
        f"{pages / max(t_plumber, 1e-9):>11.1f} {t_extract / max(t_plumber, 1e-9):>6.2f} "
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", nargs="*", default=None, help="stems to run (default: every golden)")
    args = parser.parse_args()
    goldens = sorted(REAL.glob("*.expected.json"))
    if args.only:
        goldens = [g for g in goldens if g.name.removesuffix(".expected.json") in args.only]
    header = (f"{'file':24} {'tables':>9} {'rows':>11} {'numbers':>13} {'pages':>5} "
              f"{'extract p/s':>11} {'plumber p/s':>11} {'ratio':>6}  outcome")
    print(header)
    print("-" * len(header))
    total = Counts()
    pages_all = cpu_extract = cpu_plumber = 0.0
    for path in goldens:
        stem = path.name.removesuffix(".expected.json")
        expected = json.loads(path.read_text(encoding="utf-8"))
        data = (REAL / f"{stem}.pdf").read_bytes()
        t_plumber, pages = cpu_best(run_extract_tables, data, args.repeat)
        t_extract, result = cpu_best(run_extract, data, args.repeat)
        actual = result if isinstance(result, dict) else None
        outcome = "ok" if actual is not None else f"error {result}"
        if actual is not None and expected["document"]["narrative_only"]:
            flagged = actual["document"].get("narrative_only")
            outcome = "narrative_only" if flagged else "not flagged narrative_only"
        counts = recovered(actual, expected)
        total.add(counts)
        pages_all += pages
        cpu_extract += t_extract
        cpu_plumber += t_plumber
        print(figures_row(stem, counts, pages, t_extract, t_plumber), outcome)
    print("-" * len(header))
    if goldens:
        print(figures_row("overall", total, int(pages_all), cpu_extract, cpu_plumber))


if __name__ == "__main__":
    main()
