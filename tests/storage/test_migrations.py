"""Migrations create exactly the schema the models declare, on SQLite and PostgreSQL, from any cwd."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.engine import make_engine
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base


def test_upgrade_creates_the_declared_schema_and_is_idempotent(blank_db_url: str) -> None:
    assert current_revision(blank_db_url) is None
    upgrade(blank_db_url)
    upgrade(blank_db_url)
    assert current_revision(blank_db_url) == head_revision()
    engine = make_engine(blank_db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_db_upgrade_command_works_from_another_directory_with_the_default_data_dir(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGET_ETL_")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "budget-etl"), "db", "upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "data" / "budget_etl.db"
    assert database.exists()
    assert current_revision(f"sqlite:///{database}") == head_revision()


def test_every_revision_downgrades_and_upgrades_again(blank_db_url: str) -> None:
    from alembic import command

    from storage.migrate import alembic_config

    upgrade(blank_db_url)
    engine = make_engine(blank_db_url)
    with engine.connect() as conn:
        config = alembic_config(blank_db_url)
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
        conn.commit()
    engine.dispose()
    assert current_revision(blank_db_url) is None
    upgrade(blank_db_url)
    assert current_revision(blank_db_url) == head_revision()


def test_one_environment_variable_moves_the_default_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGET_ETL_")}
    env["BUDGET_ETL_DATA_DIR"] = str(tmp_path / "elsewhere")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "budget-etl"), "db", "upgrade", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "elsewhere" / "budget_etl.db").exists()
    assert not (tmp_path / "data").exists()


def test_two_processes_upgrading_a_fresh_database_at_once_both_succeed(blank_db_url: str) -> None:
    command = [str(Path(sys.executable).parent / "budget-etl"), "db", "upgrade", "--db", blank_db_url]
    workers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in results]
    assert current_revision(blank_db_url) == head_revision()
