"""Bank and tax identifiers: IBAN (mod 97), BIC (format), VAT IDs and tax numbers, with roles.

Checksums come from :mod:`cosy.identifiers`. A VAT ID needs a valid format; its check digits
only raise confidence, since sample and test documents print made-up IDs (DE123456789). Whose
identifier it is (seller, buyer, someone else) comes from its label, else from the party section
it stands in; the seller is the default, as letterheads and footers carry the seller's IDs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cosy import identifiers as ids
from cosy.domain import FieldValue, Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import Candidate, find_mentions, flatten, left_label, span_bbox
from cosy.steps.fields.party import BUYER_PARTY, party_role, section_role
from cosy.steps.fields.title import ISSUER_IS_BUYER

IBAN = re.compile(r"\b(?P<iban>[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30})\b")
BIC = re.compile(r"\b(?P<bic>[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
VAT_ID = re.compile(
    r"\b(?P<vat_id>(?:AT\s?U|BE\s?[01]|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|"
    r"NL|PL|PT|RO|SE|SI|SK|XI|CHE)[\s.-]?[0-9A-Z][0-9A-Z .-]{6,14}[0-9A-Z])"
)
TAX_NUMBER_LABEL = re.compile(
    r"(?:steuer\s?-?\s?(?:nummer|nr\.?)|st\.?\s?-?\s?nr\.?|stnr\.?|tax\s?(?:id|number|no\.?)|"
    r"num[ée]ro fiscal|n° fiscal|codice fiscale|(?:n°\s)?siret|\bein\b)\s*[:.]?\s*"
    r"(?P<tax>\d[\d/ -]{5,16}\d|[A-Z][A-Z0-9_]{3,30})(?![\w/])", re.I)
TAX_NUMBER = re.compile(r"(?<![\w/])(?P<tax>\d{2,3}/\d{3,4}/\d{4,5}(?:/\d)?)(?![\w/])")
DEBTOR = re.compile(r"käufer|kunde|debtor|debitor|payer|zahlungspflichtig|lastschrift|mandat|"
                    r"\bihre?\b|\byour\b|\bvotre\b|prélèvement|abbuch", re.I)
YOUR = re.compile(r"\bihre?\b|\byour\b|\bvotre\b|\bvos\b", re.I)


def _longest_valid(m: re.Match[str], kind: str, valid: Callable[[str], bool]) -> str | None:
    """The longest prefix of the match that is a valid identifier (a greedy match may run on)."""
    compact = ids.normalize_identifier(m[kind])
    for end in range(len(compact), 7, -1):
        if valid(compact[:end]):
            return compact[:end]
    return None


def _roled(mentions: list[Candidate], lines: list[Line]) -> list[Mention]:
    """Give each identifier the party it belongs to: its label names one, else its section."""
    for m in mentions:
        line = lines[m.line]
        text = f"{m.label or ''} {line.text[: m.span[0] - line.start]}"
        role = party_role(text)
        if role is None and YOUR.search(m.label or ""):
            role = "recipient"  # the addressee: the buyer, except on an order
        m.role = role or section_role(lines, m.line, m.bbox[0])
    return list(mentions)


def iban_shape_ok(s: str) -> bool:
    """Country code, check digits and the country's IBAN length: an IBAN as printed, unchecked."""
    shape = re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", s)
    return bool(shape) and ids.IBAN_LENGTHS.get(s[:2]) == len(s)


@step("fields.iban.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.iban_mentions"])
def iban_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """IBANs whose mod-97 check holds; behind an IBAN label also ones that fail it, less trusted.

    Sample and test documents print made-up IBANs after an explicit label; a reader still
    reports them, with a confidence that says the check digits are wrong.
    """
    out: list[Mention] = []
    for m in find_mentions(page_lines, page_no, IBAN, "iban", "fields.iban.candidates",
                           lambda m: _longest_valid(m, "iban", ids.iban_is_valid)
                           or _longest_valid(m, "iban", iban_shape_ok)):
        if ids.iban_is_valid(m.value):
            m.confidence = 0.95
        elif re.search(r"IBAN", m.label or "", re.I):
            m.confidence = 0.4
        else:
            continue
        out.append(m)
    return out


