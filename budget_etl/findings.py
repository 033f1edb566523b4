"""A finding: one failed check from any layer (pandera, Great Expectations, reconciliation).

Same shape everywhere — in ``validate --json``, the HTML report, the database and the review
queue — so a reviewer reads every problem the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # a contradiction: the document goes to review
    WARNING = "warning"  # suspicious: accepted, flagged


@dataclass
class Finding:
    check: str
    severity: Severity
    message: str
    table: str | None = None
    line_no: int | None = None
    project_code: str | None = None
    field: str | None = None
    expected: Any = None
    actual: Any = None
    pages: list[int] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from budget_etl.document import _jsonable

        out = asdict(self)
        out["severity"] = self.severity.value
        return _jsonable(out)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        data = dict(data)
        data["severity"] = Severity(data["severity"])
        return cls(**data)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
