"""``DocumentValidator``: the three layers — pandera schemas, GX suites, reconciliation — run as one.

Each layer is a plain function over the document that returns findings; this class only
composes them, orders the result for a reader (errors first, then by table and row) and keeps a
failure inside one layer from hiding the others: a layer that crashes becomes a finding, the
validator itself never raises on bad data.
"""

from __future__ import annotations

from collections.abc import Callable

from budget_etl.document import ExtractedDocument
from budget_etl.findings import Finding, Severity
from tasks.validate.expectation_layer import check_expectations
from tasks.validate.ocr_context import with_ocr_context
from tasks.validate.reconcile import reconcile
from tasks.validate.schema_layer import check_schemas
from tasks.validate.settings import ValidateSettings, get_validate_settings

Layer = Callable[[ExtractedDocument], list[Finding]]


def sort_key(finding: Finding, table_order: dict[str, int]) -> tuple[int, int, int, str, str]:
    return (
        0 if finding.severity is Severity.ERROR else 1,
        table_order.get(finding.table or "", len(table_order)),
        finding.line_no if isinstance(finding.line_no, int) else -1,
        finding.project_code or "",
        finding.check,
    )


class DocumentValidator:
    """Runs every check on a document and returns all findings, never raising on bad data."""

    def __init__(self, settings: ValidateSettings | None = None) -> None:
        self.settings = settings or get_validate_settings()
        self.layers: list[tuple[str, Layer]] = [("schema", check_schemas)]
        if self.settings.run_expectations:
            self.layers.append(("expectations", check_expectations))
        self.layers.append(("reconcile", lambda doc: reconcile(doc, self.settings)))

    def validate(self, doc: ExtractedDocument) -> list[Finding]:
        findings: list[Finding] = []
        for name, layer in self.layers:
            try:
                findings.extend(layer(doc))
            except Exception as exc:  # a bug in one layer must not hide the others' findings
                findings.append(
                    Finding(
                        check=f"{name}.crashed",
                        severity=Severity.ERROR,
                        message=f"the {name} checks could not finish ({type(exc).__name__}: {exc}); "
                        "the document needs a manual look",
                    )
                )
        table_order = {t.type: i for i, t in reversed(list(enumerate(doc.tables)))}
        return sorted(with_ocr_context(doc, findings), key=lambda f: sort_key(f, table_order))


def validate_document(doc: ExtractedDocument, settings: ValidateSettings | None = None) -> list[Finding]:
    """All findings of the schema, expectation and reconciliation layers for ``doc``."""
    return DocumentValidator(settings).validate(doc)
