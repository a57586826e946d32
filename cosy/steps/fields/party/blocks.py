"""Party blocks: role headings, stacked and one-line address blocks, assembled from their parts.

A stacked block is anchored on a city line (:mod:`party_address`); the lines above it in the
same column are street and name, up to a gap, a heading or a sender line. A one-line block is a
sender line above the address window, a letterhead or a footer ('Kraxi GmbH · Flugzeugallee 17 ·
12345 Papierfeld · Deutschland'). Headings name roles per language (Verkäufer, Bill to, Vendeur,
Lieferanschrift ...). The block's name, street and legal form come from their families
(:mod:`party_names`), its role from :mod:`party_select`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cosy.domain import Line, PageGeometry, union_bbox
from cosy.engine.step import each, step
from cosy.fieldspec import fold_text
from cosy.steps.fields.common import Cell, cells, overlap
from cosy.steps.fields.doc_kinds import title_kind
from cosy.steps.fields.party.address import (
    POSTCODE_SHAPES,
    STATE_ZIP_ONLY,
    STREET_WORD,
    CityLine,
    best_cell,
    country_of,
    is_street,
    parse_city_line,
    repair_street,
)
from cosy.steps.fields.party.features import layout_context
from cosy.steps.fields.party.model import BlockLine, PartyBlock
from cosy.steps.fields.party.names import NAME_LABEL, NameCandidate, street_of
from cosy.steps.fields.party_words import LANGUAGES, ROLE_LEXICON, heading_shape_ok, party_role

STOP_LINE = re.compile(
    r"^(?:und|and|et|zwischen|between|entre|sowie)$|^[-(«\"]|nachfolgend|hereinafter|ci-après",
    re.I)
"""A line that ends an address block above it: a connective or a role phrase of a contract."""
REGISTRATION = re.compile(r"^\(?[A-Z]{0,3}\d[\d\s./-]{3,}[A-Z]?\)?$|^\([\w.-]*\d[\w.-]*\)$")
"""A company registration number standing alone under a name ('(1072825-A)', '122703')."""
ROLE_BELOW = re.compile(r"nachfolgend|hereinafter|ci-après|im folgenden|below referred", re.I)
"""A role phrase under an address ('- nachfolgend Auftragnehmer genannt -')."""
HOUSE_NO_PREFIX = re.compile(r"^(?:no|nr|lot|unit)\.?\s?:\s?\d", re.I)
"""'No: 28, ...': a house or lot number written with a colon, as a field's label would be."""
ADDRESS_LABEL = re.compile(r"^(?:anschrift|adresse|address|straße|street|rue)\b", re.I)
BULLETS = re.compile(r"\s+(?:[·●•|]|[–-](?!\s*[1-9]\d{2}\s?\d{3}$|\s*[1-9]\d{2}\s?\d{3}\s))\s+")
"""What parts a one-line address: bullets, bars and dashes, but not the dash before an Indian
PIN code ('Pune - 411001')."""
SEPARATORS = re.compile(BULLETS.pattern + r"|,\s+")
ROLE_ORDER = ("other", "seller", "buyer")
"""A heading naming several roles is read as the first of these ('Lieferanschrift Kunde')."""

Headings = dict[tuple[int, int], tuple[str, str]]
"""(line index, cell offset) -> (role, name written after the heading's colon)."""


# --- headings ------------------------------------------------------------------------------------


@step("fields.party.candidates.heading.{lang}", scope="page", requires=["page.lines"],
      provides=["page.party_heading.{lang}"], variants=each("lang", *LANGUAGES))
def heading_candidates(page_lines: list[Line], *, lang: str) -> dict[tuple[int, int], str]:
    """Cells whose head names a party role in the {lang} lexicon."""
    lexicon = ROLE_LEXICON[lang]
    out = {}
    for i, line in enumerate(page_lines):
        for c in cells(line):
            head = c.text.partition(":")[0]
            role = next((r for r in ROLE_ORDER if lexicon[r].search(head)), None)
            if role is not None:
                out[(i, c.start)] = role
    return out


@step("fields.party.normalise.heading", scope="page",
      requires=["page.party_heading.de", "page.party_heading.en", "page.party_heading.fr"],
      provides=["page.party_heading.normalised"])
