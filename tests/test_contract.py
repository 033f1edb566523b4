"""The code copy of the data dictionary stays in step with the prose contract."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budget_etl.contract import STANDARD_TABLES, TABLE_TYPES
from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable

DICTIONARY = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"


def test_every_table_type_and_field_is_in_the_data_dictionary() -> None:
    text = DICTIONARY.read_text(encoding="utf-8")
    for slug, spec in TABLE_TYPES.items():
        assert f"`{slug}`" in text, slug
        for name in spec.fields:
            assert name in text, (slug, name)


def test_nine_standard_tables() -> None:
    assert len(STANDARD_TABLES) == 9


def test_extract_json_round_trips_decimals_and_nulls() -> None:
    doc = ExtractedDocument(
        document=DocumentMeta("budget_disclosure", "323", "某局", 2025, "万元", 3, "ab" * 32),
        tables=[
            ExtractedTable(
                "expenditure_by_function",
                "部门预算支出总表",
                [5, 6],
                [{"line_no": 1, "code": None, "name": "合计", "total": Decimal("3502.60"), "basic": None}],
            )
        ],
    )
    text = doc.to_json()
    assert '"total": 3502.6' in text and '"basic": null' in text and "source_url" not in text
    back = ExtractedDocument.from_json(text)
    assert back.tables[0].records[0]["total"] == Decimal("3502.6")
    assert back.tables[0].records[0]["code"] is None
