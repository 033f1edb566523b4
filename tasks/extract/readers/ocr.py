"""OCR of an image-only PDF page: render, deskew, find the ruled grid, recognise text per cell.

The page is rendered with pypdfium2 and read with the red channel as grey (a red seal — 公章 —
then prints nearly white and stops hiding the figures under it). A small rotation is measured
from the long horizontal rulings and undone. The grid comes from the rulings (OpenCV
morphology: horizontal strokes longer than any glyph's; vertical ones judged row by row, a
border one form row high told from a glyph's stroke by the padding beside it and by lining up
with the page's column borders, :func:`ruling_strokes`); two grid slots with no ruling between
them are one merged cell — a merged 一级指标 gives its text to every row it spans, as on the
text-layer path. Text is recognised once per page (RapidOCR, PP-OCR
Chinese models shipped in its wheel) and each recognised box is placed in the cell that holds
its centre; a box straddling a ruling is split at it. What is outside the grids becomes text
lines. A column that numbers its labels (一、… 二、…) restores the 、 or numeral the recogniser
dropped from its own sequence (:mod:`.enumeration`). Coordinates are PDF points, so lineage
bboxes mean the same as on the text-layer path.

Every cell keeps the lowest confidence of its boxes; a figure read with less than
``min_amount_confidence`` becomes an ``extract.ocr_low_confidence`` finding (page, bbox, text,
confidence) — the value is still handed on, never silently trusted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

from budget_etl.contract import EXTRACT_OCR_LOW_CONFIDENCE
from budget_etl.findings import Finding, Severity
from budget_etl.vocabulary import load
from tasks.extract.pages import Cell, PageContent, TextLine, build_grid
from tasks.extract.readers.enumeration import repair_enumeration
from tasks.extract.readers.scan import OcrCell, OcrSettings
from tasks.extract.settings import ExtractSettings

_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


@dataclass
class _Box:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    score: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Slot:
    bbox: tuple[float, float, float, float]
    boxes: list[_Box] = field(default_factory=list)


_ENGINES: dict[int, Any] = {}


def engine(threads: int) -> Any:
    """One RapidOCR engine per process (loading the models takes a second)."""
    if threads not in _ENGINES:
        from rapidocr_onnxruntime import RapidOCR

        _ENGINES[threads] = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
    return _ENGINES[threads]


class PageOcr:
    """Reads pages of one PDF by OCR."""

    def __init__(self, data: bytes, settings: ExtractSettings, ocr: OcrSettings | None = None) -> None:
        self.pdf = pdfium.PdfDocument(data)
        self.settings = settings
        self.ocr = ocr or OcrSettings()
        vocabulary = load("ocr")
        #: every OCR'd table cell read so far, for the records' ``ocr_confidence``
        self.cells: list[OcrCell] = []
        self.confusables: dict[str, str] = vocabulary.get("confusables", {})
        self.text_punctuation: dict[str, str] = vocabulary.get("text_punctuation", {})
        self.bracket_pairs: list[list[str]] = vocabulary.get("bracket_pairs", [])

    def read(self, page_number: int) -> tuple[PageContent, list[Finding]]:
        page = self.pdf[page_number - 1]
        try:
            width = page.get_width()
            image = np.asarray(page.render(scale=self.ocr.scale).to_pil().convert("RGB"))
        finally:
            page.close()
        return self.read_image(image, page_number, width)

    def read_image(
        self, image: np.ndarray, page_number: int, width: float
    ) -> tuple[PageContent, list[Finding]]:
        scale = image.shape[1] / width
        grey = image[:, :, 0]  # red channel: black ink stays dark, a red seal turns light
        grey = deskew(grey, self.ocr.max_skew_degrees)
        binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
        # rulings from every dark pixel as well: beside a bold label the local mean is dark, and
        # the adaptive threshold drops the ruling under it (绩效目标 | 一级指标 lose their borders)
        dark = cv2.inRange(grey, 0, self.ocr.max_ink_grey)
        rgb = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
        boxes = self.recognise(rgb, scale)
        texts = [(int(b.x0 * scale), int(b.top * scale), int(b.x1 * scale), int(b.bottom * scale))
                 for b in boxes]
        horizontal, vertical = rulings(cv2.bitwise_or(binary, dark), scale, texts, dark)
        lines_mask = cv2.bitwise_or(horizontal, vertical)
        # ink: dark strokes off the rulings (a seal's ring, pale in the red channel, is not ink)
        ink = cv2.bitwise_and(cv2.subtract(binary, lines_mask), cv2.inRange(grey, 0, self.ocr.max_ink_grey))
        clean = rgb.copy()  # the rulings erased: a cell's crop holds its text only
        clean[lines_mask > 0] = 255
        content = PageContent(number=page_number, width=width)
        findings: list[Finding] = []
        used: set[int] = set()
        for grid in find_grids(horizontal, vertical):
            x0, top, x1, bottom = (v / scale for v in grid)
            inside = [i for i, b in enumerate(boxes)
                      if i not in used and x0 <= b.cx <= x1 and top <= b.cy <= bottom]
            used.update(inside)
            cells = grid_cells(grid, horizontal, vertical)
            slots = self.read_cells(clean, ink, cells, [boxes[i] for i in inside], scale)
            table_cells = [Cell(text=cell_text(s.boxes), bbox=s.bbox,
                                confidence=min((b.score for b in s.boxes), default=None)) for s in slots]
            table = build_grid(table_cells, page_number, (x0, top, x1, bottom))
            repair_enumeration(table)  # 一、 / 十、 the recogniser dropped, from the column's sequence
            content.tables.append(table)
            for slot, cell in zip(slots, table_cells, strict=True):
                flagged = self.low_confidence(slot, cell, page_number)
                findings += flagged
                if cell.confidence is not None:
                    self.cells.append(OcrCell(page_number, cell.bbox, cell.confidence,
                                              flagged[0] if flagged else None))
        content.lines = text_lines([b for i, b in enumerate(boxes) if i not in used], page_number)
        content.char_count = sum(len(b.text) for b in boxes)
        return content, findings

    def read_cells(self, rgb: np.ndarray, ink: np.ndarray, cells: list[tuple[int, int, int, int]],
                   boxes: list[_Box], scale: float) -> list[_Slot]:
        """Each cell's text: the page-level boxes whose centre (after a cut at the rulings) it holds.

        A cell with ink but no detected box (the detector misses a lone digit beside a ruling)
        is recognised on its own, so a printed 序号 or figure is never dropped silently. So is a
        one-line cell whose text came from a box running over a ruling: cutting that box by
        character widths misplaces a digit (序号 ``3`` | 编码 ``20801`` read as ``32`` | ``0801``),
        while the cell's own crop holds exactly its characters. And so is a one-line cell with ink
        beside its boxes: the detector starts a line after a thin ``1.`` printed against the
        ruling (绩效目标 ``1.按时发放…`` read as ``按时发放…``).
        """
        slots: list[_Slot] = []
        crops: list[np.ndarray] = []
        owners: list[tuple[_Slot, float, float]] = []
        pad = 3
        for cx0, ctop, cx1, cbottom in cells:
            slot = _Slot(bbox=(cx0 / scale, ctop / scale, cx1 / scale, cbottom / scale))
            slots.append(slot)
            ix0, itop, ix1, ibottom = cx0 + pad, ctop + pad, cx1 - pad, cbottom - pad
            if ix1 - ix0 < 4 or ibottom - itop < 4:
                continue
            cut = False
            for box in boxes:
                parts = split_at_rulings(box, slots_of_row(cells, box, scale))
                for part in parts:
                    if _inside(part, slot.bbox):
                        slot.boxes.append(part)
                        cut = cut or len(parts) > 1
            one_line = len(_line_groups(slot.boxes)) == 1
            if slot.boxes and not (one_line and (cut or _ink_beside(ink, (ix0, itop, ix1, ibottom),
                                                                     slot.boxes, scale))):
                continue
            if slot.boxes:  # re-read the cut line from the cell itself
                itop = max(itop, int(min(b.top for b in slot.boxes) * scale) - 3)
                ibottom = min(ibottom, int(max(b.bottom for b in slot.boxes) * scale) + 4)
            ys, xs = np.nonzero(ink[itop:ibottom, ix0:ix1])
            if len(xs) <= _SPECKLE:  # speckle, not a character
                continue
            left, right = max(ix0, ix0 + int(xs.min()) - 4), min(ix1, ix0 + int(xs.max()) + 5)
            t, b = max(itop, itop + int(ys.min()) - 3), min(ibottom, itop + int(ys.max()) + 4)
            crop = rgb[t:b, left:right]
            crops.append(cv2.copyMakeBorder(crop, 6, 6, 8, 8, cv2.BORDER_CONSTANT, value=(255, 255, 255)))
            owners.append((slot, t / scale, b / scale))
        if crops:
            results, _ = engine(self.ocr.threads).text_rec(crops)
            for (slot, t, b), (text, score) in zip(owners, results, strict=True):
                text = self.normalise(text)
                if text:
                    slot.boxes = [_Box(text, slot.bbox[0], t, slot.bbox[2], b, float(score))]
        return slots

    def recognise(self, rgb: np.ndarray, scale: float) -> list[_Box]:
        result, _ = engine(self.ocr.threads)(rgb, use_cls=False)
        boxes = []
        for points, text, score in result or []:
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            text = self.normalise(text)
            if text[:1] in _SIGNS:  # ≤ / ≥ or < / >: the glyph says which (the recogniser often cannot)
                barred = has_bar(rgb[int(min(ys)):int(max(ys)) + 1, int(min(xs)):int(max(xs)) + 1, 0],
                                 self.ocr.max_ink_grey)
                if barred is not None:
                    text = _SIGNS[text[0]][barred] + text[1:]
            boxes.append(_Box(text=text, x0=min(xs) / scale, top=min(ys) / scale,
                              x1=max(xs) / scale, bottom=max(ys) / scale, score=float(score)))
        return boxes

    def normalise(self, text: str) -> str:
        for wrong, right in self.confusables.items():
            text = text.replace(wrong, right)
        return match_brackets(punctuate(text, self.text_punctuation), self.bracket_pairs).strip()

    def low_confidence(self, slot: _Slot, cell: Cell, page_number: int) -> list[Finding]:
        if not slot.boxes or not _NUMBER.match(cell.text.replace("\n", "").replace(" ", "")):
            return []
        confidence = min(b.score for b in slot.boxes)
        if confidence >= self.ocr.min_amount_confidence:
            return []
        bbox = [round(v, 1) for v in cell.bbox]
        return [Finding(
            check=EXTRACT_OCR_LOW_CONFIDENCE, severity=Severity.ERROR,
            message=(f"OCR read {cell.text!r} with confidence {confidence:.2f} "
                     f"(< {self.ocr.min_amount_confidence}) on page {page_number}, cell bbox {bbox}"),
            actual=cell.text, expected=round(confidence, 3), pages=[page_number],
        )]


#: a comparison sign as read → (without the bar, with it)
_SIGNS = {"<": ("<", "≤"), "≤": ("<", "≤"), ">": (">", "≥"), "≥": (">", "≥")}


def has_bar(grey: np.ndarray, max_ink: int) -> bool | None:
    """Whether the first glyph of a text line is ≤/≥ (three strokes) rather than </> (two).

    Why: PP-OCR reads a 绩效 target's ≤ / ≥ as < / > about half the time (004-a scans), which
    changes the target's meaning. The glyph tells them apart: a vertical line through the open
    half of ``<`` (its right, ``>``'s left) crosses the two arms, through ``≤`` / ``≥`` (upright
    or slanted ``⩽``) also the bar.
    None when the first glyph cannot be isolated (the reading is then kept).
    """
    ink = grey < max_ink
    height = ink.shape[0]
    columns = ink[:, : max(1, int(height * 1.2))].any(axis=0)
    inked = np.nonzero(columns)[0]
    if len(inked) == 0:
        return None
    start = end = int(inked[0])
    while end + 1 < len(columns) and columns[end + 1]:
        end += 1
    width = end - start + 1
    if width < 4:
        return None
    middle = start + width // 2
    halves = (range(start + width // 10, middle), range(middle, start + width * 9 // 10 + 1))
    return max(float(np.median([_runs(ink[:, c]) for c in half] or [0])) for half in halves) >= 3


def _runs(column: np.ndarray) -> int:
    """Strokes a pixel column crosses (runs of ink; a one-pixel hole does not split a stroke)."""
    runs, gap, inside = 0, 0, False
    for value in column.tolist():
        if value:
            if not inside:
                runs += 0 if gap == 1 and runs else 1
            inside, gap = True, 0
        else:
            gap = gap + 1 if inside or gap else 0
            inside = False
    return runs


#: a Chinese character (CJK ideographs and full-width forms) beside a punctuation mark
_CJK = "\u3400-\u9fff\uff01-\uff5e"


def punctuate(text: str, punctuation: dict[str, str]) -> str:
    """Chinese text's punctuation full-width, a figure's thousands comma half-width.

    Why: the recogniser prints ``，`` and ``,`` (``；``/``;``…) for either, so the printed form
    follows from the neighbours — beside a Chinese character it is the full-width mark, between
    two digits the thousands separator.
    """
    text = re.sub(r"(?<=\d)，(?=\d)", ",", text)
    for half, full in punctuation.items():
        mark = re.escape(half)
        text = re.sub(rf"(?<=[{_CJK}])\s*{mark}\s*|\s*{mark}\s*(?=[{_CJK}])", full, text)
    return text


def match_brackets(text: str, pairs: list[list[str]]) -> str:
    """A bracket pair printed in two widths is made full-width (``[2023】`` → ``【2023】``).

    Why: the recogniser reads one mark of a pair in the other width (``（200)``, ``[2020】``);
    Chinese text prints its pairs in one width, and a half-width mark beside its full-width
    partner is the misread one. ``pairs``: [half open, half close, full open, full close] each.
    """
    for half_open, half_close, full_open, full_close in pairs:
        chars = list(text)
        start: int | None = None
        for i, ch in enumerate(chars):
            if ch in (half_open, full_open):
                start = i
            elif ch in (half_close, full_close) and start is not None:
                if (chars[start] == full_open) != (ch == full_close):
                    chars[start], chars[i] = full_open, full_close
                start = None
        text = "".join(chars)
    return text


def deskew(grey: np.ndarray, max_degrees: float) -> np.ndarray:
    """Undo a small rotation measured from the long near-horizontal strokes (table rulings)."""
    binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    width = grey.shape[1]
    lines = cv2.HoughLinesP(binary, 1, np.pi / 1800, threshold=200, minLineLength=width // 4, maxLineGap=10)
    if lines is None:
        return grey
    angles = [math.degrees(math.atan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines.reshape(-1, 4).tolist()]
    angles = [a for a in angles if abs(a) <= max_degrees]
    if not angles:
        return grey
    angle = float(np.median(angles))
    if abs(angle) < 0.05:
        return grey
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def rulings(binary: np.ndarray, scale: float, texts: list[tuple[int, int, int, int]] | None = None,
            ink: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical strokes that are rulings, not a glyph's (lengths in points).

    A horizontal ruling runs much longer than any glyph stroke (≥ 24 pt). A vertical one may be
    as short as one form row (10 pt, the height of a bold label's strokes), so vertical strokes
    are judged row by row (:func:`ruling_strokes`; ``texts``: the recognised lines' boxes, pixels;
    ``ink``: what beside a stroke is ink — the dark pixels, not the adaptive threshold's speckle of
    the paper's noise; ``binary`` when not given).
    """
    w = binary.shape[1]
    long_h = cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(24 * scale), w // 30), 1))
    short_v = cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(_SHORT_VERTICAL * scale)))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, long_h)
    # a slightly broken or thick ruling is one stroke
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    strokes = cv2.morphologyEx(binary, cv2.MORPH_OPEN, short_v)
    vertical = ruling_strokes(strokes, binary if ink is None else ink, horizontal, scale, texts or [])
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    return horizontal, vertical


