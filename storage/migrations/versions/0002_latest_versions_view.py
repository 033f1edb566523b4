"""latest_document_versions view: the version queries and exports use

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 01:35:00

A plain SQL view so anyone querying the database directly gets the same answer as
``budget-etl export``: per logical document, its newest version in state accepted or waived.
Join record tables on ``version_id = latest_document_versions.id``.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEW = """
CREATE VIEW latest_document_versions AS
SELECT v.id, v.document_id, v.version_no, v.state, v.sha256, v.source_url, v.unit, v.page_count,
       d.kind, d.department_code, d.department_name, d.budget_year, d.publisher_id
FROM (
    SELECT document_versions.*,
           row_number() OVER (PARTITION BY document_id ORDER BY version_no DESC) AS newest
    FROM document_versions
    WHERE state IN ('accepted', 'waived')
) AS v
JOIN documents AS d ON d.id = v.document_id
WHERE v.newest = 1
"""


def upgrade() -> None:
    op.execute(VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW latest_document_versions")
