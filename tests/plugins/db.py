"""Database fixtures: a real SQLite file and a real PostgreSQL database, both migrated to head.

Use them in any test that needs storage (no mocks of the database anywhere):

* ``db_url`` — parametrised over ``sqlite`` and ``postgresql`` (ids ``[sqlite]``/``[postgresql]``):
  a fresh, migrated, empty database per test. The PostgreSQL case carries the ``postgres`` marker.
* ``sqlite_url`` — a fresh migrated SQLite file in ``tmp_path`` (copied from a session template).
* ``pg_url`` — a fresh migrated PostgreSQL database per test (``CREATE DATABASE … TEMPLATE`` of a
  database migrated once per session, ~40 ms), dropped when the session ends.
* ``pg_session_url`` — the session's migrated template database itself, for session-scoped
  fixtures that need PostgreSQL; do not write to it from function-scoped tests.
* ``pg_admin_url`` — the server's ``postgres`` database (to create/drop databases, kill backends).
* ``blank_db_url`` — like ``db_url`` but NOT migrated (for migration tests).
* ``repository`` — ``storage.repository.Repository`` on ``db_url``; engine disposed afterwards.

PostgreSQL is ``postgresql+psycopg://postgres@127.0.0.1:5432`` unless ``BUDGET_ETL_TEST_PG_URL``
points elsewhere (a server URL; the database part is ignored). When the server is unreachable the
PostgreSQL cases are SKIPPED, unless the ``CI`` environment variable is set: then they FAIL, so
CI can never pass without having exercised PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from storage.engine import make_engine
from storage.migrate import upgrade
from storage.repository import Repository

DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _server_url() -> str:
    return os.environ.get("BUDGET_ETL_TEST_PG_URL", DEFAULT_PG_SERVER)


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg", database=database).render_as_string(
        hide_password=False
    )


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string for psycopg."""
    parsed = make_url(url)
    parts = {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "dbname": parsed.database or "postgres",
        "connect_timeout": 5,
    }
    if parsed.password:
        parts["password"] = parsed.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


def _admin(url: str, sql: str) -> None:
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def drop_database(admin_url: str, name: str) -> None:
    """Drop ``name``, first ending any backend still connected to it (a crashed test's)."""
    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = _with_database(_server_url(), "postgres")
    try:
        _admin(url, "SELECT 1")
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL is not reachable at {make_url(url).render_as_string()}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def _pg_databases(pg_admin_url: str) -> Iterator[list[str]]:
    """Names of every database this session created; all dropped at the end."""
    created: list[str] = []
    yield created
    for name in reversed(created):
        drop_database(pg_admin_url, name)


@pytest.fixture(scope="session")
def pg_session_url(pg_admin_url: str, _pg_databases: list[str]) -> str:
    name = f"budget_etl_test_{uuid.uuid4().hex[:10]}"
    _admin(pg_admin_url, f'CREATE DATABASE "{name}"')
    _pg_databases.append(name)
    url = _with_database(pg_admin_url, name)
    upgrade(url)
    return url


def create_pg_database(admin_url: str, registry: list[str], *, template: str | None = None) -> str:
    """A new database (optionally a copy of ``template``), registered for dropping at session end."""
    name = f"budget_etl_test_{uuid.uuid4().hex[:10]}"
    clause = f' TEMPLATE "{make_url(template).database}"' if template else ""
    _admin(admin_url, f'CREATE DATABASE "{name}"{clause}')
    registry.append(name)
    return _with_database(admin_url, name)


@pytest.fixture
def pg_url(pg_admin_url: str, pg_session_url: str, _pg_databases: list[str]) -> str:
    return create_pg_database(pg_admin_url, _pg_databases, template=pg_session_url)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, _sqlite_template: Path) -> str:
    path = tmp_path / "budget_etl.db"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=_BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=_BACKENDS)
def blank_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'blank.db'}"
    admin = str(request.getfixturevalue("pg_admin_url"))
    return create_pg_database(admin, request.getfixturevalue("_pg_databases"))


@pytest.fixture
def repository(db_url: str) -> Iterator[Repository]:
    engine = make_engine(db_url)
    yield Repository(engine, actor="test-suite")
    engine.dispose()
