"""Reviewer corrections: "this cell was read wrong, the printed value is X", as audited records.

Why a table of its own rather than editing records: a correction is a claim by a person (who,
when, old → new, why) about one cell of one file's extraction (version, table, record, field).
It is kept apart from the extractor's reading and applied *on top of* every later reading of
the same file (``apply_corrections``), so the evidence of both survives and the database can
always say which values a person changed.

What a later run does with a correction is decided here, explicitly, by comparing the new
reading of the cell with the correction's ``old`` and ``new`` values:

* the cell still reads ``old``            → the correction is applied again (``active``);
* the cell now reads ``new``              → the extractor was fixed: the correction is retired
  (``superseded``), audited, and the value is the extractor's own;
* the cell reads a third value, or the record/table is gone → the correction is NOT applied
  (``stale``), audited, and the document gets an error finding ``review.correction_stale`` so it
  goes (back) to review with the cell named — a person decides again. Never silently.

Concurrency is optimistic on the old value: a correction states the value the reviewer saw;
when the stored cell no longer holds it (someone corrected it first), it is refused with
``correction_conflict`` and the reviewer is told the current value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from budget_etl.document import ExtractedDocument, Record
from budget_etl.errors import Reason, ReviewError
from budget_etl.findings import Finding, Severity
from storage import records
from storage.audit import record_change
from storage.models import (
    JSON_OR_NULL,
    RECORD_MODELS,
    Base,
    DocumentTable,
    DocumentVersion,
    ReviewItem,
    utcnow,
)
from storage.records import coerce, data_columns, jsonable
from storage.review_queue import find_open_item

#: ``active``: applied to every reading of the file; ``superseded``: the extractor now reads the
#: corrected value itself; ``stale``: the reading changed under it (not applied, sent to review);
#: ``replaced``: a later correction of the same cell took its place.
CORRECTION_STATUSES = ("active", "superseded", "stale", "replaced")
#: the finding a stale correction puts on the document
STALE_CHECK = "review.correction_stale"
#: record fields that identify a row (a correction only applies to the same row of a new reading)
ROW_KEY_FIELDS = ("line_no", "side", "code", "name", "item", "project_code", "seq")
_NOT_A_NUMBER = object()


class Correction(Base):
    """One reviewer's correction of one cell of one file's extraction."""

    __tablename__ = "corrections"
    __table_args__ = (
        CheckConstraint(
            "status IN ({})".format(", ".join(repr(s) for s in CORRECTION_STATUSES)), "status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", ondelete="SET NULL"), index=True
    )
    table_position: Mapped[int]
    table_type: Mapped[str] = mapped_column(String(60))
    row_index: Mapped[int]
    row_key: Mapped[dict[str, Any] | None] = mapped_column(JSON_OR_NULL)
    field: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[Any | None] = mapped_column(JSON_OR_NULL)
    new_value: Mapped[Any | None] = mapped_column(JSON_OR_NULL)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@dataclass(frozen=True)
class CellCorrection:
    """A correction as plain data (what a flow run carries; Prefect pickles task results)."""

    id: int
    table_position: int
    table_type: str
    row_index: int
    row_key: dict[str, Any]
    field: str
    old_value: Any
    new_value: Any
    actor: str
    reason: str
    status: str
    status_reason: str | None
    created_at: str

    @property
    def cell(self) -> str:
        return f"{self.table_type}[{self.table_position}] row {self.row_index} {self.field}"

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    """What one reading of the file does with one active correction."""

    correction_id: int
    status: str  # active | superseded | stale
    why: str
    finding: Finding | None = None


# --- pure rules ------------------------------------------------------------------------------


def as_number(value: Any) -> Decimal | object:
    """A cell as a number when it is one (``1,234.00``, ``80%``, ``Decimal``), else a marker."""
    if isinstance(value, bool) or value is None:
        return _NOT_A_NUMBER
    if isinstance(value, Decimal | int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").rstrip("%％").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            return _NOT_A_NUMBER
        return number if number.is_finite() else _NOT_A_NUMBER
    return _NOT_A_NUMBER


def same_cell_value(a: Any, b: Any) -> bool:
    """Whether two readings of a cell agree: as numbers when both are numbers, else as text."""
    blank_a = a is None or (isinstance(a, str) and not a.strip())
    blank_b = b is None or (isinstance(b, str) and not b.strip())
    if blank_a or blank_b:
        return blank_a and blank_b
    x, y = as_number(a), as_number(b)
    if x is not _NOT_A_NUMBER and y is not _NOT_A_NUMBER:
        return x == y
    return str(a).strip() == str(b).strip()


def row_key_of(record: Record) -> dict[str, Any]:
    """The identifying fields of a record, JSON-safe (a correction follows its row, not a position)."""
    return {k: jsonable(record[k]) for k in ROW_KEY_FIELDS if record.get(k) is not None}


def same_row(record: Record, key: dict[str, Any]) -> bool:
    return all(same_cell_value(record.get(k), v) for k, v in key.items())


def parse_new_value(table_type: str, field: str, text: str) -> Any:
    """The reviewer's text as the field's type (amounts as Decimal); ``ReviewError`` when it does not fit."""
    model = RECORD_MODELS.get(table_type)
    columns = data_columns(model) if model is not None else {}
    if field not in columns:
        known = ", ".join(sorted(columns)) or "none"
        raise ReviewError(
            Reason.INVALID_CORRECTION, f"{table_type} has no field {field!r} to correct (fields: {known})"
        )
    value: Any = text.strip()
    if value == "":
        return None
    number = as_number(value)
    if number is not _NOT_A_NUMBER and value.rstrip("%％") != value:
        value = str(number)  # "100%" in a percentage column is the number 100
    converted = coerce(columns[field], value.replace(",", "") if number is not _NOT_A_NUMBER else value)
    if converted is None or converted is records._MISSING:
        raise ReviewError(
            Reason.INVALID_CORRECTION, f"{text!r} is not a valid value for {table_type}.{field}"
        )
    return converted


def judge(doc: ExtractedDocument, correction: CellCorrection) -> Verdict:
    """Keep, retire or flag one correction against a (new) reading of the file — the rule above."""
    where = correction.cell
    tables = doc.tables
    table = tables[correction.table_position] if 0 <= correction.table_position < len(tables) else None
    record = None
    fits = table is not None and table.type == correction.table_type
    if table is not None and fits and correction.row_index < len(table.records):
        candidate = table.records[correction.row_index]
        if same_row(candidate, correction.row_key):
            record = candidate
    if record is None:
        why = f"{where}: the new reading has no such row any more; the correction is not applied"
        return Verdict(correction.id, "stale", why, stale_finding(correction, None, why, table))
    current = record.get(correction.field)
    if same_cell_value(current, correction.new_value):
        return Verdict(
            correction.id, "superseded", f"{where}: the extractor now reads {current} itself"
        )
    if same_cell_value(current, correction.old_value):
        return Verdict(correction.id, "active", f"{where}: still reads {current}; corrected again")
    why = (
        f"{where}: the new reading is {current}, neither the corrected-from value "
        f"{correction.old_value} nor the correction {correction.new_value}; not applied"
    )
    return Verdict(correction.id, "stale", why, stale_finding(correction, record, why, table))


def stale_finding(correction: CellCorrection, record: Record | None, why: str, table: Any) -> Finding:
    pages = list((record or {}).get("pages") or (getattr(table, "pages", None) or []))
    return Finding(
        check=STALE_CHECK,
        severity=Severity.ERROR,
        message=f"a reviewer's correction no longer fits this reading — {why}",
        table=correction.table_type,
        line_no=(record or {}).get("line_no") if record else correction.row_key.get("line_no"),
        project_code=(record or {}).get("project_code") if record else correction.row_key.get("project_code"),
        field=correction.field,
        expected=correction.new_value,
        actual=None if record is None else jsonable(record.get(correction.field)),
        pages=[int(p) for p in pages],
    )


def apply_corrections(
    doc: ExtractedDocument, corrections: list[CellCorrection]
) -> tuple[ExtractedDocument, list[Verdict]]:
    """A copy of ``doc`` with every still-fitting correction applied, and the verdict on each one."""
    if not corrections:
        return doc, []
    corrected = copy.deepcopy(doc)
    verdicts = []
    for correction in corrections:
        verdict = judge(corrected, correction)
        if verdict.status == "active":
            record = corrected.tables[correction.table_position].records[correction.row_index]
            record[correction.field] = restore(correction.new_value)
        verdicts.append(verdict)
    return corrected, verdicts


def restore(value: Any) -> Any:
    """A stored (JSON) corrected value back in the pipeline's types: amounts are Decimals."""
    number = as_number(value) if isinstance(value, str) else _NOT_A_NUMBER
    return number if number is not _NOT_A_NUMBER else value


