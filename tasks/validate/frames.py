"""Turn extracted tables into pandas frames, remembering which record each row came from.

Tables of one type are stacked into one frame (one pandera / GX run per type, not per table:
a document can hold dozens of 绩效目标表), and ``FrameRows`` maps a frame index back to the
table and record so every failure lands on its row. Two flavours: the schema frame keeps the
cells as extracted (pandera coerces and reports what it cannot), the expectation frame holds
amounts as integer hundredths (GX sums have no tolerance) plus negated columns for identities
and, per identity, the columns the dictionary does not name that complete it (``extra_parts_*``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from budget_etl.contract import FINAL_TABLE_TYPES, INDICATOR_FIELDS, OTHER_TABLE, TABLE_TYPES, TableType
from budget_etl.document import ExtractedDocument, ExtractedTable, Record
from budget_etl.vocabulary import load as load_vocabulary
from tasks.validate.amounts import is_number, to_cents

INDICATORS = "project_indicators"  # frame name for the indicator rows of project_performance
#: indicator frame → the 绩效 form type its rows come from
INDICATOR_FRAMES = {INDICATORS: "project_performance", "department_indicators": "department_performance"}
#: every table type a frame can be built for: the budget's and the 决算's (slugs never collide)
KNOWN_TYPES: dict[str, TableType] = {**TABLE_TYPES, **FINAL_TABLE_TYPES}


@dataclass
class FrameRows:
    """A frame plus, per row index, the (table, record) it was built from and the indicator index."""

    name: str
    frame: pd.DataFrame
    origins: list[tuple[ExtractedTable, Record]] = field(default_factory=list)
    indicator_index: list[int | None] = field(default_factory=list)
    tables: list[ExtractedTable] = field(default_factory=list)


def fields_of(slug: str) -> tuple[str, ...]:
    if slug in INDICATOR_FRAMES:
        return ("project_code", *INDICATOR_FIELDS)
    if slug == OTHER_TABLE:
        return ("cells",)
    return tuple(f for f in KNOWN_TYPES[slug].fields if f != "indicators")


def group_tables(doc: ExtractedDocument) -> dict[str, list[ExtractedTable]]:
    """Tables by type, in document order, only for types the contract knows and that have fields."""
    groups: dict[str, list[ExtractedTable]] = {}
    for table in doc.tables:
        known = table.type in KNOWN_TYPES and KNOWN_TYPES[table.type].fields
        if known or table.type == OTHER_TABLE:
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
            if slug in INDICATOR_FRAMES:
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
    for name, slug in INDICATOR_FRAMES.items():
        forms = doc.tables_of(slug)
        if forms:
            frames.append(collect_rows(name, forms))
    return frames


def amount_fields_of(slug: str) -> tuple[str, ...]:
    if slug in INDICATOR_FRAMES or slug == OTHER_TABLE:
        return ()
    return KNOWN_TYPES[slug].amount_fields


def to_expectation_frame(rows: FrameRows) -> pd.DataFrame:
    """Amounts as integer hundredths (blank = 0, text = missing) and ``neg_<field>`` for identities."""
    frame = rows.frame.copy()
    for column in amount_fields_of(rows.name):
        cents = [to_cents(v) if v is None or is_number(v) else None for v in frame[column]]
        frame[column] = pd.array(cents, dtype="Int64")
        frame[f"neg_{column}"] = -frame[column]
    return frame


EXTRA_PARTS = "extra_parts_"  # suite column ``extra_parts_<parent>``: the extras completing that identity


def is_part_header(header: str) -> bool:
    """Whether an ``extra`` column can be a further part of a row total, by its printed header.

    A breakdown of another column (其中…, 含…, …小计) or a count (人数 …) never is
    (``budget_etl/vocabulary/extra_columns.yaml``).
    """
    words = load_vocabulary("extra_columns")["not_parts"]
    label = "".join(str(header).split())
    if any(label.startswith(p) for p in words["prefixes"]):
        return False
    return not any(w in label for w in (*words["contains"], *words["words"]))


def extra_part_cents(record: Record) -> int:
    """The numeric ``extra`` cells of a record that may be parts of its total, in hundredths."""
    extra = record.get("extra")
    if not isinstance(extra, dict):
        return 0
    return sum(to_cents(v) for k, v in extra.items() if is_part_header(k) and is_number(v))


def table_blocks(rows: FrameRows) -> list[list[int]]:
    """Frame row positions grouped by the table they came from (a frame stacks tables of a type)."""
    blocks: dict[int, list[int]] = {}
    for index, (table, _) in enumerate(rows.origins):
        blocks.setdefault(id(table), []).append(index)
    return list(blocks.values())


def derive_unprinted_subtotals(
    frame: pd.DataFrame, rows: FrameRows, identities: list[list[str]]
) -> pd.DataFrame:
    """A subtotal column a table does not print at all is, by definition, the sum of its parts.

    Templates differ: one 收入总表 prints 合计, 本年收入小计 and the sources, another only 合计 and
    the sources. A column blank on every row of a table is not printed (a blank cell of a printed
    column still counts as zero): for such a table it is filled with the sum of its parts, so the
    identity that defines it makes no claim and the identity that uses it (合计 = 本年收入小计 +
    上年结转) checks the printed figures.
    """
    for columns in identities:
        parent = next((c.removeprefix("neg_") for c in columns if c.startswith("neg_")), None)
        if parent is None or parent not in rows.frame:
            continue
        parts = [c for c in columns if not c.startswith(("neg_", EXTRA_PARTS)) and c in frame]
        for block in table_blocks(rows):
            if any(rows.frame[parent].iloc[i] is not None for i in block):
                continue  # the table prints the column
            for i in block:
                derived = sum(int(frame[c].iloc[i]) for c in parts if not pd.isna(frame[c].iloc[i]))
                frame.loc[frame.index[i], parent] = derived
                frame.loc[frame.index[i], f"neg_{parent}"] = -derived
    return frame


def add_extra_parts(frame: pd.DataFrame, rows: FrameRows, identities: list[list[str]]) -> pd.DataFrame:
    """Fill each identity's ``extra_parts_<parent>`` column, row by row.

    The named parts are tried first: a row whose 合计 already equals them gets 0 (an extra column
    is then a breakdown, whatever its header). Otherwise the row's part-like ``extra`` cells count
    when, with them, the row balances (合计 = 基本支出 + 项目支出 + 单位预留机动经费); if it still
    does not, they are left out and the finding reports the named parts.
    """
    for columns in identities:
        extra_column = next((c for c in columns if c.startswith(EXTRA_PARTS)), None)
        parent = next((c.removeprefix("neg_") for c in columns if c.startswith("neg_")), None)
        if extra_column is None or parent is None:
            continue
        parts = [c for c in columns if not c.startswith(("neg_", EXTRA_PARTS))]
        unprinted = unprinted_rows(rows, parts)
        values: list[int] = []
        for index, (_, record) in enumerate(rows.origins):
            named = sum(int(frame[c].iloc[index]) for c in parts if not pd.isna(frame[c].iloc[index]))
            printed = frame[parent].iloc[index]
            if index in unprinted and named == 0 and not pd.isna(printed):
                values.append(int(printed))  # the table prints no breakdown: the identity claims nothing
                continue
            extras = extra_part_cents(record)
            closes = not pd.isna(printed) and named != printed and named + extras == printed
            values.append(extras if closes else 0)
        frame[extra_column] = pd.array(values, dtype="Int64")
    return frame


def unprinted_rows(rows: FrameRows, parts: list[str]) -> set[int]:
    """Rows of the tables that print none of ``parts`` (e.g. a 三公 table with only a 合计 column)."""
    present = [c for c in parts if c in rows.frame]
    return {
        i
        for block in table_blocks(rows)
        if present and all(rows.frame[c].iloc[j] is None for c in present for j in block)
        for i in block
    }
