"""The tiny flow the scheduler test deploys: no project imports, so a worker anywhere can load it.

Loaded by the worker from this directory (``Flow.from_source`` with a local path), not imported by
the suite; it leaves a file behind so the test sees the run really executed, not only its state.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run


@flow(name="scheduler-tick", log_prints=True)
def tick(out_dir: str) -> str:
    """Write ``<flow run id>.done`` into ``out_dir`` and return its path."""
    done = Path(out_dir) / f"{flow_run.get_id()}.done"
    done.write_text(str(flow_run.get_scheduled_start_time()), encoding="utf-8")
    get_run_logger().info("tick ran: %s", done)
    return str(done)
