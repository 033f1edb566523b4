"""What a run shows in the Prefect UI: summary, per-document review reports, the queue, progress.

The markdown and table builders are pure functions (tested without Prefect); ``publish_*``
hand their output to ``prefect.artifacts``. Artifact keys are stable (``ingest-summary``,
``review-queue``, ``review-<sha>``) so the UI's Artifacts page shows each one's history across runs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from budget_etl.findings import Finding, Severity
from flows.outcomes import DocumentOutcome, PublisherCounts
from storage.repository import ReviewSummary
from tasks.fetch.sources import is_http_url

#: the UI does not need more rows than a person reads; the HTML report has them all
MAX_FINDINGS_IN_MARKDOWN = 50

SUMMARY_COLUMNS = ("publisher", "discovered", "fetched", "unchanged", "accepted", "in_review", "failed")


def artifact_key(*parts: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    key = "-".join(re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in parts if part)
    return key[:120].strip("-") or "artifact"


def review_key(outcome: DocumentOutcome) -> str:
    """One artifact key per file (or per URL when nothing was fetched), so a retry updates the same report."""
    if outcome.sha256:
        return artifact_key("review", outcome.sha256[:16])
    digest = hashlib.sha256((outcome.source_url or "").encode()).hexdigest()[:16]
    return artifact_key("review-url", digest)


def summary_rows(counts: Sequence[PublisherCounts]) -> list[dict[str, Any]]:
    """The run summary as table rows, one per publisher, columns in ``SUMMARY_COLUMNS`` order."""
    rows = [{column: getattr(c, column) for column in SUMMARY_COLUMNS} for c in counts]
    if len(rows) > 1:
        total: dict[str, Any] = {"publisher": "TOTAL"}
        for column in SUMMARY_COLUMNS[1:]:
            total[column] = sum(int(row[column]) for row in rows)
        rows.append(total)
    return rows


def queue_rows(items: Sequence[ReviewSummary]) -> list[dict[str, Any]]:
    """The open review queue as table rows, messages cut to one line so the UI table stays readable."""
    return [
        {
            "id": item.id,
            "stage": item.stage,
            "reason": item.reason,
            "attempts": item.attempts,
            "department": item.department_name or "",
            "year": item.budget_year or "",
            "source": item.source_url or "",
            "message": _one_line(item.message, 160),
            "since": item.created_at,
        }
        for item in items
    ]


def review_markdown(outcome: DocumentOutcome, findings: Sequence[Finding]) -> str:
    """The page a reviewer opens from the UI: why it is in review, the evidence, where things are."""
    title = outcome.department_name or outcome.source_url or outcome.sha256 or "document"
    year = f" ({outcome.budget_year})" if outcome.budget_year else ""
    lines = [
        f"# In review: {title}{year}",
        "",
        f"**Stage:** `{outcome.stage}` · **Reason:** `{outcome.reason}`"
        + (f" · **Review item:** #{outcome.review_item_id}" if outcome.review_item_id else ""),
        "",
        f"> {_one_line(outcome.message or '', 500)}",
        "",
        "## Links",
        "",
        f"- Source: {_link(outcome.source_url)}",
        f"- Raw file: `{outcome.raw_uri or 'not stored'}`"
        + (f" (sha256 `{outcome.sha256}`)" if outcome.sha256 else ""),
        f"- Validation report: `{outcome.report_uri or 'none'}`",
        "",
    ]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    if findings:
        lines += [f"## Findings: {len(errors)} errors, {len(warnings)} warnings", ""]
        lines += _findings_table([*errors, *warnings][:MAX_FINDINGS_IN_MARKDOWN])
        if len(findings) > MAX_FINDINGS_IN_MARKDOWN:
            lines += ["", f"… and {len(findings) - MAX_FINDINGS_IN_MARKDOWN} more in the validation report."]
    item = f" {outcome.review_item_id}" if outcome.review_item_id else " ID"
    lines += [
        "",
        "## What to do",
        "",
        f"- Fix the source or the pipeline, then retry: `budget-etl review retry{item}`, or run the "
        f"`retry-reviews` deployment from the UI with `item_ids: [{outcome.review_item_id or 'ID'}]`.",
        f"- Or accept it as is: `budget-etl review waive{item} --reason TEXT`.",
    ]
    return "\n".join(lines) + "\n"


def _findings_table(findings: Sequence[Finding]) -> list[str]:
    rows = ["| severity | check | table | line | field | expected | actual | pages | message |",
            "|---|---|---|---|---|---|---|---|---|"]
    for f in findings:
        cells = [
            f.severity.value, f.check, f.table or "", _cell(f.line_no or f.project_code), f.field or "",
            _cell(f.expected), _cell(f.actual), ", ".join(str(p) for p in f.pages), _one_line(f.message, 200),
        ]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return rows


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _link(url: str | None) -> str:
    if not url:
        return "—"
    return f"[{url}]({url})" if is_http_url(url) else f"`{url}`"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- publishing (the only Prefect calls in this module) ------------------------------------------


def publish_summary(counts: Sequence[PublisherCounts], *, key: str, description: str) -> UUID:
    """Publish the per-publisher counts as a table artifact: the run's outcome at a glance in the UI."""
    from prefect.artifacts import create_table_artifact

    return create_table_artifact(summary_rows(counts), key=key, description=description)


def publish_review_report(outcome: DocumentOutcome, findings: Sequence[Finding]) -> UUID:
    """Publish why one document went to review, keyed by file so every attempt updates one artifact."""
    from prefect.artifacts import create_markdown_artifact

    return create_markdown_artifact(
        review_markdown(outcome, findings),
        key=review_key(outcome),
        description=f"Why {outcome.source_url or outcome.sha256} is in review ({outcome.reason})",
    )


def publish_review_queue(items: Sequence[ReviewSummary]) -> UUID:
    """Publish the open review queue, so the UI shows what waits for a person after every run."""
    from prefect.artifacts import create_table_artifact

    return create_table_artifact(
        queue_rows(items) or [{"id": "", "message": "the review queue is empty"}],
        key="review-queue",
        description=f"Open review items after this run: {len(items)}",
    )


class Progress:
    """A progress artifact for long batches, updated as documents finish."""

    def __init__(self, total: int, *, key: str, description: str) -> None:
        from prefect.artifacts import create_progress_artifact

        self.total = max(total, 1)
        self.done = 0
        self._id = create_progress_artifact(0.0, key=key, description=description)

    def advance(self, steps: int = 1) -> None:
        from prefect.artifacts import update_progress_artifact

        self.done += steps
        update_progress_artifact(self._id, progress=min(100.0, 100.0 * self.done / self.total))

    def finish(self) -> None:
        """100 % at the end, also for a batch that found nothing to do."""
        from prefect.artifacts import update_progress_artifact

        update_progress_artifact(self._id, progress=100.0)
