"""The storage commands as a person or a script uses them: review, export, status, db."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budget_etl.cli import app
from storage.migrate import head_revision
from storage.repository import Repository
from tests.storage.samples import make_document, review_for_errors

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def queued(repository: Repository) -> int:
    doc = make_document("cli", department="丁局")
    return review_for_errors(repository, doc, message="1 error finding", report_uri="file:///reports/d.html", source_url="http://127.0.0.1/d.pdf")


def test_review_list_and_show_as_json(db_url: str, queued: int) -> None:
    code, out, _ = invoke("review", "list", "--status", "open", "--json", "--db", db_url)
    assert code == 0
    [item] = json.loads(out)
    assert (item["id"], item["status"], item["reason"], item["department_name"]) == (
        queued,
        "open",
        "validation_errors",
        "丁局",
    )
    code, out, _ = invoke("review", "show", str(queued), "--json", "--db", db_url)
    detail = json.loads(out)
    assert code == 0
    assert detail["report_uri"] == "file:///reports/d.html"
    assert detail["findings"][0]["check"] == "row_sum"
    assert [h["action"] for h in detail["history"]] == ["open"]


def test_review_show_for_people_names_the_evidence(db_url: str, queued: int) -> None:
    code, out, _ = invoke("review", "show", str(queued), "--db", db_url)
    assert code == 0
    assert "validate / validation_errors" in out
    assert "[error] row_sum" in out and "line 1" in out and "p. 5" in out


def test_waive_then_the_document_is_exported(db_url: str, queued: int, tmp_path: Path) -> None:
    out_file = tmp_path / "exp.csv"
    invoke("export", "--table", "expenditure_by_function", "--out", str(out_file), "--db", db_url)
    assert out_file.read_text().count("\n") == 1  # header only: the document waits in review

    code, _, _ = invoke(
        "review", "waive", str(queued), "--reason", "misprint in source", "--actor", "qa", "--db", db_url
    )
    assert code == 0
    code, _, err = invoke(
        "export", "--table", "expenditure_by_function", "--out", str(out_file), "--db", db_url
    )
    assert code == 0 and "wrote 3" in err
    rows = list(csv.DictReader(io.StringIO(out_file.read_text())))
    assert {r["department_name"] for r in rows} == {"丁局"}
    code, out, _ = invoke("review", "list", "--status", "waived", "--json", "--db", db_url)
    assert [i["id"] for i in json.loads(out)] == [queued]


def test_unknown_ids_are_one_line_errors_with_exit_2(db_url: str) -> None:
    for args in (("review", "show", "4242"), ("review", "waive", "4242", "--reason", "x")):
        code, out, err = invoke(*args, "--db", db_url)
        assert code == 2
        assert err.strip() == "budget-etl: unknown_review_item: there is no review item 4242"
    code, out, _ = invoke("review", "show", "4242", "--json", "--db", db_url)
    assert code == 2 and json.loads(out)["error"] == "unknown_review_item"


def test_status_counts_as_json(db_url: str, queued: int, repository: Repository) -> None:
    repository.accept_document(make_document("other", department="戊局"), [], report_uri=None)
    code, out, _ = invoke("status", "--json", "--db", db_url)
    assert code == 0
    counts = json.loads(out)
    assert counts["versions"] == {"accepted": 1, "in_review": 1, "waived": 0}
    assert counts["review_items"]["open"] == 1


def test_database_down_is_a_clear_error() -> None:
    code, _, err = invoke("status", "--db", "postgresql://postgres@127.0.0.1:1/none")
    assert code == 2
    assert err.startswith("budget-etl: database_unavailable:") and len(err.strip().splitlines()) == 1


def test_db_upgrade_reports_the_revision(blank_db_url: str) -> None:
    code, out, _ = invoke("db", "upgrade", "--json", "--db", blank_db_url)
    assert code == 0 and json.loads(out)["revision"] == head_revision()
    code, out, _ = invoke("db", "current", "--json", "--db", blank_db_url)
    assert json.loads(out)["revision"] == json.loads(out)["head"]


def test_export_from_an_unmigrated_database_says_what_to_do(blank_db_url: str, tmp_path: Path) -> None:
    code, _, err = invoke(
        "export", "--table", "institutions", "--out", str(tmp_path / "x.csv"), "--db", blank_db_url
    )
    assert code == 2
    assert "run `budget-etl db upgrade`" in err
    assert not (tmp_path / "x.csv").exists()


def test_export_parquet_to_a_file(db_url: str, queued: int, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    invoke("review", "waive", str(queued), "--reason", "ok", "--db", db_url)
    target = tmp_path / "out" / "projects.parquet"
    code, _, _ = invoke(
        "export",
        "--table",
        "project_performance",
        "--format",
        "parquet",
        "--out",
        str(target),
        "--db",
        db_url,
    )
    assert code == 0
    table = pq.read_table(target)
    assert table.num_rows == 1
    assert table.column("project_code").to_pylist() == ["99000000P00000000001"]
