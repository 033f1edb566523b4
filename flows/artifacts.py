"""What a run shows in the Prefect UI: summary, per-item review reports, the queue, progress.

The markdown and table builders are pure functions (tested without Prefect); ``publish_*``
hand their output to ``prefect.artifacts``. Artifact keys are stable (``ingest-summary``,
``review-queue``, ``review-item-<id>``) so the UI's Artifacts page shows each one's history
across runs, and a resolved or waived item's latest version says so. Links point at the review
web app (``BUDGET_ETL_REVIEW_BASE_URL`` + ``/items/<id>``), never at a path on a worker's disk.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import re
import threading
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from budget_etl.findings import Finding, Severity
from flows.outcomes import DocumentOutcome, PublisherCounts
from storage.repository import ReviewSummary
from tasks.fetch.sources import is_http_url

logger = logging.getLogger(__name__)

#: the UI does not need more rows than a person reads; the HTML report has them all
MAX_FINDINGS_IN_MARKDOWN = 50

SUMMARY_COLUMNS = ("publisher", "discovered", "fetched", "unchanged", "accepted", "in_review", "failed")


def artifact_key(*parts: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    key = "-".join(re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in parts if part)
    return key[:120].strip("-") or "artifact"


#: what an artifact says instead of a worker-disk path when the review web app's URL is unknown
NO_REVIEW_APP = "review web app not configured (set `BUDGET_ETL_REVIEW_BASE_URL`, see `budget-etl serve`)"


def item_key(item_id: int) -> str:
    """The artifact key of one review item: every attempt, the resolution or the waive updates it."""
    return artifact_key("review-item", str(item_id))


def review_key(outcome: DocumentOutcome) -> str:
    """The item's key; per file (or per URL) only when the item could not even be queued."""
    if outcome.review_item_id is not None:
        return item_key(outcome.review_item_id)
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


def item_links(item_id: int | None, base_url: str | None) -> dict[str, str]:
    """Review-app URLs of an item (page, raw file, HTML report); empty when no app is configured."""
    if item_id is None or not base_url:
        return {}
    root = f"{base_url.rstrip('/')}/items/{item_id}"
    return {"item": root, "raw": f"{root}/raw", "report": f"{root}/report"}


def review_markdown(
    outcome: DocumentOutcome, findings: Sequence[Finding], base_url: str | None = None
) -> str:
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
        *_link_lines(outcome, base_url),
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


def _link_lines(outcome: DocumentOutcome, base_url: str | None) -> list[str]:
    links = item_links(outcome.review_item_id, base_url)
    lines = [f"- Source: {_link(outcome.source_url)}"]
    if not links:
        return [*lines, f"- Review item, raw file and validation report: {NO_REVIEW_APP}"]
    lines.append(f"- Review item: [{links['item']}]({links['item']})")
    if outcome.sha256:
        lines.append(f"- Raw file: [{links['raw']}]({links['raw']}) (sha256 `{outcome.sha256}`)")
    else:
        lines.append("- Raw file: none (nothing was downloaded)")
    if outcome.report_uri:
        lines.append(f"- Validation report: [{links['report']}]({links['report']})")
    return lines


def closed_markdown(item: ReviewSummary, base_url: str | None = None, note: str | None = None) -> str:
    """The item's report once it is resolved or waived: it no longer waits for anyone."""
    title = item.department_name or item.source_url or item.sha256 or f"item {item.id}"
    year = f" ({item.budget_year})" if item.budget_year else ""
    links = item_links(item.id, base_url)
    lines = [
        f"# {item.status.capitalize()}: {title}{year}",
        "",
        f"**Review item:** #{item.id} · **Status:** `{item.status}` · **Attempts:** {item.attempts}",
        "",
        f"> {_one_line(note or _closed_note(item.status), 500)}",
        "",
        f"Was in review for `{item.stage}` / `{item.reason}`: {_one_line(item.message, 300)}",
        "",
        f"- Source: {_link(item.source_url)}",
        f"- Review item: [{links['item']}]({links['item']})" if links else f"- Review item: {NO_REVIEW_APP}",
    ]
    return "\n".join(lines) + "\n"


def _closed_note(status: str) -> str:
    if status == "resolved":
        return "A later run passed every stage; its records are stored. Nothing to do."
    if status == "waived":
        return "Accepted despite its findings by a person; its records appear in exports."
    return f"The item is {status}."


def format_value(value: object) -> str:
    """A value as a person reads it: ``2.50`` not ``Decimal('2.50')``, lists joined, None empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Mapping):
        return "; ".join(f"{format_value(k)}: {format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(format_value(v) for v in value)
    return str(value)


def _cell(value: object) -> str:
    return format_value(value)


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


def publish_review_report(
    outcome: DocumentOutcome, findings: Sequence[Finding], base_url: str | None = None
) -> UUID:
    """Publish why one document went to review, keyed by item so every attempt updates one artifact."""
    from prefect.artifacts import create_markdown_artifact

    item = f"#{outcome.review_item_id} " if outcome.review_item_id else ""
    return create_markdown_artifact(
        review_markdown(outcome, findings, base_url),
        key=review_key(outcome),
        description=f"In review {item}({outcome.reason}): {outcome.source_url or outcome.sha256}",
    )


def publish_item_closed(item: ReviewSummary, base_url: str | None = None, note: str | None = None) -> UUID:
    """Publish the resolved/waived version of an item's report (same key: the old "why" is replaced)."""
    from prefect.artifacts import create_markdown_artifact

    return create_markdown_artifact(
        closed_markdown(item, base_url, note),
        key=item_key(item.id),
        description=f"{item.status.capitalize()} #{item.id}: {item.source_url or item.sha256}",
    )


