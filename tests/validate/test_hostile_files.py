"""The CLI on hostile files: every path ends in one line or one JSON object; the report never runs markup.

FIFOs, devices, directories, deeply nested JSON, unwritable ``--report`` targets and extract
JSON full of ``<script>`` are what a careless caller or a hostile upload hands the commands.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budget_etl.cli import app
from budget_etl.document import ExtractedDocument
from tasks.validate import render_html_report, validate_document

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def one_json_error(stdout: str) -> dict:
    payload = json.loads(stdout)
    assert set(payload) >= {"error", "message", "stage"}
    return payload


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.pdf"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", ["extract", "validate"])
def test_a_fifo_is_refused_at_once_instead_of_hanging(command, fifo):
    started = time.monotonic()
    code, out, _ = run(command, str(fifo), "--json")

    assert code == 2 and one_json_error(out)["error"] == "special_file"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("command", ["extract", "validate"])
def test_dev_zero_is_refused_not_read_until_memory_runs_out(command):
    code, out, _ = run(command, "/dev/zero", "--json")

    assert code == 2 and one_json_error(out)["error"] == "special_file"


@pytest.mark.parametrize("command", ["extract", "validate"])
def test_a_directory_is_one_line_on_stderr(command, tmp_path):
    code, out, err = run(command, str(tmp_path))

    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("budget-etl: special_file:")


def test_a_missing_file_with_json_is_a_json_object_not_a_usage_box(tmp_path):
    code, out, _ = run("validate", str(tmp_path / "nope.pdf"), "--json")

    assert code == 2 and one_json_error(out)["error"] == "file_not_found"


def test_deeply_nested_json_is_an_unsupported_file_not_a_recursion_error(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"document": ' + "[" * 100_000 + "]" * 100_000 + "}")

    code, out, _ = run("validate", str(deep), "--json")

    assert code == 2 and one_json_error(out)["error"] == "unsupported_format"


@pytest.fixture
def markup_json(tmp_path: Path) -> Path:
    """An extract JSON with markup in every string and list the report interpolates."""
    doc = {
        "document": {
            "kind": MARKUP, "department_code": MARKUP, "department_name": MARKUP, "budget_year": MARKUP,
            "unit": MARKUP, "page_count": MARKUP, "sha256": MARKUP, "source_url": MARKUP,
        },
        "tables": [{
            "type": MARKUP, "title": MARKUP, "pages": [MARKUP, 2],
            "records": [{"line_no": 1, "item": MARKUP, "amount": MARKUP, MARKUP: MARKUP}],
        }],
        "findings": [{"check": MARKUP, "severity": "error", "message": MARKUP, "table": MARKUP,
                      "field": MARKUP, "expected": MARKUP, "actual": MARKUP, "pages": [MARKUP]}],
    }
    path = tmp_path / "markup.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_html_report_escapes_every_value_of_a_json_full_of_markup(markup_json):
    doc = ExtractedDocument.from_json(markup_json.read_text(encoding="utf-8"))

    html = render_html_report(doc, [*doc.findings, *validate_document(doc)])

    assert "<script" not in html and "<img" not in html
    assert re.search(r"<[a-z]+[^>]*\son\w+=", html) is None, "no element carries an event handler"
    assert "&lt;script&gt;" in html, "the markup is shown as text, not dropped"


def test_validate_on_a_markup_json_ends_in_one_json_object(markup_json, tmp_path):
    code, out, _ = run("validate", str(markup_json), "--json", "--report", str(tmp_path / "r.html"))

    payload = json.loads(out)
    assert code in (1, 2) and isinstance(payload, dict)
    if code == 1:
        assert "<script" not in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["dir", "file-as-parent"])
def test_an_unwritable_report_target_is_one_json_object(target, markup_json, tmp_path):
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({"document": {
        "kind": "budget_disclosure", "department_code": None, "department_name": None, "budget_year": 2026,
        "unit": "万元", "page_count": 1, "sha256": "0" * 64}, "tables": []}), encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    report = tmp_path if target == "dir" else blocker / "r.html"

    code, out, _ = run("validate", str(clean), "--json", "--report", str(report))

    assert code == 2 and one_json_error(out)["error"] == "output_not_writable"


def test_extract_json_keeps_stderr_quiet_on_a_damaged_file(tmp_path):
    from tests.extract import hostile
    from tests.extract.test_hostile_input import two_table_document

    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(hostile.delete_page(two_table_document(), 1))
    cli = Path(sys.executable).with_name("budget-etl")

    done = subprocess.run([str(cli), "extract", "--json", str(damaged)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "DO_NOT_TRACK": "1"})

    assert done.stderr == "", done.stderr[:2000]
    findings = json.loads(done.stdout)["findings"]
    assert "extract.integrity.page_missing" in {f["check"] for f in findings}