# --- database side (inside the caller's transaction) ---------------------------------------------


def to_plain(row: Correction) -> CellCorrection:
    return CellCorrection(
        id=row.id,
        table_position=row.table_position,
        table_type=row.table_type,
        row_index=row.row_index,
        row_key=dict(row.row_key or {}),
        field=row.field,
        old_value=row.old_value,
        new_value=row.new_value,
        actor=row.actor,
        reason=row.reason,
        status=row.status,
        status_reason=row.status_reason,
        created_at=row.created_at.isoformat(timespec="seconds") if row.created_at else "",
    )


def corrections_of(session: Session, sha256: str, *, active_only: bool = False) -> list[CellCorrection]:
    """The file's corrections, oldest first (every status, or only those applied to new readings)."""
    query = select(Correction).where(Correction.sha256 == sha256).order_by(Correction.id)
    if active_only:
        query = query.where(Correction.status == "active")
    return [to_plain(row) for row in session.scalars(query)]


def stored_cell(session: Session, version_id: int, table_position: int, row_index: int, field: str) -> Any:
    """``(table, record row, current value)`` of one stored cell; ``ReviewError`` when there is none."""
    table = session.scalar(
        select(DocumentTable).where(
            DocumentTable.version_id == version_id, DocumentTable.position == table_position
        )
    )
    if table is None:
        raise ReviewError(Reason.INVALID_CORRECTION, f"the document has no table {table_position}")
    model = RECORD_MODELS.get(table.type)
    if model is None:
        raise ReviewError(Reason.INVALID_CORRECTION, f"tables of type {table.type} cannot be corrected")
    row = session.scalar(
        select(model).where(model.table_id == table.id, model.row_index == row_index).with_for_update()
    )
    if row is None:
        raise ReviewError(
            Reason.INVALID_CORRECTION, f"table {table_position} ({table.type}) has no row {row_index}"
        )
    if field not in data_columns(model):
        parse_new_value(table.type, field, "")  # raises with the list of fields
    value = getattr(row, field)
    if value is None:  # read but not storable as the column's type (e.g. "1,2O4.00"): kept aside
        for aside in unstorable_of(row):
            if field in aside:
                return table, row, aside[field]
    return table, row, value


