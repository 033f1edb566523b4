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
    return make_engine(database_url)


def repository_for(settings: Settings, *, actor: str = "budget-etl") -> Repository:
    return Repository(engine_for(settings.resolved_database_url()), actor=actor)


def raw_store_for(settings: Settings) -> RawStore:
    return RawStore(settings.resolved_raw_store_url())
