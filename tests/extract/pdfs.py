"""Small PDFs built in the tests themselves: bad inputs and hand-made layouts for single features.

The corpus (tests/fixtures/corpus) covers whole documents; these files isolate one feature
each — a title at the bottom of a page, a row cut by a page break, an encrypted or
image-only file — so a regression names the feature it broke.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

# reportlab's built-in CID fonts: metrics ship with reportlab, the glyphs are the reader's
# (the font is referenced, not embedded), so no font file has to be installed on the machine.
# pdfminer maps their codes back to Unicode with its own Adobe-GB1 / Adobe-CNS1 tables.
FONT = "STSong-Light"  # simplified Chinese, Adobe-GB1, encoding UniGB-UCS2-H
SECOND_FONT = "MSung-Light"  # traditional Chinese, Adobe-CNS1: a second, separately mapped font
_ORDERINGS = {FONT: b"GB1", SECOND_FONT: b"CNS1"}


class FontUnavailableError(RuntimeError):
    """The test PDFs cannot be drawn in a font every reader maps back to Unicode."""


def register_font(name: str = FONT) -> str:
    """Register a built-in CID font once; fail loudly (never skip) when reportlab cannot provide it.

    A missing font used to skip 43 tests silently, or pick a system font collection reportlab cannot read.
    """
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    if name not in _ORDERINGS:
        raise FontUnavailableError(f"{name} is not one of the built-in CID fonts the tests rely on")
    try:
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    except Exception as err:  # reportlab's metrics for the face are missing or renamed
        raise FontUnavailableError(
            f"reportlab cannot provide its built-in CID font {name} ({err!r}); the synthetic "
            "test PDFs need it and no system font is used instead"
        ) from err
    return name


def para(text: str, size: float = 9, font: str | None = None) -> Paragraph:
    style = ParagraphStyle(
        "cell", fontName=font or register_font(), fontSize=size, leading=size * 1.3, wordWrap="CJK"
    )
    return Paragraph(text, style)


def grid_style(
    spans: list[tuple[tuple[int, int], tuple[int, int]]], size: float = 9, font: str | None = None
) -> TableStyle:
    commands: list[tuple] = [("FONT", (0, 0), (-1, -1), font or register_font(), size),
                             ("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    commands += [("SPAN", a, b) for a, b in spans]
    return TableStyle(commands)


@dataclass
class Story:
    """A list of flowables rendered to PDF bytes on A4."""

    items: list = field(default_factory=list)

    def line(self, text: str, size: float = 11) -> Story:
        self.items.append(para(text, size))
        return self

    def space(self, height: float) -> Story:
        self.items.append(Spacer(1, height))
        return self

    def page_break(self) -> Story:
        self.items.append(PageBreak())
        return self

    def table(self, rows: list[list], spans=(), widths=None, repeat: int = 0, frame: bool = True) -> Story:
        """A ruled table; ``frame=False`` draws the inner rules only (no outside border)."""
        table = Table(rows, colWidths=widths, repeatRows=repeat)
        style = grid_style(list(spans))
        if not frame:
            style = TableStyle([c for c in style.getCommands() if c[0] != "GRID"]
                               + [("INNERGRID", (0, 0), (-1, -1), 0.5, "black")])
        table.setStyle(style)
        self.items.append(table)
        return self

    def render(self) -> bytes:
        out = io.BytesIO()
        SimpleDocTemplate(out, pagesize=A4, topMargin=50, bottomMargin=50).build(self.items)
        return out.getvalue()


REVENUE_HEADER = [
    ["序号", "功能分类科目", "", "合计", "本年收入", "", "上年结转"],
    ["", "科目编码", "科目名称", "", "小计", "财政拨款收入", ""],
    ["栏次", "1", "2", "3", "4", "5", "6"],
]
REVENUE_SPANS = [((0, 0), (0, 1)), ((1, 0), (2, 0)), ((3, 0), (3, 1)), ((4, 0), (5, 0)), ((6, 0), (6, 1))]
REVENUE_WIDTHS = [30, 60, 170, 60, 60, 70, 50]


def revenue_rows(n: int) -> list[list[str]]:
    """Rows 序号 1..n with codes and amounts derived from the row number (no sample values)."""
    rows = [["1", "", "合计", f"{n * 10:.2f}", f"{n * 10:.2f}", f"{n * 10:.2f}", ""]]
    for i in range(2, n + 1):
        shown, plain = f"{i * 1.5:,.2f}", f"{i * 1.5:.2f}"
        rows.append([str(i), f"{200 + i}", f"支出科目第{i}项", shown, plain, plain, ""])
    return rows


def text_pdf(lines: list[str], *, compress: bool = True, pages: int = 1) -> bytes:
    """Plain text pages in the built-in CID font (referenced, mapped to Unicode by its collection)."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, pageCompression=1 if compress else 0)
    for _ in range(pages):
        c.setFont(register_font(), 12)
        for i, text in enumerate(lines):
            c.drawString(72, 760 - 18 * i, text)
        c.showPage()
    c.save()
    return out.getvalue()


def encrypted_pdf() -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, encrypt="secret")
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, "budget")
    c.showPage()
    c.save()
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A 'scanned' page: one raster image, no text operators at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(img).rectangle((20, 20, 380, 280), outline="black")
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.drawImage(ImageReader(img), 72, 400, width=400, height=300)
    c.showPage()
    c.save()
    return out.getvalue()


def register_second_font() -> str:
    """A second CID font with its own Unicode table, so one font's map can be hidden and not the other's."""
    return register_font(SECOND_FONT)


def hide_unicode(data: bytes, font: str) -> bytes:
    """``data`` with the CID collection of ``font`` renamed to one no reader has a Unicode table for.

    The glyph codes stay and still draw, but a reader can only report ``(cid:N)``: the failure mode
    of PDFs whose fonts carry no Unicode map. The name keeps its length, so every xref offset holds.
    """
    ordering = _ORDERINGS[font]
    old = b"/Ordering (" + ordering + b")"
    assert data.count(old) == 1, f"{font}: expected one CIDSystemInfo, found {data.count(old)}"
    return data.replace(old, b"/Ordering (" + b"X" * len(ordering) + b")")


def table_with_unmapped_column() -> bytes:
    """A budget table whose 科目名称 column uses a font without a Unicode map.

    Only a small share of all characters is garbled, but every name in the table is: the
    extractor must refuse the table rather than pass ``(cid:N)`` on as data.
    """
    text_font, names_font = register_font(), register_second_font()
    rows: list[list] = [[para(t, font=text_font) for t in ("序号", "科目编码", "科目名称", "合计")]]
    for i in range(1, 4):
        rows.append([para(str(i), font=text_font), para(f"20{i}", font=text_font),
                     para("一般公共服务支出", font=names_font), para(f"{i}.00", font=text_font)])
    table = Table(rows, colWidths=[30, 50, 200, 60])
    table.setStyle(grid_style([], font=text_font))
    intro = para("这是一段很长的说明文字，用来让正常字符在全部字符中占多数。" * 8, font=text_font)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, pageCompression=0).build(
        [intro, para("部门预算一般公共预算财政拨款支出表", 14, font=text_font), table])
    return hide_unicode(out.getvalue(), names_font)


def garbled_pdf(lines: list[str]) -> bytes:
    """The text layer of ``text_pdf`` with its font's Unicode mapping hidden (see ``hide_unicode``)."""
    return hide_unicode(text_pdf(lines, compress=False), FONT)
