"""Phone and fax numbers: candidates → E.164 → plausible length → context → role → select.

A number counts when a label introduces it ('Tel.', 'Telefax', 'T', 'Tél.' from the label
lexicons of ``nlp.labels.*``) or when it is written in international form (+49 ..., 0049 ...);
a fax is only ever a number a fax label introduces. Numbers are normalised to E.164
('+49 (0)89 123 45-6' → '+49891234566'); a national number gets the calling code of the
country its side of the page names (``fields.contact.country``).
"""

from __future__ import annotations

import re

from cosy.domain import Line
from cosy.engine.step import step
from cosy.steps.fields.common import span_bbox
from cosy.steps.fields.contact.common import (
    BY_CODE,
    CALLING,
    ContactMention,
    Countries,
)
from cosy.steps.nlp import LabelHit, Token

NUMBER = re.compile(
    r"(?P<num>(?:(?:\+|00)\s?\d{1,3}\s?(?:\(0\)\s?)?|\(0\)\s?)?\(?\d{1,6}\)?"
    r"(?:(?:\s|\s?[./-]\s?)?\d{1,8}){0,6})"
    r"(?:\s?(?:x|ext\.?|Durchwahl|DW)\s?(?P<ext>\d{1,5}))?")
"""A phone number as printed: international prefix, '(0)', area code in brackets, groups."""
INTERNATIONAL = re.compile(r"(?<![\w+/.,-])(?=(?:\+|00)\s?[1-9])")
LEAD = re.compile(r"[\s:.]*(?:-\s)?")
NSN_LENGTH = {"DE": (6, 13), "AT": (4, 13), "CH": (9, 9), "FR": (9, 9), "GB": (9, 10),
              "US": (10, 10), "NL": (9, 9), "BE": (8, 9), "LU": (4, 11), "IT": (6, 11),
              "ES": (9, 9), "DK": (8, 8), "PL": (9, 9), "IE": (7, 9)}
"""Digits of the national significant number (after the calling code) per country."""


def _number_at(line: Line, pos: int, page: int, source: str, kind: str,
               step_name: str, index: int) -> ContactMention | None:
    m = NUMBER.match(line.text, pos)
    if m is None:
        return None
    raw = m["num"].rstrip(" ./-")
    if sum(c.isdigit() for c in raw) < 5:
        return None
    start, end = m.start("num"), m.start("num") + len(raw)
    return ContactMention(kind=kind, raw=raw, value=raw, page=page,
                          bbox=span_bbox(line, start, end),
                          span=(line.start + start, line.start + end), step=step_name,
                          confidence=0.9 if source == "label" else 0.7, line=index,
                          source=source)


def labelled_numbers(lines: list[Line], toks: list[Token], hits: list[LabelHit], page: int,
                     categories: set[str], kind: str, step_name: str) -> list[ContactMention]:
    """The number right after each label of the given categories ('Tel.: 089 ...')."""
    out = []
    for h in hits:
        if h.category not in categories:
            continue
        line = lines[h.line]
        pos = toks[h.end - 1].end - line.start
        pos = LEAD.match(line.text, pos).end()
        m = _number_at(line, pos, page, "label", kind, step_name, h.line)
        if m is not None:
            m.label, m.category = h.text, h.category
            out.append(m)
    return out


@step("fields.contact.candidates.phone.labelled", scope="page",
      requires=["page.lines", "page.tokens", "page.label_hits", "page_no"],
      provides=["page.phone.labelled"])
def phone_labelled(page_lines: list[Line], page_tokens: list[Token],
                   page_label_hits: list[LabelHit], page_no: int) -> list[ContactMention]:
    """Numbers a phone label introduces (Telefon, Tel., Phone, T, Tél. ...)."""
    return labelled_numbers(page_lines, page_tokens, page_label_hits, page_no, {"phone"},
                            "phone", "fields.contact.candidates.phone.labelled")


@step("fields.contact.candidates.phone.international", scope="page",
      requires=["page.lines", "page.tokens", "page.label_hits", "page_no"],
      provides=["page.phone.international"])
def phone_international(page_lines: list[Line], page_tokens: list[Token],
                        page_label_hits: list[LabelHit], page_no: int) -> list[ContactMention]:
    """Unlabelled numbers in international form (+49 ..., 0044 ...): a letterhead's phone."""
    labelled_ends = {(h.line, page_tokens[h.end - 1].end) for h in page_label_hits}
    out = []
    for i, line in enumerate(page_lines):
        for start in (m.start() for m in INTERNATIONAL.finditer(line.text)):
            before = line.text[:start]
            lead = len(before) - len(before.rstrip(" :.-"))
            if any(ln == i and start - lead <= end - line.start <= start
                   for ln, end in labelled_ends):
                continue  # a labelled number: the label's family reads it
            if re.search(r"IBAN|BIC|\d$", before[-6:], re.I):
                continue
            m = _number_at(line, start, page_no, "international", "phone",
                           "fields.contact.candidates.phone.international", i)
            if m is not None:
                out.append(m)
    return out


