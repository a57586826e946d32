"""Bank and tax identifiers: IBAN (mod 97), BIC (format), EU VAT IDs (format and check digits)."""

from __future__ import annotations

import re

from cosy import identifiers as ids
from cosy.domain import Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import find_mentions

IBAN = re.compile(r"\b(?P<iban>[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30})\b")
BIC = re.compile(r"\b(?P<bic>[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
VAT_ID = re.compile(
    r"\b(?P<vat_id>(?:AT\s?U|BE\s?[01]|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|"
    r"PL|PT|RO|SE|SI|SK|XI|CHE)[\s.-]?[0-9A-Z][0-9A-Z .-]{6,14}[0-9A-Z])"
)


def _longest_valid(m: re.Match[str], kind: str, valid) -> str | None:  # type: ignore[no-untyped-def]
    """The longest prefix of the match that is a valid identifier (a greedy match may run on)."""
    compact = ids.normalize_identifier(m[kind])
    for end in range(len(compact), 7, -1):
        if valid(compact[:end]):
            return compact[:end]
    return None


@step("fields.iban.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.iban_mentions"])
def iban_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """IBANs whose mod-97 check holds (a misread digit fails it)."""
    return list(find_mentions(page_lines, page_no, IBAN, "iban", "fields.iban.candidates",
                              lambda m: _longest_valid(m, "iban", ids.iban_is_valid)))


@step("fields.bic.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.bic_mentions"])
def bic_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Words shaped like a BIC, kept only when a BIC/SWIFT label or an IBAN is on the line."""
    out = []
    for m in find_mentions(page_lines, page_no, BIC, "bic", "fields.bic.candidates",
                           lambda m: m["bic"] if ids.bic_is_valid(m["bic"]) else None):
        line = next(ln for ln in page_lines if ln.start <= m.span[0] <= ln.start + len(ln.text))
        if re.search(r"BIC|SWIFT|IBAN", line.text, re.IGNORECASE):
            out.append(m)
    return out


@step("fields.vat_id.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.vat_id_mentions"])
def vat_id_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """EU VAT IDs with a valid format and, where the country defines one, check digits."""
    return list(find_mentions(page_lines, page_no, VAT_ID, "vat_id", "fields.vat_id.candidates",
                              lambda m: _longest_valid(m, "vat_id", ids.vat_id_is_valid)))
