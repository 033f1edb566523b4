"""What the extractor saw but could not read as data becomes a validation error, never a silent gap.

A table whose header was not understood comes out with no records, exactly like a table printed
empty on purpose; an amount cell reading ``(12.00)`` or ``△100`` comes out blank. Every check on
those tables would pass, so the extractor's own findings (``ExtractedDocument.findings``: check,
page, cell) are carried into the validation result with the severity the extractor gave them:
errors for the never-silent cases (the document goes to review), a warning for an empty table
that is not a standard table and prints no 空表 note (``tasks/extract/problems.py`` says why).
"""

from __future__ import annotations

import dataclasses

from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding
from tasks.validate.settings import ValidateSettings


def check_extraction_findings(doc: ExtractedDocument, settings: ValidateSettings) -> list[Finding]:
    """A copy of every extractor finding, severity as the extractor decided it."""
    return [dataclasses.replace(finding, pages=list(finding.pages)) for finding in doc.findings]
