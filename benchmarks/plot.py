"""The benchmark plot, drawn with Pillow (no matplotlib): four panels in one PNG.

1. seconds per page, sorted (a CDF on a log axis): pipeline, floor, scanned (OCR) and end to
   end over HTTP per page set, with the 0.4 s and 5 s (scanned) p95 targets and the 10 s hard
   budget;
2. step-time share per step family;
3. worker RSS against pages processed (the leak check);
4. the budgets, passed or missed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

W, H = 1400, 900
PAD = 60
COLORS = {"pipeline_real": (31, 119, 180), "pipeline_generated": (44, 160, 44),
          "floor_real": (255, 127, 14), "floor_generated": (214, 39, 40),
          "http_real": (148, 103, 189), "http_generated": (140, 86, 75),
          "scanned_generated": (23, 190, 207), "scanned_real": (188, 189, 34)}
GREY = (150, 150, 150)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _frame(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], title: str) -> None:
    d.rectangle(box, outline=(0, 0, 0))
    d.text((box[0], box[1] - 22), title, fill=(0, 0, 0), font=_font(16))


def _cdf(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], sec: dict[str, Any]) -> None:
    x0, y0, x1, y1 = box
    lo, hi = -3.0, 1.3  # log10 seconds: 1 ms .. 20 s
    small = _font(12)

    def x_of(s: float) -> float:
        v = min(max(math.log10(max(s, 1e-6)), lo), hi)
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    for e in range(-3, 2):
        x = x_of(10.0**e)
        d.line([(x, y0), (x, y1)], fill=(230, 230, 230))
        d.text((x - 12, y1 + 4), f"{10.0**e:g} s", fill=(0, 0, 0), font=small)
    for frac in (0.5, 0.95):
        y = y1 - frac * (y1 - y0)
        d.line([(x0, y), (x1, y)], fill=(230, 230, 230))
        d.text((x0 - 34, y - 7), f"p{int(frac * 100)}", fill=(0, 0, 0), font=small)
    for i, (limit, label) in enumerate(((0.4, "0.4 s"), (5.0, "5 s (scanned)"), (10.0, "10 s"))):
        d.line([(x_of(limit), y0), (x_of(limit), y1)], fill=(200, 0, 0), width=2)
        d.text((x_of(limit) + 3, y0 + 3 + 16 * (i == 1)), label, fill=(200, 0, 0), font=small)
    ly = y1 - 8 - 16 * sum(1 for k in COLORS if (sec.get(k) or {}).get("per_page"))
    for key, color in COLORS.items():
        vals = sorted((sec.get(key) or {}).get("per_page", {}).values())
        if not vals:
            continue
        pts = [(x_of(v), y1 - (i + 1) / len(vals) * (y1 - y0)) for i, v in enumerate(vals)]
        if len(pts) > 1:
            d.line(pts, fill=color, width=2)
        d.text((x1 - 230, ly), f"{key} ({len(vals)} pages)", fill=color, font=small)
        ly += 16


def _bars(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rows: list[dict]) -> None:
    x0, y0, x1, y1 = box
    small = _font(12)
    rows = rows[:12]
    if not rows:
        d.text((x0 + 10, y0 + 10), "not measured", fill=GREY, font=small)
        return
    bar_h = min(28, (y1 - y0 - 10) // len(rows))
    for i, r in enumerate(rows):
        y = y0 + 6 + i * bar_h
        w = r["share"] * (x1 - x0 - 170)
        d.rectangle([x0 + 110, y, x0 + 110 + max(w, 1), y + bar_h - 6], fill=(31, 119, 180))
        d.text((x0 + 6, y), r["name"][:16], fill=(0, 0, 0), font=small)
        d.text((x0 + 116 + w, y), f"{100 * r['share']:.1f} %", fill=(0, 0, 0), font=small)


def _rss(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], leak: dict[str, Any]) -> None:
    x0, y0, x1, y1 = box
    small = _font(12)
    samples = leak.get("samples") or []
    series: dict[str, list[tuple[int, int]]] = {}
    for s in samples:
        for w, mem in s["workers"].items():
            series.setdefault(w, []).append((s["pages"], mem["rss"]))
    if not series:
        d.text((x0 + 10, y0 + 10), "not measured", fill=GREY, font=small)
        return
    pmax = max(p for pts in series.values() for p, _ in pts) or 1
    rmax = max(r for pts in series.values() for _, r in pts) * 1.1 or 1
    for frac in (0.25, 0.5, 0.75, 1.0):
        y = y1 - frac * (y1 - y0) / 1.0
        d.text((x0 - 52, y - 7), f"{frac * rmax / 2**20:.0f} MiB", fill=(0, 0, 0), font=small)
    d.text((x1 - 80, y1 + 4), f"{pmax} pages", fill=(0, 0, 0), font=small)
    palette = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40)]
    for i, pts in enumerate(series.values()):
        xy = [(x0 + p / pmax * (x1 - x0), y1 - r / rmax * (y1 - y0)) for p, r in pts]
        if len(xy) > 1:
            d.line(xy, fill=palette[i % len(palette)], width=2)
    growth = leak.get("growth")
    if growth is not None:
        d.text((x0 + 8, y0 + 6), f"growth {100 * growth:.1f} % (target < 10 %)", fill=(0, 0, 0),
               font=small)


def draw(data: dict[str, Any], path: Path) -> None:
    """Render a report's JSON (as written, NaN as null) into a PNG at ``path``."""
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    sec = data.get("sections", {})
    d.text((PAD, 10), f"COSY benchmarks {data.get('created', '')}", fill=(0, 0, 0), font=_font(20))
    mid_x, mid_y = W // 2, H // 2
    b1 = (PAD, PAD + 30, mid_x - PAD, mid_y - PAD // 2)
    b2 = (mid_x + PAD, PAD + 30, W - PAD, mid_y - PAD // 2)
    b3 = (PAD + 20, mid_y + PAD, mid_x - PAD, H - PAD)
    b4 = (mid_x + PAD, mid_y + PAD, W - PAD, H - PAD)
    _frame(d, b1, "seconds per page, sorted (log scale)")
    _cdf(d, b1, sec)
    _frame(d, b2, "share of step time per family")
    _bars(d, b2, (sec.get("profile") or {}).get("families", []))
    _frame(d, b3, "worker RSS vs pages processed (leak check)")
    _rss(d, b3, (sec.get("batch") or {}).get("leak", {}))
    _frame(d, b4, "budgets")
    y = b4[1] + 8
    for t in data.get("targets", []):
        state = {True: "PASS", False: "FAIL", None: "n/a"}[t.get("ok")]
        color = {"PASS": (0, 130, 0), "FAIL": (200, 0, 0), "n/a": GREY}[state]
        value = t.get("value")
        shown = "not measured" if value is None else (
            f"{100 * value:.1f} %" if t["unit"] == "%" else f"{value:.3g} {t['unit']}"
        ).replace("×", "x")
        name = t["name"].replace("÷", "/").replace("×", "x")[:64]
        d.text((b4[0] + 8, y), f"{state:<4}  {name}", fill=color, font=_font(13))
        d.text((b4[0] + 8, y + 14), f"      {shown} (target {t['op']} {t['limit']:g})",
               fill=(0, 0, 0), font=_font(12))
        y += 32
    img.save(path)
