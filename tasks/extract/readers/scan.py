"""PDF pages with no text layer: OCR them when the ``ocr`` extra is installed.

A page with images but no characters is a scan. With ``rapidocr-onnxruntime`` and OpenCV
present (``pip install budget-etl[ocr]``) it is rendered and read by :mod:`.ocr`, and the
document's reader becomes ``pdf_ocr``; without them the page stays empty and the document
ends ``no_text_layer`` — whose message then says what happened (:meth:`ScanReader.outcome`):
OCR not installed (and what to install), switched off, run but reading nothing, or failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from budget_etl.findings import Finding
from tasks.extract.pages import PageContent
from tasks.extract.settings import ExtractSettings


class OcrSettings(BaseSettings):
    """Tunables of the OCR reader (env ``BUDGET_ETL_OCR_*``)."""

    model_config = SettingsConfigDict(env_prefix="BUDGET_ETL_OCR_")

    #: false: scans are not OCR'd even with the extra installed (they end ``no_text_layer``)
    enabled: bool = True

    #: render scale (1.0 = 72 dpi); 3.0 keeps the 、 of 一、… (2.0 loses a third of them)
    scale: float = Field(3.0, ge=1.0, le=4.0)
    #: a figure read with less confidence than this is reported
    min_amount_confidence: float = Field(0.9, ge=0.0, le=1.0)
    #: rotations larger than this are not undone (a page set sideways is another problem)
    max_skew_degrees: float = Field(3.0, ge=0.0, le=10.0)
    #: onnxruntime threads (the machine is shared)
    threads: int = Field(2, ge=1, le=64)



def ocr_available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401

        import tasks.extract.readers.ocr  # noqa: F401
    except ImportError:
        return False
    return True


#: what to install for OCR (said by ``no_text_layer`` when it is missing)
INSTALL_HINT = "pip install 'budget-etl[ocr]' (rapidocr-onnxruntime, opencv-python-headless)"


class ScanReader:
    """Passes text-layer pages through; replaces image-only pages by their OCR reading."""

    def __init__(self, data: bytes, settings: ExtractSettings) -> None:
        self.data = data
        self.settings = settings
        self.findings: list[Finding] = []
        self.source: Any = None
        self._ocr: Any = None
        self._switched_on = OcrSettings().enabled
        self._installed = ocr_available()
        self._enabled = self._switched_on and self._installed
        self._scans = 0  # image-only pages seen
        self._ocr_chars = 0
        self._failure: str | None = None

    def pages(self, pages: Iterable[PageContent]) -> Iterator[PageContent]:
        for page in pages:
            if page.char_count < self.settings.min_chars_per_page and page.image_count > 0:
                self._scans += 1
                yield self._read_scan(page) if self._enabled else page
            else:
                yield page

    def outcome(self) -> tuple[str, str]:
        """(code, sentence) of what OCR did with the image-only pages — for ``no_text_layer``.

        Why: "OCR not attempted" is wrong once OCR ran; a reviewer must know whether to install
        the extra, switch it on, or look at a scan too poor to read.
        """
        if not self._scans:
            return "no_images", "the pages hold neither text nor images: there is nothing to OCR"
        if not self._installed:
            return "not_installed", f"OCR is not installed: {INSTALL_HINT}"
        if not self._switched_on:
            return "disabled", "OCR is installed but switched off (BUDGET_ETL_OCR_ENABLED=false)"
        if self._failure is not None:
            return "failed", f"OCR failed: {self._failure}"
        read = f"only {self._ocr_chars} characters" if self._ocr_chars else "no text"
        return "read_nothing", f"OCR ran on {self._scans} image page(s) and read {read}"

    def _read_scan(self, page: PageContent) -> PageContent:
        from tasks.extract.readers.ocr import PageOcr

        try:
            if self._ocr is None:
                self._ocr = PageOcr(self.data, self.settings)
            content, findings = self._ocr.read(page.number)
        except Exception as exc:  # a broken model file or onnxruntime: the page stays unread, said so
            self._failure = f"page {page.number}: {type(exc).__name__}: {exc}"[:300]
            return page
        self._ocr_chars += content.char_count
        content.image_count = page.image_count
        self.findings.extend(findings)
        if self.source is not None and content.char_count:
            self.source.reader = "pdf_ocr"
        return content
