"""``budget-etl extract FILE``: print the data dictionary's ``extract`` JSON for one PDF.

A thin shell over :func:`tasks.extract.extract_document`. An unreadable file exits 2 with
one line on stderr (``budget-etl: <reason>: <message>``) or, with ``--json``, the error
object on stdout — never a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from budget_etl.cli.output import EXIT_UNREADABLE, fail
from budget_etl.document import ExtractedDocument
from budget_etl.errors import ExtractError, Reason
from budget_etl.settings import get_settings


def extract(
    file: Path = typer.Argument(..., help="The PDF to read."),
    as_json: bool = typer.Option(
        False, "--json", "--json-errors", help="Report an unreadable file as a JSON error object on stdout."
    ),
    narrative: bool = typer.Option(False, "--narrative", help="Also print the running text outside tables."),
) -> None:
    """Extract the tables of a budget PDF as JSON (部门预算信息公开 / 部门预算绩效文本)."""
    quiet_libraries()
    try:
        doc = extract_file(file)
    except ExtractError as exc:
        fail(exc, as_json=as_json, code=EXIT_UNREADABLE)
    except Exception as exc:  # the boundary: a crash is reported as data, never as a traceback
        error = ExtractError(Reason.UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}", path=str(file))
        fail(error, as_json=as_json, code=EXIT_UNREADABLE)
    typer.echo(doc.to_json(include_narrative=narrative))


def extract_file(file: Path) -> ExtractedDocument:
    """Extract ``file`` as the pipeline does: special files refused from ``stat``, size checked
    before reading, then (by default) in a child process under the memory and time budget."""
    from tasks.extract.guarded import extract_checked, extract_guarded, read_source
    from tasks.extract.settings import ExtractSettings

    settings = ExtractSettings.from_app_settings()
    data = read_source(file, settings)
    if not get_settings().extract_isolated:
        return extract_checked(data, None, settings)
    doc, _usage = extract_guarded(data, settings=settings)
    return doc


def quiet_libraries() -> None:
    """pdfminer logs a warning per damaged object (179 lines for one file): the result says what matters."""
    for name in ("pdfminer", "pdfplumber", "PIL"):
        logging.getLogger(name).setLevel(logging.ERROR)


def register(app: typer.Typer) -> None:
    """Add ``extract`` to the main app."""
    app.command("extract")(extract)
