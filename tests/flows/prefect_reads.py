"""Reading what a flow run left in the Prefect API, through the real client (as the UI does)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
)
from prefect.client.schemas.objects import Artifact
from prefect.client.schemas.sorting import ArtifactSort, FlowRunSort, TaskRunSort


def flow_run_id(state: Any) -> UUID:
    return state.state_details.flow_run_id


def read_flow_run(run_id: UUID) -> Any:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id)


def child_flow_runs(run_id: UUID) -> list[Any]:
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run_id])),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            limit=200,
        )


def task_runs(run_id: UUID) -> list[Any]:
    with get_client(sync_client=True) as client:
        return client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
            sort=TaskRunSort.EXPECTED_START_TIME_ASC,
            limit=200,
        )


def _read_artifacts(artifact_filter: ArtifactFilter) -> list[Any]:
    # POST /artifacts/filter as the UI does (the 3.8 sync client sends unset paging as null)
    with get_client(sync_client=True) as client:
        response = client.request(
            "POST",
            "/artifacts/filter",
            json={
                "artifacts": artifact_filter.model_dump(mode="json", exclude_unset=True),
                "sort": ArtifactSort.CREATED_DESC.value,
                "limit": 200,
                "offset": 0,
            },
        )
    return [Artifact.model_validate(item) for item in response.json()]


def artifacts_of(run_id: UUID) -> dict[str, Any]:
    """Artifacts of a run by key."""
    found = _read_artifacts(ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    return {a.key: a for a in found if a.key}


def artifacts_with_key(key: str) -> list[Any]:
    return _read_artifacts(ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
