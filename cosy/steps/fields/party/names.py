"""Who a party is: legal forms, person addressees and organisation names, each a family of stages.

A legal form (GmbH, UG (haftungsbeschränkt), GmbH & Co. KG, Ltd, SARL ...) is read per language
lexicon, normalised to its usual spelling and kept where it ends a name. It stays part of the
name, as invoices and their truth write it (docs/decisions.md, F4); the form is also reported
on its own as ``seller_legal_form`` / ``buyer_legal_form``.
A person addressee ('Herrn Max Mustermann', 'Mr John Smith', 'Mme Claire Dubois') names a party
that is a person; a contact line ('z. Hd. Frau Berger', 'Attn: ...') never names the party.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cosy.domain import BBox, Line, PageGeometry, union_bbox
from cosy.engine.step import each, step
from cosy.steps.fields.common import EMPHASIS, cell_words, cells, span_bbox
from cosy.steps.fields.doc_kinds import title_kind
from cosy.steps.fields.party.address import STREET_WORD
from cosy.steps.fields.party.model import BlockLine, PartyBlock
from cosy.steps.fields.party_words import name_shaped, party_role

_I = "(?i:{})"
LEGAL_FORMS: dict[str, tuple[tuple[str, str], ...]] = {
    # language -> (normalised form, pattern); short forms are case-sensitive ('SA' but not 'sa')
    "de": (("GmbH & Co. KGaA", _I.format(r"gmbh\s?&\s?co\.?\s?kgaa")),
           ("GmbH & Co. KG", _I.format(r"gmbh\s?&\s?co\.?\s?kg")),
           ("AG & Co. KG", r"AG\s?&\s?(?i:co)\.?\s?KG"),
           ("UG (haftungsbeschränkt)", _I.format(r"ug\s?\(haftungsbeschränkt\)")),
           ("gGmbH", r"gGmbH"), ("GmbH", _I.format(r"gmbh")), ("mbH", r"mbH"),
           ("KGaA", r"KGaA"), ("AG", r"AG"), ("KG", r"KG"), ("OHG", r"OHG|oHG"),
           ("GbR", r"GbR"), ("e.K.", r"e\.\s?(?:K|Kfm)\."), ("eG", r"eG"), ("e.V.", r"e\.\s?V\."),
           ("a.G.", r"a\.\s?G\."), ("PartG mbB", r"PartG(?:\smbB)?"), ("UG", r"UG"), ("SE", r"SE")),
    "en": (("Ltd", _I.format(r"ltd\.?|limited")), ("PLC", _I.format(r"plc")),
           ("LLC", r"LLC|L\.L\.C\."), ("LLP", r"LLP"), ("Inc.", r"Inc\.?|INC\.?"),
           ("Corp.", r"Corp\.?|Corporation")),
    "fr": (("SARL", r"SARL|S\.A\.R\.L\.?|Sarl"), ("SASU", r"SASU"),
           ("SAS", r"SAS|S\.A\.S\.?"), ("EURL", r"EURL"), ("SNC", r"SNC"), ("SCI", r"SCI"),
           ("SA", r"SA|S\.A\.")),
    "intl": (("Sdn. Bhd.", _I.format(r"sdn\.?\s?bhd\.?")),
             ("Bhd.", r"Bhd\.?|BHD\.?|Berhad|BERHAD"),
             ("Pte. Ltd.", _I.format(r"pte\.?\s?ltd\.?")),
             ("Pvt. Ltd.", _I.format(r"pvt\.?\s?ltd\.?")),
             ("Pty Ltd", _I.format(r"pty\.?\s?ltd\.?")),
             ("Co., Ltd.", _I.format(r"co\.,?\s?ltd\.?")),
             ("B.V.", r"B\.?V\.?"), ("N.V.", r"N\.?V\.?"), ("S.p.A.", r"S\.?p\.?A\.?|SPA"),
             ("S.r.l.", r"S\.?r\.?l\.?|SRL"), ("S.L.", r"S\.L\.?"), ("Oy", r"Oy"),
             ("AB", r"AB"), ("A/S", r"A/S"), ("ApS", r"ApS")),
}
LEGAL_FORM_LEXICON = {
    lang: re.compile("|".join(f"(?P<f{k}>(?<![\\w&]){p}(?![\\w/]))" for k, (_, p) in
                              enumerate(forms)))
    for lang, forms in LEGAL_FORMS.items()}
"""One pattern per lexicon; the named group says which form matched."""
CONTACT = re.compile(r"^(?:z\.\s?hd|zu händen|attn|fao\b|c/o|herrn?|frau|mr|mrs|ms|m\.|mme)\b",
                     re.I)
"""A line that addresses someone at a party: never the party's name."""
INITIALS = re.compile(r"^[A-Z]{1,3}$")
"""A logo's initials: no company name."""
NAME_LABEL = re.compile(r"^(?:name|firma|company|raison sociale|nom)\b", re.I)
PERSON_NAME = r"(?P<name>(?:(?:dr|prof|dipl\.-\w+|ing)\.?\s)*[A-ZÄÖÜÉÈ][\w'’-]+" \
              r"(?:\s(?:von|van|de|der|la|le|du|zu|[A-ZÄÖÜÉÈ][\w'’.-]+)){1,4})$"