def unstorable_of(row: Any) -> list[dict[str, Any]]:
    """The JSON columns where a record keeps values its typed columns could not hold."""
    return [v for v in (getattr(row, "unmapped", None), getattr(row, "extra", None)) if isinstance(v, dict)]


def add_correction(
    session: Session,
    item_id: int,
    *,
    table_position: int,
    row_index: int,
    field: str,
    old: str,
    new: str,
    reason: str,
    actor: str,
) -> CellCorrection:
    """Record one correction of an open item's cell, if the cell still holds ``old``.

    The stored cell is updated at once (so the next reviewer sees it and a second correction
    from the same old value is refused); re-validating the document is the caller's next step.
    """
    if not reason.strip():
        raise ReviewError(Reason.INVALID_CORRECTION, "a correction needs a reason (why the value is wrong)")
    if not actor.strip():
        raise ReviewError(Reason.INVALID_CORRECTION, "a correction needs the name of who makes it")
    item = find_open_item(session, item_id, action="corrected", lock=True)
    version = session.get(DocumentVersion, item.version_id) if item.version_id is not None else None
    if version is None or version.state != "in_review" or item.sha256 is None:
        raise ReviewError(
            Reason.INVALID_STATE,
            f"review item {item_id} has no extracted records held for review; there is no cell to correct",
        )
    table, row, current = stored_cell(session, version.id, table_position, row_index, field)
    if not same_cell_value(current, old):
        raise ReviewError(
            Reason.CORRECTION_CONFLICT,
            f"the cell {table.type}[{table_position}] row {row_index} {field} now holds "
            f"{display(current)}, not {display(old)}: someone changed it first; reload and decide again",
            current=jsonable(current),
        )
    value = parse_new_value(table.type, field, new)
    if same_cell_value(current, value):
        raise ReviewError(Reason.INVALID_CORRECTION, f"the cell already holds {display(current)}")
    record = {c: getattr(row, c) for c in ROW_KEY_FIELDS if hasattr(row, c)}
    extracted = current  # what the extractor read: a new reading of the file is compared with it
    for previous in session.scalars(
        select(Correction).where(
            Correction.sha256 == item.sha256,
            Correction.table_position == table_position,
            Correction.row_index == row_index,
            Correction.field == field,
            Correction.status == "active",
        )
    ):
        extracted = previous.old_value
        previous.status, previous.status_reason = "replaced", "a later correction of the same cell"
        record_change(
            session, entity="correction", entity_id=previous.id, action="replace", from_state="active",
            to_state="replaced", actor=actor, reason=previous.status_reason,
        )
    correction = Correction(
        review_item_id=item.id,
        sha256=item.sha256,
        version_id=version.id,
        table_position=table_position,
        table_type=table.type,
        row_index=row_index,
        row_key={k: v for k, v in row_key_of(record).items() if k != field},  # the cell may be a key
        field=field,
        old_value=jsonable(extracted),
        new_value=jsonable(value),
        reason=reason.strip(),
        actor=actor.strip(),
        status="active",
    )
    session.add(correction)
    setattr(row, field, value)
    for column in ("unmapped", "extra"):
        aside = getattr(row, column, None)
        if isinstance(aside, dict) and field in aside:
            setattr(row, column, {k: v for k, v in aside.items() if k != field} or None)
    session.flush()
    change = f"{table.type}[{table_position}] row {row_index} {field}: {display(current)} → {display(value)}"
    record_change(
        session, entity="correction", entity_id=correction.id, action="correct", from_state=None,
        to_state="active", actor=actor, reason=f"{change}: {reason.strip()}",
    )
    record_change(
        session, entity="review_item", entity_id=item.id, action="correct", from_state="open",
        to_state="open", actor=actor, reason=f"{change}: {reason.strip()}",
    )
    return to_plain(correction)


def record_verdicts(session: Session, verdicts: list[Verdict], *, actor: str) -> None:
    """Write what a reading did with each correction: retired and stale ones are audited state changes."""
    for verdict in verdicts:
        row = session.get(Correction, verdict.correction_id)
        if row is None or row.status == verdict.status:
            continue
        before = row.status
        row.status, row.status_reason = verdict.status, verdict.why
        record_change(
            session, entity="correction", entity_id=row.id,
            action="supersede" if verdict.status == "superseded" else "mark_stale",
            from_state=before, to_state=verdict.status, actor=actor, reason=verdict.why,
        )
        item = session.get(ReviewItem, row.review_item_id)
        if item is not None:
            record_change(
                session, entity="review_item", entity_id=item.id, action="correction_" + verdict.status,
                from_state=item.status, to_state=item.status, actor=actor, reason=verdict.why,
            )


def display(value: Any) -> str:
    """A value as a person reads it in a message: amounts as printed (two decimals)."""
    if value is None or value == "":
        return "(blank)"
    return records.format_decimal(value) if isinstance(value, Decimal) else str(value)
