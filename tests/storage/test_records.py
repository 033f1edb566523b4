"""Record mapping: numbers survive exactly, nothing that does not fit is dropped."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.models import ExpenditureByFunction, FixedAsset
from storage.records import format_decimal, lineage_values, record_values, to_decimal

amounts = st.decimals(
    min_value=Decimal("-99999999999999.9999"),
    max_value=Decimal("99999999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@settings(deadline=None)  # no wall-clock deadline: CI shares two cores
@given(amounts)
def test_amount_text_as_printed_parses_to_the_same_number(value: Decimal) -> None:
    assert to_decimal(str(value)) == value
    assert to_decimal(f"{value:,}") == value  # thousands separators are removed


@settings(deadline=None)  # no wall-clock deadline: CI shares two cores
@given(amounts)
def test_exported_amount_text_reads_back_to_the_stored_number(value: Decimal) -> None:
    text = format_decimal(value)
    assert Decimal(text) == value
    assert "E" not in text


def test_two_decimals_are_kept_as_printed() -> None:
    assert format_decimal(Decimal("3502.6000")) == "3502.60"
    assert format_decimal(Decimal("5")) == "5.00"
    assert format_decimal(Decimal("0.1234")) == "0.1234"
    assert format_decimal(None) == ""


@settings(deadline=None)  # no wall-clock deadline: CI shares two cores
@given(st.one_of(st.text(min_size=1).filter(lambda s: s.strip() != ""), st.booleans()))
def test_non_numbers_go_to_unmapped_not_to_the_amount_column(value: object) -> None:
    try:
        Decimal(str(value).replace(",", ""))
        return  # a numeric string: stored as a number, covered above
    except ArithmeticError:
        pass
    values = record_values(FixedAsset, {"item": "x", "value": value})
    assert values["value"] is None
    assert values["unmapped"] == {"value": value}
    assert values["extra"] is None  # ``extra`` is the record's printed columns, not a spill-over


def test_every_column_is_present_so_rows_line_up_in_one_insert() -> None:
    values = record_values(ExpenditureByFunction, {"line_no": 1, "total": 3})
    assert values["total"] == Decimal(3) and values["basic"] is None and values["extra"] is None
    assert values["unmapped"] is None
    assert {"line_no", "code", "name", "total", "basic", "project", "operating"} <= set(values)


def test_lineage_prefers_the_record_page_and_bbox() -> None:
    assert lineage_values({"pages": [7, 8], "bbox": [1, 2, 3, 4]}, [7, 8]) == {
        "page": 7,
        "pages": [7, 8],
        "bbox_x0": 1.0,
        "bbox_top": 2.0,
        "bbox_x1": 3.0,
        "bbox_bottom": 4.0,
        "ocr_confidence": None,  # a text-layer record
    }
    assert lineage_values({"ocr_confidence": 0.873}, [7])["ocr_confidence"] == 0.873  # read by OCR
    assert lineage_values({}, [4, 5])["page"] is None  # a multi-page table cannot say which page
    assert lineage_values({}, [4])["page"] == 4
