"""Page regions by position: header band, DIN 5008 address window, footer band.

Business letters put things in fixed places: the letterhead above the address field, the
recipient in the window (DIN 5008: 20 mm from the left, 85 mm wide, from 27 mm (form A) or
45 mm (form B) down for 45 mm), the legal and bank details in a footer band under a rule. Each
block gets the region it sits in; the block classifier reads it as a feature, and consumers can
ask for "the block in the address window" without knowing the page size.
"""

from __future__ import annotations

from dataclasses import dataclass

from cosy.domain import BBox, PageGeometry
from cosy.engine.step import step
from cosy.steps.layout_blocks import Block, Columns

MM = 72 / 25.4
WINDOW: BBox = (15 * MM, 25 * MM, 110 * MM, 92 * MM)  # forms A and B, with some tolerance
HEADER_BOTTOM = 0.16  # of the page height: above it is the letterhead band
FOOTER_ZONE = 0.75  # of the page height: a wide rule below it opens the footer band
FOOTER_DEFAULT = 0.9  # of the page height: the footer band without a rule
REGIONS = ("header", "window", "body", "footer")


@dataclass(frozen=True, slots=True)
class Regions:
    """Where the bands lie (y in points) and which region each block is in (``REGIONS``)."""

    header_bottom: float
    footer_top: float
    window: BBox
    of_block: tuple[str, ...]


def footer_top(rules: list[tuple[float, float, float]], blocks: list[Block], width: float,
               height: float) -> float:
    """The top of the footer band: the lowest wide rule in the page's last quarter, else where
    the small print at the bottom of the page begins."""
    wide = [y for x0, y, x1 in rules if y > FOOTER_ZONE * height and x1 - x0 > 0.5 * width]
    if wide:
        return min(wide) - 1.0
    top = FOOTER_DEFAULT * height
    for b in sorted(blocks, key=lambda b: -b.bbox[1]):
        if b.bbox[1] < FOOTER_ZONE * height:
            break
        top = min(top, b.bbox[1] - 1.0)
    return top if any(b.bbox[1] >= top for b in blocks) else FOOTER_DEFAULT * height


def region_of(bbox: BBox, col: int, header: float, footer: float) -> str:
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    if bbox[1] >= footer:
        return "footer"
    if bbox[3] <= header:
        return "header"
    if col != 1 and WINDOW[0] <= cx <= WINDOW[2] and WINDOW[1] <= cy <= WINDOW[3] \
            and bbox[2] <= WINDOW[2] + 10:
        return "window"
    return "body"


@step("layout.regions", scope="page",
      requires=["page.blocks", "page.columns", "page.rulings", "page.geometry"],
      provides=["page.regions"])
def regions(page_blocks: list[Block], page_columns: Columns,
            page_rulings: list[tuple[float, float, float]],
            page_geometry: PageGeometry) -> Regions:
    """Header band, address window and footer band of the page, and each block's region."""
    width = page_geometry.width
    height = page_geometry.height
    header = HEADER_BOTTOM * height
    footer = footer_top(page_rulings, page_blocks, width, height)
    of_block = tuple(region_of(b.bbox, page_columns.of_block[i], header, footer)
                     for i, b in enumerate(page_blocks))
    return Regions(header, footer, WINDOW, of_block)
