"""Boundary helpers: turn domain errors into one-line stderr messages or JSON, and exit codes."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer

from budget_etl.errors import BudgetEtlError

EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran; the document has error findings
EXIT_UNREADABLE = 2  # the input could not be read / the operation could not be done


def emit_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def fail(error: BudgetEtlError, *, as_json: bool, code: int = EXIT_UNREADABLE) -> NoReturn:
    """Report a domain error the way scripts and people both want it, then exit."""
    if as_json:
        emit_json(error.to_dict())
    else:
        print(f"budget-etl: {error.reason.value}: {error.message}", file=sys.stderr)
    raise typer.Exit(code)
