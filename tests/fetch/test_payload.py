"""Content sniffing decides on the bytes, not on the Content-Type the server claims."""

from __future__ import annotations

import io

import docx

from budget_etl.errors import Reason
from tasks.fetch.payload import check_payload


def test_a_pdf_is_a_document(small_pdf):
    assert check_payload(small_pdf, "http://h/a.pdf") is None


def test_an_html_error_page_is_not_a_pdf():
    page = "<!DOCTYPE html><html><body><h1>文件不存在</h1></body></html>".encode()

    error = check_payload(page, "http://h/a.pdf")

    assert error is not None and error.reason is Reason.NOT_PDF
    assert "文件不存在" in error.message


def test_an_empty_body_is_an_empty_file():
    error = check_payload(b"", "http://h/a.pdf")

    assert error is not None and error.reason is Reason.EMPTY_FILE


def test_random_bytes_are_not_a_document():
    error = check_payload(b"\x00\x01binary junk" * 10, "http://h/a.pdf")

    assert error is not None and error.reason is Reason.NOT_PDF


def test_an_office_file_goes_on_to_extraction_to_be_recorded_as_unsupported():
    document = docx.Document()
    document.add_paragraph("部门预算")
    buffer = io.BytesIO()
    document.save(buffer)

    assert check_payload(buffer.getvalue(), "http://h/a.docx") is None
