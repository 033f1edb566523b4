"""final accounts: 决算 table types and the budget-vs-final comparison

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:50:00

One record table per 决算 table type (``budget_etl.contract.FINAL_TABLE_TYPES``), with the lineage
every record table has (``storage.models.RecordBase``), and the view ``budget_vs_final``: per
function code (and 三公 item) of a stored 决算, the 预算数 it prints beside the 预算 document's own
figure for the same department, year and scope (newest exportable versions of both), each in its
table's unit. The export (``budget-etl export --table budget_vs_final``) converts units and
reports the disagreements; the view is the same pairing for anyone querying SQL directly.

This slot was first committed empty, and 0008/0009 were applied after it. ``alembic upgrade``
never re-runs a revision a database has passed, so a database already at 0009 would never get
these tables from here: the body is idempotent (creates only what is missing) and 0011 runs the
same ``create_final_accounts`` for such databases. Only ``CREATE TABLE`` / ``CREATE VIEW``: no
SQLite table is rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BALANCE = (
    "opening_balance", "current_revenue", "current_expenditure", "balance_allocation", "closing_balance",
)

#: table → (text columns, integer columns, amount columns, two-sided), frozen as of this revision
FINAL_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]] = {
    "revenue_expenditure_final": (("side", "item"), ("line_no",), ("amount",), True),
    "revenue_final": (
        ("code", "name"),
        ("line_no",),
        ("total", "fiscal_appropriation", "superior_subsidy", "business_income", "operating_income",
         "subordinate_remittance", "other_income"),
        False,
    ),
    "expenditure_final": (
        ("code", "name"),
        ("line_no",),
        ("total", "basic", "project", "remittance_to_superior", "operating", "subsidy_to_subordinate"),
        False,
    ),
    "fiscal_appropriation_final": (
        ("side", "item"), ("line_no",), ("total", "general_budget", "government_fund", "state_capital"), True
    ),
    "general_budget_expenditure_final": (
        ("code", "name"), ("line_no",), ("total", "basic", "project", "budget_amount"), False
    ),
    "general_budget_basic_expenditure_final": (
        ("code", "name"), ("line_no",), ("total", "personnel", "public_funds"), False
    ),
    "government_fund_final": (("code", "name"), ("line_no",), (*_BALANCE, "basic", "project"), False),
    "state_capital_final": (("code", "name"), ("line_no",), (*_BALANCE, "basic", "project"), False),
    "three_public_final": (("item",), ("line_no",), ("budget_amount", "final_amount"), False),
}

#: the newest exportable version of each document, with its document's matching keys (ranked here,
#: not read from ``latest_document_versions``, so a later revision may redefine that view freely)
_LATEST = """
    SELECT v.id, v.unit, d.kind, d.department_name, d.budget_year,
           COALESCE(d.scope, 'department') AS scope, d.narrative_only
    FROM (
        SELECT id, document_id, unit,
               row_number() OVER (PARTITION BY document_id ORDER BY version_no DESC) AS newest
        FROM document_versions
        WHERE state IN ('accepted', 'waived')
    ) AS v
    JOIN documents AS d ON d.id = v.document_id
    WHERE v.newest = 1
"""

#: how a 三公 item is matched across the two documents: its label without spaces or quotes
_ITEM = "REPLACE(REPLACE(REPLACE(REPLACE({c}, ' ', ''), '　', ''), '“', ''), '”', '')"

VIEW = f"""
CREATE VIEW budget_vs_final AS
SELECT fv.department_name, fv.budget_year, fv.scope,
       'general_budget_expenditure_final' AS final_table, f.code AS row_key, f.name,
       COALESCE(ft.unit, fv.unit) AS final_unit, f.budget_amount AS budget_in_final,
       f.total AS final_amount,
       COALESCE(bt.unit, bv.unit) AS budget_unit, b.total AS budget_document,
       fv.id AS final_version_id, bv.id AS budget_version_id, f.page AS final_page, b.page AS budget_page