SALUTATIONS: dict[str, str] = {
    "de": r"(?:herrn?|frau|herrn/frau)",
    "en": r"(?:mr|mrs|ms|miss|mx|dr)\.?",
    "fr": r"(?:m\.|mme|mlle|monsieur|madame)",
}
PERSON_LEXICON = {lang: re.compile(rf"^(?P<salutation>{s})\s+" + PERSON_NAME, re.I)
                  for lang, s in SALUTATIONS.items()}
CONTACT_LINE = re.compile(
    r"^(?:z\.\s?hd\.?|zu händen|attn\.?:?|fao|à l'attention de|c/o)\s*"
    r"(?:(?:" + "|".join(SALUTATIONS.values()) + r")\s+)?" + PERSON_NAME, re.I)
"""Someone at a party: 'z. Hd. Frau Berger', 'Attn: John Smith', 'FAO Jane Doe'."""


# --- legal forms ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegalFormHit:
    """A legal form in a cell: where, as printed, and its usual spelling."""

    line: int
    start: int  # the cell's offset within the line: (line, start) is the cell's key
    span: tuple[int, int]  # characters of the form within the cell's text
    raw: str
    form: str
    cell_text: str
    bbox: BBox
    page_span: tuple[int, int]
    zone: str = ""  # header (top fifth), body or footer (bottom sixth): set by the context step
    emphasis: bool = False  # its cell is in larger or bold type than the page's body text


