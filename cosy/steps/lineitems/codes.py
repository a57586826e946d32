"""Line items, the coded columns: unit of measure, seller's item number and tax rate per row.

What an ERP import needs beside amounts: a unit as a UN/ECE Recommendation 20 code ('Stk.' and
'pcs' are both H87), the seller's article number as printed, and the row's VAT rate.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from cosy.engine.step import step
from cosy.steps.lineitems.items import Quantity
from cosy.steps.lineitems.rows import Row

UNIT_CODES: dict[str, tuple[str, ...]] = {
    # UN/ECE Rec. 20 code: unit words as printed (folded: lower case, no dots), DE / EN / FR
    "H87": ("stk", "stück", "st", "stck", "pcs", "pc", "piece", "pieces", "pce", "pièce",
            "pièces", "pcs", "ea", "each", "unit", "units", "unit(s)", "einheit", "unité",
            "unités", "unité(s)"),
    "C62": ("c62", "x"),
    "HUR": ("h", "std", "stunde", "stunden", "hour", "hours", "hr", "hrs", "heure", "heures"),
    "DAY": ("tag", "tage", "day", "days", "jour", "jours", "d"),
    "MON": ("monat", "monate", "month", "months", "mois", "mon"),
    "KGM": ("kg", "kilogramm", "kilogram", "kilogramme"),
    "GRM": ("g", "gramm", "gram", "gramme"),
    "TNE": ("t", "tonne", "tonnen", "tonnes", "to"),
    "LTR": ("l", "liter", "litre", "litres", "liters", "lt", "ltr", "liter(s)", "litre(s)"),
    "MTR": ("m", "meter", "metre", "metres", "meters", "lfm", "lfdm"),
    "MTK": ("m2", "m²", "qm", "quadratmeter", "sqm"),
    "MTQ": ("m3", "m³", "cbm", "kubikmeter"),
    "KMT": ("km", "kilometer", "kilomètre", "kilomètres"),
    "LS": ("pauschal", "psch", "pausch", "lump sum", "flat", "forfait", "pauschale"),
    "PK": ("pack", "packs", "paket", "pakete", "pkt", "pck", "package", "paquet"),
    "SET": ("set", "sets", "satz", "jeu"),
    "CT": ("karton", "kartons", "carton", "cartons", "ctn"),
    "PR": ("paar", "pair", "pairs", "paire"),
}
_UNIT_OF = {word: code for code, words in UNIT_CODES.items() for word in words}
_CODE = re.compile(r"^[A-Z0-9]{2,3}$")


def unit_code(unit: str | None) -> str | None:
    """The UN/ECE code of a printed unit ('Stk.' -> H87, 'Std' -> HUR); a printed code stays."""
    if not unit:
        return None
    folded = unit.strip().lower().rstrip(".").replace(" ", " ")
    if folded in _UNIT_OF:
        return _UNIT_OF[folded]
    return unit.strip() if _CODE.match(unit.strip()) and unit.strip() in UNIT_CODES else None


@step("lineitems.units", scope="page", requires=["page.lineitem_quantities"],
      provides=["page.lineitem_units"])
def units(page_lineitem_quantities: list[Quantity]) -> list[str | None]:
    """Each row's unit as a UN/ECE Rec. 20 code, None where the unit is not one we know."""
    return [unit_code(q.unit) for q in page_lineitem_quantities]


ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{1,30}$")


@step("lineitems.item_ids", scope="page", requires=["page.lineitem_raw_rows"],
      provides=["page.lineitem_item_ids"])
def item_ids(page_lineitem_raw_rows: list[Row]) -> list[str | None]:
    """The seller's article number of each row (an 'Art.-Nr.' / 'SKU' column), when it is one
    token with a digit: a word in that column is a spilled description, not a number."""
    out = []
    for row in page_lineitem_raw_rows:
        text = row.cells.get("item_id", "").strip()
        out.append(text if ITEM_ID.match(text) and re.search(r"\d", text) else None)
    return out


RATE = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%?$")


@step("lineitems.tax_rates", scope="page", requires=["page.lineitem_raw_rows"],
      provides=["page.lineitem_tax_rates"])
def tax_rates(page_lineitem_raw_rows: list[Row]) -> list[str | None]:
    """Each row's VAT rate from its tax column ('19 %', '7,00', '5.5%'), as a decimal string;
    a letter code ('A', 'B') or a rate over 27 % is no rate."""
    out: list[str | None] = []
    for row in page_lineitem_raw_rows:
        m = RATE.search(row.cells.get("tax", "").strip())
        try:
            rate = Decimal(m[1].replace(",", ".")) if m else None
        except InvalidOperation:
            rate = None
        out.append(f"{rate:.2f}" if rate is not None and 0 <= rate <= 27 else None)
    return out