def heading_normalise(page_party_heading_de: dict[tuple[int, int], str],
                      page_party_heading_en: dict[tuple[int, int], str],
                      page_party_heading_fr: dict[tuple[int, int], str],
                      ) -> dict[tuple[int, int], str]:
    """One role per cell across the languages: other before seller before buyer."""
    out: dict[tuple[int, int], str] = {}
    for found in (page_party_heading_de, page_party_heading_en, page_party_heading_fr):
        for key, role in found.items():
            if key not in out or ROLE_ORDER.index(role) < ROLE_ORDER.index(out[key]):
                out[key] = role
    return out


@step("fields.party.validate.heading", scope="page",
      requires=["page.lines", "page.party_heading.normalised"],
      provides=["page.party_heading.valid"])
def heading_validate(page_lines: list[Line],
                     page_party_heading_normalised: dict[tuple[int, int], str]) -> Headings:
    """Headings shaped like one: short, no digits, no legal form; a name after the colon kept
    ('BUYER: ACME SA'), a number after it refused ('Kunde: 4711' is a customer number)."""
    out: Headings = {}
    for (i, start), role in page_party_heading_normalised.items():
        cell = next(c for c in cells(page_lines[i]) if c.start == start)
        shape = heading_shape_ok(cell.text)
        if shape is not None:
            out[(i, start)] = (role, shape[1])
    return out


# --- stacked blocks ------------------------------------------------------------------------------


def page_size(lines: list[Line], geometry: PageGeometry) -> tuple[float, float, float]:
    """Width and height of the page and the width its text spans (a receipt's narrow column)."""
    x0 = min((ln.words[0].x0 for ln in lines if ln.words), default=0.0)
    x1 = max((w.x1 for ln in lines for w in ln.words), default=0.0)
    return geometry.width, geometry.height, x1 - x0


def _split_parts(text: str) -> list[str]:
    """An inline address split at its separators: bullets first, commas only when no bullet
    part is a city line (a comma also sits inside 'Austin, TX 78701' and '4, rue Thierry')."""
    parts = [p.strip() for p in BULLETS.split(text) if p.strip()]
    if len(parts) < 2 or not any(parse_city_line(p, is_street(parts[k]))
                                 for k, p in enumerate(parts[1:])):
        parts = []
        for p in (p.strip() for p in SEPARATORS.split(text)):
            if parts and STATE_ZIP_ONLY.match(p):
                parts[-1] = f"{parts[-1]}, {p}"  # 'Springfield, IL 62701' is one part
            elif p:
                parts.append(p)
    return parts


def _cell_context(line: Line, cell: Cell) -> str:
    """A cell with the ': value' cell that may follow it ('Nummer | : 549910')."""
    row = cells(line)
    k = row.index(cell)
    if k + 1 < len(row) and row[k + 1].text.startswith(":"):
        return f"{cell.text} {row[k + 1].text}"
    return cell.text


def is_field_line(text: str, label: Cell | None) -> bool:
    """'Telefon: ...', 'Nummer | : 549910': a labelled field, not a line of the address."""
    if label is not None:
        return not (NAME_LABEL.match(label.text) or ADDRESS_LABEL.match(label.text))
    if HOUSE_NO_PREFIX.match(text) and STREET_WORD.search(text):
        return False  # 'No: 28, JALAN ASTANA 1C': a house number, no field
    return bool(re.match(r"^[^:]{1,40}:\s*\S", text) or text.startswith(":"))


def _heading_of(headings: Headings, i: int, cell: Cell | None) -> tuple[str, str] | None:
    return None if cell is None else headings.get((i, cell.start))


