"""Prefect tasks for validation and its HTML report: thin adapters over ``tasks.validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import task

import budget_etl
from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding
from budget_etl.settings import Settings
from tasks.retry import only_transient


def cache_key_by_file(_context: Any, parameters: dict[str, Any]) -> str:
    """Findings depend only on the extracted document, i.e. on the file's bytes and the code version."""
    return f"validate-{parameters['doc'].document.sha256}-v{budget_etl.__version__}"


@task(
    name="validate document",
    cache_key_fn=cache_key_by_file,
    persist_result=True,
    retry_condition_fn=only_transient,
)
def validate_tables(doc: ExtractedDocument) -> list[Finding]:
    """pandera schemas, GX suites and reconciliation checks → findings (errors send it to review)."""
    from tasks.validate import validate_document

    return validate_document(doc)


def report_path(settings: Settings, sha256: str) -> Path:
    return settings.resolved_reports_dir() / f"{sha256}.html"


@task(name="write validation report", retry_condition_fn=only_transient)
def write_report(doc: ExtractedDocument, findings: list[Finding], settings: Settings) -> str:
    """Write the self-contained HTML report next to the data; returns its path (the report URI)."""
    from tasks.validate import render_html_report

    path = report_path(settings, doc.document.sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_html_report(doc, findings), encoding="utf-8")
    tmp.replace(path)
    return str(path)
