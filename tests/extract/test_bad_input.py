"""Bad input: every unreadable file fails with its own reason code, never a traceback."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from budget_etl.errors import ExtractError, Reason
from tasks.extract import ExtractSettings, extract_document
from tests.extract import pdfs


def reason_of(data: bytes, settings: ExtractSettings | None = None) -> ExtractError:
    with pytest.raises(ExtractError) as caught:
        extract_document(data, settings=settings)
    return caught.value


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_empty_file() -> None:
    assert reason_of(b"").reason is Reason.EMPTY_FILE


def test_random_bytes_are_not_a_pdf() -> None:
    noise = random.Random(7).randbytes(4096)
    assert reason_of(noise).reason is Reason.NOT_PDF


def test_html_error_page_named_pdf_is_not_a_pdf() -> None:
    error = reason_of(b"<!DOCTYPE html><html><body>404 Not Found</body></html>")
    assert error.reason is Reason.NOT_PDF
    assert error.evidence["detected"] == "html"
    assert "HTML" in error.message


def test_word_document_is_recognised_but_unsupported() -> None:
    error = reason_of(docx_bytes())
    assert error.reason is Reason.UNSUPPORTED_FORMAT
    assert error.evidence["detected"] == "docx"


def test_truncated_pdf() -> None:
    whole = pdfs.text_pdf(["部门预算收支总表"])
    assert reason_of(whole[: len(whole) // 2]).reason is Reason.TRUNCATED_PDF


def test_corrupt_pdf_with_intact_trailer() -> None:
    junk = b"%PDF-1.7\n" + random.Random(3).randbytes(2000) + b"\ntrailer\n<<>>\n%%EOF\n"
    error = reason_of(junk)
    assert error.reason is Reason.CORRUPT_PDF
    assert error.evidence  # the parser's own words are kept as evidence


def test_encrypted_pdf() -> None:
    assert reason_of(pdfs.encrypted_pdf()).reason is Reason.ENCRYPTED_PDF


def test_image_only_pdf_has_no_text_layer() -> None:
    error = reason_of(pdfs.image_only_pdf())
    assert error.reason is Reason.NO_TEXT_LAYER
    assert error.evidence["images"] == 1


def test_cid_glyphs_are_reported_as_garbled_not_passed_on() -> None:
    lines = ["部门预算收支总表", "预算年度：2025", "单位：万元"]
    assert extract_document_or_reason(pdfs.text_pdf(lines)) is Reason.NO_BUDGET_TABLES  # control
    assert reason_of(pdfs.garbled_pdf(lines)).reason is Reason.GARBLED_TEXT


def test_text_without_budget_tables() -> None:
    error = reason_of(pdfs.text_pdf(["这是一份普通的通知", "没有任何预算表格"]))
    assert error.reason is Reason.NO_BUDGET_TABLES


def test_page_limit() -> None:
    data = pdfs.text_pdf(["第一页"], pages=3)
    error = reason_of(data, ExtractSettings(max_pages=2))
    assert error.reason is Reason.TOO_MANY_PAGES
    assert error.evidence == {"page_count": 3, "max_pages": 2}


def extract_document_or_reason(data: bytes) -> Reason | None:
    try:
        extract_document(data)
    except ExtractError as exc:
        return exc.reason
    return None


def test_settings_reject_values_that_disable_checks() -> None:
    with pytest.raises(ValueError):
        ExtractSettings(max_cid_share=0)
    with pytest.raises(ValueError):
        ExtractSettings(max_pages=0)


def test_page_limit_follows_the_app_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from budget_etl.settings import Settings

    monkeypatch.setenv("BUDGET_ETL_MAX_PAGES", "2")
    assert ExtractSettings.from_app_settings(Settings()).max_pages == 2


def test_a_garbled_column_is_reported_even_when_most_text_is_fine() -> None:
    data = pdfs.table_with_unmapped_column()
    error = reason_of(data)
    assert error.reason is Reason.GARBLED_TEXT
    assert error.evidence["pages"] == [1]
    assert error.evidence["cid_chars"] / error.evidence["chars"] < ExtractSettings().max_cid_share


def test_file_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(pdfs.text_pdf(["部门预算收支总表"]))
    with pytest.raises(ExtractError) as caught:
        extract_document(path, settings=ExtractSettings(max_bytes=100))
    assert caught.value.reason is Reason.FILE_TOO_LARGE
    assert caught.value.evidence["max_bytes"] == 100
