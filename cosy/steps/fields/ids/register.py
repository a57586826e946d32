"""Company register numbers and the register court.

Register number: candidates per register system, each its own step: German-language registers
(Handelsregister 'HRB 76227', 'HRA', 'GnR', 'PR', 'VR'; the Austrian Firmenbuch 'FN 123456a'),
the British Companies House ('Company No. 01234567', 'Registered in England 1234567') and the
French RCS/SIREN ('RCS Paris B 123 456 789') -> normalise (one print form per system) ->
validate (number shapes; the rarer German registers need a register label nearby; the SIREN's
Luhn digit raises confidence) -> context -> role (model) -> select ``seller_register``.
Register court: candidates ('Amtsgericht München', 'Registergericht: AG Köln HRB 1',
'Registered in Leeds') -> select ``seller_register_court``, the court beside the seller's number.
"""

from __future__ import annotations

import re

from cosy.domain import FieldValue, Line
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, XSD
from cosy.steps.fields.common import Candidate, flatten, left_label, span_bbox
from cosy.steps.fields.ids.bank import distance
from cosy.steps.fields.ids.common import IdContext, field_value, refined
from cosy.steps.fields.ids.role import RoleProbs, pick_party, role_field

KIND = "register_number"
REGISTER_DE = re.compile(
    r"\b(?P<scheme>HRB|HRA|GnR|GsR|PR|VR)\s?(?P<number>\d{1,6})(?:\s(?P<suffix>[A-Z]{1,2}))?\b"
    r"|\b(?P<fn>FN)\s?(?P<fn_number>\d{1,6})\s?(?P<fn_check>[a-z])\b")
REGISTER_EN = re.compile(
    r"\b(?:Company|Registration|Reg\.?|Registered)\s(?:No\.?|Number|Nr\.?)\s?:?\s?"
    r"(?P<number>\d{6,8}|[A-Z]{2}\d{6})\b"
    r"|\bRegistered\sin\s(?:England|Scotland|Wales|England\s(?:and|&)\sWales|Northern\sIreland)"
    r"(?:,?\s(?:No\.?|number|under\s(?:company\s)?number))?\s?:?\s?"
    r"(?P<number2>\d{6,8}|[A-Z]{2}\d{6})\b")
REGISTER_FR = re.compile(
    r"\bRCS\s(?P<city>[A-ZÀ-Ý][\w'’-]*(?:\s(?![AB]\s?\d)[\w'’-]+){0,3}?)\s(?:(?P<letter>[AB])\s?)?"
    r"(?P<siren>\d{3}\s?\d{3}\s?\d{3})\b"
    r"|\bSIREN\s?:?\s?(?P<siren2>\d{3}\s?\d{3}\s?\d{3})\b")
REGISTER_EVIDENCE = re.compile(
    r"register|registergericht|amtsgericht|handelsregister|partnerschaftsregister|"
    r"vereinsregister|genossenschaftsregister|\bAG\s", re.I)
COURT = re.compile(
    r"(?P<court>(?:Amtsgericht|Landesgericht|Handelsgericht|Firmenbuchgericht)"
    r"|\bAG(?=\s[A-ZÄÖÜ][\w.-]*(?:\s[\w.-]+){0,3}\s(?:HR[AB]|GnR|PR|VR)\b))"
    r"\s(?P<city>[A-ZÄÖÜ][\w.-]*(?:\s(?!(?:HR[AB]|GnR|GsR|PR|VR|FN)\b)[A-ZÄÖÜ(][\w.()-]*){0,3})"
    r"|\b(?:Registered\sin|Register\scourt)\s(?P<place>[A-Z][\w.'-]*"
    r"(?:\s(?:and|&)\s[A-Z][\w.'-]*|\s(?!(?:Company|No|Reg)\b)[A-Z][\w.'-]*){0,3})")
STEP_REGISTER = "fields.ids.select.seller_register"
STEP_COURT = "fields.ids.select.seller_register_court"


