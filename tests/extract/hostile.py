"""Hostile and damaged PDFs, built at test time (pikepdf), each a few KB at most.

Every builder reproduces one attack class from the fuzzing pass of issue 11 — not one file:
inflation bombs (double deflate, huge ToUnicode ranges, glyph floods), time bombs (dense
rulings, XObject fan-out), structural damage (page-tree cycles, deleted or duplicated page
objects, a garbage /Encrypt) and byte-level mutations. ``bench/fuzz.py`` reuses the mutators.
"""

from __future__ import annotations

import io
import random
import re
import zlib
from functools import cache

import pikepdf
from pikepdf import Array, Dictionary, Name

from tests.extract import pdfs

_HELVETICA = {"/Type": Name.Font, "/Subtype": Name.Type1, "/BaseFont": Name.Helvetica}


def one_page(
    content: bytes, *, raw_filter: list[str] | None = None, to_unicode: bytes | None = None
) -> bytes:
    """A one-page PDF whose content stream is ``content`` (already encoded with ``raw_filter``)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    font = Dictionary(_HELVETICA)
    if to_unicode is not None:
        font.ToUnicode = pdf.make_indirect(pikepdf.Stream(pdf, to_unicode))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=pdf.make_indirect(font)))
    stream = pikepdf.Stream(pdf, b"")
    if raw_filter:
        stream.write(content, filter=Array([Name(f) for f in raw_filter]))
    else:
        stream.write(content)
    page.obj.Contents = pdf.make_indirect(stream)
    return save(pdf)


def save(pdf: pikepdf.Pdf) -> bytes:
    """Classic xref table, no object streams: what byte-level damage needs to find its objects."""
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False,
             fix_metadata_version=False)
    return out.getvalue()


def _deflate_stream(size: int, fill: bytes = b" ") -> bytes:
    """``size`` bytes of ``fill`` deflated without ever holding them in memory."""
    squeezer = zlib.compressobj(1)  # level 1: a fifth of the time; the outer deflate squeezes the rest
    chunk = fill * (1 << 20)
    out = [squeezer.compress(chunk) for _ in range(size >> 20)]
    out.append(squeezer.flush())
    return b"".join(out)


@cache
def deflate_bomb(inflated_mb: int = 512) -> bytes:
    """Double-deflated content that inflates from a few KB to ``inflated_mb`` MiB of blanks."""
    inner = _deflate_stream(inflated_mb << 20)
    return one_page(zlib.compress(inner, 9), raw_filter=["/FlateDecode", "/FlateDecode"])


@cache
def cmap_bomb() -> bytes:
    """A ToUnicode CMap of a few hundred bytes declaring a 4-billion-code range."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n"
            b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end\n")
    return one_page(b"BT /F1 12 Tf 72 720 Td (budget) Tj ET", to_unicode=cmap)


@cache
def glyph_flood(glyphs: int = 1_000_000) -> bytes:
    """One text-show operator with a million glyphs: a 4 KB stream, a million layout objects."""
    content = b"BT /F1 1 Tf 0 0 Td (" + b"A" * glyphs + b") Tj ET"
    return one_page(zlib.compress(content, 9), raw_filter=["/FlateDecode"])


@cache
def dense_rulings(rectangles: int = 50_000) -> bytes:
    """A grid of tiny ruled rectangles: cheap to store, quadratic for a table finder."""
    side = int(rectangles ** 0.5) + 1
    ops = [b"0.1 w"]
    for i in range(rectangles):
        x, y = 20 + (i % side) * 2.2, 20 + (i // side) * 3.3
        ops.append(b"%.1f %.1f 2 3 re S" % (x, y))
    return one_page(zlib.compress(b"\n".join(ops), 9), raw_filter=["/FlateDecode"])


@cache
def xobject_fanout(depth: int = 7, fan: int = 10) -> bytes:
    """Form XObjects each drawing the next one ``fan`` times: ``fan ** depth`` drawings from a few KB."""
    pdf = pikepdf.open(io.BytesIO(one_page(b"")))
    leaf = pikepdf.Stream(pdf, b"0 0 1 1 re f BT /F1 1 Tf (x) Tj ET")
    leaf.Type, leaf.Subtype, leaf.BBox = Name.XObject, Name.Form, Array([0, 0, 1, 1])
    leaf.Resources = Dictionary(Font=pdf.pages[0].obj.Resources.Font)
    current = pdf.make_indirect(leaf)
    for _ in range(depth):
        form = pikepdf.Stream(pdf, b" ".join([b"q /X Do Q"] * fan))
        form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 1, 1])
        form.Resources = Dictionary(XObject=Dictionary(X=current))
        current = pdf.make_indirect(form)
    page = pdf.pages[0].obj
    page.Resources.XObject = Dictionary(X=current)
    page.Contents = pdf.make_indirect(pikepdf.Stream(pdf, b"q /X Do Q"))
    return save(pdf)


