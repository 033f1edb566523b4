"""``budget-etl validate FILE``: extract a budget PDF (or read an extract JSON) and run every check.

Prints a readable report (or ``--json``: ``{"document": {...}, "findings": [...], "report": path}``)
and writes the self-contained HTML report to ``--report PATH`` or the configured reports
directory. Exit codes: 0 no error findings, 1 error findings, 2 the file cannot be read.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import typer

from budget_etl.cli.output import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, emit_json, fail
from budget_etl.document import ExtractedDocument
from budget_etl.errors import BudgetEtlError, ExtractError, Reason
from budget_etl.findings import Finding, Severity, has_errors
from budget_etl.settings import get_settings


def is_extract_json(data: bytes) -> bool:
    """An extract JSON file (decided by content, not by name): it starts with ``{``."""
    return data.lstrip()[:1] == b"{"


def load_document(file: Path) -> ExtractedDocument:
    """The document in ``file``: extract JSON is read as is, anything else goes through the extractor.

    Special files are refused from ``stat`` (a FIFO would hang, ``/dev/zero`` never ends) and the
    size is checked before reading; a JSON nested too deeply is an unsupported file, not a crash.
    """
    from budget_etl.cli.extract import extract_file
    from tasks.extract.settings import ExtractSettings
    from tasks.extract.sniff import check_regular_file

    size = check_regular_file(file)
    limit = ExtractSettings.from_app_settings().max_bytes
    if size > limit:
        raise ExtractError(
            Reason.FILE_TOO_LARGE, f"{file} has {size} bytes, more than the limit of {limit}",
            size=size, max_bytes=limit,
        )
    try:
        with open(file, "rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise ExtractError(
            Reason.NOT_PDF, f"cannot read {file}: {exc.strerror or exc}", path=str(file)
        ) from exc
    if is_extract_json(head):
        return read_extract_json(file)
    return extract_file(file)


def read_extract_json(file: Path) -> ExtractedDocument:
    try:
        return ExtractedDocument.from_json(file.read_bytes().decode("utf-8"))
    except RecursionError as exc:
        raise ExtractError(
            Reason.UNSUPPORTED_FORMAT, f"{file} is JSON nested too deeply to be an extract document",
            path=str(file),
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExtractError(
            Reason.UNSUPPORTED_FORMAT,
            f"{file} is JSON but not an extract document: {type(exc).__name__}: {exc}"[:500],
            path=str(file),
        ) from exc


def where(finding: Finding) -> str:
    parts = [finding.table or "document"]
    if finding.line_no is not None:
        parts.append(f"line {finding.line_no}")
    if finding.project_code:
        parts.append(f"project {finding.project_code}")
    if finding.field:
        parts.append(finding.field)
    if finding.pages:
        parts.append(f"p.{','.join(map(str, finding.pages))}")
    return " / ".join(parts)


def format_text_report(doc: ExtractedDocument, findings: list[Finding], report: Path) -> str:
    meta = doc.document
    errors = sum(f.severity is Severity.ERROR for f in findings)
    lines = [
        f"{meta.department_name or '(no department)'} {meta.budget_year or ''} {meta.kind} — "
        f"{len(doc.tables)} tables, {meta.page_count} pages",
    ]
    for finding in findings:
        lines.append(f"  {finding.severity.value.upper():7} {finding.check:34} {where(finding)}")
        lines.append(f"          {finding.message}")
    lines.append(f"{errors} errors, {len(findings) - errors} warnings; HTML report: {report}")
    return "\n".join(lines)


def report_path(doc: ExtractedDocument, file: Path, requested: Path | None) -> Path:
    if requested is not None:
        return requested
    name = doc.document.sha256 or file.stem  # the same name the flows give the report
    return get_settings().resolved_reports_dir() / f"{name}.html"


def write_report(doc: ExtractedDocument, findings: list[Finding], target: Path) -> Path:
    """Write the HTML report to ``target`` (a directory or an unwritable path is a clear error)."""
    from tasks.validate import render_html_report

    html = render_html_report(doc, findings)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise ExtractError(
            Reason.OUTPUT_NOT_WRITABLE, f"cannot write the report to {target}: {exc.strerror or exc}",
            path=str(target),
        ) from exc
    return target


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def validate(
    file: Path = typer.Argument(..., help="A budget PDF, or a JSON file holding its extract."),
    as_json: bool = typer.Option(False, "--json", help="Print {document, findings} as JSON."),
    report: Path | None = typer.Option(None, "--report", help="Where to write the HTML report."),
) -> None:
    """Check a budget document: schemas, expectation suites and the budget's own arithmetic.

    Exit 0 when there is no error finding, 1 when there are error findings, 2 when the file
    cannot be read. The HTML report goes to --report or to BUDGET_ETL_REPORTS_DIR.
    """
    from budget_etl.cli.extract import quiet_libraries
    from tasks.extract.integrity import merge_findings
    from tasks.validate import validate_document

    quiet_libraries()
    try:
        doc = load_document(file)
        # the extractor's integrity errors (missing pages, damaged streams) count like failed checks
        findings = merge_findings(doc, validate_document(doc))
        target = write_report(doc, findings, report_path(doc, file, report))
    except BudgetEtlError as exc:
        fail(exc, as_json=as_json, code=EXIT_UNREADABLE)
    except Exception as exc:  # the boundary: a crash is reported as data, never as a traceback
        error = ExtractError(Reason.UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}"[:500], path=str(file))
        fail(error, as_json=as_json, code=EXIT_UNREADABLE)
    if as_json:
        payload = {
            "document": doc.to_dict()["document"],
            "findings": [f.to_dict() for f in findings],
            "report": str(target),
        }
        emit_json(json.loads(json.dumps(payload, ensure_ascii=False, default=_json_default)))
    else:
        typer.echo(format_text_report(doc, findings, target))
        sys.stdout.flush()
    raise typer.Exit(EXIT_FINDINGS if has_errors(findings) else EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the main app."""
    app.command("validate")(validate)