def _matches(lines: list[Line], page_no: int, pattern: re.Pattern[str],
             step_name: str) -> list[Candidate]:
    out = []
    for i, line in enumerate(lines):
        for m in pattern.finditer(line.text):
            start, end = m.span()
            label, _ = left_label(line, start)
            out.append(Candidate(
                kind=KIND, raw=m[0], value=m[0], page=page_no, bbox=span_bbox(line, start, end),
                span=(line.start + start, line.start + end), step=step_name, label=label,
                y=line.words[0].top / 842.0, line=i))
    return out


@step("fields.ids.candidates.register_number.de", scope="page", requires=["page.lines", "page_no"],
      provides=["page.register_number.candidates.de"])
def register_candidates_de(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Handelsregister numbers (HRB, HRA, GnR, PR, VR) and Austrian Firmenbuch numbers (FN)."""
    return _matches(page_lines, page_no, REGISTER_DE, "fields.ids.candidates.register_number.de")


@step("fields.ids.candidates.register_number.en", scope="page", requires=["page.lines", "page_no"],
      provides=["page.register_number.candidates.en"])
def register_candidates_en(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Companies House numbers ('Company No. 01234567', 'Registered in England 1234567')."""
    return _matches(page_lines, page_no, REGISTER_EN, "fields.ids.candidates.register_number.en")


@step("fields.ids.candidates.register_number.fr", scope="page", requires=["page.lines", "page_no"],
      provides=["page.register_number.candidates.fr"])
def register_candidates_fr(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """French trade register entries ('RCS Paris B 123 456 789', 'SIREN 123 456 789')."""
    return _matches(page_lines, page_no, REGISTER_FR, "fields.ids.candidates.register_number.fr")


def _siren(digits: str) -> str:
    d = re.sub(r"\D", "", digits)
    return f"{d[:3]} {d[3:6]} {d[6:]}"


def register_value(raw: str) -> str | None:
    """One print form per register system: 'HRB 76227', 'FN 123456a', 'Company No. 01234567',
    'RCS Paris B 123 456 789', 'SIREN 123 456 789'."""
    if m := REGISTER_DE.fullmatch(raw):
        if m["fn"]:
            return f"FN {m['fn_number']}{m['fn_check']}"
        return " ".join(p for p in (m["scheme"], m["number"], m["suffix"]) if p)
    if m := REGISTER_EN.fullmatch(raw):
        number = m["number"] or m["number2"]
        return f"Company No. {number.zfill(8) if number.isdigit() else number}"
    if m := REGISTER_FR.fullmatch(raw):
        if m["siren2"]:
            return f"SIREN {_siren(m['siren2'])}"
        letter = f" {m['letter']}" if m["letter"] else ""
        return f"RCS {' '.join(m['city'].split())}{letter} {_siren(m['siren'])}"
    return None


@step("fields.ids.normalise.register_number", scope="page",
      requires=["page.register_number.candidates.de", "page.register_number.candidates.en",
                "page.register_number.candidates.fr"],
      provides=["page.register_number.normalised"])
def register_normalise(page_register_number_candidates_de: list[Candidate],
                       page_register_number_candidates_en: list[Candidate],
                       page_register_number_candidates_fr: list[Candidate]) -> list[Candidate]:
    """Each system's numbers in its print form, in page order."""
    out = []
    for m in (page_register_number_candidates_de + page_register_number_candidates_en
              + page_register_number_candidates_fr):
        value = register_value(m.raw)
        if value is not None:
            out.append(refined(m, value=value))
    return sorted(out, key=lambda m: m.span)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@step("fields.ids.validate.register_number", scope="page",
      requires=["page.register_number.normalised", "page.lines"],
      provides=["page.register_number.validated"])
def register_validate(page_register_number_normalised: list[Candidate],
                      page_lines: list[Line]) -> list[Candidate]:
    """HRB/HRA/FN/Companies House/RCS stand on their own; GnR, PR, VR and a bare SIREN need a
    register word on their line; a number of zeros is none; a SIREN's Luhn digit adds trust."""
    out = []
    for m in page_register_number_normalised:
        digits = re.sub(r"\D", "", m.value)
        if not digits.strip("0"):
            continue
        strong = re.match(r"HR[AB]|FN|Company No\.|RCS", m.value) is not None
        line = page_lines[m.line].text
        if not strong and not REGISTER_EVIDENCE.search(line) and not m.value.startswith("SIREN"):
            continue
        confidence = 0.85 if strong else 0.7
        if m.value.startswith(("RCS", "SIREN")) and luhn_ok(digits[-9:]):
            confidence = 0.9
        out.append(refined(m, confidence=confidence))
    return out


def select_register(contexts: list[IdContext], probs: list[RoleProbs] | None,
                    title: str | None) -> dict[str, FieldValue]:
    """The seller's register number."""
    return role_field("seller_register", pick_party(contexts, probs, "seller", title),
                      STEP_REGISTER)


SELLER_REGISTER_FIELD = field_spec(
    "seller_register", "identifier",
    "the seller's commercial register "
                        "number", bt="BT-30", scored=True,
    subject="seller", predicate=COSY + "registerNumber", datatype=XSD + "string")
SELLER_REGISTER_COURT_FIELD = field_spec(
    "seller_register_court", "text",
    "the court keeping the seller's "
                              "register", subject="seller",
    predicate=COSY + "registerCourt", datatype=XSD + "string")


@step(STEP_REGISTER, scope="document",
      requires=["page.register_number.context", "page.register_number.roles", "doc.title_kind"],
      provides=["doc.field.seller_register"])
def seller_register_select(page_register_number_context: list[list[IdContext]],
                           page_register_number_roles: list[list[RoleProbs]],
                           doc_title_kind: str | None) -> dict[str, FieldValue]:
    """``seller_register`` from every page's register numbers and their roles."""
    return select_register(flatten(page_register_number_context),
                           flatten(page_register_number_roles), doc_title_kind)


# --- register court ------------------------------------------------------------------------------


@step("fields.ids.candidates.register_court", scope="page", requires=["page.lines", "page_no"],
      provides=["page.register_court.candidates"])
def court_candidates(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """Courts that keep a register: 'Amtsgericht München', 'AG Köln HRB 1', 'Registered in
    Leeds'; an 'AG' counts only before a register number (else it is a legal form)."""
    out = []
    for i, line in enumerate(page_lines):
        for m in COURT.finditer(line.text):
            if m["place"]:
                value, (start, end) = m["place"], m.span("place")
            else:
                court = "Amtsgericht" if m["court"] == "AG" else m["court"]
                value, (start, end) = f"{court} {m['city']}", m.span()
            out.append(Candidate(
                kind="register_court", raw=m[0], value=" ".join(value.split()), page=page_no,
                bbox=span_bbox(page_lines[i], start, end),
                span=(line.start + start, line.start + end),
                step="fields.ids.candidates.register_court", confidence=0.8, line=i))
    return out


def select_court(courts: list[Candidate], register: dict[str, FieldValue]) -> \
        dict[str, FieldValue]:
    """The court printed nearest the seller's register number (same line or the line above)."""
    seller = register.get("seller_register")
    if seller is None or seller.bbox is None:
        return {}
    anchor = Candidate(KIND, "", "", seller.page or 0, seller.bbox, (0, 0), "")
    near = [c for c in courts if c.page == seller.page and distance(c, anchor) < 40.0]
    if not near:
        return {}
    best = min(near, key=lambda c: distance(c, anchor))
    return {"seller_register_court": field_value("seller_register_court", best, best.confidence,
                                                 STEP_COURT)}


@step(STEP_COURT, scope="document",
      requires=["page.register_court.candidates", "doc.field.seller_register"],
      provides=["doc.field.seller_register_court"])
def seller_register_court_select(page_register_court_candidates: list[list[Candidate]],
                                 doc_field_seller_register: dict[str, FieldValue]) -> \
        dict[str, FieldValue]:
    """``seller_register_court``: the court that keeps the seller's register entry."""
    return select_court(flatten(page_register_court_candidates), doc_field_seller_register)
