"""``budget-etl run``, ``budget-etl review retry`` and ``budget-etl demo``: the pipeline from the shell.

Each command runs a real Prefect flow (``run_files``, ``retry_reviews``, ``ingest``) so a run by
hand looks in the Prefect UI exactly like a scheduled one. Without ``PREFECT_API_URL`` Prefect
starts a temporary local API for the run. Flows are imported inside the commands: the CLI starts
fast, and ``demo`` can point ``PREFECT_HOME`` at ``data/prefect`` before Prefect loads.

Exit codes: 0 every document accepted (or unchanged); 1 some document is in review or failed;
2 the command itself could not run (missing file, unknown review item, database unreachable).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from budget_etl.cli.db import DbOption, JsonOption
from budget_etl.cli.output import EXIT_FINDINGS, EXIT_OK, emit_json, fail
from budget_etl.cli.review import review_app
from budget_etl.demo import retry_hint
from budget_etl.errors import BudgetEtlError, Reason, ReviewError
from budget_etl.settings import Settings, get_settings, use_settings

if TYPE_CHECKING:
    from budget_etl.demo import DemoReport
    from flows.outcomes import DocumentOutcome, RunSummary


def settings_for(db: str | None) -> Settings:
    settings = get_settings()
    return settings.model_copy(update={"database_url": db}) if db else settings


def exit_code(summary: RunSummary) -> int:
    totals = summary.totals()
    return EXIT_FINDINGS if totals["in_review"] or totals["failed"] else EXIT_OK


def describe(outcome: DocumentOutcome) -> str:
    what = " ".join(str(p) for p in (outcome.department_name, outcome.budget_year) if p) or "-"
    line = f"{outcome.status:<9} {outcome.source_url or outcome.sha256}  [{what}]"
    if outcome.status in ("in_review", "failed"):
        item = f" review item {outcome.review_item_id}:" if outcome.review_item_id else ""
        line += f"\n          {item} {outcome.stage}/{outcome.reason}: {outcome.message}"
    if outcome.report_uri:
        line += f"\n          report: {outcome.report_uri}"
    return line


def print_summary(summary: RunSummary, *, as_json: bool) -> None:
    if as_json:
        emit_json(summary.to_dict())
        return
    for outcome in summary.outcomes:
        typer.echo(describe(outcome))
        hint = retry_hint(outcome, get_settings()) if outcome.status == "failed" else None
        if hint:
            typer.echo(f"          why: {hint}")
    totals = summary.totals()
    typer.echo(
        f"{totals['accepted']} accepted, {totals['in_review']} in review, {totals['failed']} failed, "
        f"{totals['unchanged']} unchanged"
    )


def concise_console(as_json: bool) -> None:
    """With ``--json`` stdout is the JSON alone and stderr carries warnings and errors only.

    Prefect's console handler (INFO per task run) is raised to WARNING through Prefect's own
    logging override variable, before Prefect loads; the logs still reach the Prefect API.
    """
    if as_json:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")


def check_inputs(inputs: list[str]) -> None:
    """Paths must exist before any flow starts (a typo is the user's error, not a review item)."""
    from tasks.fetch.sources import is_http_url

    for value in inputs:
        if is_http_url(value):
            continue
        if not Path(value).is_file():
            raise BudgetEtlError(Reason.FILE_NOT_FOUND, f"no such file: {value}")


def run_command(
    inputs: Annotated[list[str], typer.Argument(help="PDF files and/or http(s) URLs.", show_default=False)],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Process files or URLs through the Prefect pipeline (extract → validate → store, or review)."""
    try:
        check_inputs(inputs)
        concise_console(as_json)
        from budget_etl.cli.prefect_server import temporary_api
        from flows.run_files import run_files

        with use_settings(settings_for(db)), temporary_api():  # the temporary server dies with us
            summary = run_files(inputs=[str(Path(i).resolve()) if Path(i).is_file() else i for i in inputs])
    except BudgetEtlError as exc:
        fail(exc, as_json=as_json)
    print_summary(summary, as_json=as_json)
    raise typer.Exit(exit_code(summary))


def retry_command(
    item_ids: Annotated[list[int] | None, typer.Argument(help="Review item ids.", show_default=False)] = None,
    all_open: Annotated[bool, typer.Option("--all", help="Retry every open review item.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Re-run review items from their stored file (or URL) through the same pipeline."""
    try:
        if bool(item_ids) == all_open:
            raise ReviewError(Reason.INVALID_STATE, "give review item ids or --all (not both)")
        concise_console(as_json)
        from budget_etl.cli.prefect_server import temporary_api
        from budget_etl.review_actions import retry_items  # the web app's retry runs this too

        with temporary_api():  # the temporary server dies with us
            summary = retry_items(item_ids or None, settings_for(db))  # unknown ids fail before any work
    except BudgetEtlError as exc:
        fail(exc, as_json=as_json)
    print_summary(summary, as_json=as_json)
    raise typer.Exit(exit_code(summary))


def demo_command(
    as_json: JsonOption = False,
    serve: Annotated[
        bool, typer.Option("--serve", help="Keep the demo publisher up after the run (until Ctrl-C).")
    ] = False,
) -> None:
    """Run the whole pipeline on the bundled samples from a local HTTP server (see README)."""
    from budget_etl.demo import render_report, render_serving, republish_step, run_demo

    def show(report: DemoReport) -> None:
        if as_json:
            emit_json({**report.to_dict(), "serving": serve})
        else:
            typer.echo(render_report(report))
            if serve:
                typer.echo(render_serving(report, republish_step(report)))
        if serve:
            wait_for_interrupt()

    try:
        run_demo(get_settings(), while_serving=show)
    except BudgetEtlError as exc:
        fail(exc, as_json=as_json)


def wait_for_interrupt() -> None:
    """Block while the publisher serves, until Ctrl-C or SIGTERM; then the demo shuts it down cleanly.

    Both signals get a handler that raises ``KeyboardInterrupt``: SIGTERM would otherwise end the
    process without cleanup, and a shell starting the command in the background may ignore SIGINT.
    """
    import signal
    import threading

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def deploy_command(
    prefect_file: Annotated[
        Path, typer.Option("--prefect-file", help="The deployments to apply.")
    ] = Path("deployments/prefect.yaml"),
    names: Annotated[
        list[str] | None, typer.Option("--name", help="Only these deployments (repeatable).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create/update the Prefect deployments of prefect.yaml on the current Prefect API (see README)."""
    from budget_etl.deploy import apply_prefect_file

    applied = apply_prefect_file(prefect_file, project_root=Path.cwd(), names=names)
    if as_json:
        emit_json([{"name": a.name, "id": str(a.id), "work_pool": a.work_pool, "schedules": list(a.schedules)}
                   for a in applied])
        return
    for a in applied:
        schedule = ", ".join(a.schedules) or "no schedule (run it from the UI)"
        typer.echo(f"{a.name}  pool={a.work_pool}  {schedule}  id={a.id}")


def register(app: typer.Typer) -> None:
    """Add ``run``, ``demo`` and ``deploy`` to the main app and ``retry`` to the ``review`` group."""
    app.command("run")(run_command)
    app.command("demo")(demo_command)
    app.command("deploy")(deploy_command)
    review_app.command("retry")(retry_command)
