"""Quality checks for extracted budget documents: pandera schemas, GX suites and reconciliation.

``validate_document(doc)`` returns every finding (never raises on bad data);
``render_html_report(doc, findings)`` renders them beside the affected rows as one offline HTML page.
"""

from tasks.validate.report import render_html_report
from tasks.validate.validator import DocumentValidator, validate_document

__all__ = ["DocumentValidator", "render_html_report", "validate_document"]
