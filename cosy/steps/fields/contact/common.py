"""Contact families: what they share: page sections, the calling country, context and roles.

Phone, fax, e-mail, website (``contact_phone.py``, ``contact_web.py``) and person names
(``contact_person.py``) each go candidates → normalise → validate → context → role → select.
Whose contact a value is follows from where it stands: the letterhead, the info block right of
the address window, the closing and the footer belong to the writer of the document; the address
window to the addressee; a heading ("Verkäufer", "Bill to") names its section's party outright,
and a label with "Ihr/Your/Votre" points at the addressee. The writer is the seller, except on an
order or a self-billed invoice (``ISSUER_IS_BUYER``), which the buyer writes.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Any

from cosy.domain import FieldValue, Line, Mention, PageGeometry
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import SCHEMA, XSD
from cosy.steps.fields.doc_kinds import ISSUER_IS_BUYER
from cosy.steps.fields.party_words import party_role, section_role
from cosy.steps.nlp import LabelHit, Token, doc_lang

GREETING = re.compile(
    r"mit freundlichen grü(?:ß|ss)en|(?:freundliche|beste|viele) grü(?:ß|ss)e|"
    r"kind regards|best regards|warm regards|yours (?:sincerely|faithfully)|^sincerely|^regards|"
    r"cordialement|salutations|veuillez agréer|bien à vous", re.I)
"""A closing formula: the lines under it are the writer's signature."""
YOUR = re.compile(r"\b(?:ihre?|your|votre|vos)\b", re.I)
KEY_VALUE = re.compile(r"^[^:\t]{2,40}(?::\s*|\t)\S")
"""'Bearbeiter: Gerda Höfig', 'Kunden-Nr.<tab>96623': a key-value line, which no address has."""
WRITER_SECTIONS = frozenset({"header", "info", "closing", "footer", "sender"})


@dataclass(slots=True)
class ContactMention(Mention):
    """A contact value with where it came from and the context its role is read from."""

    line: int = -1
    source: str = ""  # label, international, matcher, ner, closing
    category: str = ""  # the label category that introduced it (phone, fax, contact ...)
    section: str = ""  # header, info, window, sender, body, closing, footer
    heading: str | None = None  # seller, buyer or other: the party heading of its section
    your: bool = False  # its label says "your" (Ihre Telefonnummer): the addressee's
    country: str | None = None  # ISO 3166 alpha-2 used for a national phone number
    score: float = 0.0


# --- sections ------------------------------------------------------------------------------------


def line_sections(lines: list[Line], geometry: PageGeometry, page_no: int) -> list[str]:
    """The section of every line: header, info, window, sender, body, closing or footer."""
    width = geometry.width
    height = geometry.height
    sizes = [w.size for line in lines for w in line.words if w.size]
    median = statistics.median(sizes) if sizes else 0.0
    out: list[str] = []
    closing_until = -1
    for i, line in enumerate(lines):
        top, x0 = line.words[0].top / height, line.words[0].x0 / width
        size = max(w.size for w in line.words)
        if GREETING.search(line.text):
            closing_until, section = i + 6, "closing"
        elif top > 0.86:
            section = "footer"
        elif i <= closing_until:
            section = "closing"
        elif page_no == 1 and top < 0.13:
            section = "header"
        elif page_no == 1 and top < 0.4 and x0 >= 0.5:
            section = "info"
        elif page_no == 1 and top < 0.4:
            small = median and size < 0.85 * median
            if (small and re.search(r"\s[·|•-]\s|,\s", line.text)) \
                    or len(re.findall(r"\s[·|•]\s", line.text)) >= 2:
                section = "sender"  # the one-line sender above the address window
            elif KEY_VALUE.match(line.text):
                section = "info"  # an info block left-aligned under the window, not an address
            else:
                section = "window"
        else:
            section = "body"
        out.append(section)
    return out


@step("fields.contact.sections", scope="page",
      requires=["page.lines", "page.geometry", "page_no"], provides=["page.contact.sections"])
def contact_sections(page_lines: list[Line], page_geometry: PageGeometry,
                     page_no: int) -> list[str]:
    """Per line, the page section that says whose contact data it holds (writer or addressee)."""
    return line_sections(page_lines, page_geometry, page_no)


# --- calling country -----------------------------------------------------------------------------

CALLING = {"DE": "49", "AT": "43", "CH": "41", "FR": "33", "GB": "44", "US": "1", "NL": "31",
           "BE": "32", "LU": "352", "IT": "39", "ES": "34", "DK": "45", "PL": "48", "IE": "353",
           "SE": "46", "CZ": "420", "PT": "351", "NO": "47", "FI": "358"}