def legal_forms_in(text: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised form) of each form of one lexicon in a text."""
    forms = LEGAL_FORMS[lang]
    return [(m.start(), m.end(), forms[int(next(g for g, v in m.groupdict().items()
                                                   if v is not None)[1:])][0])
            for m in LEGAL_FORM_LEXICON[lang].finditer(text)]


@step("fields.party.candidates.legal_form.{lang}", scope="page", requires=["page.lines"],
      provides=["page.legal_form.{lang}"], variants=each("lang", *LEGAL_FORMS))
def legal_form_candidates(page_lines: list[Line], *, lang: str) -> list[LegalFormHit]:
    """Legal forms of the {lang} lexicon in every cell of the page."""
    out = []
    for i, line in enumerate(page_lines):
        for cell in cells(line):
            for a, b, form in legal_forms_in(cell.text, lang):
                offset = line.text.index(cell.text, cell.start)
                out.append(LegalFormHit(
                    i, cell.start, (a, b), cell.text[a:b], form, cell.text,
                    span_bbox(line, offset + a, offset + b),
                    (line.start + offset + a, line.start + offset + b)))
    return out


@step("fields.party.normalise.legal_form", scope="page",
      requires=["page.legal_form.de", "page.legal_form.en", "page.legal_form.fr",
                "page.legal_form.intl"],
      provides=["page.legal_form.normalised"])
def legal_form_normalise(page_legal_form_de: list[LegalFormHit],
                         page_legal_form_en: list[LegalFormHit],
                         page_legal_form_fr: list[LegalFormHit],
                         page_legal_form_intl: list[LegalFormHit]) -> list[LegalFormHit]:
    """One form per place: the longest reading wins ('GmbH & Co. KG' over 'GmbH' and 'KG')."""
    hits = sorted([*page_legal_form_de, *page_legal_form_en, *page_legal_form_fr,
                   *page_legal_form_intl],
                  key=lambda h: (h.line, h.start, -(h.span[1] - h.span[0]), h.span[0]))
    out: list[LegalFormHit] = []
    for h in hits:
        if any(o.line == h.line and o.start == h.start and o.span[0] < h.span[1]
               and h.span[0] < o.span[1] for o in out):
            continue
        out.append(h)
    return sorted(out, key=lambda h: (h.line, h.start, h.span[0]))


PART_SEPARATOR = re.compile(r"\s+[·●•|–-]\s+|,\s+(?=\d|[^\W\d]+\s\d)")
"""Where one part of a one-line address ends ('Kraxi GmbH · Flugzeugallee 17', 'X SARL, 4 rue')."""


def ends_a_name(h: LegalFormHit) -> bool:
    """A form that closes a name of a few words: 'Kaul UG (haftungsbeschränkt)', also as the
    first part of a one-line address; not 'AG' alone or inside a sentence ('die AG liefert')."""
    text = h.cell_text
    cuts = [m.span() for m in PART_SEPARATOR.finditer(text)]
    start = max((b for a, b in cuts if b <= h.span[0]), default=0)
    end = min((a for a, b in cuts if a >= h.span[1]), default=len(text))
    before, after = text[start: h.span[0]], text[h.span[1]: end]
    return bool(re.search(r"[^\W\d]{2}", before)) and len(before.split()) <= 8 \
        and not re.search(r":\s*$|^\s*\w+:", before) \
        and re.fullmatch(r"[\s.,;)]*(?:\(.*\))?[\s.,;]*", after) is not None


@step("fields.party.validate.legal_form", scope="page", requires=["page.legal_form.normalised"],
      provides=["page.legal_form.valid"])
def legal_form_validate(page_legal_form_normalised: list[LegalFormHit]) -> list[LegalFormHit]:
    """Forms that end a name (or the name part of a one-line address)."""
    return [h for h in page_legal_form_normalised if ends_a_name(h)]


LegalFormCells = dict[tuple[int, int], list[LegalFormHit]]
HEADER_SHARE = 0.2
"""The header of a page: its top fifth, where a letterhead stands."""


def body_size(lines: list[Line]) -> float:
    """The size of the page's body text: the median size of its lines' words."""
    sizes = sorted(w.size for line in lines for w in line.words)
    return sizes[len(sizes) // 2] if sizes else 0.0


@step("fields.party.context.legal_form", scope="page",
      requires=["page.lines", "page.geometry", "page.legal_form.valid"],
      provides=["page.legal_form.context"])
def legal_form_context(page_lines: list[Line], page_geometry: PageGeometry,
                       page_legal_form_valid: list[LegalFormHit]) -> LegalFormCells:
    """Cell key -> its legal forms, each with where it stands (header, body, footer) and whether
    its name is set off in larger or bold type: a letterhead's name is both."""
    height = page_geometry.height
    body = body_size(page_lines)
    out: LegalFormCells = {}
    for h in page_legal_form_valid:
        line = page_lines[h.line]
        cell = next(c for c in cells(line) if c.start == h.start)
        words = cell_words(line, cell)
        size = max((w.size for w in words), default=0.0)
        zone = "header" if cell.top < HEADER_SHARE * height else \
            "footer" if cell.top > 5 / 6 * height else "body"
        emphasis = size >= EMPHASIS * body or any(w.bold for w in words)
        out.setdefault((h.line, h.start), []).append(replace(h, zone=zone, emphasis=emphasis))
    return out


# --- person addressees ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonHit:
    """A person named with a salutation: the line as printed and the name without it."""

    line: int
    start: int
    text: str
    name: str
    lang: str
    contact: bool = False  # 'z. Hd. Herrn ...', 'Attn: ...': someone at a party, not the party


@step("fields.party.candidates.person.{lang}", scope="page", requires=["page.lines"],
      provides=["page.person.{lang}"], variants=each("lang", *SALUTATIONS))
def person_candidates(page_lines: list[Line], *, lang: str) -> list[PersonHit]:
    """Salutation and name of the {lang} lexicon ('Herrn', 'Mr', 'Mme' ...)."""
    return _persons(page_lines, PERSON_LEXICON[lang], lang, contact=False)


def _persons(lines: list[Line], pattern: re.Pattern[str], lang: str,
             contact: bool) -> list[PersonHit]:
    return [PersonHit(i, cell.start, cell.text, m["name"], lang, contact)
            for i, line in enumerate(lines) for cell in cells(line)
            if (m := pattern.match(cell.text)) is not None]


