"""Every table's unit must be one the checks can convert (元, 千元, 万元, 百万元, 亿元).

Comparisons across tables and with the 情况说明 convert units first; a unit nobody knows cannot be
converted, so its figures are not compared (never guessed as 万元) and the table gets this error.
"""

from __future__ import annotations

from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding
from tasks.validate.amounts import normalise_unit, unit_size, unit_sizes
from tasks.validate.evidence import finding_at
from tasks.validate.settings import ValidateSettings

NOT_UNDERSTOOD = "units.not_understood"


def check_units(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    known = "、".join(unit_sizes())
    findings: list[Finding] = []
    if doc.document.unit and unit_size(doc.document.unit) is None:
        findings.append(
            finding_at(
                NOT_UNDERSTOOD,
                f"the document's unit {doc.document.unit!r} is not one of {known}; tables without a "
                "unit of their own are not compared with other tables or the 情况说明",
                field="unit",
                actual=doc.document.unit,
            )
        )
    for table in doc.tables:
        if table.unit and unit_size(table.unit) is None:
            findings.append(
                finding_at(
                    NOT_UNDERSTOOD,
                    f"{table.title} prints its amounts in {table.unit!r}, not one of {known}: its "
                    "figures are not compared with other tables or the 情况说明",
                    table=table,
                    field="unit",
                    expected=normalise_unit(None),
                    actual=table.unit,
                )
            )
    return findings
