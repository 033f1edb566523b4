"""Bench-only: time every HTTP call a process makes to the Prefect API (issue 12).

``bench/throughput.py`` puts this directory on ``PYTHONPATH`` of its measurements with
``BUDGET_ETL_BENCH_CALLS`` = a directory; every process they start (pool processes, workers, flow
runs) then appends one line per call to ``<dir>/<pid>.tsv``: method and path with ids replaced by
``{id}``, seconds, when it started (epoch seconds: a run's timeline can be drawn from them) and its
HTTP status (``error`` when it raised). Nothing happens without the variable.
"""

from __future__ import annotations

import os
import re
import time

ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<=/)[0-9a-f]{20,}|(?<=/)\d+(?=/|$)"
)


def path_of(request: object) -> str:
    """``POST /api/flow_runs/{id}/set_state``: the call without its ids (what is counted)."""
    url = request.url  # type: ignore[attr-defined]
    return f"{request.method} {ID.sub('{id}', url.path)}"  # type: ignore[attr-defined]


def record(directory: str, call: str, seconds: float, status: object = "-") -> None:
    with open(os.path.join(directory, f"{os.getpid()}.tsv"), "a", encoding="utf-8") as out:
        out.write(f"{call}\t{seconds:.6f}\t{time.time() - seconds:.3f}\t{status}\n")


def install(directory: str) -> None:
    import httpx

    sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: object) -> httpx.Response:
        started, status = time.perf_counter(), "error"
        try:
            response = sync_send(self, request, **kwargs)
            status = response.status_code
            return response
        finally:
            record(directory, path_of(request), time.perf_counter() - started, status)

    async def asend(self: httpx.AsyncClient, request: httpx.Request, **kwargs: object) -> httpx.Response:
        started, status = time.perf_counter(), "error"
        try:
            response = await async_send(self, request, **kwargs)
            status = response.status_code
            return response
        finally:
            record(directory, path_of(request), time.perf_counter() - started, status)

    httpx.Client.send = send  # type: ignore[method-assign]
    httpx.AsyncClient.send = asend  # type: ignore[method-assign]


if os.environ.get("BUDGET_ETL_BENCH_CALLS"):
    install(os.environ["BUDGET_ETL_BENCH_CALLS"])
