"""``budget-etl export`` and ``budget-etl status``: what is stored, for people and scripts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from budget_etl.cli.db import DbOption, JsonOption, database_url, with_repository
from budget_etl.cli.output import emit_json, fail
from budget_etl.errors import BudgetEtlError
from budget_etl.settings import get_settings


def export(
    table: Annotated[
        str,
        typer.Option(
            "--table",
            help="A data-dictionary slug (budget or 决算), project_indicators, department_indicators, "
            "narrative_figures or budget_vs_final.",
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help="csv | parquet")] = "csv",
    out: Annotated[
        str | None,
        typer.Option("--out", help="Output file, '-' for stdout (default: DATA_DIR/exports/TABLE.FMT)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export one table type from the latest accepted (or waived) version of every document."""
    from budget_etl.errors import Reason, StoreError
    from storage.engine import make_engine
    from storage.export import FORMATS, export_table, to_csv, to_parquet, write_export
    from storage.migrate import ensure_current

    if fmt not in FORMATS:
        fail(StoreError(Reason.STORE_FAILED, f"unknown format {fmt!r}; choose csv or parquet"), as_json=False)
    url = database_url(db)
    engine = make_engine(url)
    try:
        ensure_current(url)
        if out == "-":
            table_data = export_table(engine, table)
            sys.stdout.buffer.write(to_csv(table_data) if fmt == "csv" else to_parquet(table_data))
            return
        target = Path(out) if out else get_settings().data_dir / "exports" / f"{table}.{fmt}"
        rows = write_export(engine, table, fmt, target)
    except BudgetEtlError as exc:
        fail(exc, as_json=False)
    finally:
        engine.dispose()
    typer.echo(f"wrote {rows} {table} rows to {target}", err=True)


def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts by state: document versions, review items, documents and files."""
    counts = with_repository(db, lambda repository: repository.status_counts(), as_json=as_json)
    if as_json:
        emit_json(counts)
        return
    for group, values in counts.items():
        typer.echo(f"{group}: " + ", ".join(f"{k} {v}" for k, v in values.items()))


def register(app: typer.Typer) -> None:
    """Add ``export`` and ``status`` to the main app."""
    app.command("export")(export)
    app.command("status")(status)
