"""Retry from the UI: a run of the ``retry-reviews/by-hand`` deployment, executed by a real worker.

This is what a person does in the Prefect UI (Deployments → retry-reviews/by-hand → Run with
``item_ids``): the deployment comes from ``deployments/prefect.yaml``, a ``process`` worker picks the
run up in a subprocess, runs the pull step and the flow, and the fixed document is accepted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.variables import Variable

from budget_etl.deploy import apply_prefect_file
from budget_etl.errors import Stage
from tests.fetch.faulty_server import Serve
from tests.flows.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def test_a_deployment_run_started_like_from_the_ui_resolves_a_fixed_document(
    prefect_api, repo, flow_settings, server, tmp_path
):
    url = server.url("/republished.pdf")
    item_id = repo.send_to_review(
        sha256=None, source_url=url, stage=Stage.FETCH, reason="http_not_found",
        message="HTTP 404 last night", findings=[], report_uri=None,
    )
    server.script("/republished.pdf", Serve((CORPUS / "002-b.pdf").read_bytes()))
    prefect_file = ROOT / "deployments" / "prefect.yaml"
    [deployment] = apply_prefect_file(prefect_file, project_root=ROOT, names=["by-hand"])
    Variable.set("budget_etl_checkout", str(ROOT), overwrite=True)
    with get_client(sync_client=True) as client:
        run = client.create_flow_run_from_deployment(
            deployment.id,
            parameters={"item_ids": [item_id]},
            job_variables={"env": {
                "BUDGET_ETL_DATABASE_URL": flow_settings.resolved_database_url(),
                "BUDGET_ETL_DATA_DIR": str(flow_settings.data_dir),
                "PREFECT_LOCAL_STORAGE_PATH": str(tmp_path / "results"),
                "BUDGET_ETL_HTTP_ALLOW_PRIVATE_HOSTS": "true",  # the publisher here is on 127.0.0.1
            }},
        )

    worker = subprocess.run(
        [sys.executable, "-m", "prefect", "worker", "start", "--pool", "process", "--run-once"],
        env={**os.environ, "PREFECT_API_URL": prefect_api}, capture_output=True, text=True, timeout=240,
        cwd=tmp_path,
    )

    with get_client(sync_client=True) as client:
        finished = client.read_flow_run(run.id)
    assert finished.state.is_completed(), worker.stdout[-3000:] + worker.stderr[-3000:]
    assert finished.name == f"retry-{item_id}"
    assert finished.state.name == "Completed", finished.state.message  # not "Needs review"
    assert repo.get_review(item_id).item.status == "resolved"
