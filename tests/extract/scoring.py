"""Field-by-field accuracy of an ``extract`` JSON against its expected (golden) JSON.

Rules (the accuracy contract of the issue): every leaf present in the expected JSON is one
point; text is compared with all whitespace removed; numbers match within 0.005; ``null``
only equals ``null``; tables are matched in document order *by type* (the n-th table of a
type against the n-th of that type), records by position, indicators by position. A
missing table or record costs every expected leaf inside it. ``sha256`` and
``page_count`` are skipped when the expected file leaves them empty (seed-level goldens).
A table's ``unit`` and ``empty_note`` are compared when the golden gives them; keys of the
golden outside ``document`` and ``tables`` (such as ``_notes``) are never compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

TOLERANCE = Decimal("0.005")
_WS = re.compile(r"\s+")
_MISSING = object()
_OPTIONAL_TABLE_KEYS = ("unit", "empty_note")


@dataclass
class Score:
    matched: int = 0
    total: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.matched / self.total if self.total else 1.0

    def hit(self) -> None:
        self.matched += 1
        self.total += 1

    def miss(self, path: str, expected: Any, actual: Any) -> None:
        self.total += 1
        self.mismatches.append(f"{path}: expected {expected!r}, got {actual!r}")


def score_extract(actual: dict[str, Any], expected: dict[str, Any]) -> Score:
    score = Score()
    doc_expected = dict(expected.get("document", {}))
    if not doc_expected.get("sha256"):
        doc_expected.pop("sha256", None)
    if not doc_expected.get("page_count"):
        doc_expected.pop("page_count", None)
    if not doc_expected.get("reader"):  # a seed-level golden holds for every reader
        doc_expected.pop("reader", None)
    doc_expected.pop("source_url", None)
    compare(doc_expected, actual.get("document", {}), "document", score)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for table in actual.get("tables", []):
        by_type.setdefault(table["type"], []).append(table)
    seen: dict[str, int] = {}
    for table in expected.get("tables", []):
        kind = table["type"]
        index = seen.get(kind, 0)
        seen[kind] = index + 1
        candidates = by_type.get(kind, [])
        path = f"tables[{kind}#{index}]"
        other = candidates[index] if index < len(candidates) else _MISSING
        actual_leaves = _table_leaves(other, table) if other is not _MISSING else _MISSING
        compare(_table_leaves(table), actual_leaves, path, score)
    for kind, tables in by_type.items():
        if len(tables) > seen.get(kind, 0):
            score.miss(f"tables[{kind}]", f"{seen.get(kind, 0)} tables", f"{len(tables)} tables")
    return score


def _table_leaves(table: dict[str, Any], keys: dict[str, Any] | None = None) -> dict[str, Any]:
    """A table's comparable content; empty ``pages`` in a seed-level golden is not compared.

    ``unit`` and ``empty_note`` count only where the golden states them (``keys`` is the
    expected table): the real-document goldens do, the older synthetic ones do not.
    """
    out = {"title": table.get("title"), "records": table.get("records", [])}
    if table.get("pages"):
        out["pages"] = table["pages"]
    for key in _OPTIONAL_TABLE_KEYS:
        if key in (keys if keys is not None else table):
            out[key] = table.get(key)
    return out


def compare(expected: Any, actual: Any, path: str, score: Score) -> None:
    if isinstance(expected, dict):
        for key, value in expected.items():
            sub = actual.get(key, _MISSING) if isinstance(actual, dict) else _MISSING
            compare(value, sub, f"{path}.{key}", score)
        return
    if isinstance(expected, list):
        if not expected:
            if actual is _MISSING or not isinstance(actual, list) or actual:
                score.miss(path, expected, None if actual is _MISSING else actual)
            else:
                score.hit()
            return
        items = actual if isinstance(actual, list) else []
        for i, value in enumerate(expected):
            compare(value, items[i] if i < len(items) else _MISSING, f"{path}[{i}]", score)
        if isinstance(actual, list) and len(actual) > len(expected):
            score.miss(f"{path}[{len(expected)}:]", "no more items", f"{len(actual) - len(expected)} extra")
        return
    if leaf_equal(expected, actual):
        score.hit()
    else:
        score.miss(path, expected, None if actual is _MISSING else actual)


def leaf_equal(expected: Any, actual: Any) -> bool:
    if actual is _MISSING:
        return False
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, int | float | Decimal):
        if not isinstance(actual, int | float | Decimal):
            return False
        return abs(Decimal(str(expected)) - Decimal(str(actual))) <= TOLERANCE
    if isinstance(expected, str):
        return isinstance(actual, str) and _WS.sub("", expected) == _WS.sub("", actual)
    return bool(expected == actual)
