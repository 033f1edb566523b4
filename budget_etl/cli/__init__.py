"""The ``budget-etl`` command line: a thin typer shell over the library.

Each command group lives in its own module with a ``register(app)`` function; domain errors
become messages and exit codes only here (see ``budget_etl.cli.output``).
"""

from __future__ import annotations

import typer

import budget_etl  # switches telemetry off first
from budget_etl.cli import data, db, extract, review, run, serve, sources, validate

app = typer.Typer(
    name="budget-etl",
    help="Extract, check and store Chinese department budget documents (部门预算).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """Extract, check and store Chinese department budget documents (部门预算)."""


@app.command()
def version() -> None:
    """Print the budget-etl version."""
    typer.echo(budget_etl.__version__)


for _module in (extract, validate, db, review, run, data, serve, sources):
    _module.register(app)


def main() -> None:
    app()
