"""Database fixtures: a real SQLite file and a real PostgreSQL database, both migrated to head.

Use them in any test that needs storage (no mocks of the database anywhere):

* ``db_url`` — parametrised over ``sqlite`` and ``postgresql`` (ids ``[sqlite]``/``[postgresql]``):
  a fresh, migrated, empty database per test. The PostgreSQL case carries the ``postgres`` marker.
* ``sqlite_url`` — a fresh migrated SQLite file in ``tmp_path`` (copied from a session template).
* ``pg_url`` — the session's migrated PostgreSQL schema, with every table emptied before the
  test. It is a fresh schema ``budget_etl_test_<random>`` in the ``test`` database, selected by
  the URL (``?options=-csearch_path=…``), created once per session and dropped at the end.
  Close your engines (``engine.dispose()``): an idle transaction would block the next TRUNCATE.
* ``pg_session_url`` — the same schema without the emptying, for session-scoped fixtures.
* ``pg_admin_url`` — the server's ``postgres`` database (e.g. to kill a backend mid-write).
* ``blank_db_url`` — like ``db_url`` but NOT migrated: an empty database/schema (migration tests).
* ``repository`` — ``storage.repository.Repository`` on ``db_url``; engine disposed afterwards.

Why schemas and not a database per session: PostgreSQL forces a checkpoint on every
``DROP DATABASE``, which on a busy CI box took close to a minute; ``DROP SCHEMA`` does not.

The server is ``postgresql+psycopg://postgres@127.0.0.1:5432/test`` unless ``BUDGET_ETL_TEST_PG_URL``
names another (its database hosts the test schemas; it is created when missing). When the server
is unreachable the PostgreSQL cases are SKIPPED, unless the ``CI`` environment variable is set:
then they FAIL, so CI can never pass without having exercised PostgreSQL.
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

DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _server_url() -> str:
    return os.environ.get("BUDGET_ETL_TEST_PG_URL", DEFAULT_PG_SERVER)


def _with_database(url: str, database: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql+psycopg", database=database)
        .render_as_string(hide_password=False)
    )


def with_schema(url: str, schema: str) -> str:
    """``url`` with every connection's search_path set to ``schema`` (tables, alembic_version, view)."""
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
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
    text = " ".join(f"{k}={v}" for k, v in parts.items())
    options = parsed.query.get("options")
    return f"{text} options='{options}'" if options else text


def _admin(url: str, sql: str) -> None:
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


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
def _pg_host_url(pg_admin_url: str) -> str:
    """The database that hosts this session's schemas (created if the server lacks it)."""
    url = _with_database(_server_url(), make_url(_server_url()).database or "test")
    try:
        _admin(url, "SELECT 1")
    except psycopg.OperationalError:
        _admin(pg_admin_url, f'CREATE DATABASE "{make_url(url).database}"')
    return url


@pytest.fixture(scope="session")
def _pg_schemas(_pg_host_url: str) -> Iterator[list[str]]:
    """Names of every schema this session created; all dropped at the end."""
    created: list[str] = []
    yield created
    for name in reversed(created):
        _admin(_pg_host_url, f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def create_pg_schema(host_url: str, registry: list[str]) -> str:
    """A new empty schema, registered for dropping at session end; returns a URL that uses it."""
    name = f"budget_etl_test_{uuid.uuid4().hex[:10]}"
    _admin(host_url, f'CREATE SCHEMA "{name}"')
    registry.append(name)
    return with_schema(host_url, name)


@pytest.fixture(scope="session")
def pg_session_url(_pg_host_url: str, _pg_schemas: list[str]) -> str:
    url = create_pg_schema(_pg_host_url, _pg_schemas)
    upgrade(url)
    return url


def truncate_all(url: str) -> None:
    """Empty every table of the schema (ids restart at 1): a clean database in milliseconds."""
    from storage.models import Base

    tables = ", ".join(f'"{name}"' for name in Base.metadata.tables)
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # type: ignore[arg-type]


@pytest.fixture
def pg_url(pg_session_url: str) -> str:
    truncate_all(pg_session_url)
    return pg_session_url


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
    url = str(request.getfixturevalue("_pg_blank_session_url"))
    schema = make_url(url).query["options"].split("=", 1)[1]
    with psycopg.connect(_libpq(url), autocommit=True) as conn:  # empty: no tables, no alembic_version
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')  # type: ignore[arg-type]
        conn.execute(f'CREATE SCHEMA "{schema}"')  # type: ignore[arg-type]
    return url


@pytest.fixture(scope="session")
def _pg_blank_session_url(_pg_host_url: str, _pg_schemas: list[str]) -> str:
    """One schema per session for unmigrated-schema tests; it is emptied per test."""
    return create_pg_schema(_pg_host_url, _pg_schemas)


@pytest.fixture
def repository(db_url: str) -> Iterator[Repository]:
    engine = make_engine(db_url)
    yield Repository(engine, actor="test-suite")
    engine.dispose()
