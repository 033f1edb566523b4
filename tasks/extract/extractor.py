"""The extractor: one class composing the steps, page by page.

read pages → find tables → read header → map columns → stitch pages → clean cells →
type the table → build records. Each step is a plain function in its own module; this
class only wires them and turns the whole document into an ``ExtractedDocument``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from budget_etl.contract import FINAL_TWO_SIDED, OTHER_TABLE, PERFORMANCE_TABLES, TWO_SIDED, table_spec
from budget_etl.document import DocumentMeta, ExtractedDocument, ExtractedTable
from budget_etl.errors import ExtractError, Reason
from budget_etl.findings import Finding
from budget_etl.vocabulary import load
from tasks.extract import problems
from tasks.extract.columns import signature as type_signature
from tasks.extract.header import row_cells
from tasks.extract.metadata import (
    budget_year,
    department,
    document_kind,
    document_unit,
    empty_note,
    is_typed,
    not_budget_reason,
    scope,
    table_unit,
    trailing_note,
    unit_line,
)
from tasks.extract.narrative import build_narrative
from tasks.extract.open_pdf import check_size
from tasks.extract.pages import PageContent, RawTable, read_pages
from tasks.extract.project import build_project_record
from tasks.extract.readers import open_source
from tasks.extract.records import CellProblem, Record, build_records, is_blank_total
from tasks.extract.segment import BlockFinder, TableBlock
from tasks.extract.settings import ExtractSettings
from tasks.extract.stitch import HORIZONTAL_ITEM, DataRow, Stitcher
from tasks.extract.text import clean_text

#: a narrative-only file holds at least this much running text (characters) about a budget
_NARRATIVE_MIN_CHARS = 300


class DocumentExtractor:
    """Extract one budget PDF into the data dictionary's typed tables."""

    def __init__(self, settings: ExtractSettings | None = None) -> None:
        self.settings = settings or ExtractSettings.from_app_settings()

    def extract(self, source: Path | bytes, *, source_url: str | None = None) -> ExtractedDocument:
        if isinstance(source, bytes):
            data = source
        else:
            check_size(Path(source).stat().st_size, self.settings)  # before reading it into memory
            data = Path(source).read_bytes()
        with open_source(data, self.settings, self._pages) as source:  # PDF text / OCR / Office reader
            page_count = source.page_count
            finder = BlockFinder(self.settings)
            layer = TextLayer()
            stitchers: dict[int, Stitcher] = {}
            settled: dict[int, list[Record]] = {}
            for page in source.pages():
                layer.add(page)
                finder.feed(page)
                self._drain(finder.blocks, stitchers, settled)
        layer.check(page_count, self.settings, source.ocr_outcome)
        narrative = build_narrative(
            finder.lines, slack=self.settings.paragraph_slack, short_line=self.settings.paragraph_short_line,
        )
        reason = not_budget_reason(finder.blocks, finder.lines)
        if reason is not None:
            raise ExtractError(
                Reason(reason), "this is a budget document but not data (a blank template: placeholders "
                "everywhere); it is never stored as data", page_count=page_count,
                titles=[b.match.title for b in finder.blocks][:30],
            )
        narrative_only = not any(is_typed(b) for b in finder.blocks) and self._is_budget_narrative(narrative)
        if not narrative_only:
            self._check_found(finder, page_count)
        self._findings = list(source.findings)  # a reader's findings (OCR confidence) first
        tables = [
            self._build_or_explain(b, stitchers.get(id(b)), settled.get(id(b), [])) for b in finder.blocks
        ]
        unit = document_unit([t.unit for t in tables], finder.lines)
        for table in tables:
            table.unit = table.unit or unit
        source.annotate(tables)  # OCR'd records get their ocr_confidence (lineage), flags their row
        code, name = department(finder.blocks, finder.lines)
        kind = document_kind(finder.blocks, finder.lines)
        meta = DocumentMeta(
            kind=kind,
            department_code=code,
            department_name=name,
            budget_year=budget_year(finder.blocks, finder.lines, kind),
            unit=unit,
            page_count=page_count,
            sha256=hashlib.sha256(data).hexdigest(),
            source_url=source_url,
            scope=scope(finder.blocks, finder.lines, kind),
            narrative_only=narrative_only,
            reader=source.reader,
        )
        return ExtractedDocument(document=meta, tables=tables, narrative=narrative, findings=self._findings)

    @staticmethod
    def _is_budget_narrative(narrative: list[Any]) -> bool:
        text = "".join(b.text for b in narrative)
        return len(text) >= _NARRATIVE_MIN_CHARS and any(
            w in text for words in load("tables")["scope"].values() for w in words
        )

    @staticmethod
    def _check_found(finder: BlockFinder, page_count: int) -> None:
        """No typed table: say whether ruled tables were there (with their titles) or none at all."""
        if any(is_typed(b) for b in finder.blocks):
            return
        if finder.blocks or finder.ruled_tables:
            raise ExtractError(
                Reason.UNRECOGNISED_TABLES,
                "the document has ruled tables, but none is a budget table type the vocabulary knows",
                page_count=page_count, ruled_tables=finder.ruled_tables,
                titles=[b.match.title for b in finder.blocks][:30],
            )
        raise ExtractError(
            Reason.NO_BUDGET_TABLES,
            "no budget table (部门预算…表 or 绩效目标表 title above a ruled table) was found",
            page_count=page_count,
        )

    def _drain(
        self, blocks: list[TableBlock], stitchers: dict[int, Stitcher], settled: dict[int, list[Record]]
    ) -> None:
        """Stitch the fragments read so far, type the settled rows, drop the grids.

        Only records (the output) and the last row of each open table outlive a page.
        """
        for block in blocks:
            slug = block.match.slug
            if slug == OTHER_TABLE:
                block.kept.extend(block.fragments)
                block.fragments.clear()
                continue
            if slug in PERFORMANCE_TABLES or not block.fragments:
                continue
            stitcher = stitchers.setdefault(id(block), Stitcher(slug, two_sided=is_two_sided(slug)))
            for fragment in block.fragments:
                stitcher.add(fragment)
            block.fragments.clear()
            rows = stitcher.take_settled()
            if rows:
                settled.setdefault(id(block), []).extend(self._typed(block, rows, stitcher))

    def _typed(self, block: TableBlock, rows: list[DataRow], stitcher: Stitcher) -> list[Record]:
        try:
            found: list[CellProblem] = []
            records = build_records(block.match.slug, rows, found)
        except Exception as exc:
            raise self._unreadable(block, exc) from exc
        stitcher.problems.extend(found)
        return records

    @staticmethod
    def _unreadable(block: TableBlock, exc: Exception) -> ExtractError:
        return ExtractError(
            Reason.UNEXPECTED_ERROR,
            f"the table {block.match.title!r} could not be read",
            table=block.match.slug, pages=block.pages, error=f"{type(exc).__name__}: {exc}"[:500],
        )

    def _build_or_explain(
        self, block: TableBlock, stitcher: Stitcher | None, settled: list[Record]
    ) -> ExtractedTable:
        """A table layout the steps cannot handle fails with the table and pages as evidence."""
        try:
            return self.build_table(block, stitcher, settled)
        except ExtractError:
            raise
        except Exception as exc:
            raise self._unreadable(block, exc) from exc

    def build_table(
        self, block: TableBlock, stitcher: Stitcher | None = None, settled: list[Record] | None = None
    ) -> ExtractedTable:
        slug = block.match.slug
        if slug == OTHER_TABLE:
            return self._other_table(block)
        if slug in PERFORMANCE_TABLES:  # forms read by their labels (tasks/extract/project.py)
            unit_code, unit_name = unit_line(block.context)
            found: list[CellProblem] = []
            records = [
                build_project_record(
                    block.fragments, seq=block.match.seq, title=block.match.title,
                    unit_code=unit_code, unit_name=unit_name,
                    max_unit_chars=self.settings.max_target_unit_chars, slug=slug, problems=found,
                )
            ]
            getattr(self, "_findings", []).extend(problems.amount_not_number(slug, p) for p in found)
        else:
            stitcher = stitcher or Stitcher(slug, two_sided=is_two_sided(slug))
            for fragment in block.fragments:
                stitcher.add(fragment)
            found: list[CellProblem] = []
            records = [*(settled or []), *build_records(slug, stitcher.rows, found)]
            stitcher.problems.extend(found)
            table = ExtractedTable(type=slug, title=block.match.title, pages=block.pages, records=records,
                                   unit=table_unit(block))
            self._report(block, table, stitcher)
            return table
        return ExtractedTable(type=slug, title=block.match.title, pages=block.pages, records=records,
                              unit=table_unit(block))

    def _report(self, block: TableBlock, table: ExtractedTable, stitcher: Stitcher) -> None:
        """Never silent: unread rows, a header without the type's columns, bad amounts, empty tables."""
        findings: list[Finding] = getattr(self, "_findings", [])
        slug, title = table.type, table.title
        findings += [problems.amount_not_number(slug, p) for p in stitcher.problems]
        signature = type_signature(slug)
        fields = {key[1] for key in stitcher.mapping.values()}
        horizontal = any(f.startswith(HORIZONTAL_ITEM) for f in fields)
        missing = [f for f in signature if f not in fields] if stitcher.header_seen and not horizontal else []
        if stitcher.unread or missing:
            first = stitcher.unread[0] if stitcher.unread else None
            findings.append(problems.header_not_understood(
                slug, title, table.pages, first_cell=first[2] if first else None,
                bbox=first[1] if first else None, missing=missing or None,
            ))
            return
        spec = table_spec(slug)
        amounts = spec.amount_fields if spec is not None else ()
        if table.records and all(is_blank_total(r, amounts) for r in table.records):
            table.records = []  # an empty grid with a blank 合计 row is an empty table
        if not table.records:
            table.empty_note = empty_note(block, stitcher.notes)
            if table.empty_note is None:
                findings.append(problems.empty_without_note(slug, title, table.pages))
        else:  # a note under a filled table is kept too (the document contradicts itself)
            table.empty_note = trailing_note(block, stitcher.notes)

    def _other_table(self, block: TableBlock) -> ExtractedTable:
        """A titled table of no known type: its rows as printed, never glued onto a neighbour."""
        fragments: list[RawTable] = [*block.kept, *block.fragments]
        records: list[Record] = []
        for fragment in fragments:
            for r in range(fragment.n_rows):
                cells = [text for c, cell in row_cells(fragment, r)
                         if fragment.starts_here(r, c) and (text := clean_text(cell.text))]
                if cells:
                    records.append({"cells": cells, "pages": [fragment.page], "bbox": fragment.row_bbox(r)})
        block.kept.clear()
        return ExtractedTable(type=OTHER_TABLE, title=block.match.title, pages=block.pages, records=records,
                              unit=table_unit(block))

    def _pages(self, pdf: Any) -> Iterator[PageContent]:
        """Pages in order; a page pdfminer cannot parse fails the document as ``corrupt_pdf``."""
        page_no = 0
        iterator = read_pages(pdf, self.settings)
        while True:
            try:
                page = next(iterator)
            except StopIteration:
                return
            except ExtractError:
                raise
            except Exception as exc:  # pdfminer fails in many ways on a damaged content stream
                raise ExtractError(
                    Reason.CORRUPT_PDF, f"page {page_no + 1} cannot be parsed",
                    page=page_no + 1, error=f"{type(exc).__name__}: {exc}"[:500],
                ) from exc
            page_no = page.number
            yield page


