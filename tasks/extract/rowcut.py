"""Is the top row of a continuation page the rest of an indicator row cut by the page break?

Decided by the form's columns and the printed lines, not by what the names say:

* every indicator names its own 三级指标 (the row's anchor; 一级/二级 are group cells that a
  merged or blank cell carries down), so a top row with an empty anchor cell — or a previous
  row whose anchor was empty — is one indicator with the row before the break;
* otherwise the row continues the one before the break only if, in the columns filled on both
  sides of the break, the text below could not have gone on the last line above: that line
  plus the first unbreakable piece below is wider than the widest wrapped line seen in that
  column anywhere in the form (widths in em: CJK 1, Latin and digits ½). A column that never
  wraps gives no evidence either way; one column where the text below would have fitted (a
  complete name such as 数量 or 质量, then a new row) says the row was not cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasks.extract.pages import Cell, RawTable


def line_width(text: str) -> float:
    """Printed width of one line in em: ideographs and full-width forms 1, the rest less."""
    width = 0.0
    for ch in text:
        if ch.isspace():
            width += 0.25
        elif ord(ch) >= 0x2E80:
            width += 1.0
        else:
            width += 0.5
    return width


@dataclass(frozen=True)
class ColumnWidths:
    """Per column (x extent) of a form: the width of the widest line that wrapped to a next one."""

    columns: tuple[tuple[float, float, float], ...]

    @classmethod
    def of(cls, fragments: list[RawTable]) -> ColumnWidths:
        widest: dict[tuple[int, int], tuple[float, float, float]] = {}
        for table in fragments:
            seen: set[int] = set()
            for row in table.grid:
                for cell in row:
                    if cell is None or id(cell) in seen:
                        continue
                    seen.add(id(cell))
                    lines = [ln for ln in cell.text.split("\n") if ln.strip()]
                    if len(lines) < 2:
                        continue
                    key = (round(cell.bbox[0]), round(cell.bbox[2]))
                    width = max(line_width(ln.strip()) for ln in lines[:-1])
                    if key not in widest or widest[key][2] < width:
                        widest[key] = (cell.bbox[0], cell.bbox[2], width)
        return cls(tuple(widest.values()))

    def capacity(self, cell: Cell) -> float | None:
        """The widest wrapped line of the column this cell sits in (``None``: it never wraps)."""
        best, best_overlap = None, 0.0
        width = cell.bbox[2] - cell.bbox[0]
        for x0, x1, capacity in self.columns:
            overlap = min(x1, cell.bbox[2]) - max(x0, cell.bbox[0])
            # the same column: overlapping most of both extents (not a merged neighbour)
            if overlap > 0.8 * max(width, x1 - x0) and overlap > best_overlap:
                best, best_overlap = capacity, overlap
        return best

    def wraps_into(self, cell: Cell, rest: Cell) -> bool:
        """Would ``rest``'s first unbreakable piece not have fitted on ``cell``'s last line?

        That is what made the writer break the line: the text ran on past the page end. Judged
        against the widest wrapped line of the column (a lower bound of its width), so a real
        wrap always passes and a complete short text (数量, 质量) followed by a new row fails.
        """
        lines = [ln.strip() for ln in cell.text.split("\n") if ln.strip()]
        capacity = self.capacity(cell)
        if not lines or capacity is None:
            return False
        return line_width(lines[-1]) + line_width(first_piece(rest.text)) > capacity


#: punctuation a line may not end with (opening) or begin with (closing): it sticks to its neighbour
_OPENING = frozenset("（([【《“‘〔")
_CLOSING = frozenset("）)]】》”’〕，,。.、；;：:！!？?%％")


def _is_cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def first_piece(text: str) -> str:
    """The first piece of ``text`` a line cannot break inside.

    A line breaks at a space or between two CJK characters — never after opening or before
    closing punctuation, never inside a Latin word or a number (``【2022】730号`` is one piece).
    """
    text = text.strip()
    for i in range(1, len(text)):
        before, after = text[i - 1], text[i]
        if after.isspace():
            return text[:i]
        if _is_cjk(before) and _is_cjk(after) and before not in _OPENING and after not in _CLOSING:
            return text[:i]
    return text


def continues_cut_row(
    previous: dict[str, Cell], row: dict[str, Cell], widths: ColumnWidths, *, anchor: str = "level3"
) -> bool:
    """Does ``row`` (first body row after a page break) finish the indicator ``previous``?"""
    filled = {name for name, cell in row.items() if cell.text.strip()}
    if not filled or not previous:
        return False
    if anchor in row and anchor not in filled:
        return True
    if anchor in previous and not previous[anchor].text.strip():
        return True
    both = [name for name in filled if name in previous and previous[name].text.strip()]
    evidence = [
        widths.wraps_into(previous[name], row[name])
        for name in both
        if widths.capacity(previous[name]) is not None
    ]
    return bool(evidence) and all(evidence)
