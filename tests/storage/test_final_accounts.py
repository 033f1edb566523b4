"""部门决算 in storage (issue 15): the 9 record tables, their exports, the budget-vs-final export and view,
and the migrations (0007 filled; 0011 for a database that passed 0007 while it was empty), on SQLite
and PostgreSQL.

Documents are the real 决算 goldens of ``tests/fixtures/real``; the budget of the same department and
year is built from the 决算's own 一般公共预算财政拨款支出决算表 and 三公 table (the figures a budget
printed are what a 决算 repeats as 预算数), printed in 元 so the comparison converts units, with one
planted disagreement per table.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from decimal import Decimal
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from budget_etl.contract import FINAL_TABLE_TYPES
from budget_etl.document import ExtractedDocument, ExtractedTable
from storage.engine import make_engine
from storage.export import EXPORT_TABLES, export_table, to_csv
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.models import Base
from storage.repository import Repository

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
GHZY = "sh-ghzy-2024-final"
GB_FINAL, TP_FINAL = "general_budget_expenditure_final", "three_public_final"


def golden(stem: str) -> ExtractedDocument:
    data = json.loads((REAL / f"{stem}.expected.json").read_text(encoding="utf-8"))
    data.pop("_notes", None)
    return ExtractedDocument.from_dict(data)


def rows_of(repository: Repository, table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_csv(export_table(repository.engine, table)).decode())))


def test_every_final_table_type_is_exported(db_url: str) -> None:
    assert set(FINAL_TABLE_TYPES) | {"budget_vs_final"} <= set(EXPORT_TABLES)


def test_a_stored_final_accounts_exports_every_table_as_printed(repository: Repository) -> None:
    doc = golden(GHZY)
    repository.accept_document(doc, [], report_uri=None)
    for table in doc.tables:
        rows = rows_of(repository, table.type)
        assert len(rows) == len(table.records), table.type
        assert {r["kind"] for r in rows} <= {"final_accounts"}
    [total] = [r for r in rows_of(repository, "revenue_final") if r["name"] == "合计"]
    assert (total["total"], total["fiscal_appropriation"], total["unit"]) == ("9746.50", "9746.50", "万元")
    [reception] = [r for r in rows_of(repository, TP_FINAL) if r["item"] == "公务接待费"]
    assert (reception["budget_amount"], reception["final_amount"], reception["page"]) == (
        "2.85",
        "0.39",
        "17",
    )
    assert rows_of(repository, "government_fund_final") == []  # printed empty (空表)


# ---- budget vs final ------------------------------------------------------------------------------


def final_with_budget_column() -> ExtractedDocument:
    """sh-ghzy's 决算 with a 预算数 column on its 一般公共预算 table (this template prints none)."""
    doc = golden(GHZY)
    table = doc.table(GB_FINAL)
    assert table is not None
    for record in table.records:
        record["budget_amount"] = record["total"]
    return doc


def budget_of(final: ExtractedDocument) -> ExtractedDocument:
    """The same department's 2024 budget, in 元, printing what the 决算 repeats as 预算数 — but 2080505
    was budgeted at 4460100.00 元 (446.11 万元 in the 决算) and 公务接待费 at 30000.00 元 (2.85 万元)."""
    meta = dataclasses.replace(final.document, kind="budget_disclosure", unit="元", sha256="b" * 64)
    to_yuan = Decimal(10000)
    general = [
        {
            "line_no": None,
            "code": r["code"],
            "name": r["name"],
            "total": Decimal(str(r["budget_amount"])) * to_yuan,
            "basic": None,
            "project": None,
            "pages": [6],
        }
        for r in final.table(GB_FINAL).records  # type: ignore[union-attr]
    ]
    next(r for r in general if r["code"] == "2080505")["total"] = Decimal("4460100.00")
    three = [
        {
            "line_no": None,
            "item": r["item"],
            "total": Decimal(str(r["budget_amount"])) * to_yuan,
            "general_budget": None,
            "government_fund": None,
            "state_capital": None,
            "pages": [9],
        }
        for r in final.table(TP_FINAL).records  # type: ignore[union-attr]
    ]
    next(r for r in three if r["item"] == "公务接待费")["total"] = Decimal("30000.00")
    wording = {  # as sh-wl-2024's budget prints them (tests/fixtures/real/sh-wl-2024.expected.json p31)
        "因公出国（境）费": "因公出国(境)费",
        "公务用车购置及运行维护费": "公务用车购置及运行费",
        "公务用车购置费": "购置费",
        "公务用车运行维护费": "运行费",
    }
    for record in three:
        record["item"] = wording.get(record["item"], record["item"])
    return ExtractedDocument(
        meta,
        [
            ExtractedTable(
                "general_budget_expenditure", "一般公共预算财政拨款支出表", [6], general, unit="元"
            ),
            ExtractedTable("three_public_expenditure", "“三公”经费支出表", [9], three, unit="元"),
        ],
    )


