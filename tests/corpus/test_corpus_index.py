"""The committed corpus is complete, consistent with the data dictionary and with its own PDFs."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from budget_etl.contract import DOCUMENT_KINDS, INDICATOR_FIELDS, TABLE_TYPES, TARGET_OPS
from tests.fixtures.generator.text import squash

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
INDEX = json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))["documents"]
STEMS = [entry["stem"] for entry in INDEX]


def golden(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="module")
def page_texts() -> dict[str, list[str]]:
    """Every page's text of every corpus PDF, read once by PDFium: another PDF engine than the
    extractor's (pdfminer under pdfplumber), and 40× faster for plain text (0.1 s against 3.8 s
    for 44 pages here), which kept this module's set-up at half a minute of the suite."""
    texts: dict[str, list[str]] = {}
    for stem in STEMS:
        pdf = pdfium.PdfDocument(str(CORPUS / f"{stem}.pdf"))
        try:
            texts[stem] = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
        finally:
            pdf.close()
    return texts


def test_every_index_entry_has_its_pdf_and_golden_file() -> None:
    assert len(STEMS) == len(set(STEMS))
    for entry in INDEX:
        assert (CORPUS / f"{entry['stem']}.pdf").is_file()
        assert (CORPUS / f"{entry['stem']}.expected.json").is_file()
        assert (CORPUS / f"{entry['seed']}.expected.json").is_file()
        assert (CORPUS.parents[2] / entry["seed_file"]).is_file()
        assert entry["kind"] in DOCUMENT_KINDS


def test_every_pdf_in_the_corpus_is_indexed() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.pdf")) == sorted(STEMS)


def test_index_covers_both_kinds_with_at_least_two_layouts_per_seed() -> None:
    by_seed: dict[str, set[str]] = {}
    for entry in INDEX:
        by_seed.setdefault(entry["seed"], set()).add(entry["variant"])
    assert {e["kind"] for e in INDEX} == set(DOCUMENT_KINDS)
    assert all(len(variants) >= 2 for variants in by_seed.values()), by_seed


def _check_record(slug: str, record: dict[str, Any]) -> None:
    table_type = TABLE_TYPES[slug]
    assert set(record) == set(table_type.fields), (slug, sorted(record))
    for name in table_type.amount_fields:
        assert record[name] is None or isinstance(record[name], (int, Decimal)), (slug, name, record[name])
    if "line_no" in record:
        assert isinstance(record["line_no"], int) and record["line_no"] >= 1
    if "side" in record:
        assert record["side"] in ("revenue", "expenditure")
    if "code" in record and record["code"] is not None:
        assert record["code"].isdigit() and len(record["code"]) in (3, 5, 7), record
    if slug == "project_performance":
        assert record["project_code"] and not any(ch.isspace() for ch in record["project_code"])
        assert record["indicators"], record["title"]
        for indicator in record["indicators"]:
            assert set(indicator) == set(INDICATOR_FIELDS)
            assert indicator["level1"], indicator
            assert indicator["target_op"] in (None, *TARGET_OPS)
            if indicator["target_op"] is None:
                assert indicator["target_value"] is None and indicator["target_unit"] is None
            assert (indicator["target_max"] is not None) == (indicator["target_op"] == "between")


@pytest.mark.parametrize("name", sorted({e["seed"] for e in INDEX}) + STEMS)
def test_golden_file_follows_the_data_dictionary(name: str) -> None:
    data = golden(name)
    assert set(data) == {"document", "tables", "findings"}  # the extract JSON's three keys
    assert data["findings"] == []  # the seeds print nothing the extractor cannot read
    doc = data["document"]
    assert doc["kind"] in DOCUMENT_KINDS
    assert isinstance(doc["budget_year"], int) and doc["unit"] == "万元"
    assert doc["department_name"] and " " not in doc["department_name"]
    for table in data["tables"]:
        assert table["type"] in TABLE_TYPES
        assert (
            TABLE_TYPES[table["type"]].title in squash(table["title"])
            or table["type"] == "project_performance"
        )
        for record in table["records"]:
            _check_record(table["type"], record)


@pytest.mark.parametrize("stem", STEMS)
def test_variant_golden_differs_from_the_seed_golden_only_in_page_facts(stem: str) -> None:
    entry = next(e for e in INDEX if e["stem"] == stem)
    seed, variant = golden(entry["seed"]), golden(stem)
    for key in ("page_count", "sha256"):
        seed["document"].pop(key)
        variant["document"].pop(key)
    assert seed["document"].pop("reader") == ""  # a seed-level golden holds for every reader
    assert variant["document"].pop("reader") == "pdf_text"  # every variant is a text-layer PDF
    assert variant["document"] == seed["document"]
    assert [(t["type"], t["title"], t["records"]) for t in variant["tables"]] == [
        (t["type"], t["title"], t["records"]) for t in seed["tables"]
    ]


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_is_the_one_the_golden_file_describes(stem: str, page_texts: dict[str, list[str]]) -> None:
    data = golden(stem)
    pdf_bytes = (CORPUS / f"{stem}.pdf").read_bytes()
    assert hashlib.sha256(pdf_bytes).hexdigest() == data["document"]["sha256"]
    pages = page_texts[stem]
    assert len(pages) == data["document"]["page_count"]
    # a text layer on every page (no blank pages), CJK text intact on most of them
    assert all(text.strip() for text in pages)
    assert sum(1 for text in pages if len(squash(text)) > 40) >= 0.8 * len(pages)
    previous_start = 0
    for table in data["tables"]:
        span = table["pages"]
        assert span == list(range(span[0], span[-1] + 1)), (table["title"], span)
        assert 1 <= span[0] <= span[-1] <= len(pages)
        assert span[0] >= previous_start, "tables are listed in document order"
        previous_start = span[0]


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_prints_each_table_where_the_golden_file_says(
    stem: str, page_texts: dict[str, list[str]]
) -> None:
    """Titles sit on the first page of the table (or alone at the foot of the page before);
    codes and amounts of every record are printed on the table's pages."""
    pages = [squash(t).replace(",", "") for t in page_texts[stem]]  # variant b prints 16,500.49
    for table in golden(stem)["tables"]:
        first = table["pages"][0]
        near = "".join(pages[max(0, first - 2) : first])
        printed_title = squash(table["title"])[:12]
        assert printed_title in near, (stem, table["title"], first)
        text = "".join(pages[first - 1 : table["pages"][-1]])
        for record in table["records"]:
            for field in ("code", "project_code"):
                if record.get(field):
                    assert record[field] in text, (stem, table["title"], record[field])
            for field in TABLE_TYPES[table["type"]].amount_fields:
                value = record.get(field)
                if isinstance(value, Decimal) and field != "quantity":
                    assert f"{value:.2f}" in text, (stem, table["title"], field, value)
