"""``budget-etl review``: see why documents failed, waive them, (``retry`` comes from cli/run.py).

``review_app`` is module-level so the orchestration module can add ``retry`` to the same group.
Unknown ids and wrong states are one-line errors with exit code 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from budget_etl.cli.db import DbOption, JsonOption, whoami, with_repository
from budget_etl.cli.output import emit_json

if TYPE_CHECKING:
    from storage.corrections import CellCorrection
    from storage.repository import Repository, ReviewDetail

review_app = typer.Typer(name="review", help="The review queue: failed documents.", no_args_is_help=True)


@review_app.command("list")
def list_command(
    status: Annotated[
        str | None, typer.Option("--status", help="open | resolved | waived (default: all).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List review items, oldest first."""
    items = with_repository(db, lambda repository: repository.list_reviews(status), as_json=as_json)
    if as_json:
        emit_json([item.to_dict() for item in items])
        return
    if not items:
        typer.echo("no review items" + (f" with status {status}" if status else ""))
        return
    for item in items:
        subject = item.department_name or item.source_url or (item.sha256 or "")[:12]
        year = f" {item.budget_year}" if item.budget_year else ""
        typer.echo(
            f"#{item.id}  {item.status:<8} {item.stage:<8} {item.reason:<20} "
            f"attempts={item.attempts}  {subject}{year}  — {item.message}"
        )


def item_and_corrections(repository: Repository, item_id: int) -> tuple[ReviewDetail, list[CellCorrection]]:
    """The item as ``show`` prints it and the reviewers' corrections of its file."""
    detail = repository.get_review(item_id)
    return detail, repository.corrections(detail.item.sha256) if detail.item.sha256 else []


@review_app.command("show")
def show_command(
    item_id: Annotated[int, typer.Argument(help="Review item id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one item: why it failed, the evidence, links to the raw file and report, its history."""
    detail, corrections = with_repository(db, lambda repository: item_and_corrections(repository, item_id),
                                          as_json=as_json)
    if as_json:
        emit_json({**detail.to_dict(), "corrections": [c.to_dict() for c in corrections]})
        return
    item = detail.item
    typer.echo(f"review item #{item.id}: {item.status}")
    typer.echo(f"  stage/reason: {item.stage} / {item.reason}  (attempts: {item.attempts})")
    typer.echo(f"  message:      {item.message}")
    for label, value in (
        ("document", " ".join(str(v) for v in (item.department_name, item.budget_year) if v)),
        ("source", item.source_url),
        ("sha256", item.sha256),
        ("raw file", detail.raw_uri),
        ("report", detail.report_uri),
        ("version", detail.version_id and f"{detail.version_id} ({detail.version_state})"),
        ("resolution", detail.resolution),
    ):
        if value:
            typer.echo(f"  {label + ':':<13} {value}")
    if detail.findings:
        typer.echo(f"  findings (attempt {item.attempts}):")
        for f in detail.findings:
            where = ", ".join(
                str(part)
                for part in (
                    f["table"],
                    f["line_no"] and f"line {f['line_no']}",
                    f["project_code"],
                    f["field"],
                    f["pages"] and f"p. {','.join(map(str, f['pages']))}",
                )
                if part
            )
            typer.echo(
                f"    [{f['severity']}] {f['check']}: {f['message']}" + (f" ({where})" if where else "")
            )
    if corrections:
        typer.echo("  corrections:")
        for c in corrections:
            typer.echo(
                f"    #{c.id} {c.cell}: {c.old_value} → {c.new_value} by {c.actor} ({c.created_at}): "
                f"{c.reason} [{c.status}{': ' + c.status_reason if c.status_reason else ''}]"
            )
    typer.echo("  history:")
    for h in detail.history:
        typer.echo(
            f"    {h['at']}  {h['action']:<16} {h['from_state'] or '-'} → {h['to_state'] or '-'}  "
            f"by {h['actor']}" + (f": {h['reason']}" if h["reason"] else "")
        )


@review_app.command("waive")
def waive_command(
    item_id: Annotated[int, typer.Argument(help="Review item id.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the document is accepted despite its findings.")
    ],
    actor: Annotated[
        str | None, typer.Option("--actor", help="Who waives it (default: your user name).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accept an open item despite its findings; its records then appear in exports."""
    detail = with_repository(
        db,
        lambda repository: repository.waive_review(item_id, reason=reason, actor=actor or whoami()),
        as_json=as_json,
    )
    if as_json:
        emit_json(detail.to_dict())
    else:
        typer.echo(f"review item #{item_id} waived: {reason}")


@review_app.command("correct")
def correct_command(
    item_id: Annotated[int, typer.Argument(help="Review item id.")],
    table: Annotated[int, typer.Option("--table", help="Table position in the document (0 = first).")],
    row: Annotated[int, typer.Option("--row", help="Row index in that table (0 = first record).")],
    field: Annotated[str, typer.Option("--field", help="Field name (data dictionary), e.g. plan_dec.")],
    old: Annotated[str, typer.Option("--from", help="The value the cell holds now (refused if it differs).")],
    new: Annotated[str, typer.Option("--to", help="The value printed in the document.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the reading was wrong.")],
    actor: Annotated[
        str | None, typer.Option("--actor", help="Who corrects it (default: your user name).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct one cell that was read wrong, then re-validate the document (accepted when it passes)."""
    from budget_etl.cli.output import fail
    from budget_etl.cli.run import settings_for
    from budget_etl.errors import BudgetEtlError
    from budget_etl.review_actions import correct_cell

    try:
        result = correct_cell(
            item_id, table_position=table, row_index=row, field=field, old=old, new=new, reason=reason,
            actor=actor or whoami(), settings=settings_for(db),
        )
    except BudgetEtlError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        emit_json({"correction": result.correction.to_dict(), "item": result.item.to_dict()})
        return
    typer.echo(f"review item #{item_id}: {result.correction.cell}: {old} → {result.correction.new_value}")
    typer.echo(f"re-validated: the item is {result.item.item.status} ({result.item.item.message})")


def register(app: typer.Typer) -> None:
    """Add ``review`` to the main app."""
    app.add_typer(review_app, name="review")
