"""``budget-etl db``: schema migrations, and the ``--db`` option every storage command shares.

The database is SQLite under ``BUDGET_ETL_DATA_DIR`` (default ``./data``) unless ``--db URL`` or
``BUDGET_ETL_DATABASE_URL`` names another SQLAlchemy URL (``postgresql://…`` works as is).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from budget_etl.cli.output import emit_json, fail
from budget_etl.errors import BudgetEtlError
from budget_etl.settings import get_settings

if TYPE_CHECKING:
    from storage.repository import Repository

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLAlchemy database URL (default: BUDGET_ETL_DATABASE_URL or SQLite in BUDGET_ETL_DATA_DIR).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
T = TypeVar("T")

db_app = typer.Typer(name="db", help="Database schema: create and migrate.", no_args_is_help=True)


def database_url(db: str | None) -> str:
    """``--db`` if given, else the settings' URL (which defaults to SQLite in the data directory)."""
    return db or get_settings().resolved_database_url()


def whoami() -> str:
    """The person running the command, for the audit log."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@contextmanager
def repository_for(db: str | None) -> Iterator[Repository]:
    """A repository on ``--db`` (schema migrated first), its connections closed afterwards."""
    from storage.repository import open_repository

    repository = open_repository(database_url(db), actor=whoami())
    try:
        yield repository
    finally:
        repository.engine.dispose()


def with_repository(db: str | None, call: Callable[[Repository], T], *, as_json: bool) -> T:
    """Run one repository call for a command; a domain error becomes the CLI's one-line error and exit.

    Every storage command opens, calls, closes and reports errors the same way, so they share this.
    """
    try:
        with repository_for(db) as repository:
            return call(repository)
    except BudgetEtlError as exc:
        fail(exc, as_json=as_json)


@db_app.command("upgrade")
def upgrade_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Create the schema or migrate it to the newest revision (safe to run again)."""
    from storage.engine import describe_url
    from storage.migrate import current_revision, upgrade

    url = database_url(db)
    try:
        upgrade(url)
        revision = current_revision(url)
    except BudgetEtlError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        emit_json({"database": describe_url(url), "revision": revision})
    else:
        typer.echo(f"{describe_url(url)} is at schema revision {revision}")


@db_app.command("current")
def current_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the schema revision of the database and the one the code expects."""
    from storage.engine import describe_url
    from storage.migrate import current_revision, head_revision

    url = database_url(db)
    try:
        revision = current_revision(url)
    except BudgetEtlError as exc:
        fail(exc, as_json=as_json)
    payload = {"database": describe_url(url), "revision": revision, "head": head_revision()}
    if as_json:
        emit_json(payload)
    else:
        typer.echo(f"{payload['database']}: revision {revision or 'none'} (code expects {payload['head']})")


def register(app: typer.Typer) -> None:
    """Add ``db`` to the main app."""
    app.add_typer(db_app, name="db")
