"""Benchmark: rows/s written by ``Repository.accept_document`` to SQLite and to PostgreSQL.

A batch of synthetic documents (copies of the corpus goldens ``tests/fixtures/corpus/*.expected.json``,
each with its own sha256 and department, so every one is a new document version) is stored
one document per transaction — exactly the pipeline's write path — into a fresh SQLite file
and a fresh PostgreSQL database, side by side in one run. Then the same batch is stored again
(the idempotent re-run: every document is found by its hash and skipped) and timed too.

"rows" = record rows (every table type's records + project indicators); the per-document
bookkeeping rows (version, tables, audit) are written too but not counted.

    .venv/bin/python bench/store.py [--docs 500] [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from budget_etl.document import ExtractedDocument  # noqa: E402
from storage.engine import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.repository import Repository  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def synthetic_batch(count: int) -> list[ExtractedDocument]:
    """``count`` distinct documents cycling through the goldens."""
    goldens = [
        ExtractedDocument.from_json(p.read_text(encoding="utf-8"))
        for p in sorted(CORPUS.glob("*.expected.json"))
    ]
    if not goldens:
        raise SystemExit(f"no *.expected.json in {CORPUS}")
    batch = []
    for n in range(count):
        doc = copy.deepcopy(goldens[n % len(goldens)])
        doc.document.sha256 = hashlib.sha256(f"bench-{n}".encode()).hexdigest()
        doc.document.department_name = f"{doc.document.department_name or 'dept'}-{n}"
        batch.append(doc)
    return batch


def record_rows(doc: ExtractedDocument) -> int:
    return sum(len(t.records) + sum(len(r.get("indicators") or []) for r in t.records) for t in doc.tables)


def time_batch(url: str, batch: list[ExtractedDocument]) -> tuple[float, float]:
    """Seconds for the first pass and for the idempotent second pass."""
    engine = make_engine(url)
    repository = Repository(engine, actor="bench")
    start = time.perf_counter()
    for doc in batch:
        repository.accept_document(doc, [], report_uri=None)
    first = time.perf_counter() - start
    start = time.perf_counter()
    for doc in batch:
        repository.accept_document(doc, [], report_uri=None)
    second = time.perf_counter() - start
    engine.dispose()
    return first, second


def libpq(url: str) -> str:
    u = make_url(url)
    return (
        f"host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username or 'postgres'} "
        f"dbname={u.database or 'postgres'}"
    )


def figures_row(backend: str, first: float, second: float, rows: int, docs: int) -> str:
    """One backend's line of the table, so both backends are printed in exactly the same columns."""
    return (
        f"{backend:<12}{first:>12.2f}{rows / first:>10.0f}{docs / first:>9.1f}{second:>10.2f}"
        f"{docs / second:>15.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument(
        "--pg",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server URL (a scratch database is created and dropped there)",
    )
    args = parser.parse_args()

    batch = synthetic_batch(args.docs)
    rows = sum(record_rows(d) for d in batch)
    print(f"batch: {len(batch)} documents, {rows} record rows ({rows / len(batch):.0f} per document)")
    print(
        f"{'backend':<12}{'1st pass s':>12}{'rows/s':>10}{'docs/s':>9}{'re-run s':>10}{'re-run docs/s':>15}"
    )

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{tmp}/bench.db"
        upgrade(sqlite_url)
        first, second = time_batch(sqlite_url, batch)
        results["sqlite"] = rows / first
        print(figures_row("sqlite", first, second, rows, len(batch)))

    name = f"budget_etl_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(libpq(args.pg), autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        print(f"{'postgresql':<12} skipped: server unreachable ({exc})")
        return
    pg_url = make_url(args.pg).set(drivername="postgresql+psycopg", database=name).render_as_string(False)
    try:
        upgrade(pg_url)
        first, second = time_batch(pg_url, batch)
        results["postgresql"] = rows / first
        print(figures_row("postgresql", first, second, rows, len(batch)))
    finally:
        with psycopg.connect(libpq(args.pg), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
    print(f"ratio sqlite/postgresql rows/s: {results['sqlite'] / results['postgresql']:.2f}")


if __name__ == "__main__":
    main()
