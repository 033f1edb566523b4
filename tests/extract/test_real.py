"""Real published PDFs: every budget file scores 100% against a golden read off its pages.

The goldens (``tests/fixtures/real/<stem>.expected.json``) were written by reading the
rendered pages, never from the extractor's output (see ``tests/fixtures/real/README.md``).
Three kinds of file, told apart by MANIFEST.md and the golden itself:

* budget files with tables: ``extract`` must score 100% (every table, row and number);
* narrative-only files (the explanation published without its tables): a document with
  ``narrative_only`` true, the right metadata and no tables — a normal outcome, not an error;
* 决算 final accounts with a golden: scored like budget files, against the 决算 types;
* 决算 files without a golden (the blank template): extraction ends with a reason of its own —
  not ``no_budget_tables`` and not a crash.

``tests/fixtures/real/pending.txt`` lists the files the extractor does not read yet (or whose
golden is not written yet); each is a strict xfail, so a file that starts passing fails the
suite until it is taken off the list. The list only ever shrinks.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from budget_etl.contract import FINAL_ACCOUNTS_KIND, FINAL_TABLE_TYPES, OTHER_TABLE, TABLE_TYPES
from budget_etl.errors import ExtractError, Reason
from tasks.extract import DocumentExtractor
from tests.extract.scoring import score_extract

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
MANIFEST = REAL / "MANIFEST.md"
PENDING = REAL / "pending.txt"

#: record keys a golden may use beside the type's dictionary fields
_RECORD_EXTRAS = {"extra", "group"}
_DOCUMENT_KEYS = {
    "kind", "department_code", "department_name", "budget_year", "scope", "unit",
    "narrative_only", "page_count", "sha256",
}


def manifest_rows() -> list[dict[str, str]]:
    """The MANIFEST table as dicts (file, kind, scope, department, year, content, …)."""
    lines = [ln for ln in MANIFEST.read_text(encoding="utf-8").splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


def stems(kind: str) -> list[str]:
    """``budget`` or ``final`` stems from MANIFEST's kind column."""
    out = []
    for row in manifest_rows():
        is_final = "决算" in row["kind"] or row["kind"].startswith("final")
        if (kind == "final") == is_final:
            out.append(row["file"].removesuffix(".pdf"))
    return out


def pending() -> dict[str, str]:
    """``stem → reason`` from pending.txt (``stem  reason…`` per line, ``#`` comments)."""
    if not PENDING.exists():
        return {}
    out = {}
    for line in PENDING.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            stem, _, reason = line.partition(" ")
            out[stem] = reason.strip() or "not read yet"
    return out


def params(kind: str, with_golden: bool | None = None) -> list[Any]:
    """Stems of a kind as test parameters (pending ones strict xfail); ``with_golden`` keeps only
    the files that have (True) or lack (False) a golden."""
    waiting = pending()
    return [
        pytest.param(
            stem,
            marks=[pytest.mark.xfail(strict=True, reason=waiting[stem])] if stem in waiting else [],
            id=stem,
        )
        for stem in stems(kind)
        if with_golden is None or golden_path(stem).exists() == with_golden
    ]


def golden_path(stem: str) -> Path:
    return REAL / f"{stem}.expected.json"


def golden(stem: str) -> dict[str, Any]:
    path = golden_path(stem)
    if not path.exists():
        pytest.fail(f"{stem}: no golden {path.name} (write it from the pages, or list it in pending.txt)")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def extracted(stem: str) -> dict[str, Any]:
    """One extraction per file per session (real files are 12–33 pages)."""
    return DocumentExtractor().extract(REAL / f"{stem}.pdf").to_dict()


def test_manifest_lists_every_real_pdf() -> None:
    listed = {row["file"] for row in manifest_rows()}
    assert listed == {p.name for p in REAL.glob("*.pdf")}
    assert stems("final"), "MANIFEST names no 决算 file"


def test_pending_names_only_real_files() -> None:
    unknown = set(pending()) - {p.stem for p in REAL.glob("*.pdf")}
    assert not unknown, f"pending.txt names files that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("path", sorted(REAL.glob("*.expected.json")), ids=lambda p: p.name)
