"""Scheduled deployments run: a real ``prefect server start`` schedules them, a real worker runs them.

The session's test harness does not run the server's services, so it cannot show that the
scheduler works. Here a real server process (its own temporary PREFECT_HOME and SQLite database,
scheduler loop shortened with Prefect's own settings) gets a deployment with a 5-second interval
schedule on a ``process`` work pool, and a real ``prefect worker start`` subprocess runs what the
scheduler created. With SQLAlchemy 2.1 the scheduler fails on every loop ("Can't evaluate bulk DML
statement", in ``_insert_scheduled_flow_runs``) and no run is ever created; that is what this catches.

Bounded: about 30–60 s, every wait has a deadline, both process groups are killed on any outcome.
The server log is kept as ``prefect-server.log`` in the test's tmp directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

pytestmark = [pytest.mark.slow]

FLOW_DIR = Path(__file__).resolve().parent / "scheduled"
ROOT = Path(__file__).resolve().parents[2]
POOL = "scheduler-test-pool"
INTERVAL = timedelta(seconds=5)
STARTUP_TIMEOUT_S = 60
RUN_TIMEOUT_S = 75
SCHEDULED_LINE = re.compile(r"Scheduled (\d+) runs")
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHEDULER_FAILURE = "Can't evaluate bulk DML statement"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prefect_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    """The environment of both subprocesses: private home, telemetry off, fast loops, INFO server logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "PREFECT_HOME": str(home),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "INFO",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "2",
        "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS": "6",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "2",
        "PREFECT_LOCAL_STORAGE_PATH": str(home / "results"),
    })
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


@contextlib.contextmanager
def process_group(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> Iterator[subprocess.Popen]:
    """Start ``args`` in its own session (so the flow-run children die with it), output to ``log``."""
    with log.open("ab") as out:
        proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        yield proc
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue


def wait_for(what: str, check: Callable[[], Any], timeout_s: float, log: Path, poll_s: float = 0.5) -> Any:
    """Poll ``check`` until it returns something truthy; on timeout fail with the server log's tail."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(poll_s)
    pytest.fail(f"{what} within {timeout_s:.0f} s; server log tail:\n{log_tail(log)}")


def log_tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-chars:] if log.exists() else "(no log)"


def healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def deploy(api_url: str, out_dir: Path) -> tuple[Any, Any]:
    """The product's ``ingest/daily`` (cron, via ``budget-etl deploy``'s code) and an interval tick.

    ``ingest/daily`` is the deployment whose Upcoming tab stayed empty; nothing runs it here (no
    worker polls its pool), the test only looks for the runs the scheduler put ahead of it. The tick
    deployment is created with the same client call, on its own pool, every 5 s.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate, WorkPoolCreate
    from prefect.client.schemas.schedules import IntervalSchedule
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from budget_etl.deploy import apply_prefect_file

    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        prefect_file = ROOT / "deployments" / "prefect.yaml"
        [daily] = apply_prefect_file(prefect_file, project_root=ROOT, names=["daily"])
        with get_client(sync_client=True) as client:
            client.create_work_pool(WorkPoolCreate(name=POOL, type="process"), overwrite=True)
            tick_id = client.create_deployment(
                flow_id=client.create_flow_from_name("scheduler-tick"),
                name="every-5s",
                entrypoint="tick.py:tick",
                parameters={"out_dir": str(out_dir)},
                schedules=[DeploymentScheduleCreate(schedule=IntervalSchedule(interval=INTERVAL))],
                work_pool_name=POOL,
                pull_steps=[{"prefect.deployments.steps.set_working_directory": {
                    "directory": str(FLOW_DIR)}}],
            )
    return daily.id, tick_id


def read_runs(api_url: str, deployment_id: Any) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        return client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=200)  # this server rejects limit/sort null


def test_server_schedules_interval_runs_and_a_worker_completes_them(tmp_path: Path) -> None:
    home, out_dir = tmp_path / "prefect-home", tmp_path / "ticks"
    home.mkdir()
    out_dir.mkdir()
    server_log, worker_log = tmp_path / "prefect-server.log", tmp_path / "prefect-worker.log"
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    prefect = [sys.executable, "-m", "prefect"]
    started = time.monotonic()

    with process_group([*prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                       prefect_env(home), server_log, tmp_path):
        wait_for("the Prefect server answering /api/health", lambda: healthy(api_url),
                 STARTUP_TIMEOUT_S, server_log)
        daily_id, deployment_id = deploy(api_url, out_dir)

        scheduled = wait_for(
            "the scheduler service creating runs",
            lambda: [r for r in read_runs(api_url, deployment_id) if r.auto_scheduled],
            30, server_log)
        upcoming = wait_for(
            "scheduled runs of ingest/daily (its Upcoming tab)",
            lambda: [r for r in read_runs(api_url, daily_id) if r.auto_scheduled and r.state.is_scheduled()],
            30, server_log)
        assert SCHEDULER_FAILURE not in log_tail(server_log, 10**6)

        with process_group([*prefect, "worker", "start", "--pool", POOL, "--type", "process"],
                           prefect_env(home, api_url), worker_log, tmp_path):
            completed = wait_for(
                "a scheduled run completed by the worker",
                lambda: [r for r in read_runs(api_url, deployment_id)
                         if r.auto_scheduled and r.state is not None and r.state.is_completed()],
                RUN_TIMEOUT_S, worker_log)

    log = server_log.read_text(encoding="utf-8", errors="replace")
    created = [int(n) for n in SCHEDULED_LINE.findall(log)]
    print(f"server log {server_log}: {len(created)} 'Scheduled N runs' lines, {sum(created)} runs; "
          f"{len(scheduled)} auto-scheduled runs seen before the worker started; "
          f"{len(completed)} completed; ingest/daily upcoming: "
          f"{[r.expected_start_time.isoformat() for r in upcoming]}; {time.monotonic() - started:.1f} s")
    assert SCHEDULER_FAILURE not in log, log_tail(server_log)
    assert sum(created) >= 2, "the server log names no scheduler insert:\n" + log_tail(server_log)
    assert len(scheduled) >= 2  # the scheduler fills the queue ahead (min runs 3), not one by one
    assert len(upcoming) >= 3  # min runs 3: the next three 06:30 Asia/Shanghai runs
    assert all(r.expected_start_time.astimezone(SHANGHAI).strftime("%H:%M") == "06:30" for r in upcoming)
    done = {p.stem for p in out_dir.glob("*.done")}
    assert {str(r.id) for r in completed} <= done  # the flow really ran, where the worker put it
