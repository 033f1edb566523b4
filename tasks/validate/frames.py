"""Turn extracted tables into pandas frames, remembering which record each row came from.

Tables of one type are stacked into one frame (one pandera / GX run per type, not per table:
a document can hold dozens of 绩效目标表), and ``FrameRows`` maps a frame index back to the
table and record so every failure lands on its row. Two flavours: the schema frame keeps the
cells as extracted (pandera coerces and reports what it cannot), the expectation frame holds
amounts as integer hundredths (GX sums have no tolerance) plus negated columns for identities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from budget_etl.contract import INDICATOR_FIELDS, TABLE_TYPES
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from tasks.validate.amounts import is_number, to_cents

INDICATORS = "project_indicators"  # frame name for the indicator rows of project_performance


@dataclass
class FrameRows:
    """A frame plus, per row index, the (table, record) it was built from and the indicator index."""

    name: str
    frame: pd.DataFrame
    origins: list[tuple[ExtractedTable, Record]] = field(default_factory=list)
    indicator_index: list[int | None] = field(default_factory=list)
    tables: list[ExtractedTable] = field(default_factory=list)


def fields_of(slug: str) -> tuple[str, ...]:
    if slug == INDICATORS:
        return ("project_code", *INDICATOR_FIELDS)
    return tuple(f for f in TABLE_TYPES[slug].fields if f != "indicators")


def group_tables(doc: ExtractedDocument) -> dict[str, list[ExtractedTable]]:
    """Tables by type, in document order, only for types the contract knows and that have fields."""
    groups: dict[str, list[ExtractedTable]] = {}
    for table in doc.tables:
        if table.type in TABLE_TYPES and TABLE_TYPES[table.type].fields:
            groups.setdefault(table.type, []).append(table)
    return groups


def cell(value: Any) -> Any:
    """A cell as pandera should see it: a non-finite Decimal (NaN, sNaN) is text, so it is reported."""
    if isinstance(value, Decimal) and not value.is_finite():
        return str(value)
    return value


def collect_rows(slug: str, tables: list[ExtractedTable]) -> FrameRows:
    """The raw cells of every record of ``tables`` as one object frame (no conversion yet)."""
    rows: list[dict[str, Any]] = []
    origins: list[tuple[ExtractedTable, Record]] = []
    indicator_index: list[int | None] = []
    columns = fields_of(slug)
    for table in tables:
        for record in table.records:
            if slug == INDICATORS:
                for i, indicator in enumerate(record.get("indicators") or []):
                    row = {"project_code": cell(record.get("project_code"))}
                    row.update({f: cell(indicator.get(f)) for f in INDICATOR_FIELDS})
                    rows.append(row)
                    origins.append((table, record))
                    indicator_index.append(i)
            else:
                rows.append({f: cell(record.get(f)) for f in columns})
                origins.append((table, record))
                indicator_index.append(None)
    frame = pd.DataFrame(rows, columns=list(columns), dtype=object)
    return FrameRows(slug, frame, origins, indicator_index, list(tables))


def schema_frames(doc: ExtractedDocument) -> list[FrameRows]:
    """One frame per table type present (plus the indicator rows), cells as extracted."""
    frames = [collect_rows(slug, tables) for slug, tables in group_tables(doc).items()]
    projects = doc.tables_of("project_performance")
    if projects:
        frames.append(collect_rows(INDICATORS, projects))
    return frames


def amount_fields_of(slug: str) -> tuple[str, ...]:
    if slug == INDICATORS:
        return ()
    return TABLE_TYPES[slug].amount_fields


def to_expectation_frame(rows: FrameRows) -> pd.DataFrame:
    """Amounts as integer hundredths (blank = 0, text = missing) and ``neg_<field>`` for identities."""
    frame = rows.frame.copy()
    for column in amount_fields_of(rows.name):
        cents = [to_cents(v) if v is None or is_number(v) else None for v in frame[column]]
        frame[column] = pd.array(cents, dtype="Int64")
        frame[f"neg_{column}"] = -frame[column]
    return frame
