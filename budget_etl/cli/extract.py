"""``budget-etl extract FILE``: print the data dictionary's ``extract`` JSON for one PDF.

A thin shell over :func:`tasks.extract.extract_document`. An unreadable file exits 2 with
one line on stderr (``budget-etl: <reason>: <message>``) or, with ``--json``, the error
object on stdout — never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import typer

from budget_etl.cli.output import EXIT_UNREADABLE, fail
from budget_etl.errors import ExtractError, Reason


def extract(
    file: Path = typer.Argument(..., help="The PDF to read."),
    as_json: bool = typer.Option(
        False, "--json", "--json-errors", help="Report an unreadable file as a JSON error object on stdout."
    ),
    narrative: bool = typer.Option(False, "--narrative", help="Also print the running text outside tables."),
) -> None:
    """Extract the tables of a budget PDF as JSON (部门预算信息公开 / 部门预算绩效文本)."""
    from tasks.extract import extract_document  # import here: keep `budget-etl --help` fast

    try:
        doc = extract_document(file, source_url=None)  # a path: the size limit is checked before reading
    except OSError as exc:
        error = ExtractError(Reason.NOT_PDF, f"cannot read {file}: {exc.strerror or exc}", path=str(file))
        fail(error, as_json=as_json, code=EXIT_UNREADABLE)
    except ExtractError as exc:
        fail(exc, as_json=as_json, code=EXIT_UNREADABLE)
    except Exception as exc:  # the boundary: a crash is reported as data, never as a traceback
        error = ExtractError(Reason.UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}", path=str(file))
        fail(error, as_json=as_json, code=EXIT_UNREADABLE)
    typer.echo(doc.to_json(include_narrative=narrative))


def register(app: typer.Typer) -> None:
    """Add ``extract`` to the main app."""
    app.command("extract")(extract)