"""ITU country calling codes of the countries COSY's documents come from."""
BY_CODE = {code: cc for cc, code in CALLING.items()}
LANG_COUNTRY = {"de": "DE", "en": "GB", "fr": "FR"}
COUNTRY_NAMES = {
    "deutschland": "DE", "germany": "DE", "allemagne": "DE", "österreich": "AT",
    "austria": "AT", "autriche": "AT", "schweiz": "CH", "switzerland": "CH", "suisse": "CH",
    "frankreich": "FR", "france": "FR", "united kingdom": "GB", "vereinigtes königreich": "GB",
    "royaume-uni": "GB", "england": "GB", "usa": "US", "united states": "US",
    "vereinigte staaten": "US", "états-unis": "US", "niederlande": "NL", "netherlands": "NL",
    "nederland": "NL", "pays-bas": "NL", "belgien": "BE", "belgium": "BE", "belgique": "BE",
    "luxemburg": "LU", "luxembourg": "LU", "italien": "IT", "italy": "IT", "italia": "IT",
    "spanien": "ES", "spain": "ES", "españa": "ES",
}
POSTCODE_PREFIX = re.compile(
    r"(?:^|\s)(?P<cc>D|DE|A|AT|CH|F|FR|NL|B|BE|L|LU)-\d{4,5}\s+[^\W\d]")
"""'D-80333 München': a country prefix before a postcode and its city (not 'B-2020-6000')."""
PREFIX_COUNTRY = {"D": "DE", "A": "AT", "F": "FR", "B": "BE", "L": "LU"}
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")
US_STATE_ZIP = re.compile(r",\s[A-Z]{2}\s\d{5}(?:-\d{4})?\b")
INTERNATIONAL = re.compile(r"(?:^|[\s:])(?:\+|00)(?P<code>1|[2-9]\d{1,2})[\s(]")
ACCOUNT_OR_VAT = re.compile(
    r"\b(?P<cc>DE|AT|FR|GB|NL|BE|LU|IT|ES|DK|PL|IE|PT|SE|FI)(?:\s?\d){8,}\b")
"""A VAT ID or an IBAN (DE + digits): the country of the party whose block holds it."""
NEAR_LINES = 6


def line_country(text: str) -> str | None:
    """The country a line names: a country name, a postcode prefix (D-80333), a British or US
    postcode, or an international phone prefix (+49)."""
    low = text.lower()
    for part in re.split(r"\s*[·|•,]\s*|\t", low):
        if part.strip() in COUNTRY_NAMES:
            return COUNTRY_NAMES[part.strip()]
    m = POSTCODE_PREFIX.search(text)
    if m:
        return PREFIX_COUNTRY.get(m["cc"], m["cc"])
    if UK_POSTCODE.search(text):
        return "GB"
    if US_STATE_ZIP.search(text):
        return "US"
    m = ACCOUNT_OR_VAT.search(text)
    if m:
        return m["cc"]
    m = INTERNATIONAL.search(text)
    if m:
        code = m["code"]
        return next((BY_CODE[code[:n]] for n in (1, 2, 3) if code[:n] in BY_CODE), None)
    return None


@dataclass(frozen=True, slots=True)
class Countries:
    """Country evidence of a page: per line where a line names one, and per side."""

    by_line: dict[int, str]
    writer: str
    addressee: str

    def near(self, index: int, sections: list[str]) -> str:
        """The country named nearest to a line within its section, else that of its side: a
        footer's phone takes the country of the footer's address, IBAN or VAT ID."""
        found = [(abs(i - index), i) for i, cc in self.by_line.items()
                 if abs(i - index) <= NEAR_LINES and sections[i] == sections[index]]
        if found:
            return self.by_line[min(found)[1]]
        return self.addressee if sections[index] == "window" else self.writer


def page_countries(lines: list[Line], sections: list[str], language: str) -> Countries:
    """The countries named on the page: per line, and the most named of each side (the
    writer's, the addressee's), else the document language's country."""
    by_line = {i: cc for i, line in enumerate(lines) if (cc := line_country(line.text))}
    votes: dict[str, dict[str, int]] = {"writer": {}, "addressee": {}}
    for i, cc in by_line.items():
        side = "addressee" if sections[i] == "window" else "writer"
        votes[side][cc] = votes[side].get(cc, 0) + 1
    default = LANG_COUNTRY.get(language, "DE")
    best = {side: max(sorted(v), key=lambda c: v[c]) if v else default
            for side, v in votes.items()}
    return Countries(by_line, best["writer"], best["addressee"])


@step("fields.contact.country", scope="page",
      requires=["page.lines", "page.contact.sections", "doc.language"],
      provides=["page.contact.country"])
def contact_country(page_lines: list[Line], page_contact_sections: list[str],
                    doc_language: Any) -> Countries:
    """The calling country for national phone numbers, per side (writer, addressee)."""
    return page_countries(page_lines, page_contact_sections, doc_lang(doc_language))