FROM general_budget_expenditure_final AS f
JOIN ({_LATEST}) AS fv ON fv.id = f.version_id AND fv.kind = 'final_accounts'
JOIN document_tables AS ft ON ft.id = f.table_id
JOIN ({_LATEST}) AS bv ON bv.kind = 'budget_disclosure' AND NOT bv.narrative_only
     AND bv.department_name = fv.department_name AND bv.budget_year = fv.budget_year
     AND bv.scope = fv.scope
LEFT JOIN general_budget_expenditure AS b ON b.version_id = bv.id AND b.code = f.code
LEFT JOIN document_tables AS bt ON bt.id = b.table_id
WHERE f.code IS NOT NULL AND f.budget_amount IS NOT NULL
UNION ALL
SELECT fv.department_name, fv.budget_year, fv.scope,
       'three_public_final' AS final_table, {_ITEM.format(c="f.item")} AS row_key, f.item AS name,
       COALESCE(ft.unit, fv.unit) AS final_unit, f.budget_amount AS budget_in_final,
       f.final_amount AS final_amount,
       COALESCE(bt.unit, bv.unit) AS budget_unit, b.total AS budget_document,
       fv.id AS final_version_id, bv.id AS budget_version_id, f.page AS final_page, b.page AS budget_page
FROM three_public_final AS f
JOIN ({_LATEST}) AS fv ON fv.id = f.version_id AND fv.kind = 'final_accounts'
JOIN document_tables AS ft ON ft.id = f.table_id
JOIN ({_LATEST}) AS bv ON bv.kind = 'budget_disclosure' AND NOT bv.narrative_only
     AND bv.department_name = fv.department_name AND bv.budget_year = fv.budget_year
     AND bv.scope = fv.scope
LEFT JOIN three_public_expenditure AS b ON b.version_id = bv.id
     AND {_ITEM.format(c="b.item")} = {_ITEM.format(c="f.item")}
LEFT JOIN document_tables AS bt ON bt.id = b.table_id
WHERE f.item IS NOT NULL AND f.budget_amount IS NOT NULL
"""


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def _lineage() -> list[sa.Column]:
    """RecordBase's columns (as of this revision)."""
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


def _create_table(name: str) -> None:
    texts, integers, amounts, two_sided = FINAL_TABLES[name]
    columns: list[sa.Column] = [
        *(sa.Column(c, sa.Integer(), nullable=True) for c in integers),
        *(
            sa.Column(c, sa.String(20) if c == "side" else sa.Text(), nullable=c != "side")
            for c in texts
        ),
        *(sa.Column(c, sa.Numeric(precision=18, scale=4), nullable=True) for c in amounts),
    ]
    constraints: list[sa.Constraint] = [
        _fk(name, "table_id", "document_tables"),
        _fk(name, "version_id", "document_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    ]
    if two_sided:
        constraints.append(
            sa.CheckConstraint("side IN ('revenue', 'expenditure')", name=op.f(f"ck_{name}_side"))
        )
    op.create_table(name, *columns, *_lineage(), *constraints)
    for column in ("table_id", "version_id"):
        op.create_index(op.f(f"ix_{name}_{column}"), name, [column], unique=False)


def create_final_accounts() -> None:
    """Create the 决算 record tables and the view that are missing (idempotent)."""
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name in FINAL_TABLES:
        if name not in existing:
            _create_table(name)
    if "budget_vs_final" not in set(inspector.get_view_names()):
        op.execute(VIEW)


def drop_final_accounts() -> None:
    """Drop the view and the 决算 record tables that exist (idempotent)."""
    op.execute("DROP VIEW IF EXISTS budget_vs_final")
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name in reversed(FINAL_TABLES):
        if name in existing:
            for column in ("version_id", "table_id"):
                op.drop_index(op.f(f"ix_{name}_{column}"), table_name=name)
            op.drop_table(name)


def upgrade() -> None:
    create_final_accounts()


def downgrade() -> None:
    drop_final_accounts()
