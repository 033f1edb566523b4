"""Vocabulary as data: the wordings documents use, kept beside the contract.

Table-title variants, header synonyms, form labels and the target grammar's words are
knowledge about the document family, not code. Each lives in a YAML file in this folder
(one file per area, named for what it describes) and is read through :func:`load`, so adding
a province's wording is a data change plus a golden file, never a new branch.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """The parsed contents of ``budget_etl/vocabulary/<name>.yaml`` (read once per process)."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
