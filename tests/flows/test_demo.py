"""``budget-etl demo``: the real pipeline over a local publisher; the second run processes nothing."""

from __future__ import annotations

import json
import shutil
import socket
import urllib.request
from pathlib import Path

import pytest

from budget_etl.demo import build_site, find_samples, render_report, run_demo, serve_site
from budget_etl.settings import Settings
from tests.flows.conftest import CORPUS

ACCEPTED, REVIEWED = "002-a", "004-a"


@pytest.fixture
def two_samples(tmp_path) -> Path:
    """A corpus directory with one document the checks accept and one they send to review."""
    folder = tmp_path / "samples"
    folder.mkdir()
    index = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))
    index["documents"] = [d for d in index["documents"] if d["stem"] in (ACCEPTED, REVIEWED)]
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    for stem in (ACCEPTED, REVIEWED):
        shutil.copy(CORPUS / f"{stem}.pdf", folder)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_site_serves_listings_and_answers_if_modified_since_with_304(tmp_path, two_samples):
    build_site(tmp_path / "site", find_samples(two_samples))

    with serve_site(tmp_path / "site", 0) as base:
        listing = urllib.request.urlopen(f"{base}/budget_disclosure/").read().decode()
        first = urllib.request.urlopen(f"{base}/budget_disclosure/{REVIEWED}.pdf")
        request = urllib.request.Request(
            f"{base}/budget_disclosure/{REVIEWED}.pdf",
            headers={"If-Modified-Since": first.headers["Last-Modified"]},
        )
        with pytest.raises(urllib.error.HTTPError) as not_modified:
            urllib.request.urlopen(request)

    assert f'href="{REVIEWED}.pdf"' in listing and 'href="missing.pdf"' in listing
    assert first.read().startswith(b"%PDF-")
    assert not_modified.value.code == 304


@pytest.mark.prefect
@pytest.mark.slow
def test_the_demo_runs_the_pipeline_and_a_second_run_processes_nothing(prefect_api, tmp_path, two_samples):
    settings = Settings(
        data_dir=tmp_path / "data", demo_port=free_port(), http_backoff_s=0.01, task_retry_delay_s=0
    )

    first = run_demo(settings, samples_dir=two_samples)
    second = run_demo(settings, samples_dir=two_samples)

    statuses = sorted((o.status, o.reason) for o in first.summary.outcomes)
    assert statuses == [
        ("accepted", None),
        ("failed", "http_not_found"), ("failed", "http_not_found"),
        ("failed", "not_pdf"), ("failed", "not_pdf"),
        ("in_review", "validation_errors"),
    ]
    assert first.summary.processed == 2
    assert second.summary.processed == 0
    assert second.summary.totals()["unchanged"] == 2
    text = render_report(first)
    assert "Accepted (1)" in text and "validation_errors" in text and str(first.reports_dir) in text
    assert "Nothing new to process" in render_report(second)
    assert (tmp_path / "data" / "budget_etl.db").is_file()