RETRY_COLUMNS = ("item", "document", "was", "outcome", "item_status", "attempts", "reason")

#: one retried item: as it was, the run's outcome, as it is now (None if it could not be re-read)
Retried = tuple[ReviewSummary, DocumentOutcome, "ReviewSummary | None"]


def retry_rows(results: Sequence[Retried]) -> list[dict[str, Any]]:
    """One row per retried item: what it was, what this run made of it, its status and attempts now."""
    rows = []
    for before, outcome, after in results:
        now = after or before
        rows.append({
            "item": before.id,
            "document": before.department_name or before.source_url or before.sha256 or "",
            "was": f"{before.stage}/{before.reason}",
            "outcome": outcome.status,
            "item_status": now.status,
            "attempts": now.attempts,
            "reason": "" if outcome.status == "accepted" else f"{outcome.stage}/{outcome.reason}",
        })
    return rows


def publish_retry_summary(
    results: Sequence[Retried], *, description: str
) -> UUID:
    """The ``retry-summary`` table: each retried item with its new state (not just counts)."""
    from prefect.artifacts import create_table_artifact

    return create_table_artifact(
        retry_rows(results) or [{"item": "", "outcome": "nothing to retry"}],
        key="retry-summary",
        description=description,
    )


def publish_review_queue(items: Sequence[ReviewSummary]) -> UUID:
    """Publish the open review queue, so the UI shows what waits for a person after every run."""
    from prefect.artifacts import create_table_artifact

    return create_table_artifact(
        queue_rows(items) or [{"id": "", "message": "the review queue is empty"}],
        key="review-queue",
        description=f"Open review items after this run: {len(items)}",
    )


def progress_text(done: int, total: int, current: str | None, *, working: bool) -> str:
    """``3 of 12 documents done — now: <url>`` (the description the progress artifact shows)."""
    text = f"{done} of {total} document{'s' if total != 1 else ''} done"
    if current:
        text += f" — {'now' if working else 'last'}: {current}"
    return text


class Progress:
    """A progress artifact for long batches: n of N in its description, the current document too.

    Updates are coalesced: at most one API call per ``min_interval_s``, the latest text sent at
    the end of the interval (a timer), so a burst of documents finishing together (a batch run
    of 16) costs one call, not 16, and the UI is never more than one interval behind. At ~1
    document/s an update per document was the run's fourth most frequent Prefect call (issue 12).
    """

    def __init__(self, total: int, *, key: str, description: str, min_interval_s: float = 2.0) -> None:
        from prefect.artifacts import create_progress_artifact

        self.total = total
        self.done = 0
        self.label = description
        self.min_interval_s = min_interval_s
        self.calls = 0  # updates sent: what the coalescing saves is measurable
        self._lock = threading.Lock()
        self._pending: tuple[float, str] | None = None
        self._last_sent = float("-inf")
        self._timer: threading.Timer | None = None
        self._id = create_progress_artifact(
            0.0, key=key, description=f"{description}: {progress_text(0, total, None, working=False)}"
        )

    def now(self, current: str) -> None:
        """Say which document is being worked on (before its long part starts)."""
        self._update(progress_text(self.done, self.total, current, working=True))

    def advance(self, current: str | None = None, steps: int = 1) -> None:
        self.done += steps
        self._update(progress_text(self.done, self.total, current, working=False))

    def finish(self) -> None:
        """100 % at the end, also for a batch that found nothing to do (sent now, never coalesced)."""
        self.done = self.total
        self._update(progress_text(self.total, self.total, None, working=False), final=True)

    def _update(self, text: str, *, final: bool = False) -> None:
        share = 100.0 if final or not self.total else min(100.0, 100.0 * self.done / self.total)
        with self._lock:
            self._pending = (share, text)
            wait = self._last_sent + self.min_interval_s - time.monotonic()
            if final or wait <= 0:
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
                self._send_pending()
            elif self._timer is None:  # the latest text goes out when the interval ends
                context = contextvars.copy_context()  # this run's Prefect settings and client
                self._timer = threading.Timer(wait, context.run, args=(self._flush,))
                self._timer.daemon = True
                self._timer.start()

    def _flush(self) -> None:
        with self._lock:
            self._timer = None
            self._send_pending()

    def _send_pending(self) -> None:
        """Send the latest text (caller holds the lock); a failed update is not worth a batch."""
        from prefect.artifacts import update_progress_artifact

        if self._pending is None:
            return
        share, text = self._pending
        self._pending = None
        self.calls += 1
        try:
            update_progress_artifact(self._id, progress=share, description=f"{self.label}: {text}")
        except Exception as exc:  # the API hiccuped: the next update (or finish) says it again
            logger.warning("progress artifact not updated: %s", exc)
        self._last_sent = time.monotonic()  # the interval counts from the end of a (slow) call
