"""What the identifier families share: label lexicons, page zones and a mention's context.

Every identifier family (IBAN, BIC, VAT ID, tax number, register number, bank name) goes
candidates -> normalise -> validate -> context -> role -> select. The context stage is the same
for all of them: which label introduces the value (a lexicon hit of the page's labels in German,
English or French, else the text left of it), which party that label names ('Ihre USt-IdNr.',
'Kunden-USt-ID', 'Lieferant'), the party section the value stands in, the zone of the page
(letterhead, body, footer) and the neighbouring text. :class:`IdContext` carries it to the role
model (:mod:`cosy.steps.fields.ids.features`) and to the select steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from cosy.domain import FieldValue, Line, PageGeometry
from cosy.steps.fields.common import Candidate
from cosy.steps.fields.doc_kinds import ISSUER_IS_BUYER
from cosy.steps.fields.party_words import party_role, section_role

LANGUAGES = ("de", "en", "fr")
LEXICON: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "iban": ("IBAN", "Konto", "Kontonummer", "Konto-Nr.", "Kto.-Nr."),
        "bic": ("BIC", "SWIFT", "SWIFT-Code", "BLZ"),
        "vat_id": ("USt-IdNr.", "USt.-IdNr.", "USt-ID", "USt.-ID", "USt-ID-Nr.", "UStIdNr",
                   "Umsatzsteuer-ID", "Umsatzsteuer-Identifikationsnummer", "UID", "UID-Nr.",
                   "MwSt.-Nr.", "MWST-Nr."),
        "tax_number": ("Steuernummer", "Steuer-Nr.", "St.-Nr.", "StNr.", "Steuer-Nummer"),
        "register": ("Handelsregister", "Registergericht", "Registernummer", "Register-Nr.",
                     "Amtsgericht", "Firmenbuch", "Firmenbuchnummer", "Firmenbuchgericht",
                     "Handelsregisternummer", "HR-Nr."),
        "bank": ("Bank", "Bankverbindung", "Kreditinstitut", "Bankname", "Geldinstitut"),
    },
    "en": {
        "iban": ("IBAN", "Account", "Account No.", "Account Number"),
        "bic": ("BIC", "SWIFT", "SWIFT Code", "Sort Code", "Routing"),
        "vat_id": ("VAT No.", "VAT Reg. No.", "VAT ID", "VAT Number", "VAT Registration Number",
                   "VAT Reg No", "VAT", "GST No.", "GST No", "GST ID", "GST Reg No", "GST Reg No.",
                   "GST Reg. No.", "GST Registration No.", "GST Registration Number", "GSTIN",
                   "ABN", "TRN"),
        "tax_number": ("Tax No.", "Tax Number", "Tax ID", "EIN", "Federal Tax ID", "TIN"),
        "register": ("Company No.", "Company Number", "Registered in", "Register court",
                     "Registration No.", "Registered office", "Company Registration No."),
        "bank": ("Bank", "Bank name", "Bank details", "Banking details"),
    },
    "fr": {
        "iban": ("IBAN", "Compte", "RIB"),
        "bic": ("BIC", "SWIFT"),
        "vat_id": ("N° TVA", "N° TVA intracom.", "TVA intracommunautaire", "Numéro de TVA",
                   "N° de TVA", "TVA"),
        "tax_number": ("SIRET", "N° SIRET", "Numéro fiscal", "N° fiscal"),
        "register": ("RCS", "SIREN", "N° SIREN", "Registre du commerce", "Greffe"),
        "bank": ("Banque", "Domiciliation", "Établissement bancaire"),
    },
}
"""Labels that introduce an identifier, per language: the PhraseMatcher steps look them up."""

YOUR = re.compile(r"\bihre?[nrs]?\b|\byour\b|\bvotre\b|\bvos\b", re.I)
DEBTOR = re.compile(r"käufer|kunde|debtor|debitor|payer|zahlungspflichtig|lastschrift|mandat|"
                    r"\bihre?\b|\byour\b|\bvotre\b|prélèvement|abbuch|direct debit", re.I)
"""A label that makes an IBAN the buyer's account to be debited, not the payee's."""
ZONES = ("head", "body", "foot")
HEAD_ZONE, FOOT_ZONE = 0.22, 0.82  # relative heights: letterhead above, footer below


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A lexicon label on a line: the identifier kind it introduces and its characters."""

    line: int
    start: int
    end: int
    kind: str
    text: str
    lang: str


@dataclass(frozen=True, slots=True)
class LineZone:
    """Where a line stands on its page: zone, relative top and its font size to the median."""

    zone: str  # head | body | foot
    y: float
    size: float


@dataclass(slots=True)
class IdContext:
    """One identifier mention with what the role model and the select steps read about it."""

    mention: Candidate
    label: str  # the text that introduces it (lexicon hit, else the text left of it)
    label_kind: str | None  # the identifier kind the nearest lexicon label names
    party: str | None  # seller | buyer | recipient | other, as the label names it
    section: str | None  # the party section heading it stands under
    debtor: bool  # the label says the account is debited (Lastschrift, Käufer-IBAN)
    zone: str
    x: float  # left edge relative to the page width
    size: float  # font size relative to the page's median
    line_text: str
    above_text: str
    repeats: int  # other mentions of the same value on the page
    index: int  # position among the page's mentions of its kind
    count: int

    @property
    def value(self) -> str:
        return self.mention.value

    @property
    def confidence(self) -> float:
        return self.mention.confidence


