"""Scanned variants: rasterise, degrade like a office scanner, wrap as image-only PDF.

The OCR path needs documents without a text layer whose truth is still exact; we keep the page
size, so truth boxes (PDF points of the original page) stay valid up to the small rotation, which
is recorded in the truth (``scan.angle``) for consumers that want to correct for it.
"""

from __future__ import annotations

import io
import random
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas


def degrade(img: Image.Image, rng: random.Random) -> tuple[Image.Image, dict[str, Any]]:
    """Small skew, blur and sensor noise; grayscale most of the time, like office scanners."""
    angle = round(rng.uniform(-1.0, 1.0), 2)
    gray = rng.random() < 0.7
    img = img.convert("L" if gray else "RGB")
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False,
                     fillcolor=255 if gray else (255, 255, 255))  # fmt: skip
    blur = round(rng.uniform(0.3, 0.9), 2)
    img = img.filter(ImageFilter.GaussianBlur(blur))
    sigma = rng.uniform(3, 9)
    arr = np.asarray(img, dtype=np.float32)
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0.0, sigma, arr.shape)
    arr = np.clip(arr + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(arr), {"angle": angle, "blur": blur, "noise": round(sigma, 2),
                                  "gray": gray}  # fmt: skip


def scan_pdf(pdf: bytes, rng: random.Random, dpi: int = 200,
             quality: int = 70) -> tuple[bytes, dict[str, Any]]:  # fmt: skip
    """Image-only PDF of ``pdf``: every page rendered at ``dpi``, degraded, JPEG-compressed."""
    src = pdfium.PdfDocument(pdf)
    buf = io.BytesIO()
    c: canvas.Canvas | None = None
    info: dict[str, Any] = {"dpi": dpi, "jpeg_quality": quality, "pages": []}
    try:
        for i in range(len(src)):
            page = src[i]
            w, h = page.get_size()
            img = page.render(scale=dpi / 72).to_pil()
            page.close()
            img, page_info = degrade(img, rng)
            info["pages"].append(page_info)
            jpg = io.BytesIO()
            img.save(jpg, format="JPEG", quality=quality, optimize=False)
            jpg.seek(0)
            if c is None:
                c = canvas.Canvas(buf, pagesize=(w, h), invariant=1)
                c.setCreator("cosy.corpus scan")
            c.setPageSize((w, h))
            c.drawImage(ImageReader(jpg), 0, 0, width=w, height=h)
            c.showPage()
    finally:
        src.close()
    assert c is not None
    c.save()
    info["angle"] = info["pages"][0]["angle"] if info["pages"] else 0.0
    return buf.getvalue(), info