@cache
def many_pages(pages: int = 999) -> bytes:
    """A legitimate long file (under max_pages): text on every page, a lot of work in total."""
    return pdfs.text_pdf([f"第{i}行 部门预算说明文字" for i in range(40)], pages=pages)


def text_document() -> bytes:
    """Two pages of plain text (no budget tables): the base for structural attacks."""
    return pdfs.text_pdf(["部门预算信息公开", "情况说明"], pages=2)


def parent_cycle(data: bytes | None = None) -> bytes:
    """The page tree lists itself among its kids (a /Parent–/Kids cycle)."""
    pdf = pikepdf.open(io.BytesIO(data or text_document()))
    root = pdf.Root.Pages
    kids = Array(list(root.Kids))
    kids.append(root)
    root.Kids = kids
    return save(pdf)


def garbage_encrypt(data: bytes | None = None) -> bytes:
    """A trailer /Encrypt that is no encryption dictionary at all."""
    clean = save(pikepdf.open(io.BytesIO(data or text_document())))
    return clean.replace(b"trailer <<", b"trailer << /Encrypt << /Filter 7 /V (junk) >>", 1)


def object_spans(data: bytes) -> dict[int, tuple[int, int]]:
    """Byte span of each top-level ``N 0 obj … endobj`` (classic files without object streams)."""
    spans = {}
    for match in re.finditer(rb"(?m)^(\d+) 0 obj\b.*?endobj", data, re.S):
        spans[int(match.group(1))] = (match.start(), match.end())
    return spans


def page_objids(data: bytes) -> list[int]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [page.obj.objgen[0] for page in pdf.pages]


def delete_object(data: bytes, objid: int) -> bytes:
    """Blank one object's bytes (offsets kept): the xref still names it, the file no longer has it."""
    start, end = object_spans(data)[objid]
    return data[:start] + b" " * (end - start) + data[end:]


def delete_page(data: bytes, index: int) -> bytes:
    """The page object at ``index`` deleted from a normalised copy of ``data``."""
    clean = save(pikepdf.open(io.BytesIO(data)))
    return delete_object(clean, page_objids(clean)[index])


def duplicate_page(data: bytes, index: int) -> bytes:
    """The page tree lists page ``index`` twice (the same object, two entries)."""
    pdf = pikepdf.open(io.BytesIO(data))
    kids = Array(list(pdf.Root.Pages.Kids))
    kids.insert(index + 1, kids[index])
    pdf.Root.Pages.Kids = kids
    pdf.Root.Pages.Count = len(kids)
    return save(pdf)


def flip_bytes(data: bytes, seed: int, flips: int = 1) -> bytes:
    """``flips`` random bytes XOR-ed with a random non-zero value (same seed, same mutant)."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(flips):
        at = rng.randrange(len(out))
        out[at] ^= rng.randrange(1, 256)
    return bytes(out)


def truncate(data: bytes, seed: int) -> bytes:
    """Cut at a random point, then re-append ``%%EOF`` so the truncation check alone cannot catch it."""
    at = random.Random(seed).randrange(len(data) // 4, len(data))
    return data[:at] + b"\n%%EOF\n"


def die_by_signal(signum: int) -> None:
    """Run in the sandbox's child: end the way a crashing native library does."""
    import os

    os.kill(os.getpid(), signum)
