"""``deployments/prefect.yaml``: every entrypoint loads, and the deployments land on a real Prefect API."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint

from budget_etl.deploy import apply_prefect_file

ROOT = Path(__file__).resolve().parents[2]
PREFECT_FILE = ROOT / "deployments" / "prefect.yaml"
CONFIG = yaml.safe_load(PREFECT_FILE.read_text(encoding="utf-8"))
SPECS = {d["name"]: d for d in CONFIG["deployments"]}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_entrypoint_named_in_prefect_yaml_loads_as_a_flow(name):
    flow = load_flow_from_entrypoint(str(ROOT / SPECS[name]["entrypoint"]))

    expected = {"daily": "ingest", "by-hand": "retry-reviews", "one-document": "process-document",
                "nightly": "prune-history", "batch": "process-documents"}
    assert flow.name == expected[name]
    assert SPECS[name]["work_pool"]["name"] == "process"


def test_ingest_runs_daily_on_shanghai_time_and_retries_only_by_hand():
    [schedule] = SPECS["daily"]["schedules"]

    assert CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"]).timezone == "Asia/Shanghai"
    assert not SPECS["by-hand"].get("schedules")
    assert (ROOT / SPECS["daily"]["parameters"]["sources_file"]).is_file()


@pytest.mark.prefect
def test_budget_etl_deploy_puts_every_deployment_on_the_server(prefect_api):
    applied = apply_prefect_file(PREFECT_FILE, project_root=ROOT)

    assert sorted(a.name for a in applied) == [
        "ingest/daily", "process-document/one-document", "process-documents/batch", "prune-history/nightly",
        "retry-reviews/by-hand"]
    with get_client(sync_client=True) as client:
        response = client.request("POST", "/deployments/filter", json={"limit": 50, "offset": 0})
        on_server = {d["name"]: d for d in response.json()}
        pool = client.read_work_pool("process")
    assert pool.type == "process"
    daily = on_server["daily"]
    assert [s["schedule"]["cron"] for s in daily["schedules"]] == [SPECS["daily"]["schedules"][0]["cron"]]
    assert daily["schedules"][0]["schedule"]["timezone"] == "Asia/Shanghai"
    assert daily["pull_steps"] == CONFIG["pull"]
    by_hand = on_server["by-hand"]
    assert by_hand["schedules"] == []
    assert "item_ids" in by_hand["parameter_openapi_schema"]["properties"], "the UI shows an item_ids field"
