"""Engines for SQLite (default) and PostgreSQL, and the translation of driver faults to StoreError.

Why the SQLite set-up: WAL lets readers work while a document is written; ``foreign_keys`` makes
SQLite enforce what PostgreSQL enforces; ``busy_timeout`` makes a second writer wait instead of
failing; and ``BEGIN IMMEDIATE`` takes the write lock at the start of a transaction, so two
processes never both read-then-upgrade and deadlock. PostgreSQL goes through psycopg 3 with a
connect timeout, so a server that is down gives a clear error in seconds, not a hang.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from budget_etl.errors import Reason, StoreError
from budget_etl.settings import get_settings

_SCHEMA_HINT = "the database schema is missing or out of date; run `budget-etl db upgrade`"


def normalise_url(url: str | URL) -> URL:
    """Accept ``postgresql://`` and ``postgres://`` as psycopg 3 URLs (psycopg2 is not installed)."""
    parsed = make_url(str(url).replace("postgres://", "postgresql://", 1) if isinstance(url, str) else url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(
    url: str | URL, *, busy_timeout_ms: int | None = None, connect_timeout_s: int | None = None
) -> Engine:
    """An engine for ``url`` with the pragmas/timeouts above (defaults from ``Settings``)."""
    settings = get_settings()
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(
            parsed, settings.db_busy_timeout_ms if busy_timeout_ms is None else busy_timeout_ms
        )
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = connect_timeout_s or settings.db_connect_timeout_s
    return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_engine(url: URL, busy_timeout_ms: int) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def describe_url(url: str | URL) -> str:
    """The URL without its password, for messages."""
    return normalise_url(url).render_as_string(hide_password=True)


def store_error_from(exc: SQLAlchemyError, *, doing: str) -> StoreError:
    """Turn a driver fault into the domain error the review queue and CLI understand.

    Connection refused / dropped / locked → ``DATABASE_UNAVAILABLE`` (transient: the same work
    can simply be retried later); a violated constraint or bad value → ``STORE_FAILED``.
    """
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = lines[0] if lines else type(exc).__name__
    if _is_missing_schema(exc):
        return StoreError(Reason.STORE_FAILED, f"{doing}: {_SCHEMA_HINT} ({detail})")
    if isinstance(exc, IntegrityError):
        return StoreError(Reason.STORE_FAILED, f"{doing}: a database constraint was violated: {detail}")
    if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return StoreError(
            Reason.DATABASE_UNAVAILABLE, f"{doing}: the database is unavailable: {detail}", transient=True
        )
    return StoreError(Reason.STORE_FAILED, f"{doing}: {detail}")


def _is_missing_schema(exc: SQLAlchemyError) -> bool:
    text = str(exc).lower()
    if isinstance(exc, OperationalError) and "no such table" in text:
        return True
    return isinstance(exc, ProgrammingError) and "does not exist" in text and "relation" in text