@step("fields.contact.candidates.fax", scope="page",
      requires=["page.lines", "page.tokens", "page.label_hits", "page_no"],
      provides=["page.fax.candidates"])
def fax_candidates(page_lines: list[Line], page_tokens: list[Token],
                   page_label_hits: list[LabelHit], page_no: int) -> list[ContactMention]:
    """Numbers a fax label introduces (Fax, Telefax, F, Télécopie)."""
    return labelled_numbers(page_lines, page_tokens, page_label_hits, page_no, {"fax"}, "fax",
                            "fields.contact.candidates.fax")


# --- normalise and validate ----------------------------------------------------------------------


def _international(digits: str) -> str:
    """'+' and the digits after an international prefix, a trunk 0 after the code dropped
    ('+49 (0)89', '+49 089' -> '+4989'; Italy keeps its 0)."""
    code = next((digits[:n] for n in (1, 2, 3) if digits[:n] in BY_CODE), None)
    if code is None or code == "39":
        return "+" + digits
    return f"+{code}{digits[len(code):].lstrip('0')}"


def to_e164(raw: str, country: str) -> str | None:
    """E.164 of a printed number ('+49 (0)89 12345-0' -> '+4989123450'); a national number
    takes ``country``'s calling code, its trunk 0 dropped. None where no code can be known.
    '00' starts an international number, except inside an area code's brackets ('(0044)')."""
    text = raw.replace("(0)", " ").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return _international(digits)
    if digits.startswith("00") and not text.startswith("("):
        return _international(digits[2:])
    code = CALLING.get(country)
    if code is None:
        return None
    if code == "1":
        digits = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
        return "+1" + digits
    if not digits.startswith("0") and country not in ("IT", "DK", "LU", "NO"):
        return None  # a local number without its area code, or not a phone number at all
    return f"+{code}{digits.lstrip('0') if country != 'IT' else digits}"


def normalise(mentions: list[ContactMention], countries: Countries,
              sections: list[str]) -> list[ContactMention]:
    out = []
    for m in mentions:
        m.section = sections[m.line]
        m.country = countries.near(m.line, sections)
        value = to_e164(m.raw, m.country)
        if value is not None:
            m.value = value
            out.append(m)
    return out


def plausible(e164: str) -> bool:
    """E.164 has at most 15 digits; a known country's national number has its usual length."""
    digits = e164[1:]
    if not 7 <= len(digits) <= 15:
        return False
    for n in (1, 2, 3):
        cc = next((c for c, code in CALLING.items() if code == digits[:n]), None)
        if cc is not None:
            lo, hi = NSN_LENGTH.get(cc, (4, 13))
            return lo <= len(digits) - n <= hi and len(set(digits[n:])) > 2
    return len(set(digits)) > 2  # a country COSY has no length table for


def validate(mentions: list[ContactMention]) -> list[ContactMention]:
    return [m for m in mentions if plausible(m.value)]


@step("fields.contact.normalise.phone", scope="page",
      requires=["page.phone.labelled", "page.phone.international", "page.contact.sections",
                "page.contact.country"],
      provides=["page.phone.normalised"])
def phone_normalise(page_phone_labelled: list[ContactMention],
                    page_phone_international: list[ContactMention],
                    page_contact_sections: list[str],
                    page_contact_country: Countries) -> list[ContactMention]:
    """Both sources' numbers in E.164, national ones with the calling code of the country
    named nearest in their section."""
    return normalise([*page_phone_labelled, *page_phone_international], page_contact_country,
                     page_contact_sections)


@step("fields.contact.normalise.fax", scope="page",
      requires=["page.fax.candidates", "page.contact.sections", "page.contact.country"],
      provides=["page.fax.normalised"])
def fax_normalise(page_fax_candidates: list[ContactMention], page_contact_sections: list[str],
                  page_contact_country: Countries) -> list[ContactMention]:
    """Fax numbers in E.164, national ones with the calling code of the country named
    nearest in their section."""
    return normalise(page_fax_candidates, page_contact_country, page_contact_sections)


@step("fields.contact.validate.phone", scope="page", requires=["page.phone.normalised"],
      provides=["page.phone.valid"])
def phone_validate(page_phone_normalised: list[ContactMention]) -> list[ContactMention]:
    """Phone numbers of a plausible length for their country (no dates, no account numbers)."""
    return validate(page_phone_normalised)


@step("fields.contact.validate.fax", scope="page", requires=["page.fax.normalised"],
      provides=["page.fax.valid"])
def fax_validate(page_fax_normalised: list[ContactMention]) -> list[ContactMention]:
    """Fax numbers of a plausible length for their country."""
    return validate(page_fax_normalised)
