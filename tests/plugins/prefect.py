"""Prefect API fixtures: ONE real Prefect test server per session, only for tests that ask for it.

``prefect_api`` starts ``prefect.testing.utilities.prefect_test_harness()`` (a real Prefect server
in a subprocess on a temporary SQLite database, ~15 s) the first time a test requests it, and keeps
it for the rest of the session. Task results (the sha256 cache) go to a session temp directory,
never to ``~/.prefect``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API URL of the session's Prefect test server (flows and the client talk to it)."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ.setdefault("PREFECT_HOME", str(home))

    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_LOCAL_STORAGE_PATH,
        PREFECT_LOGGING_TO_API_ENABLED,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    storage = Path(home) / "results"
    with (
        temporary_settings(
            updates={PREFECT_LOCAL_STORAGE_PATH: storage, PREFECT_LOGGING_TO_API_ENABLED: False}
        ),
        prefect_test_harness(server_startup_timeout=120),
    ):
        yield str(PREFECT_API_URL.value())
