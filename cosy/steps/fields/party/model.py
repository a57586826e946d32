"""The address block every party family fills, and its lines.

Seller and buyer are found as address blocks (:mod:`~cosy.steps.fields.party.blocks`) whose
parts come from their own families: postcode, city, country and street
(:mod:`~cosy.steps.fields.party.address`), organisation names, legal forms and person
addressees (:mod:`~cosy.steps.fields.party.names`). A block's role comes from its heading
(Verkäufer, Bill to, Vendeur ...), from where it stands, and from the ``party_role`` model
(:mod:`~cosy.steps.fields.party.select`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cosy.domain import BBox


@dataclass(slots=True)
class BlockLine:
    """A line of an address block above its city line: a name, a street, a contact or a field."""

    line: int  # index of the page line
    start: int  # offset of the cell within the line (with ``line``: the cell's key)
    text: str
    label: str | None  # the label cell left of it ('Name:', 'Anschrift:')
    top: float
    field: bool  # a labelled field ('Telefon: ...'), not a line of the address
    label_x0: float | None = None  # left edge of the label cell
    bbox: BBox | None = None  # the cell's box


@dataclass(slots=True)
class PartyBlock:
    """One address block on a page with the role its heading or position suggests."""

    page: int
    bbox: BBox
    postal_code: str
    city: str
    street: str | None = None
    name: str | None = None
    country: str | None = None
    hint: str | None = None  # seller | buyer | other (heading), sender (one-line sender), None
    x: float = 0.0  # left edge relative to the page width
    y: float = 0.0  # top relative to the page height
    source: str = "stacked"  # stacked (lines above a city line) | inline (one line)
    heading: str = ""  # the heading text above the block, if any
    lines: list[BlockLine] = field(default_factory=list)
    line: int = -1  # index of the city line (stacked) or the inline line on its page
    cell: int = 0  # offset of the anchor cell within that line (with ``line``: reading order)
    legal_form: str | None = None  # the legal form in the name ('GmbH'), normalised
    person: bool = False  # the name is a person addressee ('Herrn Max Mustermann')
    name_bbox: BBox | None = None
    legal_form_bbox: BBox | None = None
    legal_form_span: tuple[int, int] | None = None  # characters in the page text
    text_width: float = 595.0  # points from the page's leftmost to its rightmost word: a
    # receipt's narrow column has no address window

    def address(self) -> dict[str, str | None]:
        return {"street": self.street, "postal_code": self.postal_code, "city": self.city,
                "country": self.country}
