"""performance forms: target_max, department_performance

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 02:50:00

What the 绩效目标表 grammar and the department-wide form need stored (issue 10):

* ``project_indicators.target_max``: the upper end of a range target (``90%-100%`` is
  ``target_op`` ``between``, ``target_value`` 90, ``target_max`` 100); null otherwise, so every
  indicator stored before reads as it did;
* ``department_performance`` (部门整体支出绩效目标表: title, unit_name, budget_total,
  fiscal_funds, other_funds, goals, with the lineage every record table has) and its
  ``department_indicators`` (the indicator fields, ``target_max`` included).

Only ``ADD COLUMN`` / ``CREATE TABLE``: on SQLite no table is rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _number(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(precision=18, scale=4), nullable=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.add_column("project_indicators", _number("target_max"))
    op.create_table(
        "department_performance",
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("unit_name", sa.Text(), nullable=True),
        _number("budget_total"),
        _number("fiscal_funds"),
        _number("other_funds"),
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
        sa.Column("unmapped", sa.JSON(), nullable=True),
        _fk("department_performance", "table_id", "document_tables"),
        _fk("department_performance", "version_id", "document_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_performance")),
    )
    for column in ("table_id", "version_id"):
        op.create_index(
            op.f(f"ix_department_performance_{column}"), "department_performance", [column], unique=False
        )
    op.create_table(
        "department_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level1", sa.Text(), nullable=True),
        sa.Column("level2", sa.Text(), nullable=True),
        sa.Column("level3", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("target_op", sa.Text(), nullable=True),
        _number("target_value"),
        sa.Column("target_unit", sa.Text(), nullable=True),
        _number("target_max"),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("unmapped", sa.JSON(), nullable=True),
        _fk("department_indicators", "department_id", "department_performance"),
        _fk("department_indicators", "version_id", "document_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_indicators")),
    )
    for column in ("department_id", "version_id"):
        op.create_index(
            op.f(f"ix_department_indicators_{column}"), "department_indicators", [column], unique=False
        )


def downgrade() -> None:
    for column in ("department_id", "version_id"):
        op.drop_index(op.f(f"ix_department_indicators_{column}"), table_name="department_indicators")
    op.drop_table("department_indicators")
    for column in ("table_id", "version_id"):
        op.drop_index(op.f(f"ix_department_performance_{column}"), table_name="department_performance")
    op.drop_table("department_performance")
    op.drop_column("project_indicators", "target_max")  # plain DROP COLUMN: no SQLite table rebuild
