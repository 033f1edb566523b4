"""The synthetic test PDFs need no font the project does not ship, and read back exactly.

Every extractor test built on ``pdfs.py`` depends on two facts checked here: the font is one of
reportlab's built-in CID fonts (metrics in reportlab, nothing read from /usr/share/fonts), and
pdfplumber maps its codes back to the very characters drawn — ideographs, ASCII and full-width
digits, full-width punctuation, the comparison signs of 绩效指标. If either breaks, these tests fail
with the reason instead of 43 tests skipping (or dying on a .ttc reportlab cannot read).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest

from tests.extract import pdfs

SAMPLE = [
    "部门预算一般公共预算财政拨款支出表",
    "单位：万元（含上年结转）",
    "1,234.50 0.00 2025年 １２３４５",
    "≥95% ≤131.4 万元 ＞0 【2022】 730 号",
    "“三公”经费、机关运行经费；合计。",
    "项目支出：ABC-p001/xyz",
]


def read_back(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]


def test_cid_font_text_reads_back_character_for_character() -> None:
    assert read_back(pdfs.text_pdf(SAMPLE)) == SAMPLE


def test_table_cells_read_back_through_the_table_finder() -> None:
    rows = [["序号", "科目名称", "合计"], ["1", "一般公共服务支出（款）", "1,234.50"],
            ["2", "教育：其他", "％5"]]
    data = pdfs.Story().line("部门预算收支总表").table(rows, widths=[40, 160, 80]).render()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].extract_tables() == [rows]


def test_no_font_file_is_read_or_embedded() -> None:
    data = pdfs.text_pdf(SAMPLE, compress=False)
    assert not re.search(rb"/FontFile[23]?\b", data), "a font program was embedded: a font file was used"
    fonts = set(re.findall(rb"/BaseFont /([\w-]+)", data)) - {b"Helvetica"}  # reportlab's initial font
    assert fonts == {pdfs.FONT.encode()}


def test_test_sources_name_no_system_font_file() -> None:
    """Only the corpus generator (make corpus) may use system fonts; the suite's own PDFs may not."""
    tests = Path(__file__).resolve().parents[1]
    allowed = {tests / "fixtures" / "generator", tests / "fixtures" / "heldout", tests / "corpus"}
    offenders = [
        str(path.relative_to(tests))
        for path in tests.rglob("*.py")
        if path != Path(__file__).resolve()
        and not any(a in path.parents for a in allowed)
        and re.search(r"/usr/share/fonts|\.tt[cf]\b|TTFont", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_an_unknown_font_fails_loudly_instead_of_skipping() -> None:
    with pytest.raises(pdfs.FontUnavailableError, match="not one of the built-in CID fonts"):
        pdfs.register_font("WenQuanYiZenHei")


def test_hidden_unicode_map_turns_text_into_cid_glyphs() -> None:
    """The garbled-text fixtures really are garbled: same glyph codes, no way back to Unicode."""
    text = "".join(read_back(pdfs.garbled_pdf(["部门预算收支总表"])))
    assert "部门" not in text
    assert re.fullmatch(r"(\(cid:\d+\))+", text), text