def _block_at(lines: list[Line], hit: CityLine, headings: Headings, page: int,
              size: tuple[float, float, float]) -> PartyBlock:
    """Walk up from a city line through its column: street, name lines, then the heading."""
    i, cell = hit.line, hit.cell
    height = max(cell.bottom - cell.top, 4.0)
    x0, x1 = cell.x0, max(cell.x1, cell.x0 + 80)
    items: list[BlockLine] = []
    hint: str | None = None
    heading = ""
    prev_top, top_box = cell.top, cell.bbox
    street_seen = name_seen = False
    for j in range(i - 1, max(i - 12, -1), -1):
        line = lines[j]
        gap = prev_top - max(w.bottom for w in line.words)
        if gap > 4 * height:
            break
        best, label = best_cell(line, x0, x1)
        label_x = [it.label_x0 for it in items if it.label_x0 is not None] + [x0]
        if gap > 3.2 * height or best is None:
            found = next(((f, c) for c in cells(line) if (f := headings.get((j, c.start)))
                          and (overlap(c.x0, c.x1, x0, x1) > 0
                               or any(abs(c.x0 - lx) < 12 for lx in label_x))), None)
            if found:
                (hint, name), heading = found[0], found[1].text
                if name:
                    items.append(BlockLine(j, found[1].start, name, None, line.words[0].top,
                                           False, bbox=found[1].bbox))
            if found or best is not None:
                break
            continue  # a line of another column between the block's lines
        if REGISTRATION.match(best.text):
            prev_top = min(w.top for w in line.words)
            continue  # a company number under the name ('(913144-A)'): no line of the address
        if STOP_LINE.match(best.text) or title_kind(best.text):
            break  # 'und', '(hereinafter the "Client")', a title: the block ended above
        found = _heading_of(headings, j, best)  # 'Émetteur: | Client:': each its own heading
        if found is None and label is not None:
            found = _heading_of(headings, j, label)
            # a cell after a heading is its inline name, unless a colon ends it (a label)
            found = (found[0], "" if best.text.endswith(":") else best.text) if found else None
        if found:
            hint, heading = found[0], (label or best).text
            if found[1]:
                items.append(BlockLine(j, best.start, found[1], None, best.top, False,
                                       bbox=best.bbox))
            break
        if _inline_parts(best.text) is not None and len(_split_parts(best.text)) >= 3:
            break  # the sender line above an address window
        field = is_field_line(_cell_context(line, best), label)
        if not field:
            has_digit = bool(re.search(r"\d", best.text))
            if has_digit and name_seen:
                break  # a date, a page number or a title above the name
            street_seen |= has_digit
            name_seen |= street_seen and not has_digit
        items.append(BlockLine(j, best.start, best.text, label.text if label else None, best.top,
                               field, label.x0 if label else None, best.bbox))
        top_box = union_bbox([top_box, best.bbox])
        prev_top = min(w.top for w in line.words)
    if hint is None:
        hint = _role_below(lines, i, x0, x1)
    extra = [hit.lower_cell.bbox] if hit.lower_cell else []
    top = min([cell.top] + [it.top for it in items])
    order_line, order_start = (i + 1, hit.lower_cell.start) if hit.lower_cell \
        else (i, cell.start)
    return PartyBlock(page, union_bbox([top_box, cell.bbox, *extra]), hit.postcode, hit.city,
                      None, None, hit.country, hint, x0 / size[0], top / size[1], "stacked",
                      heading, items, order_line, order_start, text_width=size[2])


def _role_below(lines: list[Line], i: int, x0: float, x1: float) -> str | None:
    """The role a contract names under an address: '- nachfolgend Auftraggeber genannt -'."""
    for j in range(i + 1, min(i + 3, len(lines))):
        best, _ = best_cell(lines[j], x0, x1)
        if best is not None and ROLE_BELOW.search(best.text):
            return party_role(best.text)
    return None


@step("fields.party.candidates.block.stacked", scope="page",
      requires=["page.lines", "page_no", "page.geometry", "page.city.context",
                "page.party_heading.valid"],
      provides=["page.party_block.stacked"])
def blocks_stacked(page_lines: list[Line], page_no: int, page_geometry: PageGeometry,
                   page_city_context: list[CityLine],
                   page_party_heading_valid: Headings) -> list[PartyBlock]:
    """Address blocks stacked above a city line: address window, labelled sections, letterhead
    and footer columns."""
    size = page_size(page_lines, page_geometry)
    return [_block_at(page_lines, hit, page_party_heading_valid, page_no, size)
            for hit in page_city_context if not hit.street_like]


# --- one-line blocks -----------------------------------------------------------------------------


def _inline_parts(text: str) -> tuple[list[str], int, dict[str, str | None]] | None:
    """The parts of a one-line address, the index of its city part and that part's reading."""
    parts = _split_parts(text)
    matches = [(k, m) for k, part in enumerate(parts)
               if k and (m := parse_city_line(part, is_street(parts[k - 1])))]
    if not matches:
        return None
    k, m = matches[-1]  # the city line comes last: '2224 Main Alley' is a street
    return parts, k, m


def _street_part(part: str) -> bool:
    """A part of a one-line address that belongs to the street: a street word or a number."""
    return bool(STREET_WORD.search(part) or re.search(r"\d", part))


