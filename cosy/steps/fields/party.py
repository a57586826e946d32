"""Parties: the words that name a party's role, and the address block every party family fills.

Seller and buyer are found as address blocks (:mod:`party_blocks`) whose parts come from their
own families: postcode, city, country and street (:mod:`party_address`), organisation names,
legal forms and person addressees (:mod:`party_names`). A block's role comes from its heading
(Verkäufer, Bill to, Vendeur ...), from where it stands, and from the ``party_role`` model
(:mod:`party_select`). This module keeps what all of them share: the role lexicons per language
(also read by the identifier family: whose VAT ID is this?) and the :class:`PartyBlock`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cosy.domain import BBox, Line
from cosy.steps.fields.common import cells

ROLE_WORDS: dict[str, dict[str, str]] = {
    # role -> language -> alternatives; "other" is checked first, then seller, then buyer
    "other": {
        "de": r"abweichend|waren\s?empf|liefer(?:adresse|anschrift|ung an)|zahlungsempf|"
              r"bevollmächtig|versand|empfänger der ware|bank",
        "en": r"ship(?:ping)?\s?(?:to|from)|delivery|payee|representative|requisition|consignee|"
              r"remit to",
        "fr": r"livraison",
    },
    "seller": {
        "de": r"verkäufer|lieferant\b|rechnungssteller|leistungserbringer|auftragnehmer",
        "en": r"\bseller|supplier|vendor|bill(?:ed)? from|contractor",
        "fr": r"vendeur|fournisseur|émetteur|prestataire",
    },
    "buyer": {
        "de": r"(?<!ver)käufer|leistungsempfänger|rechnungsempfänger|rechnungsadresse|"
              r"rechnungsanschrift|\bkunde\b|auftraggeber",
        "en": r"\bbuyer|\bcustomer\b|bill(?:ed)? to|invoice to|invoicee|sold to",
        "fr": r"acheteur|\bclient\b|factur[ée]e? à|destinataire|adresse de facturation",
    },
}
LANGUAGES = ("de", "en", "fr")
ROLE_LEXICON: dict[str, dict[str, re.Pattern[str]]] = {
    lang: {role: re.compile(words[lang], re.I) for role, words in ROLE_WORDS.items()}
    for lang in LANGUAGES}
"""Per language, role -> pattern: one heading lexicon per language (``party_heading`` steps)."""
OTHER_PARTY, SELLER_PARTY, BUYER_PARTY = (
    re.compile("|".join(ROLE_WORDS[role][lang] for lang in LANGUAGES), re.I)
    for role in ("other", "seller", "buyer"))
LEGAL_FORM = re.compile(
    r"\b(?:gmbh|ag|kg|ohg|gbr|e\.?\s?k|ug|se|mbh|a\.g|ltd|limited|llc|inc|corp(?:oration)?|plc|"
    r"llp|sarl|sas|sa|eurl|sasu|snc|bv|nv|spa|srl|s\.?l|oy|ab|as|aps)\b\.?", re.I)
"""A legal form anywhere in a text: a heading never contains one, a company name often does."""


def party_role(text: str) -> str | None:
    """seller, buyer or other (delivery, payee, agent ...) as a text names it, else None."""
    if OTHER_PARTY.search(text):
        return "other"
    if SELLER_PARTY.search(text):
        return "seller"
    if BUYER_PARTY.search(text):
        return "buyer"
    return None


def heading_shape_ok(text: str) -> tuple[str, str] | None:
    """(head, inline name) when a cell is shaped like a heading: short, no digits, no legal form."""
    head, sep, rest = text.partition(":")
    if len(head) > 45 or re.search(r"\d", head) or len(head.split()) > 5 or LEGAL_FORM.search(head):
        return None
    rest = rest.strip()
    if rest and (not sep or re.search(r"\d", rest)):
        return None
    return head, rest


def heading_role(text: str) -> tuple[str, str] | None:
    """(role, inline name) when a cell is a party heading: 'Verkäufer:', 'BUYER: ACME SA'."""
    shape = heading_shape_ok(text)
    if shape is None:
        return None
    role = party_role(shape[0])
    return (role, shape[1]) if role else None


def section_role(lines: list[Line], index: int, x0: float, max_lines: int = 12) -> str | None:
    """The role of the party section a line belongs to: the nearest heading above, no big gap."""
    prev_top = lines[index].words[0].top
    for j in range(index - 1, max(index - 1 - max_lines, -1), -1):
        line = lines[j]
        height = max(w.bottom - w.top for w in line.words)
        if prev_top - max(w.bottom for w in line.words) > 3 * height:
            return None
        row = cells(line)
        for cell in row:
            if cell.x0 <= x0 + 20 and (len(row) == 1 or ":" in cell.text):
                found = heading_role(cell.text)
                if found:
                    return found[0]
        prev_top = min(w.top for w in line.words)
    return None


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

    def address(self) -> dict[str, str | None]:
        return {"street": self.street, "postal_code": self.postal_code, "city": self.city,
                "country": self.country}
