"""PDF pages with no text layer: OCR them when the ``ocr`` extra is installed.

A page with images but no characters is a scan. With ``rapidocr-onnxruntime`` and OpenCV
present (``pip install budget-etl[ocr]``) it is rendered and read by :mod:`.ocr`, and the
document's reader becomes ``pdf_ocr``; without them the page stays empty and the document
ends with today's ``no_text_layer`` reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from budget_etl.findings import Finding
from tasks.extract.pages import PageContent
from tasks.extract.settings import ExtractSettings


def ocr_available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401

        import tasks.extract.readers.ocr  # noqa: F401
    except ImportError:
        return False
    return True


class ScanReader:
    """Passes text-layer pages through; replaces image-only pages by their OCR reading."""

    def __init__(self, data: bytes, settings: ExtractSettings) -> None:
        self.data = data
        self.settings = settings
        self.findings: list[Finding] = []
        self.source: Any = None
        self._ocr: Any = None
        self._enabled = ocr_available()

    def pages(self, pages: Iterable[PageContent]) -> Iterator[PageContent]:
        for page in pages:
            if self._enabled and page.char_count == 0 and page.image_count > 0:
                yield self._read_scan(page)
            else:
                yield page

    def _read_scan(self, page: PageContent) -> PageContent:
        from tasks.extract.readers.ocr import PageOcr

        if self._ocr is None:
            self._ocr = PageOcr(self.data, self.settings)
        content, findings = self._ocr.read(page.number)
        content.image_count = page.image_count
        self.findings.extend(findings)
        if self.source is not None and content.char_count:
            self.source.reader = "pdf_ocr"
        return content
