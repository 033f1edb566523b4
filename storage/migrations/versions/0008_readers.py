"""readers: which reader produced a document (pdf_text, pdf_ocr, xlsx, docx) and OCR confidence

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:50:00

Reserved for issue 16. Migrations are one linear chain (0003 → 0009) so parallel work never
leaves the schema with several heads; an empty body is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
