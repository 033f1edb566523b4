"""Apply ``deployments/prefect.yaml`` to a Prefect server through the API (``budget-etl deploy``).

``prefect deploy --prefect-file deployments/prefect.yaml`` is the standard way. With the pinned
Prefect 3.8 server under FastAPI 0.154 the CLI creates the first deployment and then fails on a
follow-up request (it sends ``"limit": null``, which that server rejects), so this reads the same
file and creates every deployment with the client calls the CLI would make, plus the work pool
when it is missing. The YAML stays the single description of the deployments.

The run form shows only the flow's own parameters (no ``settings``: flows read them from the
worker's environment) with their docstring descriptions, and the server enforces that schema:
a run that passes any other parameter is rejected before it reaches a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml


@dataclass(frozen=True)
class AppliedDeployment:
    name: str  # "<flow name>/<deployment name>", as the UI and `prefect deployment run` show it
    id: UUID
    work_pool: str | None
    schedules: tuple[str, ...]


def read_prefect_file(path: Path) -> dict[str, Any]:
    config = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(config, dict) or not config.get("deployments"):
        raise ValueError(f"{path} has no deployments")
    return config


def form_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The deployment's parameter schema, closed: a parameter the form does not show is refused."""
    return {**schema, "additionalProperties": False}


def apply_prefect_file(
    path: Path, *, project_root: Path, names: list[str] | None = None
) -> list[AppliedDeployment]:
    """Create or update the deployments in ``path`` (all, or those named) on the current Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate, WorkPoolCreate
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.exceptions import ObjectNotFound
    from prefect.flows import load_flow_from_entrypoint
    from prefect.utilities.callables import parameter_schema

    config = read_prefect_file(path)
    selected = [d for d in config["deployments"] if not names or d["name"] in names]
    applied: list[AppliedDeployment] = []
    with get_client(sync_client=True) as client:
        for spec in selected:
            flow = load_flow_from_entrypoint(str(project_root / spec["entrypoint"]))
            pool = spec.get("work_pool") or {}
            if pool.get("name"):
                try:
                    client.read_work_pool(pool["name"])
                except ObjectNotFound:
                    client.create_work_pool(WorkPoolCreate(name=pool["name"], type="process"))
            schedules = [
                DeploymentScheduleCreate(
                    schedule=CronSchedule(cron=s["cron"], timezone=s.get("timezone")),
                    active=s.get("active", True),
                )
                for s in spec.get("schedules") or []
            ]
            deployment_id = client.create_deployment(
                flow_id=client.create_flow_from_name(flow.name),
                name=spec["name"],
                entrypoint=spec["entrypoint"],
                description=spec.get("description"),
                tags=spec.get("tags") or [],
                parameters=spec.get("parameters") or {},
                parameter_openapi_schema=form_schema(parameter_schema(flow.fn).model_dump_for_openapi()),
                enforce_parameter_schema=True,
                schedules=schedules,
                concurrency_limit=spec.get("concurrency_limit"),
                work_pool_name=pool.get("name"),
                work_queue_name=pool.get("work_queue_name"),
                job_variables=pool.get("job_variables") or {},
                pull_steps=spec.get("pull", config.get("pull")),
            )
            crons = tuple(f"{s['cron']} ({s.get('timezone', 'UTC')})" for s in spec.get("schedules") or [])
            applied.append(
                AppliedDeployment(
                    name=f"{flow.name}/{spec['name']}", id=deployment_id, work_pool=pool.get("name"),
                    schedules=crons,
                )
            )
    return applied