#: vertical strokes shorter than this (points) are never rulings (a form row is at least 10 pt)
_SHORT_VERTICAL = 6.0
#: … this long are, between two horizontal rulings or not (a glyph is at most 12 pt)
_LONG_VERTICAL = 13.0
#: a side of a stroke with ink (3–4 px off: nearer is the stroke's own blur) along this share of
#: its length is not a cell's padding (a ruling's padding is blank; a glyph's crossing strokes
#: cover a tenth of its stem or more)
_SIDE = (3, 4)
_SIDE_INK = 0.05
#: a cell's padding beside its border (points)
_PADDING = 3.0


def ruling_strokes(strokes: np.ndarray, dark: np.ndarray, horizontal: np.ndarray, scale: float,
                   texts: list[tuple[int, int, int, int]]) -> np.ndarray:
    """The vertical strokes (a binary mask) that are rulings, judged between horizontal rulings.

    Why: in a dense form a bold label's strokes touch the borders above and below, so a glyph's
    vertical stroke runs on through a ruling into the next row's glyph (the 标 of 绩效目标 over
    the 标 of 一级指标 is one 16 pt line) or into a column border (a 地 under the 6月底 | 10月底
    border splits the 绩效目标 text). Cut at the horizontal rulings, a piece is a candidate when
    it is long (≥ 13 pt) or spans its row from border to border. A ruling has the cells' padding
    on both sides, a glyph's stroke the glyph's other strokes on one side at least: the
    candidates clean on both sides that line up to 13 pt or more on the page are the column
    borders (a form's border runs through several rows, and forms on one page share their
    columns — a form's first rows at a page's foot have no rows of their own to line up with;
    a glyph stroke is alone, and even where the same 工作计划 in two one-line rows lines its
    strokes up, their crossing strokes show 3–4 px off). In such a line a candidate clean on
    one side only is a border too — text printed against it (其他资金 | …, ≤30 万元) — unless it
    runs through a recognised line of text without a cell's padding on its clean side (a
    glyph's edge stroke, the next glyph a point or two away).
    """
    on_h = horizontal > 0
    pieces = np.where(on_h, np.uint8(0), strokes)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(pieces, connectivity=8)
    keep = np.zeros(count, dtype=bool)
    h, w = strokes.shape
    ink = dark > 0
    long = _LONG_VERTICAL * scale
    margin = int(1.5 * scale)
    clean: list[int] = []
    against: list[int] = []  # clean on one side
    for i in range(1, count):
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        cols = slice(x, x + bw)
        spans = on_h[max(0, y - 4):y + 1, cols].any() and on_h[y + bh - 1:min(h, y + bh + 4), cols].any()
        if bh < long and not spans:
            continue
        rows = ink[y:y + bh]
        left = max((float(rows[:, x - d].mean()) for d in _SIDE if x >= d), default=0.0)
        end = x + bw - 1
        right = max((float(rows[:, end + d].mean()) for d in _SIDE if end + d < w), default=0.0)
        if max(left, right) < _SIDE_INK:
            clean.append(i)
        elif min(left, right) < _SIDE_INK:
            against.append(i)
    # a column border is a line of clean pieces (forms on one page share their columns)
    length = np.zeros(w + 1, dtype=np.int64)  # a difference array
    for i in clean:
        x, bw, bh = int(stats[i][0]), int(stats[i][2]), int(stats[i][3])
        length[max(0, x - 3)] += bh
        length[min(w, x + bw + 3)] -= bh
    lines = np.cumsum(length)[:w]

    def in_line(i: int) -> bool:
        x, bw = int(stats[i][0]), int(stats[i][2])
        return bool(lines[x:x + bw].max() >= long)

    for i in clean:
        keep[i] = in_line(i)
    for i in against:
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        through_text = any(tx0 + margin < x + bw / 2 < tx1 - margin and min(tb, y + bh) - max(tt, y) > bh / 2
                           for tx0, tt, tx1, tb in texts)
        keep[i] = in_line(i) and (not through_text or _padded(ink[y:y + bh], x, x + bw - 1, scale))
    return np.where(keep[labels], np.uint8(255), np.uint8(0))


