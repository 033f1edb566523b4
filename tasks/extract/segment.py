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
from functools import cache

from budget_etl.contract import OTHER_TABLE
from budget_etl.vocabulary import load
from tasks.extract.pages import PageContent, RawTable, TextLine
from tasks.extract.settings import ExtractSettings
from tasks.extract.text import compact
from tasks.extract.title_run import TitleRun, forget
from tasks.extract.titles import TitleMatch, is_marker, match_title

#: tables that repeat a title per instance (one 绩效目标表 per project): never continuations by title
_FORMS = ("project_performance", "department_performance")
_PUNCTUATION_ONLY = re.compile(r"^[“”\"'‘’「」『』]+$")
@cache
def _note_prefixes() -> tuple[str, ...]:
    """注： / 说明： … : lines printed under a table about it (several may follow one another)."""
    return tuple(load("tables")["note_prefixes"])


_PARAGRAPH = re.compile(r"[。；;]|^第.{1,3}部分|^[一二三四五六七八九十]+、")
#: page-header lines a spreadsheet export may print *inside* the ruled area, above the header
_CAPTION_META = re.compile(
    r"预算年度|^(金额)?单位[：:]|截止|^\d{3,}(?![年月日号元万个人次%.])[^\d：:]+$|"
    r"^(编制|预算)?(部门|单位)(名称)?[：:]"
)


@dataclass
class TableBlock:
    match: TitleMatch
    title_page: int
    context: list[TextLine] = field(default_factory=list)
    #: fragments not yet consumed by the extractor (it may drain them page by page)
    fragments: list[RawTable] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    #: lines printed after the table, before the next title or paragraph (注：本表为空表 …)
    trailing: list[TextLine] = field(default_factory=list)
    #: every fragment's grid is kept for an ``other`` table (its rows are output as printed)
    kept: list[RawTable] = field(default_factory=list)

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
    _title_run: TitleRun = field(default_factory=TitleRun)
    #: ruled tables seen, titled or not (a document with tables none recognised says so)
    ruled_tables: int = 0

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
        self.ruled_tables += 1
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
        if _PUNCTUATION_ONLY.match(compact(line.text)):
            return  # quote marks printed on a baseline of their own (“ ” of a “三公” title)
        match = match_title(line.text, max_chars=self.settings.max_title_chars)
        joined_with_prev = False
        weak = match is None or match.slug == OTHER_TABLE  # "支出预算表" may end a wrapped title
        if weak and self._prev_line is not None and self._wraps(self._prev_line, line):
            joined = match_title(self._prev_line.text + line.text, max_chars=self.settings.max_title_chars)
            if joined is not None and (match is None or joined.slug != OTHER_TABLE):
                match, joined_with_prev = joined, True
        run = self._title_run.take(
            line, wrap_gap=self.settings.title_wrap_gap, max_chars=self.settings.max_title_chars
        )
        if run is not None:  # a numbered 绩效 title wrapped over several lines (tasks/extract/title_run.py)
            match, earlier = run
            joined_with_prev = False
            forget(earlier, self._pending.context if self._pending else None,
                   self.blocks[-1].trailing if self.blocks else None)
        if match is not None and not match.continued and self._repeats_last_title(match, line):
            self._pending, self._current = None, self.blocks[-1]  # the title repeated on a continuation page
            self._prev_line = None
            return
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
        elif self._current is not None:
            self._current.trailing.append(line)
            text = compact(line.text)
            if _PARAGRAPH.search(text) and not text.startswith(_note_prefixes()):
                self._current = None  # prose ends what is printed under a table; its 注 lines do not
        self._prev_line = line

    def _peel_captions(self, table: RawTable) -> RawTable:
        """Title and page-header rows printed inside the table's top rows become lines again.

        A spreadsheet export may print title, 公开表一 marker and the 部门 / 单位 line in the
        table's first (merged) cell, one per line: each becomes a line of its own.
        """
        k = 0
        while k < table.n_rows:
            texts = _row_texts(table, k)
            if not texts:
                break
            joined = " ".join(texts)
            parts = [p for p in texts[0].split("\n") if p.strip()] if len(texts) == 1 else []
            is_title = len(texts) == 1 and match_title(joined, max_chars=self.settings.max_title_chars)
            stacked = len(parts) > 1 and self._is_caption_stack(parts)
            first = table.grid[k][0] if table.n_cols else None
            starts_left = first is not None and bool(first.text.strip())  # captions start at the left edge
            meta = starts_left and all(_CAPTION_META.search(compact(t)) or is_marker(t) for t in texts)
            if not is_title and not stacked and not meta:
                break
            top, bottom = table.row_bounds[k]
            pieces = parts if stacked else [joined]
            height = (bottom - top) / len(pieces)
            for i, piece in enumerate(pieces):
                segments = _split_segments(piece) if stacked else texts
                self._take_line(TextLine(
                    page=table.page, text=piece, x0=table.bbox[0], x1=table.bbox[2], top=top + i * height,
                    bottom=top + (i + 1) * height, size=height, segments=segments,
                ))
            k += 1
        if k == 0:
            return table
        return RawTable(page=table.page, bbox=(table.bbox[0], table.row_bounds[k - 1][1], *table.bbox[2:]),
                        grid=table.grid[k:], row_bounds=table.row_bounds[k:], col_bounds=table.col_bounds)

    def _repeats_last_title(self, match: TitleMatch, line: TextLine) -> bool:
        """The last table's own title again, on the page after it: a continuation, not a new table."""
        if not self.blocks or self._pending is not None:
            return False
        last = self.blocks[-1]
        return (
            match.slug == last.match.slug and compact(match.title) == compact(last.match.title)
            and bool(last.pages) and line.page == last.pages[-1] + 1 and match.slug not in _FORMS
        )

    def _is_caption_stack(self, parts: list[str]) -> bool:
        """Lines of one cell that are a title plus markers / 部门 / 单位 lines, nothing else."""
        titles = [p for p in parts if match_title(p, max_chars=self.settings.max_title_chars)]
        rest = [p for p in parts if p not in titles]
        return len(titles) == 1 and all(is_marker(p) or _CAPTION_META.search(compact(p)) for p in rest)

    def _wraps(self, first: TextLine, second: TextLine) -> bool:
        return (
            first.page == second.page
            and 0 <= second.top - first.bottom <= self.settings.title_wrap_gap * max(first.size, second.size)
            and match_title(first.text, max_chars=self.settings.max_title_chars) is None
        )


def _split_segments(text: str) -> list[str]:
    """``部门：XX局    单位：万元`` → its parts (a wide run of spaces separates them)."""
    parts = [p.strip() for p in re.split(r"\s{2,}|\t|(?=(?:金额)?单位[：:][^\s]{0,3}元)", text)]
    return [p for p in parts if p]


def _row_texts(table: RawTable, r: int) -> list[str]:
    texts: list[str] = []
    previous = None
    for cell in table.grid[r]:
        if cell is not None and cell is not previous and cell.text.strip():
            texts.append(cell.text.strip())
        previous = cell
    return texts
