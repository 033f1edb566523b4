"""``budget-etl run`` and ``budget-etl review retry`` end to end (real Prefect API, SQLite, HTTP server)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from budget_etl.cli import app
from budget_etl.settings import get_settings
from storage.engine import make_engine
from storage.repository import Repository
from tests.fetch.faulty_server import Serve, Status
from tests.flows.conftest import CORPUS

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

GOOD = CORPUS / "000-b.pdf"


@pytest.fixture
def cli_env(prefect_api, tmp_path, sqlite_url, monkeypatch):
    """Settings through the environment, as a user sets them; fast back-offs; data in tmp_path."""
    for name, value in {
        "BUDGET_ETL_DATA_DIR": str(tmp_path / "data"),
        "BUDGET_ETL_HTTP_BACKOFF_S": "0.01",
        "BUDGET_ETL_HTTP_TIMEOUT_S": "2",
        "BUDGET_ETL_TASK_RETRIES": "0",
        "BUDGET_ETL_PER_HOST_REQUESTS_PER_S": "100",
        "BUDGET_ETL_HTTP_ALLOW_PRIVATE_HOSTS": "true",  # the test publishers are on 127.0.0.1
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_run_accepts_a_good_pdf_and_says_where_its_report_is(cli_env):
    result = invoke("run", str(GOOD), "--db", cli_env, "--json")

    assert result.exit_code == 0, result.output
    [document] = json.loads(result.stdout)["documents"]
    assert document["status"] == "accepted"
    assert document["report_uri"].endswith(".html")


def test_a_corrupt_file_becomes_a_review_item_with_its_reason_not_a_crash(cli_env, tmp_path):
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(GOOD.read_bytes()[: len(GOOD.read_bytes()) // 2])

    result = invoke("run", str(corrupt), str(GOOD), "--db", cli_env, "--json")

    assert result.exit_code == 1, result.output
    by_status = {d["status"]: d for d in json.loads(result.stdout)["documents"]}
    assert by_status["in_review"]["stage"] == "extract"
    assert by_status["in_review"]["reason"] in {"truncated_pdf", "corrupt_pdf"}
    assert "accepted" in by_status, "the corrupt file does not stop the good one"
    listed = json.loads(invoke("review", "list", "--db", cli_env, "--json").stdout)
    assert [item["reason"] for item in listed] == [by_status["in_review"]["reason"]]


def test_run_on_a_missing_path_is_a_clear_error(cli_env):
    result = invoke("run", "no/such/file.pdf", "--db", cli_env)

    assert result.exit_code == 2
    assert "file_not_found" in result.output and "no/such/file.pdf" in result.output


def test_review_retry_of_an_unknown_id_is_a_clear_error(cli_env):
    result = invoke("review", "retry", "4242", "--db", cli_env, "--json")

    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"] == "unknown_review_item"


def test_review_retry_resolves_a_document_whose_source_was_fixed(cli_env, server):
    url = server.script("/late.pdf", Status(404))
    first = invoke("run", url, "--db", cli_env, "--json")
    assert first.exit_code == 1
    [failed] = json.loads(first.stdout)["documents"]
    assert (failed["status"], failed["reason"]) == ("failed", "http_not_found")

    server.script("/late.pdf", Serve(GOOD.read_bytes()))
    retried = invoke("review", "retry", str(failed["review_item_id"]), "--db", cli_env, "--json")

    assert retried.exit_code == 0, retried.output
    assert [d["status"] for d in json.loads(retried.stdout)["documents"]] == ["accepted"]
    engine = make_engine(cli_env)
    try:
        assert Repository(engine).get_review(failed["review_item_id"]).item.status == "resolved"
    finally:
        engine.dispose()
