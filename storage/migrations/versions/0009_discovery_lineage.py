"""discovery lineage: every URL a file was found under, its file name and link text

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:50:00

Reserved for issue 17. Migrations are one linear chain (0003 → 0009) so parallel work never
leaves the schema with several heads; an empty body is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
