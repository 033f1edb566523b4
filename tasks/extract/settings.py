"""Tunables of the extractor, in one validated dataclass.

Every heuristic threshold the extractor uses lives here, so a document family that needs a
different tolerance is served by configuration, not by a branch in the code. ``__post_init__``
rejects values that would silently disable a check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from budget_etl.settings import Settings


@dataclass(frozen=True)
class ExtractSettings:
    #: refuse documents longer than this (protects a worker from a 10 000-page file)
    max_pages: int = 1000
    #: refuse files larger than this many bytes before parsing anything
    max_bytes: int = 50 * 1024 * 1024
    #: address-space budget (MiB) of the child process one document is extracted in (resource_limit)
    memory_mb: int = 2048
    #: wall-clock budget (seconds) for extracting one document (resource_limit)
    timeout_s: float = 300.0
    #: a page with fewer characters than this counts as having no text layer
    min_chars_per_page: int = 1
    #: share of ``(cid:N)`` glyphs above which a text layer is reported as garbled
    max_cid_share: float = 0.2
    #: bytes searched at the end of the file for ``%%EOF``; absent → the file is truncated
    eof_window: int = 4096
    #: longest line (characters, whitespace removed) still considered a table title
    max_title_chars: int = 90
    #: a wrapped title's lines are at most this many font heights apart
    title_wrap_gap: float = 1.0
    #: longest part of a target unit between slashes (``万元``, ``元/人月``); a longer tail is qualitative
    max_target_unit_chars: int = 3
    #: vertical tolerance (points) when grouping characters outside tables into lines
    line_tolerance: float = 3.0
    #: horizontal gap (in font sizes) that separates two words of one line by a space
    word_gap: float = 0.6
    #: a horizontal gap this many font sizes wide splits a line into segments (left/right aligned parts)
    column_gap: float = 2.5
    #: a narrative line ending this many points short of the text's right edge, after 。/：, ends a paragraph
    paragraph_slack: float = 24.0
    #: a line this many font sizes short of the right edge ends a paragraph whatever its last character
    #: (a heading); shorter gaps are wraps before an unbreakable figure such as ``12345.67万元``
    paragraph_short_line: float = 8.0
    #: points of slack when deciding whether a ruling line belongs to a table already found
    frame_tolerance: float = 3.0
    #: a cell's last line within this many font sizes of both cell edges fills the cell: at a page
    #: foot its text runs on over the break (a wrapped cell the break cut), not a finished label
    wrap_edge_slack: float = 0.25
    #: pdfplumber table finder settings (ruled tables: lines strategy)
    table_settings: dict[str, Any] = field(
        default_factory=lambda: {
            "vertical_strategy": "lines",
            "horizontal_strategy": "lines",
            "snap_tolerance": 3,
            "join_tolerance": 3,
            "intersection_tolerance": 3,
        }
    )

    @classmethod
    def from_app_settings(cls, settings: Settings | None = None) -> ExtractSettings:
        """The extractor's settings under the app's environment (``BUDGET_ETL_MAX_PAGES`` …)."""
        from budget_etl.settings import get_settings

        app = settings or get_settings()
        return cls(
            max_pages=app.max_pages, max_bytes=app.max_download_bytes,
            memory_mb=app.extract_memory_mb, timeout_s=app.extract_timeout_s,
        )

    def __post_init__(self) -> None:
        if self.max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        if self.min_chars_per_page < 1:
            raise ValueError("min_chars_per_page must be at least 1")
        if not 0 < self.max_cid_share <= 1:
            raise ValueError("max_cid_share must be in (0, 1]")
        if self.eof_window < 16:
            raise ValueError("eof_window must be at least 16 bytes")
        if self.max_title_chars < 5:
            raise ValueError("max_title_chars must be at least 5")
        if self.column_gap <= self.word_gap:
            raise ValueError("column_gap must be wider than word_gap")
        if self.title_wrap_gap <= 0 or self.line_tolerance <= 0 or self.word_gap <= 0:
            raise ValueError("title_wrap_gap, line_tolerance and word_gap must be positive")
        if self.max_target_unit_chars < 1:
            raise ValueError("max_target_unit_chars must be at least 1")
        if self.paragraph_slack < 0 or self.paragraph_short_line <= 0:
            raise ValueError("paragraph_slack must not be negative, paragraph_short_line must be positive")
        if not 0 <= self.wrap_edge_slack < 1:  # a glyph's width short of the edge may be a finished label
            raise ValueError("wrap_edge_slack must be in [0, 1) font sizes")
        for key in ("vertical_strategy", "horizontal_strategy"):
            if key not in self.table_settings:
                raise ValueError(f"table_settings needs {key!r}")
