"""Prefect task: put reviewers' corrections on top of a fresh reading of a file.

A thin adapter over ``storage.corrections.apply_corrections``: the file's active corrections
are read, judged against this reading (applied again, retired as superseded, or flagged stale —
see that module for the rule), the verdicts are written to the audit log, and the corrected
document plus any ``review.correction_stale`` findings go on to validation.
"""

from __future__ import annotations

from prefect import task

from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding
from budget_etl.settings import Settings
from storage.corrections import apply_corrections
from tasks.retry import only_transient
from tasks.store.resources import repository_for


@task(name="apply reviewer corrections", retry_condition_fn=only_transient)
def apply_reviewer_corrections(
    doc: ExtractedDocument, settings: Settings
) -> tuple[ExtractedDocument, list[Finding]]:
    """The document with its file's still-fitting corrections applied, and findings for stale ones."""
    repository = repository_for(settings)
    corrections = repository.corrections(doc.document.sha256, active_only=True)
    if not corrections:
        return doc, []
    corrected, verdicts = apply_corrections(doc, corrections)
    repository.record_correction_verdicts(verdicts)
    return corrected, [v.finding for v in verdicts if v.finding is not None]
