"""What the extractor saw but could not read as data becomes a validation error, never a silent gap.

A table whose header was not understood comes out with no records, exactly like a table printed
empty on purpose; an amount cell reading ``(12.00)`` or ``△100`` comes out blank. Every check on
those tables would pass, so the extractor's own findings (``ExtractedDocument.findings``: check,
page, cell) are carried into the validation result: the never-silent cases as errors (the
document goes to review) whatever severity an extract JSON gives them — except an empty table
without a 空表 note that is not a standard table, a warning (``contract.empty_note_required``);
anything else with the severity the extractor gave it.
"""

from __future__ import annotations

import dataclasses

from budget_etl.contract import EXTRACT_CHECKS, EXTRACT_EMPTY_TABLE_WITHOUT_NOTE, empty_note_required
from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding, Severity
from tasks.validate.settings import ValidateSettings


def check_extraction_findings(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """A copy of every extractor finding; ``extract.*`` never-silent cases with their fixed severity."""
    return [
        dataclasses.replace(finding, severity=_severity(finding), pages=list(finding.pages))
        for finding in doc.findings
    ]


def _severity(finding: Finding) -> Severity:
    if finding.check == EXTRACT_EMPTY_TABLE_WITHOUT_NOTE:
        return Severity.ERROR if empty_note_required(finding.table) else Severity.WARNING
    return Severity.ERROR if finding.check in EXTRACT_CHECKS else finding.severity
