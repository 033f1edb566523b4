"""Runtime settings, read from the environment with the ``BUDGET_ETL_`` prefix.

One place for every tunable that is not an extraction heuristic (those live in
``tasks.extract.settings.ExtractSettings``). Paths default to a ``data/`` directory under
the working directory so a fresh clone needs no configuration at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BUDGET_ETL_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Root of the SQLite file, raw files, reports.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in data_dir.")
    raw_store_url: str | None = Field(
        default=None, description="Local path or fsspec URL of the content-addressed raw store."
    )
    reports_dir: Path | None = Field(default=None, description="Where HTML validation reports are written.")

    # fetch
    http_timeout_s: float = Field(default=30.0, gt=0)
    http_retries: int = Field(default=3, ge=0, description="Retries for transient HTTP failures only.")
    http_backoff_s: float = Field(default=1.0, ge=0, description="First back-off; doubles per retry.")
    http_max_redirects: int = Field(default=5, ge=0)
    max_download_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    user_agent: str = "budget-etl/0.1 (+https://github.com/budget-etl/budget-etl)"
    per_host_concurrency: int = Field(default=2, ge=1)
    per_host_requests_per_s: float = Field(
        default=1.0, gt=0, description="Politeness: sustained request rate per host (a Prefect rate limit)."
    )
    http_retry_after_max_s: float = Field(
        default=60.0, ge=0, description="Cap on a server's Retry-After so one host cannot stall a batch."
    )
    politeness_timeout_s: float = Field(
        default=600.0, gt=0, description="Longest wait for a per-host slot before fetching anyway."
    )
    # fetch: hostile servers (issue 11)
    http_deadline_s: float = Field(
        default=300.0, gt=0, description="Total time one HTTP request may take, headers and body together."
    )
    fetch_deadline_s: float = Field(
        default=900.0, gt=0, description="Total time for one document, all attempts and back-offs included."
    )
    http_min_rate_bytes_s: float = Field(
        default=1024.0, ge=0, description="A body slower than this (on average, after the grace) is dropped."
    )
    http_min_rate_grace_s: float = Field(
        default=10.0, ge=0, description="Slow start allowed before the minimum rate counts."
    )
    http_allow_private_hosts: bool = Field(
        default=False,
        description="Allow fetching from loopback/private/link-local addresses (tests on 127.0.0.1 only).",
    )
    # discovery (issue 17): how far one run walks a publisher's site
    discovery_max_pages: int = Field(
        default=30, ge=1, description="Pages (listing, 下一页, article, iframe) read per listing per run."
    )
    discovery_max_depth: int = Field(
        default=3, ge=0, description="Links followed from a listing: article = 1, an iframe in it = 2 …"
    )
    discovery_max_crawl_delay_s: float = Field(
        default=30.0, ge=0, description="Cap on a robots.txt Crawl-delay honoured between page fetches."
    )
    obey_robots_txt: bool = Field(default=True, description="Honour robots.txt Allow/Disallow, Crawl-delay.")
    browser_executable: Path = Field(
        default=Path("/usr/bin/chromium"), description="Chromium for render: browser listings (Debian's)."
    )

    # orchestration (Prefect)
    sources_file: Path = Field(default=Path("deployments/sources.yaml"), description="Publishers to ingest.")
    task_retries: int = Field(default=2, ge=0, description="Prefect task retries, transient failures only.")
    task_retry_delay_s: float = Field(default=10.0, ge=0)
    cache_expiration_days: float = Field(
        default=30.0, gt=0, description="How long finished per-file work (keyed by sha256) is reused."
    )
    runner: Literal["sequential", "processes", "deployment"] = Field(
        default="sequential",
        description=(
            "How a batch processes its documents (issue 12): one after another in this process; "
            "`processes`: `runner_workers` at once on this machine (Prefect's process-pool task runner); "
            "`deployment`: documents in batches of `runner_batch_size` as runs of `batch_deployment`, "
            "so every worker of the pool takes a share."
        ),
    )
    runner_workers: int = Field(
        default=2, ge=1,
        description="Documents in flight at once (process pool size), or batch runs awaited (`deployment`).",
    )
    runner_batch_size: int = Field(
        default=16, ge=1,
        description="Documents per `batch_deployment` run (`deployment`): start-up paid once per batch.",
    )
    prefect_retention_days: float = Field(
        default=30.0, gt=0,
        description="prune-history deletes Prefect runs, artifacts and result files older than this.",
    )
    batch_deployment: str = Field(
        default="process-documents/batch",
        description="The deployment `runner=deployment` starts per batch (flow/deployment name).",
    )
    demo_port: int = Field(
        default=8765, ge=0, le=65535,
        description="Port of the demo's local publisher (stable URLs make the second demo run a no-op).",
    )
    review_base_url: str | None = Field(
        default=None,
        description="Base URL of the review web app (budget-etl serve); artifacts link to <base>/items/<id>.",
    )
    review_token: SecretStr | None = Field(
        default=None,
        description="Operator token for review actions in the web app (none: read-only, loopback only).",
    )

    # extraction limits (protect the worker from huge files)
    max_pages: int = Field(default=1000, gt=0)
    extract_memory_mb: int = Field(
        default=2048, ge=64, description="Address-space limit of the extraction child (resource_limit)."
    )
    extract_timeout_s: float = Field(
        default=300.0, gt=0, description="Wall-clock limit for extracting one document (resource_limit)."
    )
    extract_isolated: bool = Field(
        default=True, description="Extract in a child process under the memory and time limits above."
    )

    # database
    db_busy_timeout_ms: int = Field(
        default=30_000, ge=0, description="SQLite: how long a writer waits for another writer's lock."
    )
    db_connect_timeout_s: int = Field(
        default=10, gt=0, description="PostgreSQL: give up connecting after this long (a clear error)."
    )
    db_write_attempts: int = Field(
        default=3, ge=1, description="Tries of one write (document, schema upgrade) on a collision."
    )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'budget_etl.db').resolve()}"

    def resolved_raw_store_url(self) -> str:
        return self.raw_store_url or str((self.data_dir / "raw").resolve())

    def resolved_reports_dir(self) -> Path:
        return (self.reports_dir or self.data_dir / "reports").resolve()


_scoped: ContextVar[Settings | None] = ContextVar("budget_etl_settings", default=None)


@lru_cache(maxsize=1)
def _from_environment() -> Settings:
    return Settings()


def get_settings() -> Settings:
    """The settings in force: those of an enclosing ``use_settings`` block, else the environment's.

    Flows take no ``settings`` parameter (a deployment's run form must not override the worker's
    database URL), so they read them here; in-process callers (CLI, demo, tests) scope theirs.
    """
    scoped = _scoped.get()
    return scoped if scoped is not None else _from_environment()


get_settings.cache_clear = _from_environment.cache_clear  # type: ignore[attr-defined]


@contextmanager
def use_settings(settings: Settings) -> Iterator[Settings]:
    """Run the enclosed flows with ``settings`` instead of the environment's (context-local)."""
    token = _scoped.set(settings)
    try:
        yield settings
    finally:
        _scoped.reset(token)