def test_golden_is_well_formed(path: Path) -> None:
    """A golden speaks the dictionary: its file's hash and pages, known slugs, known fields."""
    data = json.loads(path.read_text(encoding="utf-8"))
    pdf = REAL / path.name.replace(".expected.json", ".pdf")
    doc = data["document"]
    assert set(doc) == _DOCUMENT_KEYS, set(doc) ^ _DOCUMENT_KEYS
    assert doc["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert doc["page_count"] == _page_count(pdf)
    assert doc["narrative_only"] == (not data["tables"])
    types = FINAL_TABLE_TYPES if doc["kind"] == FINAL_ACCOUNTS_KIND else TABLE_TYPES  # 决算: own types
    last_page = 0
    for table in data["tables"]:
        where = f"{path.name} {table['type']} {table['title']!r}"
        assert table["type"] in types or table["type"] == OTHER_TABLE, where
        assert table["title"] and table["pages"] and table["unit"], where
        assert table["pages"][0] >= last_page, f"{where}: tables out of document order"
        last_page = table["pages"][0]
        if not table["records"]:  # printed empty: the note as printed, or null when none is printed
            assert "empty_note" in table, f"{where}: an empty table must say whether a note is printed"
        allowed = {"cells"} if table["type"] == OTHER_TABLE else set(types[table["type"]].fields)
        for record in table["records"]:
            unknown = set(record) - allowed - _RECORD_EXTRAS
            assert not unknown, f"{where}: fields outside the dictionary {sorted(unknown)}"


@pytest.mark.parametrize("path", sorted(REAL.glob("*.expected.json")), ids=lambda p: p.name)
def test_golden_numbers_are_printed_on_their_pages(path: Path) -> None:
    """Every amount of a golden table is printed on one of the table's pages (a transcription typo
    or a wrong page list fails here); read from the PDF's own text, not from the extractor."""
    data = json.loads(path.read_text(encoding="utf-8"))
    pdf_path = REAL / path.name.replace(".expected.json", ".pdf")
    with pdfplumber.open(pdf_path) as pdf:
        texts = {n: (page.extract_text() or "").replace(" ", "") for n, page in enumerate(pdf.pages, 1)}
    missing = []
    for table in data["tables"]:
        text = "".join(texts[n] for n in table["pages"])
        for value in _amounts(table["records"]):
            if not any(form in text for form in _printed_forms(value)):
                missing.append(f"{table['title']} {table['pages']}: {value}")
    assert not missing, missing[:10]


def _amounts(value: Any) -> list[float]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [a for k, v in value.items() if k != "line_no" for a in _amounts(v)]
    if isinstance(value, list):
        return [a for v in value for a in _amounts(v)]
    return []


def _printed_forms(value: float) -> set[str]:
    """How an amount may be printed: with or without thousands separators, 0-2 decimals."""
    forms = {f"{value:,.2f}", f"{value:.2f}", f"{value:,.1f}", f"{value:.1f}"}
    if float(value).is_integer():
        forms |= {f"{int(value):,}", str(int(value))}
    return forms


def _page_count(pdf: Path) -> int:
    with pdfplumber.open(pdf) as opened:
        return len(opened.pages)


@pytest.mark.parametrize("stem", params("budget"))
def test_real_budget_scores_100_percent(stem: str) -> None:
    expected = golden(stem)
    actual = extracted(stem)
    score = score_extract(actual, expected)
    shown = "\n  ".join(score.mismatches[:25])
    assert score.matched == score.total, (
        f"{stem}: {score.matched}/{score.total} fields ({score.ratio:.2%}); first mismatches:\n  {shown}"
    )
    if expected["document"]["narrative_only"]:
        assert actual["document"]["narrative_only"] is True
        assert actual["tables"] == [], f"{stem}: a narrative-only file came out with tables"


@pytest.mark.parametrize("stem", params("final", with_golden=True))
def test_real_final_accounts_score_100_percent(stem: str) -> None:
    """A 决算 file with a golden read off its pages is scored like a budget file (issue 15)."""
    expected = golden(stem)
    score = score_extract(extracted(stem), expected)
    shown = "\n  ".join(score.mismatches[:25])
    assert score.matched == score.total, (
        f"{stem}: {score.matched}/{score.total} fields ({score.ratio:.2%}); first mismatches:\n  {shown}"
    )


@pytest.mark.parametrize("stem", params("final", with_golden=False))
def test_final_accounts_end_with_their_own_reason(stem: str) -> None:
    """决算 files without a golden are recognisably budget documents, so the reason must say what they are."""
    with pytest.raises(ExtractError) as caught:
        DocumentExtractor().extract(REAL / f"{stem}.pdf")
    reason = caught.value.reason
    assert reason not in (Reason.NO_BUDGET_TABLES, Reason.UNEXPECTED_ERROR), str(caught.value)
    if "template" in next(r["kind"] for r in manifest_rows() if r["file"] == f"{stem}.pdf"):
        # a blank template (XX局 …) is never data, whatever kind it is a template of (issue 15)
        assert reason is Reason.TEMPLATE_DOCUMENT, f"{stem}: ended with {reason.value!r}"
        return
    assert "final" in reason.value, f"{stem}: ended with {reason.value!r}, not a final-accounts reason"
