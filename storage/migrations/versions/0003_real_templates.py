"""real templates: table unit, record extra, document scope / narrative_only, other tables

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 02:50:00

What the wider family of real documents needs stored (data dictionary, issue 9):

* ``document_tables.unit`` / ``empty_note``: each table prints its own unit; an empty table its note;
* ``documents.scope`` (部门预算 / 单位预算) and ``narrative_only`` (the explanation filed apart);
* ``document_companions``: the explanation and the tables of one publication, linked both ways;
* ``narrative_figures``: the figures a 情况说明 states (stored also when no table states them);
* ``other_table_rows``: rows of a titled table of no known type, cells as printed;
* every record table's ``extra`` now holds the dictionary's ``extra`` (printed columns it does
  not name); what it held before — keys and values the schema has no column for — moves to the
  new ``unmapped`` column, row by row, so nothing stored under 0002 changes meaning or is lost;
* ``latest_document_versions`` is recreated with ``scope``, ``narrative_only`` and the companion.

Only ``ADD COLUMN`` / ``CREATE TABLE`` are used, so on SQLite no table is rebuilt (a rebuild
with ``foreign_keys=ON`` would cascade through the versions).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: every table of records written by 0001 (RecordBase) plus the indicators: they gain ``unmapped``
RECORD_TABLES = (
    "revenue_expenditure_summary",
    "revenue_by_function",
    "expenditure_by_function",
    "fiscal_appropriation_summary",
    "general_budget_expenditure",
    "general_budget_basic_expenditure",
    "government_fund_expenditure",
    "state_capital_expenditure",
    "three_public_expenditure",
    "project_performance",
    "institutions",
    "fixed_assets",
    "government_procurement",
    "project_indicators",
)

OLD_VIEW = """
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

VIEW = """
CREATE VIEW latest_document_versions AS
SELECT v.id, v.document_id, v.version_no, v.state, v.sha256, v.source_url, v.unit, v.page_count,
       d.kind, d.department_code, d.department_name, d.budget_year, d.publisher_id,
       d.scope, d.narrative_only,
       (SELECT min(c.companion_id) FROM document_companions AS c WHERE c.document_id = d.id)
           AS companion_document_id
FROM (
    SELECT document_versions.*,
           row_number() OVER (PARTITION BY document_id ORDER BY version_no DESC) AS newest
    FROM document_versions
    WHERE state IN ('accepted', 'waived')
) AS v
JOIN documents AS d ON d.id = v.document_id
WHERE v.newest = 1
"""


def record_columns() -> list[sa.Column]:
    """The lineage columns every RecordBase table has (as 0001 wrote them)."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("row_index", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("pages", sa.JSON(), nullable=True),
        sa.Column("bbox_x0", sa.Float(), nullable=True),
        sa.Column("bbox_top", sa.Float(), nullable=True),
        sa.Column("bbox_x1", sa.Float(), nullable=True),
        sa.Column("bbox_bottom", sa.Float(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("unmapped", sa.JSON(), nullable=True),
    ]


def upgrade() -> None:
    op.execute("DROP VIEW latest_document_versions")
    op.add_column("documents", sa.Column("scope", sa.String(length=20), nullable=True))
    op.add_column(
        "documents",
        sa.Column("narrative_only", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("document_tables", sa.Column("unit", sa.Text(), nullable=True))
    op.add_column("document_tables", sa.Column("empty_note", sa.Text(), nullable=True))
    for table in RECORD_TABLES:
        op.add_column(table, sa.Column("unmapped", sa.JSON(), nullable=True))
        op.execute(f"UPDATE {table} SET unmapped = extra, extra = NULL WHERE extra IS NOT NULL")

    op.create_table(
        "document_companions",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("companion_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["companion_id"], ["documents.id"], name=op.f("fk_document_companions_companion_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_companions_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("document_id", "companion_id", name=op.f("pk_document_companions")),
    )
    op.create_index(
        op.f("ix_document_companions_companion_id"), "document_companions", ["companion_id"], unique=False
    )

    op.create_table(
        "narrative_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=80), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("value_wan", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_narrative_figures_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_narrative_figures")),
    )
    op.create_index(
        op.f("ix_narrative_figures_version_id"), "narrative_figures", ["version_id"], unique=False
    )

    op.create_table(
        "other_table_rows",
        sa.Column("cells", sa.JSON(), nullable=True),
        *record_columns(),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_other_table_rows_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_other_table_rows_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_other_table_rows")),
    )
    op.create_index(op.f("ix_other_table_rows_table_id"), "other_table_rows", ["table_id"], unique=False)
    op.create_index(op.f("ix_other_table_rows_version_id"), "other_table_rows", ["version_id"], unique=False)
    op.execute(VIEW)


def merged_extra() -> str:
    """SQL that folds ``unmapped`` back into ``extra`` (0002 kept both kinds of key in one column)."""
    if op.get_bind().dialect.name == "postgresql":
        return "(COALESCE(extra::jsonb, '{}'::jsonb) || unmapped::jsonb)::json"
    return "json_patch(COALESCE(extra, '{}'), unmapped)"


def downgrade() -> None:
    op.execute("DROP VIEW latest_document_versions")
    op.drop_index(op.f("ix_other_table_rows_version_id"), table_name="other_table_rows")
    op.drop_index(op.f("ix_other_table_rows_table_id"), table_name="other_table_rows")
    op.drop_table("other_table_rows")
    op.drop_index(op.f("ix_narrative_figures_version_id"), table_name="narrative_figures")
    op.drop_table("narrative_figures")
    op.drop_index(op.f("ix_document_companions_companion_id"), table_name="document_companions")
    op.drop_table("document_companions")
    for table in RECORD_TABLES:
        op.execute(f"UPDATE {table} SET extra = {merged_extra()} WHERE unmapped IS NOT NULL")
        op.drop_column(table, "unmapped")
    op.drop_column("document_tables", "empty_note")
    op.drop_column("document_tables", "unit")
    op.drop_column("documents", "narrative_only")
    op.drop_column("documents", "scope")
    op.execute(OLD_VIEW)
