"""Read each page once: its ruled tables as cell grids and its other text as lines.

This is the only module that touches pdfplumber page objects. It runs the table finder
once per page, groups the characters outside the tables into lines itself (cheaper than a
second layout pass), and closes the page before the next one is read so memory stays flat
however long the document is.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tasks.extract.settings import ExtractSettings

BBox = tuple[float, float, float, float]


@dataclass(eq=False)
class Cell:
    """One printed cell; a merged cell is one ``Cell`` covering several grid positions."""

    text: str
    bbox: BBox
    #: (cells of a table's last row only) the lowest printed line is words filling the cell from
    #: edge to edge — the text runs on, so a page break below cut the cell (see ``mark_foot_lines``)
    runs_on: bool = False
    #: (OCR'd cells only) the recogniser's lowest confidence over the cell's text, 0–1
    confidence: float | None = None

    @property
    def x_center(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2


@dataclass
class RawTable:
    """A ruled table as found on one page.

    ``grid[r][c]`` is the cell covering grid position (r, c) — the same object for every
    position of a merged cell — or ``None`` where no cell covers it. ``origin[r][c]`` says
    whether the cell *starts* at that row (so a vertically merged cell can be told apart
    from its continuation rows).
    """

    page: int
    bbox: BBox
    grid: list[list[Cell | None]]
    row_bounds: list[tuple[float, float]]
    col_bounds: list[tuple[float, float]]

    @property
    def n_rows(self) -> int:
        return len(self.grid)

    @property
    def n_cols(self) -> int:
        return len(self.col_bounds)

    def starts_here(self, r: int, c: int) -> bool:
        cell = self.grid[r][c]
        return cell is not None and (r == 0 or self.grid[r - 1][c] is not cell)

    def row_bbox(self, r: int) -> list[float]:
        top, bottom = self.row_bounds[r]
        return [round(self.bbox[0], 2), round(top, 2), round(self.bbox[2], 2), round(bottom, 2)]


@dataclass
class TextLine:
    """A line of text outside any table, in reading order."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    #: the parts of the line separated by wide gaps (``901 XX局 | 预算年度：2026 | 单位：万元``)
    segments: list[str] = field(default_factory=list)


@dataclass
class PageContent:
    number: int
    width: float
    lines: list[TextLine] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    char_count: int = 0
    cid_count: int = 0
    #: unmapped glyphs inside ruled tables: even a few garble figures (a digits-only font without a map)
    cid_in_tables: int = 0
    image_count: int = 0

    def items(self) -> list[TextLine | RawTable]:
        """Lines and tables in top-to-bottom order."""
        keyed: list[tuple[float, int, TextLine | RawTable]] = [(ln.top, 0, ln) for ln in self.lines]
        keyed += [(t.bbox[1], 1, t) for t in self.tables]
        keyed.sort(key=lambda item: (item[0], item[1]))
        return [item for _, _, item in keyed]


def read_pages(pdf: Any, settings: ExtractSettings) -> Iterator[PageContent]:
    """Yield every page's content, closing each page as soon as it has been read."""
    for page in pdf.pages:
        try:
            yield read_page(page, settings)
        finally:
            page.close()


def read_page(page: Any, settings: ExtractSettings) -> PageContent:
    chars = page.chars
    content = PageContent(number=page.page_number, width=float(page.width))
    content.char_count = len(chars)
    content.cid_count = sum(1 for ch in chars if is_unmapped_glyph(ch["text"]))
    content.image_count = len(page.images)
    if not chars:
        return content
    page = without_invisible_fills(page)
    tables = page.find_tables(settings.table_settings)
    frames = missing_frames(page.edges, [t.bbox for t in tables], settings.frame_tolerance, chars)
    if frames:  # grids printed without their outer border: close them and look again
        vertical = [e for e in frames if e["orientation"] == "v"]
        horizontal = [e for e in frames if e["orientation"] == "h"]
        closed = {**settings.table_settings, "explicit_vertical_lines": vertical,
                  "explicit_horizontal_lines": horizontal}
        tables = page.find_tables(closed)
    from tasks.extract.unruled import reattach_overflow, split_unruled_rows  # uses this module's grid

    raw = [fill_gaps(to_raw_table(t, content.number), chars, settings) for t in tables]
    raw = [reattach_overflow(t, chars) for t in raw]
    content.tables = [split_unruled_rows(t, chars, settings) for t in raw]
    for table in content.tables:
        mark_foot_lines(table, chars, settings)
    boxes = [t.bbox for t in tables]
    outside = [ch for ch in chars if not _inside_any(ch, boxes)]
    if content.cid_count:
        inside = content.char_count - len(outside)
        content.cid_in_tables = inside and sum(
            1 for ch in chars if is_unmapped_glyph(ch["text"]) and _inside_any(ch, boxes)
        )
    content.lines = group_lines(outside, content.number, settings)
    return content


