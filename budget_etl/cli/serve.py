"""``budget-etl serve``: the review web app (``budget_etl.web``) on uvicorn.

Refuses a non-loopback host without ``BUDGET_ETL_REVIEW_TOKEN`` (actions would be unprotected).
"""

from __future__ import annotations

from typing import Annotated

import typer

from budget_etl.cli.db import DbOption
from budget_etl.cli.output import fail
from budget_etl.errors import BudgetEtlError
from budget_etl.settings import get_settings


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the review web app: the queue, each item's evidence, and waive / retry / correct."""
    from budget_etl.web.access import check_serving
    from budget_etl.web.app import create_app

    settings = get_settings()
    if db:
        settings = settings.model_copy(update={"database_url": db})
    token = settings.review_token.get_secret_value() if settings.review_token else None
    try:
        check_serving(host, token)
        app = create_app(settings)
    except BudgetEtlError as exc:
        fail(exc, as_json=False)
    import uvicorn

    typer.echo(f"review app on http://{host}:{port}/items (actions {'enabled' if token else 'disabled'})")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the main app."""
    app.command("serve")(serve_command)
