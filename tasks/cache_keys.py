"""Cache keys that change when the code or the settings that produced a result change.

Keying cached extract/validate results by sha256 + ``__version__`` reused month-old results
across 160 commits, because the version never moved. A result depends on three things: the
input, the code of the stage (and of the contract it fills), and the stage's settings. The
code part is a digest of the source files of the packages involved — any edit to an extractor
step or a vocabulary file gives a new key — computed once per process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

#: what the source digest reads: Python code and vocabulary/suite data, nothing generated
_SOURCE_SUFFIXES = (".py", ".yaml", ".yml", ".json")


@lru_cache(maxsize=16)
def code_digest(*modules: str) -> str:
    """A short digest of every source file of the given packages/modules (sorted, content only)."""
    digest = hashlib.sha256()
    for name in sorted(modules):
        for path in _source_files(name):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _source_files(module_name: str) -> list[Path]:
    module = importlib.import_module(module_name)
    origin = Path(module.__file__ or "")
    if origin.name != "__init__.py":
        return [origin]
    return sorted(
        p for p in origin.parent.rglob("*")
        if p.suffix in _SOURCE_SUFFIXES and p.is_file() and "__pycache__" not in p.parts
    )


def settings_digest(settings: Any) -> str:
    """A short digest of a settings object (dataclass or pydantic model), stable across processes."""
    if dataclasses.is_dataclass(settings) and not isinstance(settings, type):
        values = dataclasses.asdict(settings)
    elif hasattr(settings, "model_dump"):
        values = settings.model_dump(mode="json")
    else:
        values = vars(settings)
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
