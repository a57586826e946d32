"""Scanned variants: rasterise, degrade like an office scanner or a phone camera, wrap as an
image-only PDF.

The OCR path needs documents without a text layer whose truth is still exact; we keep the page
size, so truth boxes (PDF points of the original page) stay valid up to the small rotation, which
is recorded in the truth (``scan.angle``) for consumers that want to correct for it. Photographed
pages (``mode="photo"``) move more: a few degrees of rotation, a perspective tilt, uneven light and
a shadow, camera blur, a lower resolution and stronger JPEG artefacts; thermal receipts also fade.
Their distortion is recorded too (``scan.pages[i]``); boxes are then approximate.
"""

from __future__ import annotations

import io
import random
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageEnhance, ImageFilter
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


def photograph(img: Image.Image, rng: random.Random,
               thermal: bool = False) -> tuple[Image.Image, dict[str, Any]]:  # fmt: skip
    """A phone photo of the page: tilt, perspective, uneven light and shadow, blur, noise; a
    thermal receipt fades (low contrast, lighter towards one end)."""
    gen = np.random.default_rng(rng.getrandbits(32))
    img = img.convert("L" if rng.random() < 0.5 else "RGB")
    fill = 255 if img.mode == "L" else (255, 255, 255)
    angle = round(rng.uniform(-4.0, 4.0), 2)
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=fill)
    w, h = img.size
    k = rng.uniform(0.0, 0.04)  # perspective: one edge up to 4 % narrower than the other
    dx, dy = w * k, h * rng.uniform(0.0, 0.02)
    quad = (dx, dy, -dx * 0.3, h - dy * 0.5, w + dx * 0.3, h, w - dx, 0) if rng.random() < 0.5 \
        else (0, 0, dx, h - dy, w - dx, h - dy, w, 0)  # fmt: skip
    img = img.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BILINEAR,
                        fillcolor=fill)  # fmt: skip
    arr = np.asarray(img, dtype=np.float32)
    ys = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]
    a, b = rng.uniform(-0.25, 0.25), rng.uniform(-0.25, 0.25)
    light = 1.0 - 0.18 * (a * xs + b * ys + abs(a) + abs(b)) / 1.5
    shadow = 1.0
    if rng.random() < 0.5:  # a soft shadow across one side
        edge = rng.uniform(0.55, 0.9)
        shadow = 1.0 - rng.uniform(0.15, 0.35) * np.clip((xs - edge) * 8.0, 0.0, 1.0)
    scale = light * shadow
    arr = arr * (scale[..., None] if arr.ndim == 3 else scale)
    fade = 0.0
    if thermal:
        fade = round(rng.uniform(0.25, 0.6), 2)
        along = (ys * rng.uniform(0.3, 1.0)) if rng.random() < 0.5 else 0.0
        keep = 1.0 - fade * (0.6 + 0.4 * np.broadcast_to(along, (h, w)))
        arr = 255.0 - (255.0 - arr) * (keep[..., None] if arr.ndim == 3 else keep)
    sigma = rng.uniform(4, 12)
    arr = np.clip(arr + gen.normal(0.0, sigma, arr.shape), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    blur = round(rng.uniform(0.5, 1.4), 2)
    img = img.filter(ImageFilter.GaussianBlur(blur))
    img = ImageEnhance.Contrast(img).enhance(rng.uniform(0.8, 1.1))
    return img, {"angle": angle, "perspective": round(k, 3), "blur": blur,
                 "noise": round(sigma, 2), "light": [round(a, 2), round(b, 2)],
                 "fade": fade, "gray": img.mode == "L"}  # fmt: skip


def scan_pdf(pdf: bytes, rng: random.Random, dpi: int = 200, quality: int = 70,
             mode: str = "office", thermal: bool = False) -> tuple[bytes, dict[str, Any]]:
    """Image-only PDF of ``pdf``: every page rendered at ``dpi``, degraded, JPEG-compressed.

    ``mode="photo"`` photographs the pages instead (:func:`photograph`) at a lower resolution and
    JPEG quality; the office mode is the scanner it always was (same seed, same bytes)."""
    from cosy.ingest import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is not thread-safe (the demo seeds samples beside API requests)
        return _scan_pdf(pdf, rng, dpi, quality, mode, thermal)


def _scan_pdf(pdf: bytes, rng: random.Random, dpi: int, quality: int, mode: str,
              thermal: bool) -> tuple[bytes, dict[str, Any]]:
    if mode == "photo":
        dpi = rng.choice([110, 130, 150])
        quality = rng.randint(35, 60)
    src = pdfium.PdfDocument(pdf)
    buf = io.BytesIO()
    c: canvas.Canvas | None = None
    info: dict[str, Any] = {"dpi": dpi, "jpeg_quality": quality, "pages": []}
    if mode == "photo":
        info["mode"] = "photo"
    try:
        for i in range(len(src)):
            page = src[i]
            w, h = page.get_size()
            img = page.render(scale=dpi / 72).to_pil()
            page.close()
            img, page_info = photograph(img, rng, thermal) if mode == "photo" \
                else degrade(img, rng)  # fmt: skip
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
