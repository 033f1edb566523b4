"""A printed parent line against the sum of its part lines, column by column.

类 = Σ款, 合计 = Σ类, 三公 小计 = its three items, 本年收入合计 = the items above it: every
"this line adds up those lines" check is the same comparison with different rows and names, so
it lives here once and each family only says which rows and how to name them in the message.
"""

from __future__ import annotations

from collections.abc import Sequence

from budget_etl.contract import FINAL_TABLE_TYPES, TABLE_TYPES
from budget_etl.document import ExtractedTable, Record
from budget_etl.findings import Finding
from tasks.validate.amounts import amounts_agree, format_amount, sum_amounts
from tasks.validate.evidence import finding_at
from tasks.validate.labels import FIELD_LABELS
from tasks.validate.settings import ValidateSettings


def compare_parent(
    check: str,
    table: ExtractedTable,
    parent: Record,
    parent_name: str,
    parts: Sequence[Record],
    parts_name: str,
    settings: ValidateSettings,
    fields: Sequence[str] | None = None,
) -> list[Finding]:
    """One finding per amount column where ``parent`` differs from the sum of ``parts``.

    ``fields`` defaults to every amount column of the table type; a table whose columns differ
    by side (财政拨款收支总表) passes its own.
    """
    findings = []
    spec = TABLE_TYPES.get(table.type) or FINAL_TABLE_TYPES[table.type]  # budget or 决算
    for field in spec.amount_fields if fields is None else fields:
        expected = sum_amounts(r.get(field) for r in parts)
        if amounts_agree(expected, parent.get(field), settings.amount_tolerance):
            continue
        findings.append(
            finding_at(
                check,
                f"{parent_name}: {FIELD_LABELS[field]} is {format_amount(parent.get(field))} but "
                f"{parts_name} add up to {format_amount(expected)}",
                table=table,
                record=parent,
                field=field,
                expected=expected,
                actual=parent.get(field),
            )
        )
    return findings
