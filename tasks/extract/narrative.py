"""Running text outside the tables, as paragraphs per page, for narrative-vs-table checks.

Lines are joined into a paragraph while a line runs (nearly) to the right edge of the text:
it wrapped. A line that stops clearly short, or stops short after 。/：/；, ends the
paragraph. Gaps between CJK characters and between a figure and its unit (``1234.50 万元``,
an artefact of font switching) are removed so narrative figures read as printed.
"""

from __future__ import annotations

from budget_etl.document import NarrativeBlock
from tasks.extract.pages import TextLine
from tasks.extract.text import clean_cjk_digits

_TERMINAL = tuple("。！？：；:;")


def build_narrative(lines: list[TextLine], *, slack: float, short_line: float = 8.0) -> list[NarrativeBlock]:
    blocks: list[NarrativeBlock] = []
    by_page: dict[int, list[TextLine]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    for page, page_lines in by_page.items():
        right = max(ln.x1 for ln in page_lines)
        paragraphs: list[str] = []
        current: list[str] = []
        for line in page_lines:
            current.append(line.text)
            short = line.x1 < right - slack
            if (short and line.text.rstrip().endswith(_TERMINAL)) or line.x1 < right - short_line * line.size:
                paragraphs.append(clean_cjk_digits("\n".join(current)))
                current = []
        if current:
            paragraphs.append(clean_cjk_digits("\n".join(current)))
        text = "\n".join(p for p in paragraphs if p)
        if text:
            blocks.append(NarrativeBlock(page=page, text=text))
    return blocks
