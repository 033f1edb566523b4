"""``budget-etl validate``: readable or JSON report, HTML report on disk, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from budget_etl.cli import app
from tests.validate.conftest import CORPUS

runner = CliRunner()


def test_clean_document_exits_0_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "r" / "001.html"
    result = runner.invoke(app, ["validate", str(CORPUS / "001.expected.json"), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_errors_exit_1_and_json_lists_every_finding(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["validate", str(CORPUS / "004.expected.json"), "--json", "--report", str(tmp_path / "004.html")]
    )
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["document"]["kind"] == "budget_disclosure"
    checks = {f["check"] for f in payload["findings"]}
    assert {"schema.percentage_range", "projects.plan_order", "projects.plan_complete"} <= checks
    first = payload["findings"][0]
    assert set(first) >= {
        "check",
        "severity",
        "table",
        "line_no",
        "project_code",
        "field",
        "expected",
        "actual",
        "message",
        "pages",
    }


def test_default_report_goes_to_the_reports_dir(tmp_path: Path, monkeypatch) -> None:
    from budget_etl.settings import get_settings

    monkeypatch.setenv("BUDGET_ETL_REPORTS_DIR", str(tmp_path / "reports"))
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["validate", str(CORPUS / "001.expected.json")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert len(list((tmp_path / "reports").glob("*.html"))) == 1


def test_unreadable_file_exits_2_with_the_reason(tmp_path: Path) -> None:
    bogus = tmp_path / "budget.pdf"
    bogus.write_bytes(b"this is not a pdf at all")
    result = runner.invoke(app, ["validate", str(bogus), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"] in {"not_pdf", "corrupt_pdf"}


def test_json_that_is_not_an_extract_exits_2(tmp_path: Path) -> None:
    bogus = tmp_path / "x.json"
    bogus.write_text('{"tables": []}')
    result = runner.invoke(app, ["validate", str(bogus), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"] == "unsupported_format"


def test_pdf_is_extracted_then_checked(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["validate", str(CORPUS / "004-a.pdf"), "--json", "--report", str(tmp_path / "004-a.html")]
    )
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["document"]["page_count"] > 1
    assert all(f["pages"] for f in payload["findings"])
    assert "资金支出计划" in (tmp_path / "004-a.html").read_text(encoding="utf-8")
