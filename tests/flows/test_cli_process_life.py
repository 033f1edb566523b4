"""``budget-etl run`` as a real process: its temporary Prefect server dies with it; ``--json`` is quiet.

A worker killed with SIGKILL used to leave Prefect's temporary API server running as an orphan;
``run --json`` printed Prefect's INFO logs on stderr. Both are checked on the real command.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.extract import pdfs
from tests.fetch.faulty_server import FaultyServer, SlowHeaders

CLI = str(Path(sys.executable).with_name("budget-etl"))


def children_named(parent: int, word: str) -> list[int]:
    """Descendant pids of ``parent`` whose command line contains ``word`` (read from /proc)."""
    found, frontier = [], [parent]
    while frontier:
        current = frontier.pop()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == current:
                frontier.append(int(entry.name))
                if word.encode() in cmdline:
                    found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_the_temporary_prefect_server_dies_when_run_is_killed(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update({
        "PREFECT_HOME": str(tmp_path / "prefect"), "BUDGET_ETL_DATA_DIR": str(tmp_path / "data"),
        "BUDGET_ETL_HTTP_ALLOW_PRIVATE_HOSTS": "true", "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    })
    with FaultyServer() as server:
        url = server.script("/stuck.pdf", SlowHeaders(interval=0.5))
        run = subprocess.Popen([CLI, "run", url], env=env, cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 90
            servers: list[int] = []
            while not servers and time.monotonic() < deadline and run.poll() is None:
                time.sleep(0.3)
                servers = children_named(run.pid, "uvicorn")
            assert servers, "the run started its temporary Prefect server"

            run.send_signal(signal.SIGKILL)
            run.wait(timeout=10)

            gone_by = time.monotonic() + 15
            while any(alive(pid) for pid in servers) and time.monotonic() < gone_by:
                time.sleep(0.2)
            assert not any(alive(pid) for pid in servers), "the server outlived its CLI"
        finally:
            if run.poll() is None:
                run.kill()
            for pid in children_named(run.pid, "uvicorn"):
                os.kill(pid, signal.SIGKILL)


def test_run_json_prints_only_json_on_stdout_and_no_info_logs(prefect_api, tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(pdfs.image_only_pdf())
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "BUDGET_ETL_DATA_DIR": str(tmp_path / "data"),
           "BUDGET_ETL_TASK_RETRIES": "0", "DO_NOT_TRACK": "1"}

    done = subprocess.run([CLI, "run", "--json", str(bad)], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)

    summary = json.loads(done.stdout)
    assert done.returncode == 1 and summary["documents"][0]["reason"] == "no_text_layer"
    assert "| INFO" not in done.stderr, done.stderr[:2000]
    assert "Traceback" not in done.stderr, done.stderr[:2000]


def test_run_honours_sigterm_while_a_server_trickles(prefect_api, tmp_path):
    """A stuck download must not keep a terminated run alive until its (long) deadline."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "BUDGET_ETL_DATA_DIR": str(tmp_path / "data"),
           "BUDGET_ETL_HTTP_ALLOW_PRIVATE_HOSTS": "true", "BUDGET_ETL_HTTP_TIMEOUT_S": "60",
           "BUDGET_ETL_HTTP_DEADLINE_S": "120", "BUDGET_ETL_TASK_RETRIES": "0", "DO_NOT_TRACK": "1"}
    with FaultyServer() as server:
        url = server.script("/stuck.pdf", SlowHeaders(interval=0.5))
        run = subprocess.Popen([CLI, "run", "--json", url], env=env, cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while server.hits["/stuck.pdf"] == 0 and time.monotonic() < deadline and run.poll() is None:
                time.sleep(0.2)
            assert server.hits["/stuck.pdf"] >= 1, "the run reached the stuck download"

            run.send_signal(signal.SIGTERM)
            started = time.monotonic()
            run.wait(timeout=30)

            assert time.monotonic() - started < 15
        finally:
            if run.poll() is None:
                run.kill()
