"""reviewer corrections: audited cell corrections applied on top of an extraction

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 02:50:00

``corrections`` holds one row per reviewer correction of one cell (see ``storage.corrections``).
``latest_document_versions`` gains ``corrected_values`` (how many of the version's values a
person corrected) and the view ``corrected_cells`` says which: per version, table, row and
field, the value read, the value put in its place, who, when and why.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the column this revision adds to ``latest_document_versions``
CORRECTED_VALUES = """,
       (SELECT count(*) FROM corrections AS c
        WHERE c.version_id = v.id AND c.status = 'active') AS corrected_values
FROM ("""


def previous_view() -> str:
    """The view as the newest earlier revision defines it (its module-level ``VIEW``).

    Read from that revision's file rather than copied, so a column an earlier revision adds to
    the view is kept here too, and the downgrade restores exactly what that revision made.
    """
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("000[2-5]_*.py"), reverse=True):
        spec = importlib.util.spec_from_file_location(f"_budget_etl_revision_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        view = getattr(module, "VIEW", None)
        if isinstance(view, str) and "latest_document_versions" in view:
            return view
    raise RuntimeError("no earlier revision defines latest_document_versions")


def view_with_corrections() -> str:
    view = previous_view()
    assert "\nFROM (" in view, "the view's outer FROM is where corrected_values goes"
    return view.replace("\nFROM (", CORRECTED_VALUES, 1)


CORRECTED_CELLS = """
CREATE VIEW corrected_cells AS
SELECT c.version_id, c.table_position, c.table_type, c.row_index, c.field,
       c.old_value, c.new_value, c.actor, c.reason, c.created_at, c.id AS correction_id
FROM corrections AS c
WHERE c.status = 'active'
"""


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_item_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("table_position", sa.Integer(), nullable=False),
        sa.Column("table_type", sa.String(length=60), nullable=False),
        sa.Column("row_index", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("field", sa.String(length=80), nullable=False),
        sa.Column("old_value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("new_value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'superseded', 'stale', 'replaced')", name=op.f("ck_corrections_status")
        ),
        sa.ForeignKeyConstraint(
            ["review_item_id"], ["review_items.id"], name=op.f("fk_corrections_review_item_id_review_items")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_versions.id"],
            name=op.f("fk_corrections_version_id_document_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_corrections_review_item_id"), ["review_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_corrections_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_corrections_version_id"), ["version_id"], unique=False)
    op.execute("DROP VIEW latest_document_versions")
    op.execute(view_with_corrections())
    op.execute(CORRECTED_CELLS)


def downgrade() -> None:
    op.execute("DROP VIEW corrected_cells")
    op.execute("DROP VIEW latest_document_versions")
    op.execute(previous_view())
    with op.batch_alter_table("corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrections_version_id"))
        batch_op.drop_index(batch_op.f("ix_corrections_sha256"))
        batch_op.drop_index(batch_op.f("ix_corrections_review_item_id"))
    op.drop_table("corrections")