def _inline_block(i: int, cell: Cell, page: int,
                  size: tuple[float, float, float]) -> PartyBlock | None:
    """'Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld · Deutschland' as one block.

    The street runs from the first street-like part before the city part up to it ('75,
    Jalan SS 22/19, Damansara Jaya, 47400 PJ' is street, street, district, city); the parts
    before it name the party, unless a part starts with a number (a house number, not a name).
    """
    found = _inline_parts(cell.text)
    if found is None:
        return None
    parts, k, m = found
    first = next((j for j in range(k) if _street_part(parts[j])), None)
    if first is not None and first < k - 1 and not re.match(r"\d", parts[first]):
        first = k - 1 if _street_part(parts[k - 1]) else first  # a name with a number in it
    street = ", ".join(parts[first:k]) if first is not None else None
    name_parts = parts[:first] if first is not None else parts[:k]
    country = (country_of(parts[k + 1]) if k + 1 < len(parts) else None) or m["country"]
    name = name_parts[0] if name_parts and not re.match(r"\d", name_parts[0]) else None
    if name is not None and fold_text(name) in fold_text(parts[k]).split():
        name = None  # 'Pahang, 69000 Pahang': a region the city line repeats, no party's name
    lines = [BlockLine(i, cell.start, cell.text, None, cell.top, False, bbox=cell.bbox)] \
        if name else []
    return PartyBlock(page, cell.bbox, str(m["pc"]), str(m["city"]).strip(), street, name,
                      country, "sender", cell.x0 / size[0], cell.top / size[1], "inline", "",
                      lines, i, cell.start, text_width=size[2])


def _name_above(lines: list[Line], i: int, cell: Cell) -> BlockLine | None:
    """A letterhead's name: the line above its one-line address, passing over the first part
    of a street printed on a line of its own and a registration number under the name."""
    lowest = cell
    for j in range(i - 1, max(i - 6, -1), -1):
        best, label = best_cell(lines[j], cell.x0, cell.x1)
        if best is None or lowest.top - best.bottom > 2.5 * (cell.bottom - cell.top):
            return None
        if _number_line(best, label):
            lowest = best  # 'GST Reg No: 000123456789' under the name: look higher
            continue
        if label is not None or is_field_line(best.text, None):
            return None
        if REGISTRATION.match(best.text) or (_street_part(best.text) and (
                STREET_WORD.search(best.text) or re.match(r"\d", best.text))):
            lowest = best  # a street's first line or a number under the name: look higher
            continue
        return BlockLine(j, best.start, best.text, None, best.top, False, bbox=best.bbox)
    return None


def _number_line(best: Cell, label: Cell | None) -> bool:
    """'Company No: 1174703-K', 'GST Reg No | : 0000 6771 0976': a registration or tax number
    printed between a letterhead's name and its address."""
    text = f"{label.text} {best.text}" if label is not None else best.text
    head, colon, value = text.partition(":")
    return bool(colon) and len(head) <= 30 and bool(REGISTRATION.match(value.strip()))


def _street_from_above(lines: list[Line], i: int, cell: Cell, block: PartyBlock) -> PartyBlock:
    """A street that starts on the line above its city line ('NO.23 BATU 10, TAMAN SENTOSA.' over
    'JALAN KAPAR, 42200 KLANG'): that line, with a street word and a number, leads the street,
    or is the street of a city line that holds none ('Pahang, 69000 Pahang')."""
    if i == 0 or (block.street and not cell.text.startswith(block.street)):
        return block
    best, label = best_cell(lines[i - 1], cell.x0, cell.x1)
    if best is None or label is not None or is_field_line(best.text, None) \
            or cell.top - best.bottom > 1.5 * (cell.bottom - cell.top) \
            or not (STREET_WORD.search(best.text) and re.search(r"\d", best.text)):
        return block
    above = best.text.rstrip(" .,")
    return replace(block, street=f"{above}, {block.street}" if block.street else above)


@step("fields.party.candidates.block.inline", scope="page",
      requires=["page.lines", "page_no", "page.geometry", "page.city.context"],
      provides=["page.party_block.inline"])