class TextLayer:
    """Counts over all pages that tell a scanned or garbled document from a real text layer."""

    def __init__(self) -> None:
        self.chars = 0
        self.cids = 0
        self.images = 0
        self.pages_with_text = 0
        self.garbled_table_pages: list[int] = []

    def add(self, page: PageContent) -> None:
        self.chars += page.char_count
        self.cids += page.cid_count
        self.images += page.image_count
        self.pages_with_text += page.char_count >= 1
        if page.cid_in_tables > 0:
            self.garbled_table_pages.append(page.number)

    def check(self, page_count: int, settings: ExtractSettings,
              ocr_outcome: Callable[[], tuple[str, str]] | None = None) -> None:
        if self.chars < settings.min_chars_per_page:
            code, said = ocr_outcome() if ocr_outcome else ("not_applicable", "")
            raise ExtractError(
                Reason.NO_TEXT_LAYER,
                f"the PDF has no text layer (scanned or image-only pages); {said}".rstrip("; "),
                page_count=page_count, images=self.images, ocr=code,
            )
        share = self.cids / self.chars
        if share > settings.max_cid_share:
            raise ExtractError(
                Reason.GARBLED_TEXT,
                f"{share:.0%} of the characters are unmapped glyphs like (cid:123): "
                "the fonts have no ToUnicode map, so the text cannot be trusted",
                cid_chars=self.cids, chars=self.chars,
            )
        if self.garbled_table_pages:
            raise ExtractError(
                Reason.GARBLED_TEXT,
                "table cells contain unmapped glyphs like (cid:123): their text cannot be read",
                pages=self.garbled_table_pages[:20], cid_chars=self.cids, chars=self.chars,
            )


def is_two_sided(slug: str) -> bool:
    """收入 | 支出 side by side: the budget summaries and the 决算 summaries alike."""
    return slug in TWO_SIDED or slug in FINAL_TWO_SIDED


def extract_document(
    source: Path | bytes, *, source_url: str | None = None, settings: ExtractSettings | None = None
) -> ExtractedDocument:
    """Extract a budget PDF (path or bytes) into an ``ExtractedDocument`` or raise ``ExtractError``."""
    return DocumentExtractor(settings).extract(source, source_url=source_url)
