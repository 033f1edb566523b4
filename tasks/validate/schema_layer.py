"""Layer 1: run the pandera model of each table type lazily and turn every failure case into a Finding.

pandera reports failures as a frame (column, check, failure_case, index); this module maps each
row back to the record it came from and words it for an analyst. It never raises on bad data.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding
from schemas import SCHEMAS
from tasks.validate.evidence import finding_at
from tasks.validate.frames import INDICATOR_FRAMES, FrameRows, schema_frames
from tasks.validate.labels import field_label

#: pandera check name (without arguments) → our stable check slug
CHECK_SLUGS: dict[str, str] = {
    "coerce_dtype": "schema.dtype",
    "dtype": "schema.dtype",
    "not_nullable": "schema.required",
    "str_matches": "schema.code_format",
    "greater_than_or_equal_to": "schema.non_negative",
    "in_range": "schema.percentage_range",
    "isin": "schema.allowed_value",
    "unique_line_no": "schema.unique_line_no",
    "grand_total_row": "schema.grand_total_row",
    "both_sides": "schema.both_sides",
    "column_in_dataframe": "schema.missing_column",
    "cells_are_lists": "schema.cells_are_lists",
}


def slug_for(check: str, column: str | None) -> str:
    name = check.split("(", 1)[0].lstrip("_")
    if name == "str_matches" and column == "project_code":
        return "schema.project_code_format"
    return CHECK_SLUGS.get(name, f"schema.{name}")


def describe(slug: str, field: str | None, case: object, table: str) -> str:
    """The failure in an analyst's words."""
    label = field_label(field)
    messages = {
        "schema.dtype": f"{label} holds {case!r}, which is not a number",
        "schema.required": f"{label} is blank but every row must have it",
        "schema.code_format": (
            f"{label} {case!r} is not a classification code "
            + (
                "(经济分类: 3 or 5 digits)"
                if table == "general_budget_basic_expenditure"
                else "(功能分类: 3, 5 or 7 digits)"
            )
        ),
        "schema.project_code_format": (
            f"{label} {case!r} does not have the form 8 digits + P + 11 digits + 1 digit/letter"
        ),
        "schema.non_negative": f"{label} is negative ({case}); budget amounts cannot be below zero",
        "schema.percentage_range": f"{label} is {case}, outside 0–100 %: the cell does not hold a percentage",
        "schema.allowed_value": f"{label} is {case!r}, not one of the allowed values",
        "schema.unique_line_no": "line number (序号) appears twice in the table",
        "schema.grand_total_row": "the table has rows but no 合计 line",
        "schema.both_sides": "the two-sided table lacks its 收入 or its 支出 side",
        "schema.missing_column": f"column {case!r} is missing",
        "schema.cells_are_lists": f"a row of this table is {case!r}, not the list of its printed cells",
    }
    return messages.get(slug, f"{label}: {slug} failed on {case!r}")


def drop_echoes(cases: pd.DataFrame) -> pd.DataFrame:
    """Keep one failure per bad cell: a cell that cannot be coerced also fails dtype and value checks."""
    if cases.empty:
        return cases
    checks = cases["check"].astype(str)
    uncoercible = set(cases.loc[checks.str.startswith("coerce_dtype"), "column"])
    is_echo = (checks.str.startswith("dtype(") & cases["column"].isin(uncoercible)) | cases[
        "failure_case"
    ].astype(str).str.startswith("TypeError(")
    return cases[~is_echo]


def findings_from_cases(rows: FrameRows, cases: pd.DataFrame) -> list[Finding]:
    """One finding per (check, row, column); frame-wide checks give one finding per row."""
    findings: list[Finding] = []
    seen: set[tuple[str, object, object]] = set()
    for case in drop_echoes(cases).itertuples(index=False):
        frame_wide = case.schema_context == "DataFrameSchema"
        slug = slug_for(str(case.check), case.column)
        column = None if frame_wide else case.column
        index = case.index if case.index is not None and not pd.isna(case.index) else None
        key = (slug, index, column)
        if key in seen:
            continue
        seen.add(key)
        field = column
        table_slug = INDICATOR_FRAMES.get(rows.name, rows.name)
        if index is None:
            table = rows.tables[0]
            findings.append(
                finding_at(
                    slug, describe(slug, field, case.failure_case, table_slug), table=table, field=field
                )
            )
            continue
        table, record = rows.origins[int(index)]
        indicator = rows.indicator_index[int(index)]
        if indicator is not None and field is not None:
            field = f"indicators[{indicator}].{field}"
        findings.append(
            finding_at(
                slug,
                describe(slug, field, None if frame_wide else case.failure_case, table_slug),
                table=table,
                record=record,
                field=field,
                actual=None if frame_wide else case.failure_case,
            )
        )
    return findings


def check_schemas(doc: ExtractedDocument) -> list[Finding]:
    """Validate every table type's frame against its model, collecting all failures."""
    findings: list[Finding] = []
    for rows in schema_frames(doc):
        model = SCHEMAS.get(rows.name)
        if model is None or rows.frame.empty:
            continue
        try:
            model.validate(rows.frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            findings.extend(findings_from_cases(rows, errors.failure_cases))
    return findings
