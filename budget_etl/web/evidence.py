"""Where a finding sits on the page: its record, its cell, and a picture of that page region.

The extractor keeps each record's page and bbox (pdfplumber coordinates: points from the top
left). A finding names a table type, a line/project and a field; the record is found the way the
HTML report places findings (``tasks.validate.report``), the cell by looking inside the record's
bbox for the words that read as the cell's value. The picture is the stored PDF page rendered
with pypdfium2, cropped around the record, the record outlined in orange and the cell in red.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Any

from budget_etl.findings import Finding, Severity
from storage.corrections import same_cell_value
from storage.review_pages import StoredTable
from tasks.validate.report import belongs_to, finding_key, row_key

Box = tuple[float, float, float, float]
#: points of page shown around the record
MARGIN = 24.0
#: render resolution (pixels per point)
SCALE = 2.0
ROW_COLOUR = (230, 140, 0)
#: PDFium is not thread-safe (concurrent renders corrupt its heap); the app serves images from a
#: thread pool, so every use of it goes through this lock
PDFIUM_LOCK = threading.Lock()
CELL_COLOUR = (220, 0, 0)


@dataclass
class Evidence:
    """One finding with the place it concerns (any part may be unknown)."""

    index: int
    finding: dict[str, Any]
    table: StoredTable | None = None
    record: dict[str, Any] | None = None
    field: str | None = None

    @property
    def page(self) -> int | None:
        if self.record is not None and self.record.get("_page"):
            return int(self.record["_page"])
        pages = self.finding.get("pages") or (self.table.pages if self.table else [])
        return int(pages[0]) if pages else None

    @property
    def bbox(self) -> Box | None:
        box = self.record.get("_bbox") if self.record else None
        return tuple(box) if box else None  # type: ignore[return-value]

    @property
    def value(self) -> Any:
        return self.record.get(self.field) if self.record is not None and self.field else None

    @property
    def correctable(self) -> bool:
        return self.record is not None and self.field is not None and self.table is not None and (
            self.field in self.table.columns
        )


def as_finding(row: dict[str, Any]) -> Finding:
    return Finding(
        check=row["check"], severity=Severity(row["severity"]), message=row["message"], table=row["table"],
        line_no=row["line_no"], project_code=row["project_code"], field=row["field"],
        expected=row["expected"], actual=row["actual"], pages=list(row["pages"] or []),
    )


def base_field(name: str | None) -> str | None:
    """``indicators[2].target`` → ``indicators``; ``plan_dec`` → ``plan_dec``."""
    return name.split(".")[0].split("[")[0] if name else None


def locate(findings: list[dict[str, Any]], tables: list[StoredTable]) -> list[Evidence]:
    """Each finding with its table, record and field, where the stored tables show them."""
    out = []
    for index, row in enumerate(findings):
        finding = as_finding(row)
        evidence = Evidence(index=index, finding=row, field=base_field(finding.field))
        same_type = [t for t in tables if t.type == finding.table]
        key = finding_key(finding)
        for table in same_type:
            holders = [r for r in table.records if row_key(r) == key] if key != (None, None) else []
            chosen = [r for r in holders if belongs_to(finding, r, holders)]
            if chosen:
                evidence.table, evidence.record = table, chosen[0]
                break
        if evidence.table is None and same_type:
            evidence.table = same_type[0]
        out.append(evidence)
    return out


def cell_boxes(pdf: bytes, page_no: int, row_box: Box, value: Any, field: str | None = None) -> list[Box]:
    """The words inside the record's bbox that read as ``value``.

    A value printed more than once in the record (a form repeats figures) is narrowed to the
    word under the field's own column label (``FIELD_LABELS``: 12月底, 合计 …) when that label is
    printed above it on the page; otherwise every match is outlined (never a guess).
    """
    if value is None or value == "":
        return []
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        if not 1 <= page_no <= len(document.pages):
            return []
        page = document.pages[page_no - 1]
        x0, top, x1, bottom = row_box
        clip = (max(x0 - 1, 0), max(top - 1, 0), min(x1 + 1, page.width), min(bottom + 1, page.height))
        words = page.within_bbox(clip).extract_words(keep_blank_chars=False)
        matches = [box_of(w) for w in words if same_cell_value(w["text"], value)]
        key = label_key(field)
        if len(matches) > 1 and key:
            labels = [box_of(w) for w in page.extract_words() if key in w["text"]]
            under = [m for m in matches if any(below_label(m, label) for label in labels)]
            if under:
                matches = under
    return matches


def box_of(word: dict[str, Any]) -> Box:
    return (float(word["x0"]), float(word["top"]), float(word["x1"]), float(word["bottom"]))


def label_key(field: str | None) -> str | None:
    """The distinctive last part of a field's printed label (``资金支出计划 12月底（%）`` → ``12月底``)."""
    from tasks.validate.labels import FIELD_LABELS

    label = FIELD_LABELS.get(field or "")
    if not label:
        return None
    last = label.split()[-1]
    return last.split("（")[0].split("(")[0] or None


def below_label(cell: Box, label: Box) -> bool:
    """The cell sits under the label: horizontally overlapping it, and lower on the page."""
    return cell[0] < label[2] and label[0] < cell[2] and label[3] <= cell[1] + 2


def render_region(pdf: bytes, page_no: int, row_box: Box | None, cells: list[Box]) -> bytes:
    """A PNG of the page around ``row_box`` (the whole page without one), outlines drawn on it."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            if not 1 <= page_no <= len(document):
                raise IndexError(f"the file has no page {page_no}")
            page = document[page_no - 1]
            width, height = page.get_size()
            image = page.render(scale=SCALE).to_pil().convert("RGB")
            page.close()
        finally:
            document.close()
    draw = ImageDraw.Draw(image)

    def pixels(box: Box) -> tuple[float, float, float, float]:
        return (box[0] * SCALE, box[1] * SCALE, box[2] * SCALE, box[3] * SCALE)

    if row_box is not None:
        draw.rectangle(pixels(row_box), outline=ROW_COLOUR, width=3)
    for cell in cells:
        x0, top, x1, bottom = pixels(cell)
        draw.rectangle((x0 - 4, top - 3, x1 + 4, bottom + 3), outline=CELL_COLOUR, width=4)
    if row_box is not None:
        crop = (
            max(row_box[0] - MARGIN, 0) * SCALE,
            max(row_box[1] - MARGIN, 0) * SCALE,
            min(row_box[2] + MARGIN, width) * SCALE,
            min(row_box[3] + MARGIN, height) * SCALE,
        )
        image = image.crop(tuple(int(v) for v in crop))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