def without_invisible_fills(page: Any) -> Any:
    """The page without white, unstroked filled rectangles: cell backgrounds, not rulings.

    Word 2007 draws every cell's padding as a white box beside thin black ones; taken as
    rulings they split one grid into many thin rows and columns (18-column fragments).
    """
    if not any(_is_invisible_fill(r) for r in page.rects):
        return page
    return page.filter(lambda obj: obj.get("object_type") != "rect" or not _is_invisible_fill(obj))


def _is_invisible_fill(rect: dict[str, Any]) -> bool:
    if not rect.get("fill") or rect.get("stroke"):
        return False
    color = rect.get("non_stroking_color")
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not color:
        return False
    values = [float(v) for v in color if isinstance(v, (int, float))]
    if len(values) != len(color):
        return False
    if len(values) == 4:  # CMYK: white is no ink
        return max(values) <= 0.01
    return min(values) >= 0.99


def missing_frames(
    edges: list[dict[str, Any]], boxes: list[BBox], tol: float, chars: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Outer borders for ruled grids printed without them (``frame=void``, "no outside border").

    The sign is a horizontal rule crossed by a vertical one that no table found so far covers:
    its grid lost the outermost rows or columns. For each connected group of crossing rules the
    enclosing rectangle is returned as four edges; grids with their frame need none. A single
    frameless row (a table's last row pushed onto a page of its own) has column rules only;
    its outer edges are where its text ends.
    """
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v"]
    if not vs:
        return []
    frames = _frame_single_rows(hs, vs, boxes, tol, chars or [])
    if not hs:
        return frames

    def crosses(h: dict[str, Any], v: dict[str, Any]) -> bool:
        within_h = h["x0"] - tol <= v["x0"] <= h["x1"] + tol
        return within_h and v["top"] - tol <= h["top"] <= v["bottom"] + tol

    def covered(e: dict[str, Any]) -> bool:
        return any(b[0] - tol <= e["x0"] and e["x1"] <= b[2] + tol and b[1] - tol <= e["top"]
                   and e["bottom"] <= b[3] + tol for b in boxes)

    if not any(not covered(h) and any(crosses(h, v) for v in vs) for h in hs):
        return frames
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if crosses(h, v):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    for group_h, group_v in groups.values():
        if not group_h or not group_v or len(group_h) + len(group_v) < 3:  # a lone cross is no grid
            continue
        x0 = min(e["x0"] for e in group_h)
        x1 = max(e["x1"] for e in group_h)
        top = min(e["top"] for e in group_h + group_v)
        bottom = max(e["bottom"] for e in group_h + group_v)
        frames += [_edge(x0, top, x1, top), _edge(x0, bottom, x1, bottom),
                   _edge(x0, top, x0, bottom), _edge(x1, top, x1, bottom)]
    return frames


def _frame_single_rows(
    hs: list[dict[str, Any]], vs: list[dict[str, Any]], boxes: list[BBox], tol: float,
    chars: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Column rules of one height touching no horizontal rule and no table: a frameless row."""

    def in_table(v: dict[str, Any]) -> bool:
        return any(b[0] - tol <= v["x0"] <= b[2] + tol and b[1] - tol <= v["top"]
                   and v["bottom"] <= b[3] + tol for b in boxes)

    def touches_rule(v: dict[str, Any]) -> bool:
        return any(h["x0"] - tol <= v["x0"] <= h["x1"] + tol
                   and v["top"] - tol <= h["top"] <= v["bottom"] + tol for h in hs)

    loose = [v for v in vs if not in_table(v) and not touches_rule(v)]
    bands: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for v in loose:
        bands.setdefault((round(v["top"] / tol), round(v["bottom"] / tol)), []).append(v)
    frames: list[dict[str, Any]] = []
    for rules in bands.values():
        if len(rules) < 2:
            continue
        top, bottom = min(v["top"] for v in rules), max(v["bottom"] for v in rules)
        inside = [ch for ch in chars if top <= (ch["top"] + ch["bottom"]) / 2 <= bottom]
        if not inside:
            continue
        x0 = min(min(ch["x0"] for ch in inside), min(v["x0"] for v in rules)) - tol
        x1 = max(max(ch["x1"] for ch in inside), max(v["x0"] for v in rules)) + tol
        frames += [_edge(x0, top, x1, top), _edge(x0, bottom, x1, bottom),
                   _edge(x0, top, x0, bottom), _edge(x1, top, x1, bottom)]
    return frames


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    horizontal = top == bottom
    return {
        "object_type": "frame_edge", "orientation": "h" if horizontal else "v",
        "x0": x0, "x1": x1, "top": top, "bottom": bottom,
        "width": x1 - x0, "height": bottom - top, "doctop": top,
    }


def is_unmapped_glyph(text: str) -> bool:
    """A glyph the font could not map to Unicode: ``(cid:N)``, a private-use code point or U+FFFD."""
    return text.startswith("(cid:") or (len(text) == 1 and ("\ue000" <= text <= "\uf8ff" or text == "\ufffd"))


def to_raw_table(table: Any, page_number: int) -> RawTable:
    """Turn a pdfplumber ``Table`` into a grid with merged cells resolved."""
    texts = table.extract()
    cells: list[Cell] = []
    for row, row_texts in zip(table.rows, texts, strict=False):
        for bbox, text in zip(row.cells, row_texts, strict=False):
            if bbox is not None:
                cells.append(Cell(text=text or "", bbox=_bbox(bbox)))
    return build_grid(cells, page_number, _bbox(table.bbox))


def fill_gaps(table: RawTable, chars: list[dict[str, Any]], settings: ExtractSettings) -> RawTable:
    """Grid positions no cell covers (a border the finder missed) get a cell of the text printed there.

    Without this, a word printed where a rule is missing — typically a merged 一级指标 cell cut
    by a page break — silently vanishes.
    """
    gaps = [(r, c) for r, row in enumerate(table.grid) for c, cell in enumerate(row) if cell is None]
    if not gaps:
        return table
    x0, top, x1, bottom = table.bbox
    near = [ch for ch in chars if x0 <= ch["x0"] and ch["x1"] <= x1 and top <= ch["top"] <= bottom]
    for r, c in gaps:
        (c0, c1), (r0, r1) = table.col_bounds[c], table.row_bounds[r]
        inside = [ch for ch in near
                  if c0 <= (ch["x0"] + ch["x1"]) / 2 <= c1 and r0 <= (ch["top"] + ch["bottom"]) / 2 <= r1]
        text = "\n".join(line.text for line in group_lines(inside, table.page, settings))
        table.grid[r][c] = Cell(text=text, bbox=(c0, r0, c1, r1))
    return table


def mark_foot_lines(table: RawTable, chars: list[dict[str, Any]], settings: ExtractSettings) -> None:
    """Mark the cells of the table's last row whose text runs on (``Cell.runs_on``).

    A finished label ends short of its cell's right edge; a line of words reaching both edges
    (within ``wrap_edge_slack`` font sizes) was wrapped or justified, so more text follows —
    at a page foot, on the next page. Figures never wrap. Only the last row is read, so the
    cost is one row per table.
    """
    if not table.grid:
        return
    x0, top, x1, bottom = table.bbox
    near = [ch for ch in chars if x0 <= ch["x0"] and ch["x1"] <= x1 and top <= ch["top"] <= bottom]
    seen: set[int] = set()
    for cell in table.grid[-1]:
        if cell is None or id(cell) in seen:
            continue
        seen.add(id(cell))
        c0, r0, c1, r1 = cell.bbox
        inside = [ch for ch in near
                  if c0 <= (ch["x0"] + ch["x1"]) / 2 <= c1 and r0 <= (ch["top"] + ch["bottom"]) / 2 <= r1]
        lines = group_lines(inside, table.page, settings)
        if lines:
            last, slack = lines[-1], settings.wrap_edge_slack * lines[-1].size
            words = any(ch.isalpha() for ch in last.text)
            cell.runs_on = words and last.x0 - c0 <= slack and c1 - last.x1 <= slack


def _bbox(values: Any) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


def build_grid(cells: list[Cell], page_number: int, bbox: BBox, tol: float = 1.0) -> RawTable:
    """Place cells on the grid spanned by all cell edges; a merged cell covers every position it spans."""
    xs = _unique_sorted([c.bbox[0] for c in cells] + [c.bbox[2] for c in cells], tol)
    ys = _unique_sorted([c.bbox[1] for c in cells] + [c.bbox[3] for c in cells], tol)
    col_bounds = list(itertools.pairwise(xs))
    row_bounds = list(itertools.pairwise(ys))
    grid: list[list[Cell | None]] = [[None] * len(col_bounds) for _ in row_bounds]
    for cell in cells:
        x0, top, x1, bottom = cell.bbox
        for r, (r0, r1) in enumerate(row_bounds):
            if top - tol <= (r0 + r1) / 2 <= bottom + tol:
                for c, (c0, c1) in enumerate(col_bounds):
                    if x0 - tol <= (c0 + c1) / 2 <= x1 + tol:
                        grid[r][c] = cell
    return RawTable(page=page_number, bbox=bbox, grid=grid, row_bounds=row_bounds, col_bounds=col_bounds)


def group_lines(chars: list[dict[str, Any]], page_number: int, settings: ExtractSettings) -> list[TextLine]:
    """Cluster characters into lines by their vertical position, then order them left to right."""
    upright = sorted((ch for ch in chars if ch.get("upright", True)), key=lambda ch: (ch["top"], ch["x0"]))
    groups: list[list[dict[str, Any]]] = []
    for ch in upright:
        if groups and abs(ch["top"] - groups[-1][0]["top"]) <= settings.line_tolerance:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    groups = _rejoin_stray_quotes(groups)
    lines = []
    for group in groups:
        group.sort(key=lambda ch: ch["x0"])
        text = _join_chars(group, settings.word_gap)
        segments = [s.strip() for s in _join_chars(group, settings.word_gap, settings.column_gap).split("\t")]
        if not text.strip():
            continue
        lines.append(
            TextLine(
                page=page_number,
                text=text.strip(),
                x0=float(group[0]["x0"]),
                x1=float(max(ch["x1"] for ch in group)),
                top=float(min(ch["top"] for ch in group)),
                bottom=float(max(ch["bottom"] for ch in group)),
                size=float(max(ch.get("size", 0) or 0 for ch in group)) or 10.0,
                segments=[s for s in segments if s],
            )
        )
    return lines


_QUOTES = frozenset("“”‘’\"'「」『』")


def _rejoin_stray_quotes(groups: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Quote marks set in another font sit a few points off the line they belong to
    (一般公共预算“三公”经费…): a group of only quotes joins the line above it that it overlaps."""
    out: list[list[dict[str, Any]]] = []
    for group in groups:
        if out and all(ch["text"] in _QUOTES for ch in group):
            above = out[-1]
            top, bottom = min(c["top"] for c in above), max(c["bottom"] for c in above)
            overlap = min(bottom, max(c["bottom"] for c in group)) - max(top, min(c["top"] for c in group))
            if overlap > 0.5 * (bottom - top):
                above.extend(group)
                continue
        out.append(group)
    return out


def _join_chars(chars: list[dict[str, Any]], word_gap: float, column_gap: float | None = None) -> str:
    """Characters → text: a gap wider than ``word_gap`` sizes is a space, wider than ``column_gap`` a tab."""
    parts: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = prev.get("size") or 10.0
            if column_gap is not None and gap > column_gap * size:
                parts.append("\t")
            elif gap > word_gap * size:
                parts.append(" ")
        parts.append(ch["text"])
        prev = ch
    return "".join(parts)


def _inside_any(ch: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (ch["x0"] + ch["x1"]) / 2
    cy = (ch["top"] + ch["bottom"]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _unique_sorted(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out
