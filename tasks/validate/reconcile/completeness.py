"""A 部门预算信息公开 publishes all nine standard tables (an empty one, marked 空表列示, still counts).

A narrative-only file (``narrative_only``: the explanation, its tables filed apart) is complete
without them: its figures are read and stored, and its tables arrive as a companion document.
"""

from __future__ import annotations

from budget_etl.contract import STANDARD_TABLES, TABLE_TYPES
from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding, Severity
from tasks.validate.settings import ValidateSettings

STANDARD_TABLES_CHECK = "completeness.standard_tables"


def check_standard_tables(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    if doc.document.kind != "budget_disclosure" or doc.document.narrative_only:
        return []
    present = {t.type for t in doc.tables}
    return [
        Finding(
            check=STANDARD_TABLES_CHECK,
            severity=Severity.ERROR,
            message=f"the document has no {TABLE_TYPES[slug].title}: a 部门预算信息公开 must publish "
            "all nine "
            "standard tables (an empty one printed as 空表列示 counts)",
            table=slug,
            expected="present",
            actual="missing",
        )
        for slug in STANDARD_TABLES
        if slug not in present
    ]