@step("fields.party.candidates.person.contact", scope="page", requires=["page.lines"],
      provides=["page.person.contact"])
def person_contact(page_lines: list[Line]) -> list[PersonHit]:
    """Contact lines: 'z. Hd. Herrn ...', 'Attn: ...', 'FAO ...', 'c/o ...' with a name."""
    return _persons(page_lines, CONTACT_LINE, "any", contact=True)


@step("fields.party.normalise.person", scope="page",
      requires=["page.person.de", "page.person.en", "page.person.fr", "page.person.contact"],
      provides=["page.person.normalised"])
def person_normalise(page_person_de: list[PersonHit], page_person_en: list[PersonHit],
                     page_person_fr: list[PersonHit],
                     page_person_contact: list[PersonHit]) -> list[PersonHit]:
    """One reading per cell, the name with single spaces and no trailing punctuation."""
    out: dict[tuple[int, int], PersonHit] = {}
    for h in [*page_person_contact, *page_person_de, *page_person_en, *page_person_fr]:
        out.setdefault((h.line, h.start),
                       replace(h, name=" ".join(h.name.split()).strip(" ,;"),
                               text=" ".join(h.text.split())))
    return list(out.values())


@step("fields.party.validate.person", scope="page",
      requires=["page.person.normalised", "page.legal_form.valid"],
      provides=["page.person.valid"])
def person_validate(page_person_normalised: list[PersonHit],
                    page_legal_form_valid: list[LegalFormHit]) -> list[PersonHit]:
    """Names of two to five words without digits and without a legal form (no company)."""
    companies = {(h.line, h.start) for h in page_legal_form_valid}
    return [h for h in page_person_normalised
            if 2 <= len(h.name.split()) <= 5 and not re.search(r"\d", h.name)
            and (h.line, h.start) not in companies]


@step("fields.party.context.person", scope="page",
      requires=["page.lines", "page.person.valid", "page.legal_form.valid"],
      provides=["page.person.context"])
def person_context(page_lines: list[Line], page_person_valid: list[PersonHit],
                   page_legal_form_valid: list[LegalFormHit]) -> dict[tuple[int, int], PersonHit]:
    """Cell key -> person. An addressee may name a party; a person right under a company's name
    in the same column is someone at that company ('ACME GmbH / Herrn Max Müller'), a contact
    like 'z. Hd. ...', which never names the party."""
    companies = {(h.line, h.start) for h in page_legal_form_valid}
    out = {}
    for h in page_person_valid:
        if not h.contact and h.line > 0:
            cell = next(c for c in cells(page_lines[h.line]) if c.start == h.start)
            gap = 0.8 * (cell.bottom - cell.top)
            above = [c for c in cells(page_lines[h.line - 1])
                     if min(c.x1, cell.x1) - max(c.x0, cell.x0) > 0 and cell.top - c.bottom < gap
                     and not PART_SEPARATOR.search(c.text)]  # not a sender line above
            if any((h.line - 1, c.start) in companies for c in above):
                h = replace(h, contact=True)
        out[(h.line, h.start)] = h
    return out


# --- organisation names --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameCandidate:
    """A line that may name the party of a block (index of the block on its page)."""

    block: int
    order: int  # 0 nearest the city line (the street side), growing upwards
    line: int
    start: int
    text: str
    labelled: bool = False  # under a 'Name:' / 'Firma:' label: the name outright
    legal_form: str | None = None
    person: bool = False
    bbox: BBox | None = None
    legal_form_bbox: BBox | None = None
    legal_form_span: tuple[int, int] | None = None


def _plain(bl: BlockLine) -> bool:
    return not bl.field


@step("fields.party.candidates.org_name.block", scope="page",
      requires=["page.party_block.normalised", "page.street.valid"],
      provides=["page.org_name.candidates"])
