"""Words that name a party's role per language, and the legal forms a company name carries.

Shared by the families that ask whose a value is: party headings and blocks, identifiers
(whose VAT ID is this?) and contact details (whose phone number?).
"""

from __future__ import annotations

import re

from cosy.domain import Line
from cosy.steps.fields.common import cells

ROLE_WORDS: dict[str, dict[str, str]] = {
    # role -> language -> alternatives; "other" is checked first, then seller, then buyer
    "other": {
        "de": r"abweichend|waren\s?empf|liefer(?:adresse|anschrift|ung an)|zahlungsempf|"
              r"bevollmächtig|versand|empfänger der ware|bank|verbrauchsstelle|abnahmestelle|"
              r"per post\b",
        "en": r"ship(?:ping)?\s?(?:to|from|address)|delivery|payee|representative|requisition|"
              r"consignee|remit to|service address|supply address|by (?:post|mail)\b",
        "fr": r"livraison|lieu de consommation|adresse de consommation|par courrier",
    },
    "seller": {
        "de": r"verkäufer|lieferant\b|rechnungssteller|leistungserbringer|auftragnehmer",
        "en": r"\bseller|supplier|vendor|bill(?:ed)? from|contractor|payable to|sold by|issued by",
        "fr": r"vendeur|fournisseur|émetteur|prestataire",
    },
    "buyer": {
        "de": r"(?<!ver)käufer|leistungsempfänger|rechnungsempfänger|rechnungsadresse|"
              r"rechnungsanschrift|\bkunde\b|auftraggeber|\bempfänger\b|rechnung an\b",
        "en": r"\bbuyer|\bcustomer\b|bill(?:ed)? to|invoice to|invoicee|sold to|recipient|"
              r"addressee",
        "fr": r"acheteur|\bclient\b|factur[ée]e? à|destinataire|adresse de facturation|"
              r"adressée? à",
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
    r"llp|sarl|sas|sa|eurl|sasu|snc|bv|nv|spa|srl|s\.?l|oy|ab|as|aps|sdn|bhd|berhad|pte|pvt|pty)"
    r"\b\.?", re.I)
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


ID_TOKEN = re.compile(r"\b(?=[\w-]*\d(?:[\w-]*\d){4})[\w-]{5,}\b")
"""A token with five digits or more: a customer, order or phone number, never part of a name."""


def name_shaped(text: str) -> bool:
    """Whether a line can be a party's name: no identifier in it ('CUSTOMER NUMBER US0680'),
    at most eight words, not a sentence ('Thank you for your order. We appreciate ...')."""
    words = len(text.split())
    return not ID_TOKEN.search(text) and words <= 8 \
        and not (words >= 6 and re.search(r"[a-z]{2}[.!?]\s+[A-Z]", text))
