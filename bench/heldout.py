"""Measurement: how the extractor does on the held-out PDFs (made by software it was not tuned on).

For each file in tests/fixtures/heldout/index.json it runs ``tasks.extract.extract_document`` as a
black box, scores the output with the team's scorer (tests/extract/scoring.py, the same rules as
the corpus' 100% gate) and prints matched/total fields, the ``ExtractError`` reason when the
extractor refused the file, a per-table-type breakdown and the first mismatches. This is a
measurement, not a test: the held-out set is not part of the gate.

    .venv/bin/python bench/heldout.py [--mismatches 10] [stem ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from budget_etl.errors import ExtractError  # noqa: E402
from tasks.extract import extract_document  # noqa: E402
from tests.extract.scoring import Score, compare, score_extract  # noqa: E402

HELDOUT = ROOT / "tests" / "fixtures" / "heldout"


def per_table_type(actual: dict[str, Any], expected: dict[str, Any]) -> dict[str, Score]:
    """Score each table type on its own (n-th table of a type against the n-th), to show where
    the misses concentrate."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for table in actual.get("tables", []):
        by_type.setdefault(table["type"], []).append(table)
    scores: dict[str, Score] = {}
    seen: dict[str, int] = {}
    for table in expected.get("tables", []):
        kind = table["type"]
        index = seen.get(kind, 0)
        seen[kind] = index + 1
        score = scores.setdefault(kind, Score())
        found = by_type.get(kind, [])
        other = found[index] if index < len(found) else None
        leaves = {"title": table["title"], "records": table["records"]}
        if table.get("pages"):
            leaves["pages"] = table["pages"]
        got: dict[str, Any] = {}
        if other is not None:
            got = {
                "title": other.get("title"),
                "records": other.get("records", []),
                "pages": other.get("pages"),
            }
        compare(leaves, got, kind, score)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("stems", nargs="*", help="only these stems (default: all in index.json)")
    parser.add_argument("--mismatches", type=int, default=10, help="mismatches shown per file")
    args = parser.parse_args(argv)
    index = json.loads((HELDOUT / "index.json").read_text(encoding="utf-8"))["documents"]
    entries = [e for e in index if not args.stems or e["stem"] in args.stems]
    grand = Score()
    print(f"{'stem':<7} {'kind':<19} {'fields':>13} {'accuracy':>9} {'secs':>6}  producer")
    details: list[str] = []
    for entry in entries:
        stem = entry["stem"]
        expected = json.loads((HELDOUT / f"{stem}.expected.json").read_text(encoding="utf-8"))
        started = time.perf_counter()
        try:
            actual = extract_document(HELDOUT / f"{stem}.pdf").to_dict()
        except ExtractError as error:
            elapsed = time.perf_counter() - started
            score = score_extract({}, expected)
            grand.matched += score.matched
            grand.total += score.total
            print(
                f"{stem:<7} {entry['kind']:<19} {score.matched:>6}/{score.total:<6} {score.ratio:>8.1%} "
                f"{elapsed:>6.1f}  {entry['producer']}  RAISED {error}"
            )
            continue
        elapsed = time.perf_counter() - started
        score = score_extract(actual, expected)
        grand.matched += score.matched
        grand.total += score.total
        print(
            f"{stem:<7} {entry['kind']:<19} {score.matched:>6}/{score.total:<6} {score.ratio:>8.1%} "
            f"{elapsed:>6.1f}  {entry['producer']}"
        )
        lines = [f"\n== {stem} ({entry['producer']}): {score.matched}/{score.total} = {score.ratio:.2%}"]
        got = [t["type"] for t in actual.get("tables", [])]
        want = [t["type"] for t in expected["tables"]]
        if got != want:
            lines.append(f"   table types expected {len(want)}, got {len(got)}: {got}")
        for kind, sub in per_table_type(actual, expected).items():
            if sub.matched != sub.total:
                lines.append(f"   {kind:<34} {sub.matched:>5}/{sub.total:<5} {sub.ratio:.1%}")
        lines += [f"   - {m[:220]}" for m in score.mismatches[: args.mismatches]]
        details.append("\n".join(lines))
    print(f"{'ALL':<7} {'':<19} {grand.matched:>6}/{grand.total:<6} {grand.ratio:>8.1%}")
    print("\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