def org_name_candidates(page_party_block_normalised: list[PartyBlock],
                        page_street_valid: dict[tuple[int, int], str]) -> list[NameCandidate]:
    """The lines of each block above its street (or a 'Name:' line, with the plain line above
    it when a name runs over two lines), and a one-line address's first part."""
    out: list[NameCandidate] = []
    for k, b in enumerate(page_party_block_normalised):
        if b.source == "inline":
            if b.name and b.lines:
                bl = b.lines[0]
                out.append(NameCandidate(k, 0, bl.line, bl.start, b.name, bbox=bl.bbox))
            continue
        items = b.lines
        labelled = next((j for j, bl in enumerate(items)
                         if bl.label is not None and NAME_LABEL.match(bl.label)), None)
        if labelled is not None:
            bl = items[labelled]
            text, boxes = bl.text, [bl.bbox]
            nxt = items[labelled + 1] if labelled + 1 < len(items) else None
            if nxt is not None and nxt.label is None and not nxt.field:
                text, boxes = f"{nxt.text} {text}", [*boxes, nxt.bbox]
            out.append(NameCandidate(k, 0, bl.line, bl.start, text, labelled=True,
                                     bbox=union_bbox(box for box in boxes if box is not None)
                                     if any(boxes) else None))
            continue
        plain = [bl for bl in items if _plain(bl)]
        if not plain:
            continue
        street = street_of(plain, page_street_valid)
        above = plain[plain.index(street) + 1:]
        for order, bl in enumerate(above):
            out.append(NameCandidate(k, order, bl.line, bl.start, bl.text, bbox=bl.bbox))
            if order + 1 < len(above) and continues(above[order + 1].text, bl.text):
                upper = above[order + 1]  # items run upwards: the name's first line is above
                out.append(NameCandidate(
                    k, order + 1, upper.line, upper.start, f"{upper.text} {bl.text}",
                    bbox=union_bbox(b for b in (upper.bbox, bl.bbox) if b is not None)
                    if upper.bbox or bl.bbox else None))
    return out


CONTINUED = re.compile(r"(?:&|\+|-|,|\band|\bund|\bet)\s*$", re.I)
"""A name line that goes on below ('HOME & GARDEN SUPPLIES &', 'Müller, Meier und')."""


def continues(upper: str, lower: str) -> bool:
    """Whether ``lower`` is the second line of the name that ``upper`` begins: the upper line
    ends in a connective, or the lower line is nothing but the name's legal form ('Sdn Bhd')."""
    if re.search(r"\d", upper) or re.search(r"\d", lower):
        return False
    if CONTINUED.search(upper):
        return True
    rest = lower.strip(" .,")
    return any(a == 0 and b >= len(rest) - 1 for lang in LEGAL_FORMS
               for a, b, _ in legal_forms_in(rest, lang))


def form_ending(text: str) -> str | None:
    """The legal form that ends a name ('Asia Mart Sdn. Bhd.' -> 'Sdn. Bhd.'), else None."""
    rest = text.rstrip(" .,;)")
    found = [(b, a, form) for lang in LEGAL_FORMS for a, b, form in legal_forms_in(rest, lang)
             if b >= len(rest) - 1 and a > 0]
    return max(found, key=lambda t: (t[0], -t[1]))[2] if found else None


def street_of(plain: list[BlockLine], streets: dict[tuple[int, int], str]) -> BlockLine:
    """The street among a block's plain lines: of the two nearest the city line the first that
    is a validated street, else the nearest line."""
    return next((bl for bl in plain[:2] if (bl.line, bl.start) in streets), plain[0])


@step("fields.party.normalise.org_name", scope="page", requires=["page.org_name.candidates"],
      provides=["page.org_name.normalised"])
def org_name_normalise(page_org_name_candidates: list[NameCandidate]) -> list[NameCandidate]:
    """Names with single spaces, without a trailing comma or a leading 'Firma'."""
    return [replace(c, text=re.sub(r"^(?:firma)\s+(?=\S)", "", " ".join(c.text.split()),
                                   flags=re.I).strip(" ,;"))
            for c in page_org_name_candidates]


@step("fields.party.validate.org_name", scope="page",
      requires=["page.org_name.normalised", "page.person.context"],
      provides=["page.org_name.valid"])
def org_name_validate(page_org_name_normalised: list[NameCandidate],
                      page_person_context: dict[tuple[int, int], PersonHit]) -> list[NameCandidate]:
    """Lines that can name a party: no contact line, no logo initials, no identifier or
    sentence (:func:`name_shaped`). A person addressee
    without a contact prefix stays, marked as a person (it names a party only when no
    organisation line does)."""
    out = []
    for c in page_org_name_normalised:
        if not c.text or INITIALS.match(c.text) or not name_shaped(c.text):
            continue
        person = page_person_context.get((c.line, c.start))
        if c.labelled:
            out.append(c)
        elif person is not None and not person.contact:
            out.append(replace(c, person=True))
        elif not CONTACT.match(c.text):
            out.append(c)
    return out


