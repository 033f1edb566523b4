"""``prune-history``: keep the Prefect database and result storage bounded (issue 12).

Every document leaves a ``process-document`` flow run, its task runs, logs and artifacts in
Prefect's database, and its cached extraction/validation results in Prefect's result storage.
At national volume that is tens of GB a day, so runs that ended more than
``Settings.prefect_retention_days`` ago are deleted (their task runs go with them), with their
artifacts — except an artifact that is still the latest of its key (an open review item's
report, the review queue), which the UI keeps showing — and result files older than the cut-off.
Budget data lives in budget-etl's own database and is never touched here.

Prefect 3.8's server can also do the run part itself (``PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED
=events,flow_runs`` with ``..._RETENTION_PERIOD``); that vacuum also deletes orphaned artifacts,
open items' reports included, and leaves result files alone — hence this flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prefect import flow

from budget_etl.settings import get_settings

#: runs read (and deleted) per API page
PAGE = 200


@dataclass(frozen=True)
class Pruned:
    """What one pruning removed."""

    flow_runs: int
    artifacts: int
    result_files: int


def prune_runs(client: Any, cutoff: datetime) -> tuple[int, int]:
    """Delete finished flow runs that ended before ``cutoff``, and their artifacts (not a key's latest)."""
    from prefect.client.schemas.filters import (
        ArtifactCollectionFilter,
        ArtifactCollectionFilterLatestId,
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterEndTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    finished = [StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED]
    old = FlowRunFilter(
        end_time=FlowRunFilterEndTime(before_=cutoff),
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=finished)),
    )
    runs_deleted = artifacts_deleted = 0
    while runs := client.read_flow_runs(flow_run_filter=old, sort=FlowRunSort.ID_DESC, limit=PAGE):
        ids = [run.id for run in runs]
        artifacts = read_filtered(client, "/artifacts/filter", {
            "artifacts": ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=ids)),
        })
        latest = {c["latest_id"] for c in read_filtered(client, "/artifacts/latest/filter", {
            "artifacts": ArtifactCollectionFilter(
                latest_id=ArtifactCollectionFilterLatestId(any_=[a["id"] for a in artifacts])),
        })} if artifacts else set()
        for artifact in artifacts:
            if artifact["id"] not in latest:
                client.delete_artifact(artifact["id"])
                artifacts_deleted += 1
        for run_id in ids:
            client.delete_flow_run(run_id)
        runs_deleted += len(ids)
    return runs_deleted, artifacts_deleted


def read_filtered(client: Any, path: str, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """POST a ``/…/filter`` read with explicit paging (the 3.8 sync client sends unset paging as null)."""
    found: list[dict[str, Any]] = []
    while True:
        body = {k: v.model_dump(mode="json", exclude_unset=True) for k, v in filters.items()}
        page = client.request("POST", path, json={**body, "limit": PAGE, "offset": len(found)}).json()
        found.extend(page)
        if len(page) < PAGE:
            return found


def prune_result_files(storage: Path, cutoff: datetime) -> int:
    """Delete result/cache-record files last written before ``cutoff`` (a missing directory is empty)."""
    if not storage.is_dir():
        return 0
    limit = cutoff.timestamp()
    removed = 0
    for path in storage.rglob("*"):
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def prune_history_before(cutoff: datetime, storage: Path | None = None) -> Pruned:
    """Prune runs, artifacts and result files older than ``cutoff`` (the plain function of the flow)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH

    with get_client(sync_client=True) as client:
        runs, artifacts = prune_runs(client, cutoff)
    files = prune_result_files(Path(storage or PREFECT_LOCAL_STORAGE_PATH.value()).expanduser(), cutoff)
    return Pruned(flow_runs=runs, artifacts=artifacts, result_files=files)


@flow(name="prune-history")
def prune_history(older_than_days: float | None = None) -> Pruned:
    """Delete Prefect runs, artifacts and result files older than the retention period.

    Args:
        older_than_days: keep this many days (default: BUDGET_ETL_PREFECT_RETENTION_DAYS, 30).
    """
    days = older_than_days if older_than_days is not None else get_settings().prefect_retention_days
    cutoff = datetime.now(UTC) - timedelta(days=days)
    return prune_history_before(cutoff)  # this run has not ended: never its own victim
