"""Long numbered 绩效目标表 titles: one title over as many wrapped lines as it takes.

A project title may begin with its number and a document number and name a long fund
(``3.冀财社[2024]12号关于下达2024年…（第二批）资金绩效目标表``), so it wraps over two, three or
more lines, and its last line alone may look like a complete title. A numbered line opens a
*run*; each next line set close below it (same page, gap at most ``title_wrap_gap`` font
heights, about the same font size) joins the run until the joined text ends as a 绩效 title.
The title is then the joined text and its ``seq`` the number of the first line — whatever a
shorter piece of it would have matched. A 绩效 title whose wording is department-wide
(部门整体支出绩效目标表, ``department_titles`` in form_labels.yaml) is typed
``department_performance``, on one line or several.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from budget_etl.contract import PERFORMANCE_TABLES
from tasks.extract.form_labels import is_department_title
from tasks.extract.pages import TextLine
from tasks.extract.text import compact
from tasks.extract.titles import TitleMatch, match_title, split_numbering

#: at most this many lines make one title (a run that has not ended by then is not a title)
MAX_TITLE_LINES = 5
#: two lines of one title differ in font size by at most this share
_SIZE_SLACK = 0.15


@dataclass
class TitleRun:
    """The numbered lines read so far that may be the beginning of a long 绩效目标表 title."""

    lines: list[TextLine] = field(default_factory=list)

    def take(
        self, line: TextLine, *, wrap_gap: float, max_chars: int
    ) -> tuple[TitleMatch, list[TextLine]] | None:
        """Feed the next line; a title ending here → (its match, the earlier lines it takes in)."""
        if self.lines and self._wraps(self.lines[-1], line, wrap_gap):
            self.lines.append(line)
            joined = "".join(ln.text.strip() for ln in self.lines)
            match = match_title(joined, max_chars=max_chars * MAX_TITLE_LINES)
            if match is not None and match.slug in PERFORMANCE_TABLES and not match.continued:
                earlier, self.lines = self.lines[:-1], []
                return (as_department(match) if is_department_title(match.title) else match), earlier
            if len(self.lines) >= MAX_TITLE_LINES:
                self.lines = []
            return None
        self.lines = [line] if _opens_run(line, max_chars) else []
        alone = match_title(line.text, max_chars=max_chars)
        if alone is not None and alone.slug == "project_performance" and is_department_title(alone.title):
            return as_department(alone), []
        return None

    @staticmethod
    def _wraps(first: TextLine, second: TextLine, wrap_gap: float) -> bool:
        size = max(first.size, second.size)
        return (
            first.page == second.page
            and 0 <= second.top - first.bottom <= wrap_gap * size
            and abs(first.size - second.size) <= _SIZE_SLACK * size
        )


def _opens_run(line: TextLine, max_chars: int) -> bool:
    """A numbered line (``3.`` / ``3、``) that is not yet a complete title by itself."""
    text = compact(line.text)
    seq, _ = split_numbering(text)
    if seq is None:
        return False
    alone = match_title(line.text, max_chars=max_chars)
    return alone is None or alone.slug not in PERFORMANCE_TABLES


def forget(lines: list[TextLine], *buckets: list[TextLine] | None) -> None:
    """Take the lines that turned out to be part of a title out of context / trailing lists."""
    for bucket in buckets:
        if bucket is not None:
            bucket[:] = [ln for ln in bucket if all(ln is not old for old in lines)]


def as_department(match: TitleMatch) -> TitleMatch:
    """The same title typed as the department-wide form (its wording: form_labels.yaml)."""
    return replace(match, slug="department_performance")