def _padded(rows: np.ndarray, first: int, last: int, scale: float) -> bool:
    """Whether a stroke (columns ``first``..``last`` of ``rows``) has a cell's padding, blank for
    3 pt, on one side — a border the detector ran one line of text over (``经费保障单位数量 | 1 个``)
    has; a glyph's edge stroke, the next glyph a point or two away, has not."""
    reach = range(_SIDE[0], int(_PADDING * scale) + 1)
    left = [d for d in reach if first - d >= 0]
    right = [d for d in reach if last + d < rows.shape[1]]
    return any(side and all(rows[:, col].mean() < _SIDE_INK for col in cols)
               for side, cols in ((left, [first - d for d in left]), (right, [last + d for d in right])))



def find_grids(horizontal: np.ndarray, vertical: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (pixels) of connected ruling networks big enough to be a table."""
    mask = cv2.bitwise_or(horizontal, vertical)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = mask.shape
    grids = []
    for i in range(1, count):
        x, y, bw, bh, _ = stats[i]
        if bw > w * 0.2 and bh > h * 0.02 and vertical[y:y + bh, x:x + bw].any():
            grids.append((int(x), int(y), int(x + bw), int(y + bh)))
    return sorted(grids, key=lambda g: g[1])


def _positions(profile: np.ndarray, minimum: float) -> list[int]:
    """Centres of runs where a projection profile is at least ``minimum``."""
    out: list[int] = []
    start = None
    for i, value in enumerate([*profile.tolist(), 0]):
        if value >= minimum and start is None:
            start = i
        elif value < minimum and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


def grid_cells(grid: tuple[int, int, int, int], horizontal: np.ndarray,
               vertical: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The grid's cells (pixels): slots between rulings, merged where no ruling separates them."""
    x0, y0, x1, y1 = grid
    hs = horizontal[y0:y1, x0:x1] > 0
    vs = vertical[y0:y1, x0:x1] > 0
    ys = _positions(hs.sum(axis=1), 15)
    xs = _positions(vs.sum(axis=0), 12)
    ys = sorted({0, *ys, y1 - y0 - 1})
    xs = sorted({0, *xs, x1 - x0 - 1})
    ys = [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 6]
    xs = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > 6]
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def ruled(mask: np.ndarray, along: slice, at: int, axis: int) -> bool:
        band = mask[along, max(0, at - 3):at + 4] if axis == 1 else mask[max(0, at - 3):at + 4, along]
        covered = band.any(axis=axis)
        return covered.size > 0 and covered.mean() > 0.6

    for r in range(rows):
        inner_y = slice(ys[r] + 3, max(ys[r] + 4, ys[r + 1] - 3))
        for c in range(cols - 1):
            if not ruled(vs, inner_y, xs[c + 1], 1):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
    for c in range(cols):
        inner_x = slice(xs[c] + 3, max(xs[c] + 4, xs[c + 1] - 3))
        for r in range(rows - 1):
            if not ruled(hs, inner_x, ys[r + 1], 0):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    groups: dict[int, list[int]] = {}
    for i in range(rows * cols):
        groups.setdefault(find(i), []).append(i)
    cells = []
    for members in groups.values():
        rs = [i // cols for i in members]
        cs = [i % cols for i in members]
        cells.append((x0 + xs[min(cs)], y0 + ys[min(rs)], x0 + xs[max(cs) + 1], y0 + ys[max(rs) + 1]))
    return cells


def _advance(ch: str) -> float:
    """A character's printed width in em: CJK full width, digits / latin / ASCII punctuation half."""
    return 0.5 if ord(ch) < 0x2E80 else 1.0


def slots_of_row(cells: list[tuple[int, int, int, int]], box: _Box, scale: float) -> list[_Slot]:
    """The cells (as slots, points) a box's centre line runs through."""
    cy, x0, x1 = box.cy * scale, box.x0 * scale, box.x1 * scale
    return [_Slot(bbox=(c[0] / scale, c[1] / scale, c[2] / scale, c[3] / scale)) for c in cells
            if c[1] <= cy <= c[3] and c[0] < x1 and x0 < c[2]]


def split_at_rulings(box: _Box, slots: list[_Slot]) -> list[_Box]:
    """A recognised box that runs over a cell border is cut there (by the characters' widths)."""
    row = [s for s in slots if s.bbox[1] <= box.cy <= s.bbox[3] and s.bbox[0] < box.x1 and box.x0 < s.bbox[2]]
    if len(row) <= 1 or len(box.text) <= 1:
        return [box]
    widths = [_advance(ch) for ch in box.text]
    unit = (box.x1 - box.x0) / sum(widths)
    edges = [box.x0]
    for w in widths:
        edges.append(edges[-1] + w * unit)
    parts: list[_Box] = []
    for slot in sorted(row, key=lambda s: s.bbox[0]):
        left, right = slot.bbox[0], slot.bbox[2]
        chars = [i for i in range(len(widths)) if left <= (edges[i] + edges[i + 1]) / 2 < right]
        if chars:
            a, b = chars[0], chars[-1] + 1
            parts.append(_Box(box.text[a:b], edges[a], box.top, edges[b], box.bottom, box.score))
    return parts or [box]


def _ink_beside(ink: np.ndarray, interior: tuple[int, int, int, int], boxes: list[_Box],
                scale: float) -> bool:
    """Whether a cell (interior in pixels) has ink on its boxes' line left or right of them all."""
    ix0, itop, ix1, ibottom = interior
    top = max(itop, int(min(b.top for b in boxes) * scale))
    bottom = min(ibottom, int(max(b.bottom for b in boxes) * scale) + 1)
    margin = _BESIDE_MARGIN * scale
    left = min(ix1, max(ix0, int(min(b.x0 for b in boxes) * scale - margin)))
    right = max(ix0, min(ix1, int(max(b.x1 for b in boxes) * scale + margin)))
    if bottom <= top:
        return False
    outside = np.count_nonzero(ink[top:bottom, ix0:left]) + np.count_nonzero(ink[top:bottom, right:ix1])
    return int(outside) > _SPECKLE


#: ink this far (points) beside a line's detected boxes is a character the detector left out (its
#: boxes hold their glyphs with a pixel or two to spare; a thin 1. can sit a point off)
_BESIDE_MARGIN = 0.5
#: so many ink pixels or fewer are speckle, not a character
_SPECKLE = 12


def _inside(box: _Box, bbox: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= box.cx <= bbox[2] and bbox[1] <= box.cy <= bbox[3]


def _line_groups(boxes: list[_Box]) -> list[list[_Box]]:
    groups: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: (b.cy, b.x0)):
        if groups:
            last = groups[-1]
            height = max(b.bottom - b.top for b in last)
            if abs(box.cy - sum(b.cy for b in last) / len(last)) <= 0.5 * height:
                last.append(box)
                continue
        groups.append([box])
    return [sorted(g, key=lambda b: b.x0) for g in groups]


def cell_text(boxes: list[_Box]) -> str:
    """A cell's boxes as its printed lines, top to bottom."""
    return "\n".join(" ".join(b.text for b in line) for line in _line_groups(boxes))


def text_lines(boxes: list[_Box], page_number: int) -> list[TextLine]:
    """Boxes outside every grid as text lines; a wide gap separates segments (部门 | 年度 | 单位)."""
    out = []
    for line in _line_groups(boxes):
        height = max(b.bottom - b.top for b in line)
        segments: list[str] = []
        previous: _Box | None = None
        for box in line:
            if previous is not None and box.x0 - previous.x1 < 1.5 * height and segments:
                segments[-1] += " " + box.text
            else:
                segments.append(box.text)
            previous = box
        out.append(TextLine(
            page=page_number, text=" ".join(segments), x0=line[0].x0, x1=max(b.x1 for b in line),
            top=min(b.top for b in line), bottom=max(b.bottom for b in line), size=height * 0.85,
            segments=segments,
        ))
    return out
