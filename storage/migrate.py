"""Schema migrations (Alembic) driven from code: ``upgrade(url)`` brings any database to head.

The script location is resolved inside the installed package, so this works from any working
directory and from a wheel, not only from a checkout with an ``alembic.ini``.
"""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from budget_etl.errors import Reason, StoreError
from budget_etl.settings import get_settings
from storage.engine import describe_url, make_engine, store_error_from

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", str(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The schema revision this code expects (the newest Alembic migration)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "the packaged migrations have no head revision"
    return head


def upgrade(url: str, revision: str = "head", *, attempts: int | None = None) -> None:
    """Migrate the database at ``url`` to ``revision`` (idempotent; safe to run concurrently).

    Two processes upgrading one brand-new SQLite file can still collide before ``BEGIN
    IMMEDIATE`` protects them (switching a fresh file to WAL happens at connect time), which
    surfaces as a transient ``database_unavailable``. Upgrading is idempotent, so such a
    failure is retried whole, like the repository's writes (``Settings.db_write_attempts``).
    """
    tries = attempts or get_settings().db_write_attempts
    for attempt in range(1, tries + 1):
        try:
            _upgrade_once(url, revision)
            return
        except StoreError as error:
            if not error.transient or attempt == tries:
                raise
            time.sleep(0.2 * attempt)


def _upgrade_once(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    except SQLAlchemyError as exc:
        raise store_error_from(exc, doing=f"migrating {describe_url(url)}") from exc
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at (None: never migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise store_error_from(exc, doing=f"reading the schema version of {describe_url(url)}") from exc
    finally:
        engine.dispose()


def ensure_current(url: str) -> None:
    """Raise a clear error when the schema is behind the code (used before read-only commands)."""
    current = current_revision(url)
    if current != head_revision():
        raise StoreError(
            Reason.STORE_FAILED,
            f"database {describe_url(url)} is at schema {current or 'none'}, code expects "
            f"{head_revision()}; run `budget-etl db upgrade`",
        )
