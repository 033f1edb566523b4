"""Prefect history is bounded: ``prune-history`` deletes runs (and their artifacts) older than the cut-off.

A real ``prefect server start`` of its own (pruning the session's shared server would delete other
tests' runs): runs are really created and really deleted; a run ending after the cut-off, and an
artifact still the latest of its key, stay; result files older than the cut-off go.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest
from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.retention import prune_history_before
from tests.flows.prefect_reads import _read_artifacts, artifacts_with_key
from tests.flows.prefect_server import prefect_server

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


@flow(name="retention-probe")
def probe(key: str | None) -> None:
    create_markdown_artifact("old details", key=key)


def by_run(state) -> ArtifactFilter:
    return ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]))


@pytest.fixture
def own_server(tmp_path):
    home = tmp_path / "prefect"
    home.mkdir()
    with prefect_server(home) as base, temporary_settings({PREFECT_API_URL: f"{base}/api"}):
        yield base


def test_runs_ended_before_the_cutoff_are_deleted_with_their_artifacts_and_newer_ones_stay(
    own_server, tmp_path
):
    old_unkeyed = probe(None, return_state=True)
    old_keyed = probe("retention-probe-latest", return_state=True)
    time.sleep(1.5)
    cutoff = datetime.now(UTC)
    time.sleep(1.5)
    recent = probe(None, return_state=True)
    results = tmp_path / "results"
    results.mkdir()
    (results / "old-result").write_text("{}")
    os.utime(results / "old-result", (cutoff.timestamp() - 60, cutoff.timestamp() - 60))
    (results / "new-result").write_text("{}")

    pruned = prune_history_before(cutoff, results)

    assert (pruned.flow_runs, pruned.artifacts, pruned.result_files) == (2, 1, 1)
    with get_client(sync_client=True) as client:
        for gone in (old_unkeyed, old_keyed):
            with pytest.raises(ObjectNotFound):
                client.read_flow_run(gone.state_details.flow_run_id)
        assert client.read_flow_run(recent.state_details.flow_run_id).state.is_completed()
    [kept] = artifacts_with_key("retention-probe-latest")
    assert kept.data == "old details", "the latest of a key (an open item's report) stays"
    assert not _read_artifacts(by_run(old_unkeyed))
    assert _read_artifacts(by_run(recent))
    assert sorted(p.name for p in results.iterdir()) == ["new-result"]
