"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 01:16:08.136934
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "fetch_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('downloaded', 'not_modified', 'failed')", name=op.f("ck_fetch_log_outcome")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_log")),
    )
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_log_url"), ["url"], unique=False)

    op.create_table(
        "fetched_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw_uri", sa.String(length=2000), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetched_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_fetched_files_sha256")),
    )
    op.create_table(
        "publishers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publishers")),
        sa.UniqueConstraint("name", name=op.f("uq_publishers_name")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("natural_key", sa.String(length=64), nullable=False),
        sa.Column("publisher_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("department_code", sa.Text(), nullable=True),
        sa.Column("department_name", sa.Text(), nullable=True),
        sa.Column("budget_year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["publisher_id"], ["publishers.id"], name=op.f("fk_documents_publisher_id_publishers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("natural_key", name=op.f("uq_documents_natural_key")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_publisher_id"), ["publisher_id"], unique=False)

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publisher_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("department", sa.String(length=300), nullable=True),
        sa.Column("budget_year", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("listing", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["publisher_id"], ["publishers.id"], name=op.f("fk_sources_publisher_id_publishers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_sources_url")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_publisher_id"), ["publisher_id"], unique=False)

    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("version_no", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("report_uri", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('in_review', 'accepted', 'waived')", name=op.f("ck_document_versions_state")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_versions_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint("document_id", "version_no", name="uq_document_versions_document_id_version_no"),
        sa.UniqueConstraint("sha256", name=op.f("uq_document_versions_sha256")),
    )
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_versions_document_id"), ["document_id"], unique=False)

    op.create_table(
        "document_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_document_tables_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_tables")),
        sa.UniqueConstraint("version_id", "position", name="uq_document_tables_version_id_position"),
    )
    with op.batch_alter_table("document_tables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_tables_version_id"), ["version_id"], unique=False)

    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=2100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("raw_uri", sa.String(length=2000), nullable=True),
        sa.Column("report_uri", sa.String(length=2000), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'resolved', 'waived')", name=op.f("ck_review_items_status")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_review_items_version_id_document_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_items_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_items_subject"), ["subject"], unique=False)
        batch_op.create_index(
            "uq_review_items_open_subject",
            ["subject"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "expenditure_by_function",
        sa.Column("basic", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("project", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("operating", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("remittance_to_superior", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("subsidy_to_subordinate", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_expenditure_by_function_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_expenditure_by_function_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expenditure_by_function")),
    )
    with op.batch_alter_table("expenditure_by_function", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expenditure_by_function_table_id"), ["table_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_expenditure_by_function_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("review_item_id", sa.Integer(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("check", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("table_type", sa.String(length=60), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("project_code", sa.Text(), nullable=True),
        sa.Column("field", sa.String(length=80), nullable=True),
        sa.Column("expected", sa.JSON(), nullable=True),
        sa.Column("actual", sa.JSON(), nullable=True),
        sa.Column("pages", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_item_id"], ["review_items.id"], name=op.f("fk_findings_review_item_id_review_items")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_findings_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_review_item_id"), ["review_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_version_id"), ["version_id"], unique=False)

    op.create_table(
        "fiscal_appropriation_summary",
        sa.Column("total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("general_budget", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("government_fund", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("state_capital", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("item", sa.Text(), nullable=True),
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
        sa.CheckConstraint(
            "side IN ('revenue', 'expenditure')", name=op.f("ck_fiscal_appropriation_summary_side")
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_fiscal_appropriation_summary_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_fiscal_appropriation_summary_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiscal_appropriation_summary")),
    )
    with op.batch_alter_table("fiscal_appropriation_summary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fiscal_appropriation_summary_table_id"), ["table_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fiscal_appropriation_summary_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "fixed_assets",
        sa.Column("item", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_fixed_assets_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_fixed_assets_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fixed_assets")),
    )
    with op.batch_alter_table("fixed_assets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fixed_assets_table_id"), ["table_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fixed_assets_version_id"), ["version_id"], unique=False)

    op.create_table(
        "general_budget_basic_expenditure",
        sa.Column("personnel", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("public_funds", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_general_budget_basic_expenditure_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_general_budget_basic_expenditure_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_general_budget_basic_expenditure")),
    )
    with op.batch_alter_table("general_budget_basic_expenditure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_general_budget_basic_expenditure_table_id"), ["table_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_general_budget_basic_expenditure_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "general_budget_expenditure",
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("basic", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("project", sa.Numeric(precision=18, scale=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_general_budget_expenditure_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_general_budget_expenditure_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_general_budget_expenditure")),
    )
    with op.batch_alter_table("general_budget_expenditure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_general_budget_expenditure_table_id"), ["table_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_general_budget_expenditure_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "government_fund_expenditure",
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("basic", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("project", sa.Numeric(precision=18, scale=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_government_fund_expenditure_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_government_fund_expenditure_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_government_fund_expenditure")),
    )
    with op.batch_alter_table("government_fund_expenditure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_government_fund_expenditure_table_id"), ["table_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_government_fund_expenditure_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "government_procurement",
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_government_procurement_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_government_procurement_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_government_procurement")),
    )
    with op.batch_alter_table("government_procurement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_government_procurement_table_id"), ["table_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_government_procurement_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "institutions",
        sa.Column("unit_name", sa.Text(), nullable=True),
        sa.Column("nature", sa.Text(), nullable=True),
        sa.Column("rank", sa.Text(), nullable=True),
        sa.Column("funding", sa.Text(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_institutions_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_institutions_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institutions")),
    )
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institutions_table_id"), ["table_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_institutions_version_id"), ["version_id"], unique=False)

    op.create_table(
        "project_performance",
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("unit_code", sa.Text(), nullable=True),
        sa.Column("unit_name", sa.Text(), nullable=True),
        sa.Column("project_code", sa.Text(), nullable=True),
        sa.Column("project_name", sa.Text(), nullable=True),
        sa.Column("budget_total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("fiscal_funds", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("other_funds", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("plan_mar", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("plan_jun", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("plan_oct", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("plan_dec", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("goals", sa.Text(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_project_performance_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_project_performance_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_performance")),
    )
    with op.batch_alter_table("project_performance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_performance_project_code"), ["project_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_project_performance_table_id"), ["table_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_performance_version_id"), ["version_id"], unique=False)

    op.create_table(
        "revenue_by_function",
        sa.Column("current_year_subtotal", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("fiscal_appropriation", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("fiscal_special_account", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("business_income", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("operating_income", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("superior_subsidy", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("subordinate_remittance", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("other_income", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("prior_year_carryover", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_revenue_by_function_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_revenue_by_function_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_by_function")),
    )
    with op.batch_alter_table("revenue_by_function", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revenue_by_function_table_id"), ["table_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_revenue_by_function_version_id"), ["version_id"], unique=False)

    op.create_table(
        "revenue_expenditure_summary",
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("item", sa.Text(), nullable=True),
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
        sa.CheckConstraint(
            "side IN ('revenue', 'expenditure')", name=op.f("ck_revenue_expenditure_summary_side")
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_revenue_expenditure_summary_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_revenue_expenditure_summary_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_expenditure_summary")),
    )
    with op.batch_alter_table("revenue_expenditure_summary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revenue_expenditure_summary_table_id"), ["table_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_revenue_expenditure_summary_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "state_capital_expenditure",
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("basic", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("project", sa.Numeric(precision=18, scale=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_state_capital_expenditure_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_state_capital_expenditure_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_capital_expenditure")),
    )
    with op.batch_alter_table("state_capital_expenditure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_state_capital_expenditure_table_id"), ["table_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_state_capital_expenditure_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "three_public_expenditure",
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("item", sa.Text(), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("general_budget", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("government_fund", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("state_capital", sa.Numeric(precision=18, scale=4), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["document_tables.id"],
            name=op.f("fk_three_public_expenditure_table_id_document_tables"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_three_public_expenditure_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_three_public_expenditure")),
    )
    with op.batch_alter_table("three_public_expenditure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_three_public_expenditure_table_id"), ["table_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_three_public_expenditure_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "project_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level1", sa.Text(), nullable=True),
        sa.Column("level2", sa.Text(), nullable=True),
        sa.Column("level3", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("target_op", sa.Text(), nullable=True),
        sa.Column("target_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("target_unit", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project_performance.id"],
            name=op.f("fk_project_indicators_project_id_project_performance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_project_indicators_version_id_document_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_indicators")),
    )
    with op.batch_alter_table("project_indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_indicators_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_indicators_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_indicators_version_id"))
        batch_op.drop_index(batch_op.f("ix_project_indicators_project_id"))

    op.drop_table("project_indicators")
    with op.batch_alter_table("three_public_expenditure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_three_public_expenditure_version_id"))
        batch_op.drop_index(batch_op.f("ix_three_public_expenditure_table_id"))

    op.drop_table("three_public_expenditure")
    with op.batch_alter_table("state_capital_expenditure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_capital_expenditure_version_id"))
        batch_op.drop_index(batch_op.f("ix_state_capital_expenditure_table_id"))

    op.drop_table("state_capital_expenditure")
    with op.batch_alter_table("revenue_expenditure_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revenue_expenditure_summary_version_id"))
        batch_op.drop_index(batch_op.f("ix_revenue_expenditure_summary_table_id"))

    op.drop_table("revenue_expenditure_summary")
    with op.batch_alter_table("revenue_by_function", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revenue_by_function_version_id"))
        batch_op.drop_index(batch_op.f("ix_revenue_by_function_table_id"))

    op.drop_table("revenue_by_function")
    with op.batch_alter_table("project_performance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_performance_version_id"))
        batch_op.drop_index(batch_op.f("ix_project_performance_table_id"))
        batch_op.drop_index(batch_op.f("ix_project_performance_project_code"))

    op.drop_table("project_performance")
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institutions_version_id"))
        batch_op.drop_index(batch_op.f("ix_institutions_table_id"))

    op.drop_table("institutions")
    with op.batch_alter_table("government_procurement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_government_procurement_version_id"))
        batch_op.drop_index(batch_op.f("ix_government_procurement_table_id"))

    op.drop_table("government_procurement")
    with op.batch_alter_table("government_fund_expenditure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_government_fund_expenditure_version_id"))
        batch_op.drop_index(batch_op.f("ix_government_fund_expenditure_table_id"))

    op.drop_table("government_fund_expenditure")
    with op.batch_alter_table("general_budget_expenditure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_general_budget_expenditure_version_id"))
        batch_op.drop_index(batch_op.f("ix_general_budget_expenditure_table_id"))

    op.drop_table("general_budget_expenditure")
    with op.batch_alter_table("general_budget_basic_expenditure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_general_budget_basic_expenditure_version_id"))
        batch_op.drop_index(batch_op.f("ix_general_budget_basic_expenditure_table_id"))

    op.drop_table("general_budget_basic_expenditure")
    with op.batch_alter_table("fixed_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fixed_assets_version_id"))
        batch_op.drop_index(batch_op.f("ix_fixed_assets_table_id"))

    op.drop_table("fixed_assets")
    with op.batch_alter_table("fiscal_appropriation_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fiscal_appropriation_summary_version_id"))
        batch_op.drop_index(batch_op.f("ix_fiscal_appropriation_summary_table_id"))

    op.drop_table("fiscal_appropriation_summary")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findings_version_id"))
        batch_op.drop_index(batch_op.f("ix_findings_review_item_id"))

    op.drop_table("findings")
    with op.batch_alter_table("expenditure_by_function", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expenditure_by_function_version_id"))
        batch_op.drop_index(batch_op.f("ix_expenditure_by_function_table_id"))

    op.drop_table("expenditure_by_function")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_review_items_open_subject",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_review_items_subject"))
        batch_op.drop_index(batch_op.f("ix_review_items_sha256"))

    op.drop_table("review_items")
    with op.batch_alter_table("document_tables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_tables_version_id"))

    op.drop_table("document_tables")
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_versions_document_id"))

    op.drop_table("document_versions")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_publisher_id"))

    op.drop_table("sources")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_publisher_id"))

    op.drop_table("documents")
    op.drop_table("publishers")
    op.drop_table("fetched_files")
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_log_url"))

    op.drop_table("fetch_log")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")

    op.drop_table("audit_log")
