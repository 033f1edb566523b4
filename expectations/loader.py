"""Load the versioned GX expectation suites (``expectations/suites/<table type>.json``) without a network.

The JSON files are the source of truth, reviewed like code; this module only reads them and
builds ``great_expectations.ExpectationSuite`` objects. Each expectation's ``meta`` carries the
finding it produces: ``check`` (stable slug), ``severity``, ``message`` and the ``field`` it blames.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing GX takes seconds; only building a suite needs it
    import great_expectations as gx

SUITES_PACKAGE = "expectations"
SUITES_DIR = "suites"


def suite_names() -> list[str]:
    """The table types (and ``project_indicators``) that have a suite."""
    folder = resources.files(SUITES_PACKAGE).joinpath(SUITES_DIR)
    return sorted(p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))


@cache
def load_suite_json(name: str) -> dict[str, Any]:
    """The suite's JSON as a dict; raises FileNotFoundError for a table type without a suite."""
    path = resources.files(SUITES_PACKAGE).joinpath(SUITES_DIR, f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def build_suite(name: str) -> gx.ExpectationSuite:
    """A fresh ExpectationSuite from the JSON file (GX mutates suites it validates; never share one)."""
    import great_expectations as gx

    data = load_suite_json(name)
    return gx.ExpectationSuite(
        name=data["name"], meta=data.get("meta", {}), expectations=data["expectations"]
    )
