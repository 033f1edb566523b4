"""OCR'd 绩效目标表 forms get the text-layer path's cell structure (issue 16, the -c documents).

The project forms are dense: 10 pt rows, bold labels whose strokes touch the borders above and
below, a ruling beside a bold label that an adaptive threshold drops, borders one row high
(预算数 | 131.40 | 其中：财政资金 | 131.40 | 其他资金 | …). The rule-level tests draw such rows
(fast); one scanned corpus page checks that every form's grid comes out cell for cell as the
text layer's (merged 一级指标 / 资金支出计划 cells included), so the form reader fills level1,
budget_total, fiscal_funds and goals as it does for a PDF with text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.extract.test_ocr import needs_ocr

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
SCALE = 3.0


def _page(height: int = 150, width: int = 600) -> np.ndarray:
    return np.zeros((height, width), dtype=np.uint8)  # binary: 255 = ink


def _vertical_mask(binary: np.ndarray, texts: list[tuple[int, int, int, int]] | None = None) -> np.ndarray:
    from tasks.extract.readers.ocr import rulings

    return rulings(binary, SCALE, texts)[1] > 0


def _rows(binary: np.ndarray, ys: list[int], x0: int = 10, x1: int = 590) -> None:
    for y in ys:
        binary[y:y + 3, x0:x1] = 255


@needs_ocr
def test_a_border_one_row_high_is_a_ruling_when_the_column_border_runs_on_below() -> None:
    """预算数 | 131.40: a 10 pt row's border (30 px here) is shorter than a glyph-proof 13 pt, but it
    continues a column border of the rows below it."""
    binary = _page()
    _rows(binary, [10, 40, 70, 130])  # two 10 pt rows, a 20 pt row
    binary[10:133, 10:13] = binary[10:133, 587:590] = 255  # the frame
    binary[10:43, 200:203] = 255  # one row high (the row below is one merged cell) …
    binary[70:133, 200:203] = 255  # … in line with a border further down
    binary[10:43, 400:403] = 255  # one row high, alone in its line
    vertical = _vertical_mask(binary)
    assert vertical[25, 201] and vertical[100, 201]
    assert not vertical[25, 401]


@needs_ocr
def test_a_forms_first_rows_at_the_page_foot_line_up_with_the_forms_above() -> None:
    """A form's 项目编码 … 预算数 rows at a page's foot (its indicators on the next page) have no
    rows of their own to line their short borders up with; the form above on the page has."""
    binary = _page(height=260)
    _rows(binary, [10, 70, 130])  # a form of two 20 pt rows …
    binary[10:133, 10:13] = binary[10:133, 587:590] = binary[10:133, 200:203] = 255
    _rows(binary, [190, 220, 250])  # … and the first two 10 pt rows of the next one
    binary[190:253, 10:13] = binary[190:253, 587:590] = 255
    binary[220:253, 200:203] = 255  # 预算数 | 29.00
    assert _vertical_mask(binary)[235, 201]


@needs_ocr
def test_a_glyph_stroke_through_a_ruling_is_not_a_column_border() -> None:
    """绩效目标 over 一级指标: the 标 strokes of two bold labels touch the ruling between them and
    make one 16 pt vertical line; the glyph's crossing strokes beside it say it is no border."""
    binary = _page()
    _rows(binary, [10, 40, 70])
    binary[10:73, 10:13] = binary[10:73, 587:590] = 255
    for top in (13, 43):  # a 丰 in each row, its stem touching both borders
        binary[top:top + 27, 150:153] = 255
        for bar in (4, 12, 20):
            binary[top + bar:top + bar + 3, 138:165] = 255
    vertical = _vertical_mask(binary)
    assert not vertical[30:60, 150:153].any()
    assert vertical[30, 11] and vertical[30, 588]


@needs_ocr
def test_text_printed_against_a_border_keeps_it_a_glyph_edge_inside_a_line_of_text_does_not() -> None:
    """≤30 万元 printed against the 绩效指标描述 | 指标值 border: ink on one side, padding on the other,
    in line with the column's border: a ruling — also where the detector ran one box of text over
    it (经费保障单位数量 | 1 个). A stroke in that line inside a recognised line of text, another
    glyph a point or two off its other side, is a glyph's edge: not a ruling."""
    binary = _page()
    _rows(binary, [10, 40, 70, 100])
    binary[10:103, 10:13] = binary[10:103, 587:590] = 255
    binary[40:103, 300:303] = 255  # the column border of the lower rows
    binary[13:40, 300:303] = 255  # the top row's piece of it …
    binary[13:40, 304:312] = 255  # … with a glyph printed against its right side
    box = [(250, 13, 380, 40)]
    assert _vertical_mask(binary)[25, 301]
    assert _vertical_mask(binary, box)[25, 301]
    binary[13:40, 290:296] = 255  # the glyph before it, 1.5 pt off
    assert not _vertical_mask(binary, box)[25, 301]