@step("fields.party.context.org_name", scope="page",
      requires=["page.org_name.valid", "page.legal_form.context"],
      provides=["page.org_name.context"])
def org_name_context(page_org_name_valid: list[NameCandidate],
                     page_legal_form_context: LegalFormCells) -> dict[int, NameCandidate]:
    """Block index -> its name: the topmost organisation line that carries a legal form, else
    the topmost organisation line (a letter's name line stands above contact and department
    lines; a brand may stand above the legal name), else a person addressee; with its legal
    form."""
    out: dict[int, NameCandidate] = {}
    for c in page_org_name_valid:
        hits = [h for h in page_legal_form_context.get((c.line, c.start), []) if h.raw in c.text]
        if hits:
            c = replace(c, legal_form=hits[-1].form, legal_form_bbox=hits[-1].bbox,
                        legal_form_span=hits[-1].page_span)
        elif (form := form_ending(c.text)) is not None:
            c = replace(c, legal_form=form)
        best = out.get(c.block)
        if best is None or c.labelled or (best.person and not c.person) \
                or (best.person == c.person and not best.labelled and (
                    (bool(c.legal_form), c.order) > (bool(best.legal_form), best.order))):
            out[c.block] = c
    return out


@dataclass(frozen=True, slots=True)
class LetterheadName:
    """A company name printed large at the top of page 1: the writer's name."""

    text: str
    bbox: BBox
    legal_form: str | None
    size: float


def header_name(lines: list[Line], geometry: PageGeometry) -> LetterheadName | None:
    """The first line of the header when it is a name set off in larger or bold type ('Stanford
    Plumbing & Heating' beside 'INVOICE'): a writer without a legal form. Its first cell only,
    without what follows a comma when that is a street ('Maison X, Place de Gaulle'); never a
    title, a label, a role heading, letters spaced out as a logo, or a line with a number."""
    body = body_size(lines)
    for line in lines:
        if line.words[0].top > HEADER_SHARE * geometry.height:
            return None
        cell = cells(line)[0]
        text = _before_street(cell.text)
        if text is None or re.search(r"\d|:", text) or not name_shaped(text) \
                or title_kind(text) or party_role(text) or not re.search(r"[^\W\d]{3}", text):
            continue  # a number, a label or a title above the name: look further down
        words = cell_words(line, cell)
        size = max((w.size for w in words), default=0.0)
        tokens = text.split()
        if sum(len(t) <= 1 for t in tokens) * 2 > len(tokens):
            return None  # 'O ffic e D E P o T': a logo's letters, not readable as a name
        if size < EMPHASIS * body and not any(w.bold for w in words):
            return None  # the first words of the page in body type: no letterhead
        return LetterheadName(text, span_bbox(line, cell.start, cell.start + len(text)), None,
                              size)
    return None


def _before_street(text: str) -> str | None:
    """A cell's name part: all of it, or what stands before a comma when a street follows."""
    head, sep, rest = text.partition(",")
    if not sep:
        return text.strip()
    return head.strip() if STREET_WORD.search(rest) else None


@step("fields.party.candidates.org_name.letterhead", scope="page",
      requires=["page.lines", "page_no", "page.geometry", "page.legal_form.context"],
      provides=["page.org_name.letterhead"])
def org_name_letterhead(page_lines: list[Line], page_no: int, page_geometry: PageGeometry,
                        page_legal_form_context: LegalFormCells) -> list[LetterheadName]:
    """Names with a legal form in the header of page 1, set off in larger or bold type: the
    writer's name where its address block carries none (a logo line above a one-line sender);
    where the page prints no legal form at all, the header's first line when it is a name set
    off so (:func:`header_name`)."""
    if page_no != 1:
        return []
    out = []
    for (i, start), hits in page_legal_form_context.items():
        h = hits[-1]
        if h.zone != "header" or not h.emphasis or PART_SEPARATOR.search(h.cell_text):
            continue
        line = page_lines[i]
        cell = next(c for c in cells(line) if c.start == start)
        size = max((w.size for w in cell_words(line, cell)), default=0.0)
        out.append(LetterheadName(cell.text, cell.bbox, h.form, size))
    if not page_legal_form_context:  # a legal name printed anywhere outranks a brand on top
        found = header_name(page_lines, page_geometry)
        return [found] if found is not None else []
    return sorted(out, key=lambda n: -n.size)
