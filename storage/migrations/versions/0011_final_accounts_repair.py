"""final accounts repair: the 决算 tables for databases that passed 0007 while it was empty

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:10:00

0007 was committed first as an empty reserved slot and 0008/0009 were applied after it;
``alembic upgrade`` never runs a revision a database has already passed, so such a database
lacks the 决算 record tables and the ``budget_vs_final`` view. This revision runs 0007's
idempotent ``create_final_accounts`` (creates only what is missing; a database that ran the
filled 0007 is unchanged) and gives the tables it created the lineage column ``ocr_confidence``
that 0010 added to every record table before they existed. Downgrading it is a no-op: the tables
belong to 0007, whose downgrade drops them, and the column to 0010, whose downgrade drops it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def revision_0007() -> ModuleType:
    """0007's module, read from its file (its definitions are frozen there, not copied here)."""
    path = next(Path(__file__).resolve().parent.glob("0007_*.py"))
    spec = importlib.util.spec_from_file_location("_budget_etl_revision_0007", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    final = revision_0007()
    final.create_final_accounts()
    inspector = sa.inspect(op.get_bind())
    for name in final.FINAL_TABLES:
        if "ocr_confidence" not in {c["name"] for c in inspector.get_columns(name)}:
            op.add_column(name, sa.Column("ocr_confidence", sa.Float(), nullable=True))


def downgrade() -> None:
    pass
