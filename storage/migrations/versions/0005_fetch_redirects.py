"""fetch log: the final URL and the redirect chain of every attempt

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 02:50:00

A fetch that was redirected used to record only the URL asked for, so a redirect to another
host (or a loopback admin page) left no trace. ``fetch_log.final_url`` is where the attempt
ended; ``fetch_log.redirects`` the JSON list of the URLs it was redirected from, in order.
Only ``ADD COLUMN`` (nullable): no table is rebuilt on SQLite, old rows read as "not recorded".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("fetch_log", sa.Column("final_url", sa.String(2000), nullable=True))
    op.add_column("fetch_log", sa.Column("redirects", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fetch_log") as batch:
        batch.drop_column("redirects")
        batch.drop_column("final_url")
