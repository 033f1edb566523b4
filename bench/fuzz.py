"""Mutation fuzz of the extractor: does any damaged file get through silently?

Takes corpus PDFs (tests/fixtures/corpus), makes N seeded mutants — byte flips, truncations
(with a fresh ``%%EOF``), a deleted object, a deleted page object, a duplicated page entry — and
runs each the way the pipeline does: ``extract_guarded`` (child process, memory and time budget)
then the validation the flow runs (``validate_tables``: checks + the extractor's integrity
errors). Each mutant lands in one column:

  clean error   — an ExtractError with a reason other than unexpected_error / resource_limit
  over budget   — resource_limit (the child hit its memory or time budget; the worker lives)
  crash         — unexpected_error (a bug; must be 0)
  flagged       — extracted, with an error finding the original does not have: review
  success       — extracted, as complete as the original, no error finding
  wrong-silent  — extracted with fewer pages, tables or project records than the original, or
                  (cid:N) garbage in the output, and no error finding beyond the original's:
                  it would be accepted (or reviewed for an unrelated reason).
                  Must be 0.

It prints the table per operator and overall, the peak child memory and the slowest mutant.

    .venv/bin/python bench/fuzz.py [--mutants 40] [--seed 1] [--files 2] [--memory-mb 1024] [--timeout-s 60]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from budget_etl.document import ExtractedDocument  # noqa: E402
from budget_etl.errors import ExtractError, Reason  # noqa: E402
from tasks.extract.guarded import extract_guarded  # noqa: E402
from tasks.extract.sandbox import Limits  # noqa: E402
from tasks.validate.task import validate_tables  # noqa: E402
from tests.extract import hostile  # noqa: E402

COLUMNS = ("clean error", "over budget", "crash", "flagged", "success", "wrong-silent")


@dataclass(frozen=True)
class Shape:
    """What an extraction yielded, to compare a mutant with its original."""

    pages: int
    tables: int
    projects: int
    cid: bool
    #: the error checks the document already fails (a corpus file may carry printed defects)
    errors: frozenset[str] = frozenset()


def shape_of(doc: ExtractedDocument, errors: frozenset[str] = frozenset()) -> Shape:
    projects = sum(len(t.records) for t in doc.tables if t.type == "project_performance")
    cid = "(cid:" in doc.to_json(indent=None)
    return Shape(doc.document.page_count, len(doc.tables), projects, cid, errors)


def error_checks(findings: list) -> frozenset[str]:
    return frozenset(f.check for f in findings if f.severity == "error")


def lost(mutant: Shape, original: Shape) -> bool:
    return (mutant.pages < original.pages or mutant.tables < original.tables
            or mutant.projects < original.projects or (mutant.cid and not original.cid))


def random_object_delete(data: bytes, seed: int) -> bytes:
    spans = hostile.object_spans(data)
    if not spans:
        return hostile.flip_bytes(data, seed)
    objid = random.Random(seed).choice(sorted(spans))
    return hostile.delete_object(data, objid)


def page_delete(data: bytes, seed: int) -> bytes:
    count = len(hostile.page_objids(data))
    return hostile.delete_page(data, random.Random(seed).randrange(count))


def page_duplicate(data: bytes, seed: int) -> bytes:
    count = len(hostile.page_objids(data))
    return hostile.duplicate_page(data, random.Random(seed).randrange(count))


OPERATORS: dict[str, Callable[[bytes, int], bytes]] = {
    "flip x1": lambda d, s: hostile.flip_bytes(d, s, 1),
    "flip x8": lambda d, s: hostile.flip_bytes(d, s, 8),
    "truncate": hostile.truncate,
    "delete object": random_object_delete,
    "delete page": page_delete,
    "duplicate page": page_duplicate,
}


def classify(data: bytes, original: Shape, limits: Limits) -> tuple[str, float, float, str]:
    """(column, child peak MiB, wall s, detail) for one mutant."""
    started = time.monotonic()
    try:
        doc, usage = extract_guarded(data, limits=limits)
    except ExtractError as error:
        wall = time.monotonic() - started
        peak = float(error.evidence.get("peak_rss_mb") or 0)
        if error.reason is Reason.RESOURCE_LIMIT:
            return "over budget", peak, wall, error.reason.value
        if error.reason is Reason.UNEXPECTED_ERROR:
            return "crash", peak, wall, error.message[:120]
        return "clean error", peak, wall, error.reason.value
    findings = validate_tables.fn(doc)
    wall = time.monotonic() - started
    new_errors = error_checks(findings) - original.errors  # what the original did not already fail
    column = "flagged" if new_errors else "wrong-silent" if lost(shape_of(doc), original) else "success"
    return column, usage.peak_rss_mb, wall, ",".join(sorted(new_errors))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--files", type=int, default=2, help="how many corpus PDFs to mutate")
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--timeout-s", type=float, default=60.0)
    args = parser.parse_args()
    limits = Limits(memory_mb=args.memory_mb, timeout_s=args.timeout_s)

    corpus = sorted((ROOT / "tests/fixtures/corpus").glob("*.pdf"))
    sources = corpus[:: max(1, len(corpus) // args.files)][: args.files]
    originals = {}
    for path in sources:
        doc, _ = extract_guarded(path.read_bytes(), limits=limits)
        shape = shape_of(doc, error_checks(validate_tables.fn(doc)))
        originals[path] = (path.read_bytes(), shape)
        print(f"original {path.name}: {shape}")

    rng = random.Random(args.seed)
    table: dict[str, Counter[str]] = defaultdict(Counter)
    silent: list[str] = []
    crashes: list[str] = []
    peak_mb, slowest = 0.0, (0.0, "")
    flagged_by: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    started = time.monotonic()
    for i in range(args.mutants):
        path = sources[i % len(sources)]
        name = list(OPERATORS)[i % len(OPERATORS)]
        seed = rng.randrange(1 << 30)
        data, original = originals[path]
        mutant = OPERATORS[name](data, seed)
        column, peak, wall, detail = classify(mutant, original, limits)
        table[name][column] += 1
        if column == "flagged":
            flagged_by.update(detail.split(","))
        elif column == "clean error":
            reasons.update([detail])
        peak_mb = max(peak_mb, peak)
        slowest = max(slowest, (wall, f"{name} seed={seed} on {path.name}"))
        if column == "wrong-silent":
            silent.append(f"{name} seed={seed} on {path.name}")
        if column == "crash":
            crashes.append(f"{name} seed={seed} on {path.name}: {detail}")
    total = Counter()
    for counts in table.values():
        total.update(counts)

    width = max(len(n) for n in [*OPERATORS, "all"]) + 2
    print(f"\n{'operator':<{width}}" + "".join(f"{c:>14}" for c in COLUMNS))
    for name in OPERATORS:
        print(f"{name:<{width}}" + "".join(f"{table[name][c]:>14}" for c in COLUMNS))
    print(f"{'all':<{width}}" + "".join(f"{total[c]:>14}" for c in COLUMNS))
    print(f"\nmutants: {args.mutants}, files: {', '.join(p.name for p in sources)}, seed: {args.seed}")
    print(f"budget: {limits.memory_mb} MiB, {limits.timeout_s:g} s; peak child RSS {peak_mb:.0f} MiB; "
          f"slowest {slowest[0]:.1f} s ({slowest[1]}); total {time.monotonic() - started:.0f} s")
    print("clean errors by reason: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    print("flagged by check (a mutant may count under several): "
          + ", ".join(f"{k} {v}" for k, v in flagged_by.most_common()))
    for line in silent:
        print(f"WRONG-BUT-SILENT: {line}")
    for line in crashes:
        print(f"CRASH: {line}")
    return 1 if silent or crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
