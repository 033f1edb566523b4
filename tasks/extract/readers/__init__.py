"""Readers: how a file becomes pages of cells and text lines with positions.

Everything after the reader — title finding, header mapping, stitching, records — is shared
(``tasks/extract/extractor.py``). The PDF text layer is read by :mod:`tasks.extract.pages`;
Office originals by :mod:`.docx` / :mod:`.xlsx`; image-only PDF pages by :mod:`.ocr` when the
``ocr`` extra is installed. :func:`open_source` picks the reader by content, never by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from budget_etl.contract import READERS
from budget_etl.findings import Finding
from tasks.extract.pages import PageContent
from tasks.extract.settings import ExtractSettings

__all__ = ["READERS", "Source", "open_source"]


@dataclass
class Source:
    """An opened document: which reader, how many pages, and its pages one by one."""

    reader: str
    page_count: int
    pages: Callable[[], Iterable[PageContent]]
    #: what a reader saw but could not trust (``extract.ocr_low_confidence`` …)
    findings: list[Finding] = field(default_factory=list)
    #: (code, sentence) of what OCR did with image-only pages (PDFs only), said by ``no_text_layer``
    ocr_outcome: Callable[[], tuple[str, str]] | None = None
    #: gives the built tables' records what the reader knows of them (OCR: ``ocr_confidence``)
    annotate: Callable[[list[Any]], None] = lambda tables: None


@contextmanager
def open_source(
    data: bytes, settings: ExtractSettings, pdf_pages: Callable[[Any], Iterator[PageContent]]
) -> Iterator[Source]:
    """Open ``data`` with the reader its content calls for; ``pdf_pages`` reads a pdfplumber PDF."""
    from tasks.extract.readers.office import office_format, read_office

    kind = office_format(data)
    if kind is not None:
        reader, pages = read_office(data, kind, settings)
        yield Source(reader=reader, page_count=len(pages), pages=lambda: iter(pages))
        return
    from tasks.extract.open_pdf import count_pages, open_pdf
    from tasks.extract.readers.scan import ScanReader

    with open_pdf(data, settings) as pdf:
        page_count = count_pages(pdf, settings)
        scan = ScanReader(data, settings)
        source = Source(reader="pdf_text", page_count=page_count, pages=lambda: scan.pages(pdf_pages(pdf)),
                        findings=scan.findings, ocr_outcome=scan.outcome, annotate=scan.annotate)
        scan.source = source
        yield source