# --- context and roles ---------------------------------------------------------------------------


BETWEEN = re.compile(r"^[\s:.\-–]*$")
"""What may stand between a label and its value: 'Tel.: 089 ...', 'E-Mail - info@...'."""


def label_left(hits: list[LabelHit], toks: list[Token], lines: list[Line],
               m: ContactMention) -> LabelHit | None:
    """The label that introduces a value: right before it on its line ('Tel.: ...'), or alone
    at the end of the line above, over the value's column (a label stacked over its value)."""
    line = lines[m.line]
    for h in hits:
        if h.line == m.line and toks[h.end - 1].end <= m.span[0] and BETWEEN.match(
                line.text[toks[h.end - 1].end - line.start: m.span[0] - line.start]):
            return h
    if m.line == 0 or (m.span[0] - line.start > 0 and \
            line.text[: m.span[0] - line.start].split("\t")[-1].strip()):
        return None  # the value does not start its cell: the line above labels something else
    above = lines[m.line - 1]
    for h in hits:
        end = toks[h.end - 1].end - above.start
        if h.line == m.line - 1 and BETWEEN.match(above.text[end:].split("\t")[0]) \
                and h.bbox[0] - 5 <= m.bbox[0] <= h.bbox[2] + 40:
            return h
    return None


def add_context(mentions: list[ContactMention], lines: list[Line], sections: list[str],
                hits: list[LabelHit], toks: list[Token]) -> list[ContactMention]:
    """Section, party heading, label and 'your' of each value."""
    for m in mentions:
        m.section = sections[m.line]
        if m.section in ("window", "info", "body"):  # the writer's own places have no heading
            m.heading = section_role(lines, m.line, m.bbox[0])
        hit = label_left(hits, toks, lines, m)
        if hit is not None:
            m.label = m.label or hit.text
            m.category = m.category or hit.category
            line = lines[hit.line]
            before = line.text[: toks[hit.start].start - line.start].split("\t")[-1]
            # 'Ihr Ansprechpartner' is the writer's person for the reader; 'Ihre Telefonnummer'
            # is the reader's own number
            m.your = bool(YOUR.search(before + " " + hit.text)) \
                and hit.category not in ("contact", "director")
        heading = party_role(m.label or "")
        if heading in ("seller", "buyer", "other"):
            m.heading = heading
    return mentions


def writer_side(m: ContactMention) -> str | None:
    """'writer', 'addressee' or None (a third party: delivery address, bank ...)."""
    if m.heading == "other":
        return None
    if m.your or m.section == "window":
        return "addressee"
    return "writer"


def assign_roles(mentions: list[ContactMention], title: str | None) -> list[ContactMention]:
    """Seller or buyer for each value: a heading names the party, else the side it stands on
    (the writer is the seller, on an order the buyer)."""
    issuer, recipient = ("buyer", "seller") if title in ISSUER_IS_BUYER else ("seller", "buyer")
    for m in mentions:
        if m.heading in ("seller", "buyer"):
            m.role = m.heading
        else:
            side = writer_side(m)
            m.role = {"writer": issuer, "addressee": recipient}.get(side or "")
        bonus = 0.05 if m.section in WRITER_SECTIONS and m.role == issuer else 0.0
        m.score = min(0.99, m.confidence + bonus)
    return mentions


def best(mentions: list[ContactMention]) -> ContactMention | None:
    """The most trusted value: highest score, then the earliest (page, top, left)."""
    if not mentions:
        return None
    return min(mentions, key=lambda m: (-m.score, m.page, m.bbox[1], m.bbox[0]))


def field(name: str, m: ContactMention, step_name: str) -> FieldValue:
    return FieldValue(name, m.value, round(m.score, 4), m.page, m.bbox, m.span, step_name,
                      m.model)


def select_roles(pages: list[list[ContactMention]], fields: dict[str, str],
                 step_name: str) -> dict[str, FieldValue]:
    """For each role in ``fields`` (role -> field name), the best value of that role."""
    found = [m for page in pages for m in page]
    out = {}
    for role, name in fields.items():
        chosen = best([m for m in found if m.role == role])
        if chosen is not None:
            out[name] = field(name, chosen, step_name)
    return out


# --- the stage steps every contact family has ---------------------------------------------------


SELLER_PHONE_FIELD = field_spec(
    "seller_phone", "identifier", "the seller's phone number (E.164)", bt="BT-42", subject="seller",
    predicate=SCHEMA + "telephone", datatype=XSD + "string")
SELLER_FAX_FIELD = field_spec(
    "seller_fax", "identifier", "the seller's fax number (E.164)", subject="seller",
    predicate=SCHEMA + "faxNumber", datatype=XSD + "string")
