"""What the extractor saw but could not read as data, as findings with page and cell.

Never silent: a table with body rows but no understood header, an amount cell whose text is
not a number, an empty table without a printed 空表 note. Each becomes a ``Finding`` on
``ExtractedDocument.findings`` (the validate stage reports them with its own).

Severity: every one is an error, except an empty table without a note among the tables that
are not one of the standard tables (e.g. 政府采购): the disclosure rules require the 空表 note
only of the standard tables, so a blank procurement list is suspicious (a warning), not a
contradiction that sends a document to review.
"""

from __future__ import annotations

from budget_etl.contract import (
    EXTRACT_AMOUNT_NOT_NUMBER,
    EXTRACT_EMPTY_TABLE_WITHOUT_NOTE,
    EXTRACT_HEADER_NOT_UNDERSTOOD,
    empty_note_required,
)
from budget_etl.findings import Finding, Severity
from tasks.extract.records import CellProblem


def amount_not_number(table: str, problem: CellProblem) -> Finding:
    return Finding(
        check=EXTRACT_AMOUNT_NOT_NUMBER,
        severity=Severity.ERROR,
        message=(f"amount cell {problem.text!r} in column {problem.field} is not a number "
                 f"(page {problem.pages[0] if problem.pages else '?'}, cell bbox {problem.bbox})"),
        table=table, line_no=problem.line_no, field=problem.field, actual=problem.text,
        pages=list(problem.pages),
    )


def header_not_understood(
    table: str, title: str, pages: list[int], *, first_cell: str | None, bbox: list[float] | None,
    missing: list[str] | None = None,
) -> Finding:
    what = (f"its header lacks {', '.join(missing)}" if missing
            else "it has body rows but no header row was understood")
    return Finding(
        check=EXTRACT_HEADER_NOT_UNDERSTOOD,
        severity=Severity.ERROR,
        message=f"table {title!r} could not be read: {what} (first unread row bbox {bbox})",
        table=table, actual=first_cell, pages=list(pages),
    )


def empty_without_note(table: str, title: str, pages: list[int]) -> Finding:
    return Finding(
        check=EXTRACT_EMPTY_TABLE_WITHOUT_NOTE,
        severity=Severity.ERROR if empty_note_required(table) else Severity.WARNING,
        message=f"table {title!r} has no records and prints no 空表 note (pages {pages})",
        table=table, pages=list(pages),
    )
