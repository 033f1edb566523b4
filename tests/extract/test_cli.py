"""`budget-etl extract`: JSON on stdout; an unreadable file → exit 2 and one line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budget_etl.cli import app
from tests.extract import pdfs
from tests.extract.test_synthetic import budget_pdf


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli")
    made = {
        "good.pdf": budget_pdf(),
        "empty.pdf": b"",
        "page.pdf": b"<html><body>Service unavailable</body></html>",
        "cut.pdf": pdfs.text_pdf(["部门预算收支总表"])[:700],
        "locked.pdf": pdfs.encrypted_pdf(),
        "scan.pdf": pdfs.image_only_pdf(),
        "cid.pdf": pdfs.garbled_pdf(["部门预算收支总表", "单位：万元"]),
        "notice.pdf": pdfs.text_pdf(["关于召开会议的通知"]),
    }
    for name, data in made.items():
        (root / name).write_bytes(data)
    return {name: root / name for name in made}


def test_prints_the_extract_json(files: dict[str, Path]) -> None:
    result = CliRunner().invoke(app, ["extract", str(files["good.pdf"])])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["document"]["kind"] == "budget_disclosure"
    assert [t["type"] for t in payload["tables"]][:1] == ["revenue_by_function"]
    assert "narrative" not in payload


def test_narrative_on_request(files: dict[str, Path]) -> None:
    result = CliRunner().invoke(app, ["extract", str(files["good.pdf"]), "--narrative"])
    assert any("说明" in block["text"] for block in json.loads(result.stdout)["narrative"])


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.pdf", "empty_file"),
        ("page.pdf", "not_pdf"),
        ("cut.pdf", "truncated_pdf"),
        ("locked.pdf", "encrypted_pdf"),
        ("scan.pdf", "no_text_layer"),
        ("cid.pdf", "garbled_text"),
        ("notice.pdf", "no_budget_tables"),
        ("missing.pdf", "file_not_found"),
    ],
)
def test_bad_file_one_line_and_exit_2(files: dict[str, Path], name: str, reason: str) -> None:
    path = files.get(name, files["good.pdf"].parent / name)
    plain = CliRunner().invoke(app, ["extract", str(path)])
    assert plain.exit_code == 2
    assert plain.stdout == ""
    lines = plain.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"budget-etl: {reason}: ")

    as_json = CliRunner().invoke(app, ["extract", str(path), "--json"])
    assert as_json.exit_code == 2
    error = json.loads(as_json.stdout)
    assert error["error"] == reason and error["stage"] == "extract" and error["message"]
    assert isinstance(error["evidence"], dict)


def test_real_process_prints_no_traceback(files: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from budget_etl.cli import main; main()", "extract", str(files["cut.pdf"])],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("budget-etl: truncated_pdf:")


def test_a_crash_inside_the_extractor_is_reported_not_dumped(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The boundary's last line of defence: any bug becomes one line with a reason code."""
    from tasks.extract import extractor

    def broken(*_args: object, **_kwargs: object) -> None:
        raise IndexError("list index out of range")

    from budget_etl.settings import get_settings

    monkeypatch.setattr(extractor, "build_records", broken)
    # in this process: a monkeypatch does not reach the sandbox's child process
    monkeypatch.setenv("BUDGET_ETL_EXTRACT_ISOLATED", "false")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["extract", str(files["good.pdf"]), "--json"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["error"] == "unexpected_error"
    assert error["evidence"]["table"] == "revenue_by_function" and error["evidence"]["pages"]