def blocks_inline(page_lines: list[Line], page_no: int, page_geometry: PageGeometry,
                  page_city_context: list[CityLine]) -> list[PartyBlock]:
    """One-line addresses: the sender line above the address window, letterheads, footers."""
    size = page_size(page_lines, page_geometry)
    taken = {(h.line, h.cell.start) for h in page_city_context if h.lower_cell is None} | \
            {(h.line + 1, h.lower_cell.start) for h in page_city_context if h.lower_cell}
    out = []
    for i, line in enumerate(page_lines):
        for cell in cells(line):
            if (i, cell.start) in taken or len(cell.text) <= 12 or not re.search(r"\d", cell.text):
                continue
            block = _inline_block(i, cell, page_no, size)
            if block is None:
                continue
            if block.name is None:  # letterhead: the name is the line above
                block = _street_from_above(page_lines, i, cell, block)
                above = _name_above(page_lines, i, cell)
                if above is not None:
                    block = replace(block, name=above.text, lines=[above])
            out.append(block)
    return out


# --- normalise, validate, context ----------------------------------------------------------------


@step("fields.party.normalise.block", scope="page",
      requires=["page.party_block.stacked", "page.party_block.inline"],
      provides=["page.party_block.normalised"])
def blocks_normalise(page_party_block_stacked: list[PartyBlock],
                     page_party_block_inline: list[PartyBlock]) -> list[PartyBlock]:
    """Both sources in reading order (the order breaks ties in selection), city and street
    with single spaces."""
    blocks = sorted([*page_party_block_stacked, *page_party_block_inline],
                    key=lambda b: (b.line, b.cell))
    return [replace(b, city=" ".join(b.city.split()),
                    street=" ".join(b.street.split()) if b.street else None) for b in blocks]


def _street_lines(plain: list[BlockLine], street: BlockLine) -> str:
    """The street, with the line under it where that line goes on with a street word but no
    number of its own ('Unit G-13, Ground Floor, No.1' over 'Jln Kiara, Mont Kiara')."""
    below = plain[0]
    if street is below or not STREET_WORD.search(below.text) or re.search(r"\d", below.text):
        return street.text
    return f"{street.text.rstrip(' ,')}, {below.text.rstrip(' ,.')}"


def _labelled_street(items: list[BlockLine]) -> str | None:
    k = next(j for j, bl in enumerate(items) if bl.label is not None and NAME_LABEL.match(bl.label))
    return next((bl.text for bl in items[:k] if bl.label is None or ADDRESS_LABEL.match(bl.label)),
                None)


@step("fields.party.validate.block", scope="page",
      requires=["page.party_block.normalised", "page.org_name.context", "page.street.valid"],
      provides=["page.party_block.valid"])
def blocks_validate(page_party_block_normalised: list[PartyBlock],
                    page_org_name_context: dict[int, NameCandidate],
                    page_street_valid: dict[tuple[int, int], str]) -> list[PartyBlock]:
    """Each block with its name (organisation, else person addressee), legal form and street;
    a country that contradicts the postcode's shape is dropped ('DE' under 'SW1A 1AA')."""
    out = []
    for k, b in enumerate(page_party_block_normalised):
        name = page_org_name_context.get(k)
        street = b.street
        if b.source == "stacked":
            plain = [bl for bl in b.lines if not bl.field]
            if any(bl.label is not None and NAME_LABEL.match(bl.label) for bl in b.lines):
                street = _labelled_street(b.lines)
            elif plain:
                street = _street_lines(plain, street_of(plain, page_street_valid))
        street = repair_street(street.rstrip(" ,;") if street else street)  # a wrapped line's comma
        country = b.country
        shape = POSTCODE_SHAPES.get(country or "")
        if shape is not None and not shape.fullmatch(b.postal_code):
            country = None
        if name is None:
            out.append(replace(b, name=None, street=street, country=country))
            continue
        out.append(replace(b, name=name.text, street=street, country=country,
                           legal_form=name.legal_form, person=name.person,
                           name_bbox=name.bbox, legal_form_bbox=name.legal_form_bbox,
                           legal_form_span=name.legal_form_span))
    return out


@step("fields.party.context.block", scope="page",
      requires=["page.party_block.valid", "page.geometry"],
      provides=["page.party_block.context"])
def blocks_context(page_party_block_valid: list[PartyBlock],
                   page_geometry: PageGeometry) -> list[dict[str, float]]:
    """Per block the layout facts the role model reads: window, rank from the top and the left,
    size, lines, parts found (aligned with ``page.party_block.valid``)."""
    return layout_context(page_party_block_valid, page_geometry)
