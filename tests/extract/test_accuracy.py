"""Accuracy: every corpus PDF's ``extract`` output scores 100% against its expected JSON.

Each PDF is extracted once per session (the suite has a 15-minute budget on 2 cores).
On failure the first mismatches are printed with their JSON paths.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tasks.extract import extract_document
from tests.extract.scoring import score_extract

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
INDEX = CORPUS / "index.json"


def corpus_stems() -> list[str]:
    if not INDEX.exists():
        return []
    entries = json.loads(INDEX.read_text(encoding="utf-8"))
    items = entries.get("documents", entries) if isinstance(entries, dict) else entries
    return [item["stem"] if isinstance(item, dict) else str(item) for item in items]


_CACHE: dict[str, dict[str, Any]] = {}


def extracted(stem: str) -> dict[str, Any]:
    if stem not in _CACHE:
        _CACHE[stem] = extract_document(CORPUS / f"{stem}.pdf").to_dict()
    return _CACHE[stem]


def test_the_corpus_is_present() -> None:
    stems = corpus_stems()
    assert stems, f"no corpus index at {INDEX}"
    assert all((CORPUS / f"{s}.pdf").exists() and (CORPUS / f"{s}.expected.json").exists() for s in stems)


@pytest.mark.parametrize("stem", corpus_stems())
def test_extract_scores_100_percent(stem: str) -> None:
    expected = json.loads((CORPUS / f"{stem}.expected.json").read_text(encoding="utf-8"))
    score = score_extract(extracted(stem), expected)
    shown = "\n  ".join(score.mismatches[:25])
    assert score.matched == score.total, (
        f"{stem}: {score.matched}/{score.total} fields ({score.ratio:.2%}); first mismatches:\n  {shown}"
    )
