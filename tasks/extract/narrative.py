"""Running text outside the tables, as paragraphs per page, for narrative-vs-table checks.

Lines are joined into a paragraph while a line runs to the right edge of the text (it
wrapped); a short line ends the paragraph. CJK wrap gaps are removed by ``clean_text``.
"""

from __future__ import annotations

from budget_etl.document import NarrativeBlock
from tasks.extract.pages import TextLine
from tasks.extract.text import clean_text


def build_narrative(lines: list[TextLine], *, slack: float) -> list[NarrativeBlock]:
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
            if line.x1 < right - slack:
                paragraphs.append(clean_text("\n".join(current)))
                current = []
        if current:
            paragraphs.append(clean_text("\n".join(current)))
        text = "\n".join(p for p in paragraphs if p)
        if text:
            blocks.append(NarrativeBlock(page=page, text=text))
    return blocks
