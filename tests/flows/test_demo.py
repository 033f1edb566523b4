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


SPARE = "002-b"  # another layout of the accepted seed: what the publisher "re-uploads" in the walkthrough


@pytest.fixture
def samples_with_a_spare(two_samples: Path) -> Path:
    """``two_samples`` plus a second layout of the accepted seed, which the demo does not serve."""
    index = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))
    ours = json.loads((two_samples / "index.json").read_text(encoding="utf-8"))
    ours["documents"] += [d for d in index["documents"] if d["stem"] == SPARE]
    (two_samples / "index.json").write_text(json.dumps(ours), encoding="utf-8")
    shutil.copy(CORPUS / f"{SPARE}.pdf", two_samples)
    return two_samples


@pytest.mark.prefect
@pytest.mark.slow
def test_serve_keeps_the_publisher_up_so_a_retry_resolves_a_republished_file(
    prefect_api, tmp_path, samples_with_a_spare
):
    """The README walkthrough: ``demo --serve``; retry a 404 (still 404); republish; retry (resolved).

    After the publisher stops, retrying one of its URLs fails and the hint says why.
    """
    from budget_etl.demo import demo_settings, republish_step, retry_env, retry_hint
    from budget_etl.review_actions import retry_items
    from storage.engine import make_engine
    from storage.repository import Repository

    settings = Settings(
        data_dir=tmp_path / "data", demo_port=free_port(), http_backoff_s=0.01, task_retry_delay_s=0,
        http_retries=0, task_retries=0,
    )
    retry_settings = demo_settings(settings)  # what `demo --serve` prints: the demo's env for the retry
    seen: dict[str, object] = {}

    def walkthrough(report) -> None:
        step = republish_step(report, samples_with_a_spare)
        assert step is not None and step.replacement.name == f"{SPARE}.pdf"
        listing = urllib.request.urlopen(step.url.rsplit("/", 1)[0] + "/", timeout=10).read().decode()
        assert 'href="missing.pdf"' in listing  # a real fetch from the publisher, after the run
        seen["refused"] = retry_items([step.item_id], settings).outcomes  # without the printed env
        seen["before"] = retry_items([step.item_id], retry_settings).outcomes
        shutil.copy(step.replacement, step.target)
        seen["after"] = retry_items([step.item_id], retry_settings).outcomes
        seen["step"] = step

    report = run_demo(settings, samples_dir=samples_with_a_spare, while_serving=walkthrough)

    step = seen["step"]
    [refused], [before], [after] = seen["refused"], seen["before"], seen["after"]
    assert (refused.status, refused.reason) == ("failed", "redirect_refused")  # 127.0.0.1 is loopback
    assert retry_env() and retry_env() in (retry_hint(refused, settings) or "")
    assert (before.status, before.reason) == ("failed", "http_not_found")
    assert after.status == "accepted", after
    engine = make_engine(settings.resolved_database_url())
    try:
        repo = Repository(engine, actor="demo-test")
        assert repo.get_review(step.item_id).item.status == "resolved"
        still_open = [o for o in report.summary.outcomes
                      if o.reason == "http_not_found" and o.review_item_id != step.item_id]
        assert still_open
    finally:
        engine.dispose()

    [gone] = retry_items([still_open[0].review_item_id], retry_settings).outcomes  # publisher stopped
    assert (gone.status, gone.stage, gone.reason) == ("failed", "fetch", "connection_error")
    hint = retry_hint(gone, settings)
    assert hint and report.site_url in hint and "budget-etl demo --serve" in hint
    assert retry_hint(before, settings) is None  # a 404 from a live publisher is its own reason


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_serve_blocks_until_ctrl_c_or_sigterm_and_then_returns(sig: str) -> None:
    """``--serve`` waits in ``wait_for_interrupt``; both signals end the wait (SIGINT even if inherited
    as ignored, as a background shell job has it), so the publisher is shut down by the demo itself."""
    import signal
    import subprocess
    import sys
    import time

    code = (
        "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "from budget_etl.cli.run import wait_for_interrupt\n"
        "print('waiting', flush=True); wait_for_interrupt(); print('stopped', flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "waiting"
        time.sleep(0.5)
        assert proc.poll() is None  # still serving
        proc.send_signal(getattr(signal, sig))
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert (proc.returncode, out.strip()) == (0, "stopped")