@needs_ocr
def test_the_papers_speckle_beside_a_border_is_not_ink() -> None:
    """The adaptive threshold turns a noisy scan's paper into speckle (a tenth of the pixels); beside
    a border only the dark pixels count as ink, or the 指标值 | 依据 border under 效果明显 is lost."""
    from tasks.extract.readers.ocr import rulings

    binary = _page()
    _rows(binary, [10, 40, 70, 100])
    binary[10:103, 10:13] = binary[10:103, 587:590] = binary[10:103, 300:303] = 255
    dark = binary.copy()
    binary[13:40, 292:299][::3, ::2] = 255  # speckle beside the border's top piece
    binary[13:40, 304:311][1::3, ::2] = 255
    assert not rulings(binary, SCALE)[1][25, 301]
    assert rulings(binary, SCALE, None, dark)[1][25, 301]


@needs_ocr
def test_ink_just_left_of_a_lines_boxes_is_a_character_the_detector_left_out() -> None:
    """绩效目标 ``1.企业退休人员…``: the detector's box starts a point after the thin ``1`` printed
    against the cell's left border; the cell is then re-read from its own crop."""
    from tasks.extract.readers.ocr import _Box, _ink_beside

    ink = np.zeros((60, 900), dtype=bool)
    ink[10:34, 362:365] = True  # a "1" at 120.7–121.7 pt, 0.6 pt off the box
    ink[10:34, 370:870] = True  # the line the detector found, from 123.3 pt
    box = _Box("企业退休人员", 122.3, 3.0, 290.0, 11.5, 0.97)
    assert _ink_beside(ink, (350, 3, 895, 57), [box], SCALE)
    ink[10:34, 362:365] = False
    assert not _ink_beside(ink, (350, 3, 895, 57), [box], SCALE)


@pytest.mark.slow
@needs_ocr
def test_scanned_project_forms_have_the_text_layers_cell_structure() -> None:
    """000-c p.5 (three 绩效目标表): each OCR'd grid has the text layer's rows, columns and merged
    cells (which grid positions each cell covers), and the merged labels their text."""
    import pdfplumber

    from tasks.extract.header import row_cells
    from tasks.extract.pages import RawTable, read_page
    from tasks.extract.readers.ocr import PageOcr
    from tasks.extract.settings import ExtractSettings
    from tests.extract.scans import scanned_pdf

    def structure(table: RawTable) -> list[list[tuple[int, bool]]]:
        return [[(c, table.starts_here(r, c)) for c, _ in row_cells(table, r)] for r in range(table.n_rows)]

    source, settings = CORPUS / "000-c.pdf", ExtractSettings()
    with pdfplumber.open(source) as pdf:
        text_layer = read_page(pdf.pages[4], settings).tables
    scanned, _ = PageOcr(scanned_pdf(source, [5]), settings).read(5)
    assert [structure(t) for t in scanned.tables] == [structure(t) for t in text_layer]
    for table in scanned.tables:
        labels = [table.grid[r][0].text.replace("\n", "") for r in range(table.n_rows)]
        assert labels[3:7] == ["资金支出计划(%)", "资金支出计划(%)", "绩效目标", "一级指标"]
        assert all(label == "产出指标" for label in labels[7:11])


def _indicator_table(header: list[str], row: list[str]) -> Any:
    from tasks.extract.pages import Cell, build_grid

    cells = [Cell(text=text, bbox=(60.0 * i, top, 60.0 * (i + 1), top + 10.0))
             for top, texts in ((0.0, header), (10.0, row)) for i, text in enumerate(texts)]
    return build_grid(cells, 1, (0.0, 0.0, 60.0 * len(header), 20.0))


def test_a_misread_indicator_header_takes_the_one_column_missing_between_its_neighbours() -> None:
    """OCR read 绩效指标描述 as 绩效指标描迹: the column is still the description (fast: no OCR);
    a column outside the order (备注 after 依据) is not given a field."""
    from tasks.extract.project import build_project_record

    header = ["一级指标", "二级指标", "三级指标", "绩效指标描迹", "指标值", "指标值确定依据", "备注"]
    row = ["产出指标", "数量指标", "保障单位数", "经费保障单位数量", "1 个", "抚编批字【2020】7号", "无"]
    record = build_project_record([_indicator_table(header, row)], seq=1, title="t", unit_code=None,
                                  unit_name=None)
    (indicator,) = record["indicators"]
    assert indicator["description"] == "经费保障单位数量"
    assert indicator["target"] == "1 个" and indicator["basis"] == "抚编批字【2020】7号"
    assert "无" not in [v for v in indicator.values() if isinstance(v, str)]


def test_a_bracket_pair_read_in_two_widths_is_made_full_width() -> None:
    """PP-OCR reads 【2020】 as [2020】 and （200） as （200): the pair's other mark says the width;
    a pair in one width (秦财企 [2022]729 号) stays as printed."""
    from budget_etl.vocabulary import load
    from tasks.extract.readers.ocr import match_brackets

    pairs = load("ocr")["bracket_pairs"]
    assert match_brackets("抚编批字 [2020】7号", pairs) == "抚编批字 【2020】7号"
    assert match_brackets("中央就业补助资金（200)", pairs) == "中央就业补助资金（200）"
    assert match_brackets("秦财企 [2022]729 号", pairs) == "秦财企 [2022]729 号"
    assert match_brackets("率（%）与 (%)", pairs) == "率（%）与 (%)"