SELLER_EMAIL_FIELD = field_spec(
    "seller_email", "identifier", "the seller's e-mail address", bt="BT-43", subject="seller",
    predicate=SCHEMA + "email", datatype=XSD + "string")
BUYER_EMAIL_FIELD = field_spec(
    "buyer_email", "identifier", "the buyer's e-mail address", bt="BT-58", subject="buyer",
    predicate=SCHEMA + "email", datatype=XSD + "string")
SELLER_WEBSITE_FIELD = field_spec(
    "seller_website", "identifier", "the seller's website", subject="seller",
    predicate=SCHEMA + "url", datatype=XSD + "anyURI")
CONTACT_PERSON_FIELD = field_spec(
    "contact_person", "party", "the seller's contact person", bt="BT-41", match="name", scored=True,
    subject="node")
DIRECTOR_FIELD = field_spec(
    "director", "party", "the seller's managing director", match="name", scored=True,
    subject="node")


CONTEXT = {"phone": "phone number", "fax": "fax number", "email": "e-mail address",
           "website": "website", "contact_person": "contact person candidate",
           "director": "director candidate"}


@step("fields.contact.context.{kind}", scope="page",
      requires=["page.{kind}.valid", "page.lines", "page.contact.sections", "page.label_hits",
                "page.tokens"],
      provides=["page.{kind}.context"],
      variants={kind: {"kind": kind, "noun": noun} for kind, noun in CONTEXT.items()})
def contact_context(page_lines: list[Line], page_contact_sections: list[str],
                    page_label_hits: list[LabelHit], page_tokens: list[Token], *, kind: str,
                    noun: str, **valid: list[ContactMention]) -> list[ContactMention]:
    """Section, party heading, label and 'your' of each {noun}."""
    return add_context(valid[f"page_{kind}_valid"], page_lines, page_contact_sections,
                       page_label_hits, page_tokens)


@step("fields.contact.role.{kind}", scope="page",
      requires=["page.{kind}.context", "doc.title_kind"], provides=["page.{kind}.roles"], variants={
          "phone": {"kind": "phone", "noun": "phone number"},
          "fax": {"kind": "fax", "noun": "fax number"},
          "email": {"kind": "email", "noun": "e-mail address"},
          "website": {"kind": "website", "noun": "website"},
      })
def contact_role(doc_title_kind: str | None, *, kind: str, noun: str,
                 **context: list[ContactMention]) -> list[ContactMention]:
    """Seller or buyer for each {noun}, by heading, side of the page and title."""
    return assign_roles(context[f"page_{kind}_context"], doc_title_kind)


@step("fields.contact.select.{kind}", scope="document", requires=["page.{kind}.roles"],
      provides=["doc.contact.{kind}"], variants={
          "phone": {"kind": "phone", "fields": {"seller": "seller_phone"}},
          "fax": {"kind": "fax", "fields": {"seller": "seller_fax"}},
          "email": {"kind": "email", "fields": {"seller": "seller_email", "buyer": "buyer_email"}},
          "website": {"kind": "website", "fields": {"seller": "seller_website"}},
          "contact_person": {"kind": "contact_person",
                             "fields": {"contact_person": "contact_person"}},
          "director": {"kind": "director", "fields": {"director": "director"}},
      })
def contact_select(*, kind: str, fields: dict[str, str],
                   **roles: list[list[ContactMention]]) -> dict[str, FieldValue]:
    """The best {kind} of each role in the document."""
    return select_roles(roles[f"page_{kind}_roles"], fields, f"fields.contact.select.{kind}")


def domain(value: str) -> str:
    """The last two labels of an e-mail's or website's host ('info@mail.firma.de' -> 'firma.de')."""
    host = value.rsplit("@", 1)[-1].removeprefix("www.")
    return ".".join(host.split(".")[-2:])


@step("fields.contact.check.channels", scope="document",
      requires=["doc.contact.phone", "doc.contact.fax", "doc.contact.email", "doc.contact.website"],
      provides=["doc.field.contact"])
def contact_check(doc_contact_phone: dict[str, FieldValue], doc_contact_fax: dict[str, FieldValue],
                  doc_contact_email: dict[str, FieldValue],
                  doc_contact_website: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """The contact fields checked against each other: a seller e-mail on the seller website's
    domain confirms both; one address cannot be both parties' (the buyer's copy goes)."""
    out = {**doc_contact_phone, **doc_contact_fax, **doc_contact_email, **doc_contact_website}
    email, web = out.get("seller_email"), out.get("seller_website")
    if email is not None and web is not None and domain(email.value) == domain(web.value):
        for f in (email, web):
            f.confidence = min(0.99, round(f.confidence + 0.05, 4))
    buyer = out.get("buyer_email")
    if buyer is not None and email is not None and buyer.value == email.value:
        del out["buyer_email"]
    return out