@step("fields.bic.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.bic_mentions"])
def bic_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Words shaped like a BIC, kept only when a BIC/SWIFT label or an IBAN is on the line."""
    out = []
    for m in find_mentions(page_lines, page_no, BIC, "bic", "fields.bic.candidates",
                           lambda m: m["bic"] if ids.bic_is_valid(m["bic"]) else None):
        if re.search(r"BIC|SWIFT|IBAN", page_lines[m.line].text, re.IGNORECASE):
            out.append(m)
    return out


@step("fields.vat_id.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.vat_id_mentions"])
def vat_id_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """VAT IDs in a valid national format, with the party they belong to as ``role``."""
    found = []
    for m in find_mentions(page_lines, page_no, VAT_ID, "vat_id", "fields.vat_id.candidates",
                           lambda m: _longest_valid(
                               m, "vat_id", lambda s: ids.vat_id_is_valid(s, checksum=False))):
        line = page_lines[m.line]
        iban = IBAN.match(line.text, m.span[0] - line.start)
        if iban is not None and _longest_valid(iban, "iban", iban_shape_ok):
            continue  # 'DE58 2336 4460 ...' starts like a VAT ID but is an IBAN
        m.confidence = 0.9 if ids.vat_id_is_valid(m.value) else 0.6
        found.append(m)
    return _roled(found, page_lines)


@step("fields.tax_number.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.tax_number_mentions"])
def tax_number_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Tax numbers (Steuernummer 201/113/40209, 'Tax ID: ...'): by label or by their shape."""
    found: list[Candidate] = []
    for i, line in enumerate(page_lines):
        seen: set[int] = set()
        for pattern, labelled in ((TAX_NUMBER_LABEL, True), (TAX_NUMBER, False)):
            for m in pattern.finditer(line.text):
                start, end = m.span("tax")
                if start in seen:
                    continue
                seen.add(start)
                value = re.sub(r"\s+", "", m["tax"])
                label, _ = left_label(line, start)
                found.append(Candidate(
                    kind="tax_number", raw=m["tax"], value=value, page=page_no,
                    bbox=span_bbox(line, start, end), span=(line.start + start, line.start + end),
                    step="fields.tax_number.candidates", label=label,
                    confidence=0.85 if labelled else 0.5, line=i))
    return _roled(found, page_lines)


def _field(name: str, m: Mention, confidence: float, step_name: str) -> FieldValue:
    return FieldValue(name, m.value, confidence, m.page, m.bbox, m.span, step_name, m.model)


def select_ids(ibans: list[Mention], bics: list[Mention], vats: list[Mention],
               taxes: list[Mention], title: str | None = None) -> dict[str, FieldValue]:
    """Payee IBAN and BIC, seller and buyer VAT ID, seller tax number.

    An identifier no label assigns belongs to the writer (letterhead, footer): the seller, or on
    an order the buyer; one labelled 'your' belongs to the addressee.
    """
    out: dict[str, FieldValue] = {}
    issuer, recipient = ("buyer", "seller") if title in ISSUER_IS_BUYER else ("seller", "buyer")

    def role(m: Mention) -> str | None:
        return {None: issuer, "recipient": recipient}.get(m.role, m.role)

    payee = sorted((m for m in ibans if not DEBTOR.search(m.label or "")),
                   key=lambda m: -m.confidence)
    if payee:
        out["iban"] = _field("iban", payee[0], payee[0].confidence, "fields.bank.select")
        near = [b for b in bics if b.page == payee[0].page]
        bic = min(near, key=lambda b: abs(b.bbox[1] - payee[0].bbox[1])) if near else None
        if bic is not None:
            out["bic"] = _field("bic", bic, 0.85, "fields.bank.select")
    elif bics and not ibans:
        out["bic"] = _field("bic", bics[0], 0.6, "fields.bank.select")
    for name in ("seller", "buyer"):
        own = [m for m in vats if role(m) == name
               and all(m.value != f.value for f in out.values())]
        if own:
            best = max(own, key=lambda m: (m.role == name, m.confidence, -vats.index(m)))
            out[f"{name}_vat_id"] = _field(f"{name}_vat_id", best,
                                           best.confidence if name == issuer else 0.8,
                                           "fields.tax_id.select")
    tax = [m for m in taxes if role(m) == "seller" and not BUYER_PARTY.search(m.label or "")]
    if tax:
        best = max(tax, key=lambda m: (m.confidence, m.role == "seller", -taxes.index(m)))
        out["seller_tax_number"] = _field("seller_tax_number", best, best.confidence,
                                          "fields.tax_id.select")
    return out


@step("fields.tax_id.select", scope="document",
      requires=["page.iban_mentions", "page.bic_mentions", "page.vat_id_mentions",
                "page.tax_number_mentions", "doc.title_kind"],
      provides=["doc.field.tax_id"])
def select_id_fields(page_iban_mentions: list[list[Mention]],
                     page_bic_mentions: list[list[Mention]],
                     page_vat_id_mentions: list[list[Mention]],
                     page_tax_number_mentions: list[list[Mention]],
                     doc_title_kind: str | None) -> dict[str, FieldValue]:
    """Bank account and tax identifiers of the document from all pages' candidates."""
    return select_ids(flatten(page_iban_mentions), flatten(page_bic_mentions),
                      flatten(page_vat_id_mentions), flatten(page_tax_number_mentions),
                      doc_title_kind)
