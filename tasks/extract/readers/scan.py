"""PDF pages with no text layer: OCR them when the ``ocr`` extra is installed.

A page with images but no characters is a scan. With ``rapidocr-onnxruntime`` and OpenCV
present (``pip install budget-etl[ocr]``) it is rendered and read by :mod:`.ocr`, and the
document's reader becomes ``pdf_ocr``; without them the page stays empty and the document
ends ``no_text_layer`` — whose message then says what happened (:meth:`ScanReader.outcome`):
OCR not installed (and what to install), switched off, run but reading nothing, or failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from budget_etl.contract import TABLE_TYPES
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
    #: a pixel lighter than this (0–255, red channel) is not ink: keeps a seal's pale ring, or
    #: scanner noise, in an empty cell from being read as a figure
    max_ink_grey: int = Field(180, ge=1, le=255)
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


@dataclass
class OcrCell:
    """An OCR'd table cell: where it is, how sure the recogniser was, and its low-confidence finding."""

    page: int
    bbox: tuple[float, float, float, float]
    confidence: float
    finding: Finding | None = None


def attach_confidence(tables: list[Any], cells: list[OcrCell]) -> None:
    """Give each record read from OCR'd cells its ``ocr_confidence`` (lowest over its cells).

    Why by lineage (the record's page and bbox hold the cells' centres) and not carried through
    stitching: a record is a row or one side of it whatever the table type, and the bbox is
    already how every reader says where a record was printed. A low-confidence finding on a cell
    gets the record's table, line and field, so the report and review page show it on that row.
    """
    by_page: dict[int, list[OcrCell]] = {}
    for cell in cells:
        by_page.setdefault(cell.page, []).append(cell)
    for table in tables:
        amounts = TABLE_TYPES[table.type].amount_fields if table.type in TABLE_TYPES else ()
        for record in table.records:
            pages, box = record.get("pages") or table.pages, record.get("bbox")
            if not pages or not box:
                continue
            inside = [c for c in by_page.get(pages[0], []) if _holds(box, c.bbox)]
            if not inside:
                continue
            record["ocr_confidence"] = round(min(c.confidence for c in inside), 3)
            for cell in inside:
                if cell.finding is not None and cell.finding.table is None:
                    _point_at(cell.finding, table.type, record, amounts)


def _holds(box: list[float], cell: tuple[float, float, float, float], tol: float = 1.0) -> bool:
    cx, cy = (cell[0] + cell[2]) / 2, (cell[1] + cell[3]) / 2
    return box[0] - tol <= cx <= box[2] + tol and box[1] - tol <= cy <= box[3] + tol


def _point_at(finding: Finding, table: str, record: dict[str, Any], amounts: tuple[str, ...]) -> None:
    finding.table = table
    line_no = record.get("line_no")
    finding.line_no = line_no if isinstance(line_no, int) else None
    finding.project_code = record.get("project_code")
    read = _as_number(finding.actual)
    same = [name for name in amounts if read is not None and _as_number(record.get(name)) == read]
    finding.field = same[0] if same else None


def _as_number(value: Any) -> float | None:
    try:
        return round(float(str(value).replace(",", "").replace("\n", "")), 2)
    except (TypeError, ValueError):
        return None


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

    def annotate(self, tables: list[Any]) -> None:
        """The records' ``ocr_confidence`` from the cells OCR read (nothing when none was)."""
        if self._ocr is not None:
            attach_confidence(tables, self._ocr.cells)

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
