"""Scanned pages made from the corpus: render, add noise, rotate 0.5–1.5°, stamp a red seal.

``scanned_pdf`` returns the corpus PDF with the chosen pages replaced by image-only pages (what a
department's scanner produces for the signed table pages), so page numbers, and with them the
golden's ``pages``, stay those of the original.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

DPI = 150


def scan_image(page: pdfium.PdfPage, rng: random.Random) -> Image.Image:
    image = page.render(scale=DPI / 72).to_pil().convert("RGB")
    w, h = image.size
    seal = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    cx, cy, r = int(w * rng.uniform(0.55, 0.8)), int(h * rng.uniform(0.2, 0.7)), int(w * 0.09)
    for k in range(3):  # a red ring over the figures
        draw.ellipse((cx - r + k, cy - r + k, cx + r - k, cy + r - k), outline=(220, 30, 30, 170))
    draw.regular_polygon((cx, cy, r // 3), 5, fill=(220, 30, 30, 150))
    image = Image.alpha_composite(image.convert("RGBA"), seal).convert("RGB")
    angle = rng.uniform(0.5, 1.5) * rng.choice((-1, 1))
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    pixels = np.asarray(image).astype(np.int16)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 12, pixels.shape[:2])[..., None]
    pixels = np.clip(pixels + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(0.4))


def scanned_pdf(source: Path, pages: list[int], seed: int = 16) -> bytes:
    """``source`` with ``pages`` (1-based) replaced by noisy, rotated, stamped image-only pages."""
    rng = random.Random(seed)
    rendered = pdfium.PdfDocument(source.read_bytes())
    images = [scan_image(rendered[p - 1], rng) for p in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=DPI, save_all=True, append_images=images[1:])
    with pikepdf.open(source) as original, pikepdf.open(io.BytesIO(buffer.getvalue())) as scans:
        for page_no, scan in zip(pages, scans.pages, strict=True):
            original.pages[page_no - 1] = scan
        out = io.BytesIO()
        original.save(out)
    return out.getvalue()
