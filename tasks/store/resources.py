"""The side-effect objects a run needs (database repository, raw store), built once per process.

Tasks receive only plain ``Settings``; they get their repository and raw store here, so a
worker opens one connection pool per database URL however many tasks it runs.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from budget_etl.settings import Settings
from storage.engine import make_engine
from storage.raw_store import RawStore
from storage.repository import Repository


@lru_cache(maxsize=8)
def engine_for(database_url: str) -> Engine:
    """One engine (connection pool) per database URL per process, however many tasks use it."""
    return make_engine(database_url)


def repository_for(settings: Settings, *, actor: str = "budget-etl") -> Repository:
    """A repository on the run's database, sharing the process's engine for that URL."""
    return Repository(engine_for(settings.resolved_database_url()), actor=actor)


def raw_store_for(settings: Settings) -> RawStore:
    """The raw store the run's settings name (default: ``DATA_DIR/raw``)."""
    return RawStore(settings.resolved_raw_store_url())
