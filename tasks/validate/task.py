"""Prefect tasks for validation and its HTML report: thin adapters over ``tasks.validate``."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from prefect import task

import budget_etl
from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding
from budget_etl.settings import Settings
from tasks.names import named
from tasks.retry import only_transient


def cache_key_by_file(_context: Any, parameters: dict[str, Any]) -> str:
    """Findings depend only on the document validated: the file's bytes, the code version and any
    reviewer corrections applied on top of the reading (hence the digest of the document itself)."""
    doc = parameters["doc"]
    digest = hashlib.sha256(doc.to_json(indent=None).encode("utf-8")).hexdigest()[:16]
    from tasks.cache_keys import code_digest, settings_digest
    from tasks.validate.settings import get_validate_settings

    code = code_digest(*VALIDATE_CODE)
    return (
        f"validate-{doc.document.sha256}-{digest}-v{budget_etl.__version__}"
        f"-code{code}-set{settings_digest(get_validate_settings())}"
    )


#: the code a validation result depends on (any edit here gives a new cache key)
VALIDATE_CODE = (
    "tasks.validate", "expectations", "schemas", "budget_etl.contract", "budget_etl.findings",
    "budget_etl.vocabulary", "tasks.extract.integrity",
)


@task(
    name="validate document",
    task_run_name=named("validate"),
    cache_key_fn=cache_key_by_file,
    persist_result=True,
    retry_condition_fn=only_transient,
)
def validate_tables(doc: ExtractedDocument) -> list[Finding]:
    """pandera schemas, GX suites and reconciliation checks → findings (errors send it to review)."""
    from tasks.extract.integrity import merge_findings
    from tasks.validate import validate_document

    # the extractor's integrity errors (missing pages, damaged streams) decide review like checks do
    return merge_findings(doc, validate_document(doc))


def report_path(settings: Settings, sha256: str) -> Path:
    return settings.resolved_reports_dir() / f"{sha256}.html"


def write_report(doc: ExtractedDocument, findings: list[Finding], settings: Settings) -> str:
    """Write the self-contained HTML report next to the data; returns its path (the report URI).

    A plain function, not a task: it is called inside the document's own run (``process_file``),
    and as a task run of its own it cost ~3 more state events and 1 of 7 task runs per document
    on the Prefect server, which shares the cores with the work (issue 12, ``bench/throughput.py``).
    Written to a temporary name and renamed: a reader never sees half a report.
    """
    from tasks.validate import render_html_report

    path = report_path(settings, doc.document.sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_html_report(doc, findings), encoding="utf-8")
    tmp.replace(path)
    return str(path)
