"""The shared DB fixtures keep their promise: no PostgreSQL in CI is a failure, elsewhere a skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "tests/storage/test_migrations.py::test_upgrade_creates_the_declared_schema_and_is_idempotent"


def run_probe(*, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["BUDGET_ETL_TEST_PG_URL"] = "postgresql+psycopg://postgres@127.0.0.1:1/postgres"  # nothing listens
    if ci:
        env["CI"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{PROBE}[postgresql]"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_unreachable_postgresql_fails_in_ci_and_skips_elsewhere() -> None:
    in_ci = run_probe(ci=True)
    assert in_ci.returncode != 0
    assert "PostgreSQL is not reachable" in in_ci.stdout
    elsewhere = run_probe(ci=False)
    assert elsewhere.returncode == 0, elsewhere.stdout
    assert "1 skipped" in elsewhere.stdout