def test_budget_vs_final_compares_each_code_and_reports_the_disagreements(repository: Repository) -> None:
    final = final_with_budget_column()
    repository.accept_document(final, [], report_uri=None)
    repository.accept_document(budget_of(final), [], report_uri=None)
    rows = rows_of(repository, "budget_vs_final")
    assert len(rows) == 24 + 6  # every coded 一般公共预算 row (合计 has no code), every 三公 item
    assert {r["unit"] for r in rows} == {"万元"}  # the coarser of 万元 (决算) and 元 (budget)
    wrong = [r for r in rows if r["agrees"] == "false"]
    found = [
        (r["final_table"], r["key"], r["budget_in_final"], r["budget_document"], r["final_page"])
        for r in wrong
    ]
    assert found == [
        (GB_FINAL, "2080505", "446.11", "446.01", "14"),
        (TP_FINAL, "公务接待费", "2.85", "3.00", "17"),
    ]
    assert {r["check"] for r in wrong} == {"budget_vs_final.budget_amount"}
    assert {r["agrees"] for r in rows} == {"true", "false"}  # every row paired, 三公 items by meaning
    assert all("预算数" in r["message"] for r in wrong)
    assert all(r["check"] == "" and r["message"] == "" for r in rows if r["agrees"] == "true")


def number(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def test_the_view_pairs_the_same_rows_in_sql_each_figure_in_its_own_unit(repository: Repository) -> None:
    final = final_with_budget_column()
    repository.accept_document(final, [], report_uri=None)
    repository.accept_document(budget_of(final), [], report_uri=None)
    query = text(
        "SELECT final_table, row_key, budget_in_final, final_unit, budget_document, budget_unit "
        "FROM budget_vs_final ORDER BY final_table, row_key"
    )
    with repository.engine.connect() as conn:
        # raw SQL: SQLite hands numbers back as float/int, PostgreSQL as Decimal
        rows = [(a, b, number(c), d, number(e), f) for a, b, c, d, e, f in conn.execute(query)]
    assert len(rows) == 24 + 6
    by_key = {(r[0], r[1]): r[2:] for r in rows}
    assert by_key[(GB_FINAL, "2080505")] == (Decimal("446.11"), "万元", Decimal("4460100"), "元")
    assert by_key[(TP_FINAL, "公务接待费")] == (Decimal("2.85"), "万元", Decimal("30000"), "元")
    # SQL pairs 三公 items by their printed label only; the export also pairs differently worded ones
    assert by_key[(TP_FINAL, "公务用车购置费")] == (Decimal("0"), "万元", None, "元")


def test_a_final_accounts_without_its_budget_has_no_comparison_rows(repository: Repository) -> None:
    repository.accept_document(final_with_budget_column(), [], report_uri=None)
    assert rows_of(repository, "budget_vs_final") == []


# ---- migrations -----------------------------------------------------------------------------------


def _alembic(url: str, action: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:
        config = alembic_config(url)
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)
        conn.commit()
    engine.dispose()


def test_a_database_that_passed_the_empty_0007_gets_the_final_tables_on_upgrade(blank_db_url: str) -> None:
    """Databases migrated while 0007 was an empty slot (then 0008, 0009, …) never run its new body:
    the repair revision 0011 creates what they lack, and the schema is then exactly the models'."""
    upgrade(blank_db_url, "0006")
    _alembic(blank_db_url, "stamp", "0007")  # what the empty 0007 did: nothing
    upgrade(blank_db_url, "0009")
    engine = make_engine(blank_db_url)
    with engine.connect() as conn:
        assert not set(FINAL_TABLE_TYPES) & set(inspect(conn).get_table_names())
    upgrade(blank_db_url)
    assert current_revision(blank_db_url) == head_revision()
    with engine.connect() as conn:
        assert set(FINAL_TABLE_TYPES) <= set(inspect(conn).get_table_names())
        assert "budget_vs_final" in inspect(conn).get_view_names()
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []
    _alembic(blank_db_url, "downgrade", "base")  # and it still goes all the way down
    assert current_revision(blank_db_url) is None


def test_the_export_command_writes_the_comparison(
    db_url: str, repository: Repository, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from budget_etl.cli import app

    final = final_with_budget_column()
    repository.accept_document(final, [], report_uri=None)
    repository.accept_document(budget_of(final), [], report_uri=None)
    out = tmp_path / "budget_vs_final.csv"
    result = CliRunner().invoke(
        app, ["export", "--table", "budget_vs_final", "--out", str(out), "--db", db_url]
    )
    assert result.exit_code == 0, result.stderr
    assert "wrote 30 budget_vs_final rows" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert sum(r["agrees"] == "false" for r in rows) == 2
