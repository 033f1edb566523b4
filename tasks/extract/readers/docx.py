"""Read a Word .docx as the pipeline's pages: paragraphs become lines, Word tables grids.

The body is walked in order (paragraph, table, paragraph …) so a table's title is the
paragraph above it, as on the printed page. A page break (``w:br w:type="page"``, "page break
before", a section break) starts a new virtual page, so tables keep meaningful ``pages``.
Merged cells come from ``w:gridSpan`` (across) and ``w:vMerge`` (down); a row whose cells all
have their borders switched off (the 部门 / 单位 line typed into the table's first row) is a
line outside the grid, as it prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from tasks.extract.pages import PageContent
from tasks.extract.readers.base import Line, PageBuilder, Sheet, SheetCell

_NO_LINE = {"nil", "none"}
_SIDES = ("top", "left", "bottom", "right")


def read_docx_pages(data: bytes) -> list[PageContent]:
    """Every virtual page of the document, in order."""
    document = Document(BytesIO(data))
    table_style_ruled = _style_borders(document)
    pages: list[PageBuilder] = [PageBuilder(1)]
    for kind, item in _body_items(document.element.body):
        if kind == "break":
            if pages[-1].content.lines or pages[-1].content.tables:
                pages.append(PageBuilder(len(pages) + 1))
        elif kind == "line":
            pages[-1].add_line(item.text, item.size)
        else:
            pages[-1].add_sheet(read_table(item, table_style_ruled))
    return [p.content for p in pages if p.content.lines or p.content.tables]


def _body_items(body: Any) -> Iterator[tuple[str, Any]]:
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            if _breaks_before(child):
                yield "break", None
            text, size = _paragraph_text(child)
            if text.strip():
                yield "line", Line(text=text, size=size)
            if _breaks_after(child):
                yield "break", None
        elif child.tag == qn("w:tbl"):
            yield "table", child
        elif child.tag == qn("w:sdt"):  # a content control (e.g. a TOC) wraps ordinary paragraphs
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content)


def _breaks_before(p: Any) -> bool:
    ppr = p.find(qn("w:pPr"))
    flag = ppr.find(qn("w:pageBreakBefore")) if ppr is not None else None
    return flag is not None and flag.get(qn("w:val"), "true") not in ("false", "0")


def _breaks_after(p: Any) -> bool:
    ppr = p.find(qn("w:pPr"))
    if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
        return True
    return any(br.get(qn("w:type")) == "page" for br in p.iter(qn("w:br")))


def _paragraph_text(p: Any) -> tuple[str, float]:
    """The paragraph's text (line breaks kept as ``\\n``, tabs as a wide gap) and its font size."""
    parts: list[str] = []
    size = 0.0
    for node in p.iter():
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab") and node.getparent().tag == qn("w:r"):
            parts.append("    ")
        elif node.tag == qn("w:br") and node.get(qn("w:type")) in (None, "textWrapping"):
            parts.append("\n")
        elif node.tag == qn("w:sz") and not size:
            value = node.get(qn("w:val"))
            size = float(value) / 2 if value and value.isdigit() else 0.0
    return "".join(parts), size or 10.5


def read_table(tbl: Any, style_ruled: dict[str, bool]) -> Sheet:
    """A Word table as a sheet: grid columns from ``w:tblGrid``, spans from gridSpan / vMerge."""
    widths = [_twips(col.get(qn("w:w"))) / 20 for col in tbl.iter(qn("w:gridCol"))]
    ruled_table = _table_ruled(tbl, style_ruled)
    cells: list[SheetCell] = []
    open_merge: dict[int, SheetCell] = {}  # grid column → the cell a vMerge continues
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        col = _grid_before(tr)
        for tc in tr.findall(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            span = _int_val(tcpr, "w:gridSpan", 1)
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue" and col in open_merge:
                open_merge[col].rowspan = r - open_merge[col].row + 1
            else:
                text = "\n".join(_paragraph_text(p)[0] for p in tc.findall(qn("w:p")))
                size = min((_paragraph_text(p)[1] for p in tc.findall(qn("w:p"))), default=10.5)
                cell = SheetCell(text=text, row=r, col=col, colspan=span,
                                 ruled=_cell_ruled(tcpr, ruled_table), size=size)
                cells.append(cell)
                for c in range(col, col + span):
                    open_merge.pop(c, None)
                if vmerge is not None:
                    open_merge[col] = cell
            col += span
        while len(widths) < col:
            widths.append(60.0)
    return Sheet(cells=cells, widths=widths or [60.0])


def _style_borders(document: Any) -> dict[str, bool]:
    """Table style id → whether the style draws cell borders (``Table Grid`` does)."""
    out: dict[str, bool] = {}
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) != "table":
            continue
        borders = style.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
        out[style.get(qn("w:styleId"))] = borders is not None and _any_line(borders)
    return out


def _table_ruled(tbl: Any, style_ruled: dict[str, bool]) -> bool:
    tblpr = tbl.find(qn("w:tblPr"))
    if tblpr is None:
        return False
    borders = tblpr.find(qn("w:tblBorders"))
    if borders is not None:
        return _any_line(borders)
    style = tblpr.find(qn("w:tblStyle"))
    return style is not None and style_ruled.get(style.get(qn("w:val")), False)


def _cell_ruled(tcpr: Any, table_ruled: bool) -> bool:
    borders = tcpr.find(qn("w:tcBorders")) if tcpr is not None else None
    if borders is None:
        return table_ruled
    sides = [borders.find(qn(f"w:{s}")) for s in _SIDES]
    if all(s is not None and s.get(qn("w:val")) in _NO_LINE for s in sides):
        return False
    return table_ruled or _any_line(borders)


def _any_line(borders: Any) -> bool:
    return any(child.get(qn("w:val")) not in _NO_LINE for child in borders)


def _grid_before(tr: Any) -> int:
    return _int_val(tr.find(qn("w:trPr")), "w:gridBefore", 0)


def _int_val(parent: Any, tag: str, default: int) -> int:
    node = parent.find(qn(tag)) if parent is not None else None
    value = node.get(qn("w:val")) if node is not None else None
    return int(value) if value and value.isdigit() else default


def _twips(value: str | None) -> float:
    try:
        return float(value) if value else 1200.0
    except ValueError:
        return 1200.0
