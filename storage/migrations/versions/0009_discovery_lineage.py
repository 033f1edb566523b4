"""discovery lineage: every URL a file was found under, its file name and link text

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:50:00

``discovered_links``: each link discovery took, with the page it was on and its text (keyed by
URL), so the fetch that follows can record them with the file. ``file_urls``: one row per
(sha256, URL) — the same bytes reposted under a second URL are one file with two lineage rows;
a corrected re-upload under the same URL is a new sha256 with its own row — carrying the file
name (Content-Disposition or URL), link text and the kind/year guessed from them. New tables
only: nothing existing is rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discovered_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("publisher", sa.String(300), nullable=False),
        sa.Column("found_on", sa.String(2000), nullable=True),
        sa.Column("link_text", sa.Text(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_discovered_links"),
        sa.UniqueConstraint("url", name="uq_discovered_links_url"),
    )
    op.create_table(
        "file_urls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("found_on", sa.String(2000), nullable=True),
        sa.Column("link_text", sa.Text(), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("guessed_kind", sa.String(40), nullable=True),
        sa.Column("guessed_year", sa.Integer(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_file_urls"),
        sa.UniqueConstraint("sha256", "url", name="uq_file_urls_sha256_url"),
    )
    op.create_index("ix_file_urls_sha256", "file_urls", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_file_urls_sha256", table_name="file_urls")
    op.drop_table("file_urls")
    op.drop_table("discovered_links")
