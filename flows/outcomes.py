"""What a flow run reports back: one ``DocumentOutcome`` per document, counts per publisher.

Plain dataclasses, so the CLI, the artifacts and the tests read the same values the flow
returned, and a flow run's result is meaningful without the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["accepted", "in_review", "failed", "unchanged"]
STATUSES: tuple[Status, ...] = ("accepted", "in_review", "failed", "unchanged")


@dataclass(frozen=True)
class DocumentOutcome:
    """How one document (or one URL that never became a document) ended this run."""

    status: Status
    source_url: str | None
    sha256: str | None = None
    stage: str | None = None
    reason: str | None = None
    message: str | None = None
    review_item_id: int | None = None
    version_id: int | None = None
    report_uri: str | None = None
    raw_uri: str | None = None
    department_name: str | None = None
    budget_year: int | None = None
    error_findings: int = 0
    warning_findings: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PublisherCounts:
    """One row of the run summary artifact."""

    publisher: str
    discovered: int = 0
    fetched: int = 0
    unchanged: int = 0
    accepted: int = 0
    in_review: int = 0
    failed: int = 0

    def count(self, outcome: DocumentOutcome) -> None:
        if outcome.status == "accepted":
            self.accepted += 1
        elif outcome.status == "in_review":
            self.in_review += 1
        elif outcome.status == "failed":
            self.failed += 1
        else:
            self.unchanged += 1


@dataclass
class RunSummary:
    """The result of ``ingest`` / ``run`` / ``retry_reviews``: per-publisher counts and every outcome."""

    publishers: list[PublisherCounts] = field(default_factory=list)
    outcomes: list[DocumentOutcome] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        statuses = Counter(o.status for o in self.outcomes)
        return {status: statuses.get(status, 0) for status in STATUSES}

    @property
    def processed(self) -> int:
        """Documents that went through extraction this run (0 on a re-run with nothing new)."""
        return sum(
            1 for o in self.outcomes
            if o.status in ("accepted", "in_review") or (o.status == "failed" and o.stage != "fetch")
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "totals": self.totals(),
            "publishers": [asdict(p) for p in self.publishers],
            "documents": [o.to_dict() for o in self.outcomes],
        }
