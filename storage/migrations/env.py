"""Alembic environment: migrates the database given by ``storage.migrate`` (or ``-x url=...``).

Runs inside one transaction; on PostgreSQL an advisory lock serialises concurrent upgrades
(two workers starting at once), on SQLite ``BEGIN IMMEDIATE`` (see ``storage.engine``) does.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from storage.engine import make_engine
from storage.models import Base

#: an arbitrary constant: the key of the PostgreSQL advisory lock held while migrating
MIGRATION_LOCK_KEY = 7_340_215_001

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = context.get_x_argument(as_dictionary=True).get("url")
        url = url or config.get_main_option("sqlalchemy.url")
        engine = make_engine(str(url))
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
