"""Office originals (.docx / .xlsx) go through the same table pipeline as PDFs and score 100%.

The files are written by the corpus generator from the seed model (the .docx the word-processor
PDF variant is printed from, and a workbook with one sheet per table). The golden is the
word-processor variant's (``<seed>-c.expected.json``) without its page facts: the same document,
so records, ``extra``, units, ``empty_note`` and ``other`` tables must come out identically.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_etl.errors import ExtractError, Reason
from tasks.extract import extract_document
from tasks.extract.readers.xlsx import cell_text, number_text
from tasks.extract.settings import ExtractSettings
from tests.extract.scoring import score_extract

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def _fonts_or_skip() -> None:
    """The generator measures cell text with Debian's CJK fonts (``make system-deps``, run by make test)."""
    from tests.fixtures.generator.render_reportlab import register_fonts

    try:
        register_fonts()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"SKIPPED LOUDLY: the corpus generator's fonts are missing: {exc}")


_FILES: dict[tuple[str, str], bytes] = {}


def office_file(seed: Path, kind: str) -> tuple[bytes, str]:
    _fonts_or_skip()
    from tests.fixtures.generator.build import build_document
    from tests.fixtures.generator.render_sheets import build_office_docx, build_xlsx

    doc = build_document(seed)
    if (doc.seed, "docx") not in _FILES:  # the .xlsx is laid out from the .docx: build that once
        _FILES[doc.seed, "docx"] = build_office_docx(doc)
    if kind == "xlsx" and (doc.seed, kind) not in _FILES:
        _FILES[doc.seed, kind] = build_xlsx(doc, _FILES[doc.seed, "docx"])
    return _FILES[doc.seed, kind], doc.seed


def layout_free_golden(seed: str) -> dict[str, Any]:
    expected = json.loads((CORPUS / f"{seed}-c.expected.json").read_text(encoding="utf-8"))
    expected["document"].update(page_count=0, sha256="", reader="")  # the PDF's page facts and reader
    for table in expected["tables"]:
        table["pages"] = []
    return expected


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_office_original_scores_100_percent(seed: Path, kind: str) -> None:
    data, stem = office_file(seed, kind)
    actual = extract_document(data).to_dict()
    score = score_extract(actual, layout_free_golden(stem))
    assert score.ratio == 1.0, "\n".join(score.mismatches[:20])
    assert actual["document"]["reader"] == kind
    assert actual["document"]["sha256"] and actual["document"]["page_count"] >= 1


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_office_findings_are_the_pdf_findings(kind: str) -> None:
    """Never silent in either reader: what the PDF variant reports, the original reports too."""
    data, stem = office_file(SEEDS[1], kind)
    office = extract_document(data)
    pdf = extract_document(CORPUS / f"{stem}-c.pdf")
    assert [(f.check, f.table) for f in office.findings] == [(f.check, f.table) for f in pdf.findings]
    assert pdf.document.reader == "pdf_text"


def test_an_office_original_also_scores_against_the_seed_golden_records() -> None:
    """The seed-level golden (no pages, any reader) holds for the workbook's records."""
    data, stem = office_file(SEEDS[0], "xlsx")
    actual = extract_document(data).to_dict()
    seed_golden = json.loads((CORPUS / f"{stem}.expected.json").read_text(encoding="utf-8"))
    assert seed_golden["document"]["reader"] == ""
    records_only = {"document": {}, "tables": [
        {"type": t["type"], "title": t["title"], "records": t["records"]} for t in seed_golden["tables"]
    ]}
    score = score_extract(actual, records_only)
    assert score.ratio == 1.0 and score.total > 1000, "\n".join(score.mismatches[:20])


def test_a_legacy_doc_without_libreoffice_says_what_would_read_it() -> None:
    if shutil.which("soffice") or shutil.which("libreoffice"):
        pytest.skip("LibreOffice is installed: a .doc is converted, not refused")
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "WordDocument".encode("utf-16-le") + b"\0" * 512
    with pytest.raises(ExtractError) as caught:
        extract_document(doc)
    assert caught.value.reason == Reason.UNSUPPORTED_FORMAT
    assert "LibreOffice" in caught.value.message and caught.value.evidence["detected"] == "doc"


def test_a_damaged_docx_is_unsupported_format_not_a_traceback() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-xml")
    with pytest.raises(ExtractError) as caught:
        extract_document(buffer.getvalue())
    assert caught.value.reason == Reason.UNSUPPORTED_FORMAT
    assert "damaged" in caught.value.message


def test_a_zip_bomb_is_refused_before_unpacking() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"\0" * 5_000_000)
    settings = ExtractSettings(max_bytes=100_000)
    with pytest.raises(ExtractError) as caught:
        extract_document(buffer.getvalue(), settings=settings)
    assert caught.value.reason == Reason.FILE_TOO_LARGE


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False))
def test_a_number_shows_its_formats_decimals(value: Decimal) -> None:
    assert number_text(float(value), "#,##0.00") == f"{value:.2f}"
    assert Decimal(number_text(float(value), "General")) == value


def test_cell_values_print_as_the_sheet_shows_them() -> None:
    assert cell_text(208, "General") == "208"
    assert cell_text(12.5, "0.00") == "12.50"
    assert cell_text(0.95, "0%") == "95%"
    assert cell_text(None) == ""
