"""Find the tables: walk the page items in reading order and group them into titled tables.

A recognised title starts a table; the ruled table that follows it (on the same page or,
when the title sits at the bottom of a page, on the next) is its first fragment; further
ruled tables with no new title in between — typically on the following pages, after the
repeated department / 预算年度 / 单位 lines — are continuation fragments of the same
table. A paragraph of running text ends a table, so a stray ruled box later in the
narrative is not glued onto it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.extract.pages import PageContent, RawTable, TextLine
from tasks.extract.settings import ExtractSettings
from tasks.extract.text import compact
from tasks.extract.titles import TitleMatch, match_title

_PARAGRAPH = re.compile(r"[。；;]|^第.{1,3}部分|^[一二三四五六七八九十]+、")
#: page-header lines a spreadsheet export may print *inside* the ruled area, above the header
_CAPTION_META = re.compile(r"预算年度|^(金额)?单位[：:]|截止|^\d{3,}(?![年月日号元万个人次%.])[^\d：:]+$")


@dataclass
class TableBlock:
    match: TitleMatch
    title_page: int
    context: list[TextLine] = field(default_factory=list)
    #: fragments not yet consumed by the extractor (it may drain them page by page)
    fragments: list[RawTable] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)

    def add_fragment(self, table: RawTable) -> None:
        self.fragments.append(table)
        if table.page not in self.pages:
            self.pages.append(table.page)


@dataclass
class BlockFinder:
    """Fed one page at a time (pages are closed as they go); collects titled tables and lines."""

    settings: ExtractSettings
    blocks: list[TableBlock] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    _pending: TableBlock | None = None
    _current: TableBlock | None = None
    _prev_line: TextLine | None = None

    def feed(self, page: PageContent) -> None:
        for item in page.items():
            if isinstance(item, RawTable):
                self._take_table(item)
            else:
                self._take_line(item)

    def _take_table(self, table: RawTable) -> None:
        table = self._peel_captions(table)
        if table.n_rows == 0:
            return
        self._prev_line = None
        if self._pending is not None:
            block, self._pending = self._pending, None
            block.add_fragment(table)
            self.blocks.append(block)
            self._current = block
        elif self._current is not None:
            self._current.add_fragment(table)

    def _take_line(self, line: TextLine) -> None:
        self.lines.append(line)
        match = match_title(line.text, max_chars=self.settings.max_title_chars)
        joined_with_prev = False
        if match is None and self._prev_line is not None and self._wraps(self._prev_line, line):
            match = match_title(self._prev_line.text + line.text, max_chars=self.settings.max_title_chars)
            joined_with_prev = match is not None
        if match is not None and not match.continued:
            if joined_with_prev and self._pending is not None and self._pending.context:
                self._pending.context.pop()
            self._pending = TableBlock(match=match, title_page=line.page)
            self._current = None
            self._prev_line = None
            return
        if match is not None:  # "（续表）": the next ruled table continues the current one
            self._prev_line = None
            return
        if self._pending is not None and _PARAGRAPH.search(compact(line.text)):
            self._pending = None  # a heading that mentions a table, followed by prose: no table here
        elif self._pending is not None:
            self._pending.context.append(line)
        elif self._current is not None and _PARAGRAPH.search(compact(line.text)):
            self._current = None
        self._prev_line = line

    def _peel_captions(self, table: RawTable) -> RawTable:
        """Title and page-header rows printed inside the table's top rows become lines again."""
        k = 0
        while k < table.n_rows:
            texts = _row_texts(table, k)
            if not texts:
                break
            joined = " ".join(texts)
            is_title = len(texts) == 1 and match_title(joined, max_chars=self.settings.max_title_chars)
            first = table.grid[k][0] if table.n_cols else None
            starts_left = first is not None and bool(first.text.strip())  # captions start at the left edge
            if not is_title and not (starts_left and all(_CAPTION_META.search(compact(t)) for t in texts)):
                break
            top, bottom = table.row_bounds[k]
            line = TextLine(page=table.page, text=joined, x0=table.bbox[0], x1=table.bbox[2], top=top,
                            bottom=bottom, size=bottom - top, segments=texts)
            self._take_line(line)
            k += 1
        if k == 0:
            return table
        return RawTable(page=table.page, bbox=(table.bbox[0], table.row_bounds[k - 1][1], *table.bbox[2:]),
                        grid=table.grid[k:], row_bounds=table.row_bounds[k:], col_bounds=table.col_bounds)

    def _wraps(self, first: TextLine, second: TextLine) -> bool:
        return (
            first.page == second.page
            and 0 <= second.top - first.bottom <= self.settings.title_wrap_gap * max(first.size, second.size)
            and match_title(first.text, max_chars=self.settings.max_title_chars) is None
        )


def _row_texts(table: RawTable, r: int) -> list[str]:
    texts: list[str] = []
    previous = None
    for cell in table.grid[r]:
        if cell is not None and cell is not previous and cell.text.strip():
            texts.append(cell.text.strip())
        previous = cell
    return texts
