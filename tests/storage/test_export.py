"""Exports: latest accepted or waived version per document, deterministic to the byte."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from budget_etl.errors import StoreError
from storage.export import EXPORT_TABLES, export_table, to_csv, to_parquet, write_export
from storage.repository import Repository
from tests.storage.samples import make_document, review_for_errors, warning


def run_batch(repository: Repository) -> None:
    """A small batch: two departments, one republished, one failing validation, one waived."""
    repository.accept_document(
        make_document("a", department="甲局", total="100.00"), [warning()], report_uri=None
    )
    repository.accept_document(make_document("a", department="甲局", total="105.25"), [], report_uri=None)
    repository.accept_document(make_document("b", department="乙局", total="300.10"), [], report_uri=None)
    failing = make_document("c", department="丙局", total="50.00")
    review_for_errors(repository, failing)


def rows_of(repository: Repository, table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_csv(export_table(repository.engine, table)).decode())))


def test_only_the_latest_accepted_version_of_each_document_is_exported(repository: Repository) -> None:
    run_batch(repository)
    rows = rows_of(repository, "expenditure_by_function")
    totals = {(r["department_name"], r["version_no"], r["name"]): r["total"] for r in rows}
    assert totals[("甲局", "2", "合计")] == "105.25"
    assert totals[("乙局", "1", "合计")] == "300.10"
    assert {r["department_name"] for r in rows} == {"甲局", "乙局"}  # 丙局 waits in review
    assert len(rows) == 6
    assert rows[0]["page"] == "5" and rows[2]["bbox_bottom"] == "95.25"


def test_a_waived_document_appears_in_exports(repository: Repository) -> None:
    run_batch(repository)
    [item] = repository.list_reviews(status="open")
    repository.waive_review(item.id, reason="source misprint confirmed", actor="analyst")
    rows = rows_of(repository, "expenditure_by_function")
    waived = [r for r in rows if r["department_name"] == "丙局"]
    assert [r["version_state"] for r in waived] == ["waived"] * 3
    assert waived[0]["total"] == "50.00"


def test_running_the_same_batch_twice_gives_identical_exports(repository: Repository, tmp_path: Path) -> None:
    run_batch(repository)
    first = {
        (t, f): write_export(repository.engine, t, f, tmp_path / "1" / f"{t}.{f}")
        for t in EXPORT_TABLES
        for f in ("csv", "parquet")
    }
    run_batch(repository)
    second = {
        (t, f): write_export(repository.engine, t, f, tmp_path / "2" / f"{t}.{f}")
        for t in EXPORT_TABLES
        for f in ("csv", "parquet")
    }
    assert first == second
    assert first[("expenditure_by_function", "csv")] == 6
    for table, fmt in first:
        name = f"{table}.{fmt}"
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_parquet_keeps_amounts_exact_and_typed(repository: Repository) -> None:
    run_batch(repository)
    table = pq.read_table(
        io.BytesIO(to_parquet(export_table(repository.engine, "revenue_expenditure_summary")))
    )
    assert str(table.schema.field("amount").type) == "decimal128(18, 4)"
    assert str(table.schema.field("budget_year").type) == "int64"
    amounts = table.column("amount").to_pylist()
    assert Decimal("105.25") in amounts and None in amounts


def test_project_indicators_export_carries_the_project(repository: Repository) -> None:
    run_batch(repository)
    rows = rows_of(repository, "project_indicators")
    second = [r for r in rows if r["department_name"] == "乙局"]
    assert [(r["department_name"], r["project_code"], r["target_op"], r["target_value"]) for r in second] == [
        ("乙局", "99000000P00000000001", ">=", "95.00"),
        ("乙局", "99000000P00000000001", "", ""),
    ]
    assert len(rows) == 4


def test_table_without_fixed_columns_exports_its_records_as_json(repository: Repository) -> None:
    doc = make_document("p")
    doc.tables[5].records.append({"item": "办公设备", "amount": Decimal("12.5")})
    repository.accept_document(doc, [], report_uri=None)
    [row] = rows_of(repository, "government_procurement")
    assert row["data"] == '{"amount": "12.5", "item": "办公设备"}'


def test_unknown_table_or_format_is_a_clear_error(repository: Repository, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown table"):
        export_table(repository.engine, "budget")
    with pytest.raises(StoreError, match="unknown format"):
        write_export(repository.engine, "institutions", "xlsx", tmp_path / "x")


def test_the_latest_versions_view_agrees_with_exports(repository: Repository) -> None:
    from sqlalchemy import select, text

    from storage.export import latest_versions

    run_batch(repository)
    [item] = repository.list_reviews(status="open")
    repository.waive_review(item.id, reason="ok", actor="analyst")
    with repository.engine.connect() as conn:
        from_view = conn.execute(
            text("SELECT id, department_name, version_no, state FROM latest_document_versions ORDER BY id")
        ).all()
        from_code = sorted(conn.scalars(select(latest_versions().subquery().c.id)).all())
    assert [row.id for row in from_view] == from_code
    assert {(r.department_name, r.version_no, r.state) for r in from_view} == {
        ("甲局", 2, "accepted"),
        ("乙局", 1, "accepted"),
        ("丙局", 1, "waived"),
    }
