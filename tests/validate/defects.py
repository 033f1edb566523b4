"""Locators for injecting one defect into a clean document (used by the defect specifications)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budget_etl.document import ExtractedDocument, Record


def row(doc: ExtractedDocument, slug: str, line_no: int, side: str | None = None) -> Record:
    table = doc.table(slug)
    assert table is not None, slug
    return next(
        r for r in table.records if r.get("line_no") == line_no and (side is None or r.get("side") == side)
    )


def project(doc: ExtractedDocument, index: int) -> Record:
    return [r for t in doc.tables_of("project_performance") for r in t.records][index]


TEXT_FIELDS = ("code", "name", "item", "side")


def set_cells(record: Record, **values: Any) -> None:
    """Overwrite cells; amounts given as strings become Decimal, as the extractor produces them."""
    for field, value in values.items():
        is_amount = field not in TEXT_FIELDS and isinstance(value, str)
        record[field] = Decimal(value) if is_amount else value


def rewrite_narrative(doc: ExtractedDocument, old: str, new: str) -> None:
    hits = [b for b in doc.narrative if old in b.text]
    assert hits, f"{old!r} not in the narrative"
    for block in hits:
        block.text = block.text.replace(old, new)