def refined(m: Candidate, **changes: Any) -> Candidate:
    """A copy of a candidate with changed fields: stages never mutate an upstream artifact."""
    return replace(m, **changes)


def page_zones(lines: list[Line], geometry: PageGeometry) -> list[LineZone]:
    """Each line's zone (letterhead, body, footer), relative top and relative font size."""
    height = geometry.height
    sizes = sorted(w.size for line in lines for w in line.words if w.size > 0)
    median = sizes[len(sizes) // 2] if sizes else 0.0
    out = []
    for line in lines:
        y = line.words[0].top / height
        size = max(w.size for w in line.words)
        zone = "head" if y < HEAD_ZONE else "foot" if y > FOOT_ZONE else "body"
        out.append(LineZone(zone, y, size / median if median else 1.0))
    return out


def nearest_label(hits: list[LabelHit], lines: list[Line], m: Candidate) -> LabelHit | None:
    """The lexicon label closest before a value: on its line left of it, else on the line above."""
    line = lines[m.line]
    start = m.span[0] - line.start
    same = [h for h in hits if h.line == m.line and h.end <= start]
    if same:
        return max(same, key=lambda h: h.end)
    above = [h for h in hits if h.line == m.line - 1 and m.line > 0]
    if above and not line.text[:start].strip():
        return max(above, key=lambda h: h.end)
    return None


def build_contexts(mentions: list[Candidate], lines: list[Line], zones: list[LineZone],
                   hits: list[LabelHit], width: float = 595.0) -> list[IdContext]:
    """The context of each of a page's mentions of one kind (see :class:`IdContext`)."""
    out = []
    for i, m in enumerate(mentions):
        line = lines[m.line]
        own_cell = line.text[: m.span[0] - line.start].rsplit("\t", 1)[-1]
        hit = nearest_label(hits, lines, m)
        label = (m.label or "") if hit is None or hit.line == m.line else hit.text
        if hit is not None and hit.line == m.line and hit.text.lower() not in label.lower():
            label = f"{hit.text} {label}".strip()
        party = label_party(m.kind, f"{label} {own_cell}")
        zone = zones[m.line] if m.line < len(zones) else LineZone("body", 0.5, 1.0)
        out.append(IdContext(
            mention=m, label=label, label_kind=hit.kind if hit else None, party=party,
            section=account_section(m.kind, section_role(lines, m.line, m.bbox[0])),
            debtor=bool(DEBTOR.search(label)),
            zone=zone.zone, x=m.bbox[0] / width, size=zone.size, line_text=line.text,
            above_text=lines[m.line - 1].text if m.line > 0 else "",
            repeats=sum(o.value == m.value for o in mentions) - 1, index=i, count=len(mentions)))
    return out


def account_section(kind: str, section: str | None) -> str | None:
    """The party section of a mention; for an account, a bank heading ('Bankverbindung',
    which reads as a party other than seller and buyer) is the account's own heading."""
    return None if kind in ("iban", "bic") and section == "other" else section


def label_party(kind: str, text: str) -> str | None:
    """The party a label names: seller, buyer, recipient ('Ihre', 'your') or other.

    An account label names the debtor ('Käufer-IBAN', 'Lastschrift von Ihrem Konto') or the
    supplier; the word 'Bank' beside an IBAN is no other party, as it would be beside an address.
    """
    if kind in ("iban", "bic"):
        if DEBTOR.search(text):
            return "buyer"
        return "seller" if party_role(text) == "seller" else None
    party = party_role(text)
    if party is None and YOUR.search(text):
        party = "recipient"  # the addressee: the buyer, except on an order
    return party


def labelled_party(c: IdContext, title: str | None) -> str | None:
    """The party the page names for a mention: its label ('your' resolved by who wrote the
    document), else the party heading of the section it stands in ('Verkäufer:')."""
    if c.party == "recipient":
        return "seller" if title in ISSUER_IS_BUYER else "buyer"
    return c.party or c.section


def rule_roles(c: IdContext, title: str | None) -> dict[str, float]:
    """Role 'probabilities' by rule alone (no model): label, else section, else the writer."""
    issuer = "buyer" if title in ISSUER_IS_BUYER else "seller"
    role = labelled_party(c, title) or issuer
    return {r: float(r == role) for r in ("seller", "buyer", "other")}


def party_score(c: IdContext, probs: dict[str, float], role: str, title: str | None) -> float:
    """How surely a mention is ``role``'s: what the page says decides, else the model does."""
    named = labelled_party(c, title)
    if named is not None:
        return 1.0 if named == role else 0.0
    return probs.get(role, 0.0)


def field_value(name: str, m: Candidate, confidence: float, step_name: str,
                model: str | None = None) -> FieldValue:
    """A selected field with the mention's provenance (page, box, span) and the select step."""
    return FieldValue(name, m.value, round(confidence, 4), m.page, m.bbox, m.span, step_name,
                      model)
