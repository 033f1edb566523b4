"""OCR confidence: every record table gets ``ocr_confidence`` (lowest recogniser confidence of its cells)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:20:00

A record read from a scan (reader ``pdf_ocr``) carries the lowest confidence, 0–1, of the OCR'd
cells printed inside its bbox; records of text-layer and Office documents keep NULL. It sits
beside the bbox as lineage: how the value was read, next to where. The low-confidence cells stay
``extract.ocr_low_confidence`` findings as before (migration 0008); this column lets the review
report and page show the confidence of any OCR'd row a finding points at.

The record tables are the ones with the lineage bbox (``bbox_x0``) — found in the database, so
tables added by earlier revisions (the 决算 tables of 0007) are covered without a list to keep.
Plain ALTER TABLE (no batch copy): SQLite keeps the views that read these tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "ocr_confidence"


def record_tables(with_column: bool) -> list[str]:
    """Tables holding records (they carry ``bbox_x0``), with or without ``ocr_confidence`` yet."""
    inspector = sa.inspect(op.get_bind())
    out = []
    for name in inspector.get_table_names():
        columns = {c["name"] for c in inspector.get_columns(name)}
        if "bbox_x0" in columns and (COLUMN in columns) == with_column:
            out.append(name)
    return sorted(out)


def upgrade() -> None:
    for name in record_tables(with_column=False):
        op.add_column(name, sa.Column(COLUMN, sa.Float(), nullable=True))


def downgrade() -> None:
    for name in record_tables(with_column=True):
        op.drop_column(name, COLUMN)
