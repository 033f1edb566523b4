"""A target's ≤ / ≥ is told from < / > by the glyph, not by the recogniser (fast: no OCR run).

PP-OCR reads the corpus scans' ``≤60 天`` as ``<60天`` about half the time; ``has_bar`` counts the
strokes a vertical line through the sign's right half crosses — two arms, or two arms and a bar.
Drawn here with the CJK font files the corpus generator prints with (upright ≤ and the slanted ⩽ alike).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tasks.extract.readers.scan import ocr_available
from tests.fixtures.generator.render_reportlab import FONT_FILES as CORPUS_FONTS

#: the corpus generator's own font files (its registry, so this file names none itself)
FONTS = [Path(CORPUS_FONTS[name][0]) for name in ("ZenHei", "UMing")]

pytestmark = pytest.mark.skipif(not ocr_available(), reason="SKIPPED LOUDLY: the ocr extra is not installed")


def line_image(text: str, font: Path) -> np.ndarray:
    """``text`` as a scanned line: black on white, ~30 px high, slightly blurred."""
    face = ImageFont.truetype(str(font), 28)
    image = Image.new("L", (220, 40), 255)
    ImageDraw.Draw(image).text((4, 4), text, font=face, fill=0)
    grey = np.asarray(image.filter(ImageFilter.GaussianBlur(0.6)))
    rows = np.nonzero((grey < 180).any(axis=1))[0]
    return grey[max(0, rows.min() - 2): rows.max() + 3]


@pytest.mark.parametrize("font", [f for f in FONTS if f.exists()], ids=lambda f: f.stem)
@pytest.mark.parametrize(("sign", "barred"), [("≤", True), ("≥", True), ("<", False), (">", False)])
def test_the_bar_under_a_comparison_sign_is_seen(font: Path, sign: str, barred: bool) -> None:
    from tasks.extract.readers.ocr import has_bar

    assert has_bar(line_image(f"{sign}60天", font), 180) is barred
