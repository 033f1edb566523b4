"""readers: which reader produced a document (pdf_text, pdf_ocr, xlsx, docx) and OCR confidence

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:50:00

``document_versions.reader`` records which reader produced a version (``pdf_text`` for every
version stored before readers existed). ``latest_document_versions`` is not redefined: the reader
is read from ``document_versions`` by id. OCR confidence is kept per low-confidence cell as an
``extract.ocr_low_confidence`` finding (stored with the other findings), not as a column.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE (no batch copy): SQLite keeps latest_document_versions, which reads this table
    op.add_column("document_versions",
                  sa.Column("reader", sa.String(20), server_default="pdf_text", nullable=False))


def downgrade() -> None:
    op.drop_column("document_versions", "reader")
