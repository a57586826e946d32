"""Parties: seller and buyer with name and postal address, found as address blocks.

An address block is anchored on its postcode-and-city line ("DE 80333 München", "SW1B 3BN
London"); the lines above it in the same column are street and name, up to a gap, a heading or
a sender line. A block's role comes from its heading (Verkäufer, Käufer, Bill to, Vendeur ...),
else from where it stands: the one-line sender above the address window and the letterhead are
the seller's, the address window (left, upper third of the first page) is the buyer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cosy.domain import BBox, FieldValue, Line, union_bbox
from cosy.engine.step import step
from cosy.steps.fields.common import Cell, cells, overlap
from cosy.steps.fields.title import ISSUER_IS_BUYER, title_kind

OTHER_PARTY = re.compile(
    r"abweichend|waren\s?empf|liefer(?:adresse|anschrift|ung an)|ship(?:ping)?\s?(?:to|from)|"
    r"delivery|livraison|zahlungsempf|payee|bevollmächtig|representative|requisition|versand|"
    r"empfänger der ware|consignee|remit to|bank", re.I)
SELLER_PARTY = re.compile(
    r"verkäufer|lieferant\b|\bseller|supplier|vendor|vendeur|fournisseur|rechnungssteller|"
    r"leistungserbringer|auftragnehmer|bill(?:ed)? from|émetteur|contractor|prestataire", re.I)
BUYER_PARTY = re.compile(
    r"(?<!ver)käufer|leistungsempfänger|rechnungsempfänger|rechnungsadresse|rechnungsanschrift|"
    r"\bkunde\b|auftraggeber|\bbuyer|\bcustomer\b|bill(?:ed)? to|invoice to|invoicee|sold to|"
    r"acheteur|\bclient\b|factur[ée]e? à|destinataire|adresse de facturation", re.I)
LEGAL_FORM = re.compile(
    r"\b(?:gmbh|ag|kg|ohg|gbr|e\.?\s?k|ug|se|mbh|a\.g|ltd|limited|llc|inc|corp(?:oration)?|plc|"
    r"llp|sarl|sas|sa|eurl|sasu|snc|bv|nv|spa|srl|s\.?l|oy|ab|as|aps)\b\.?", re.I)
STOP_LINE = re.compile(
    r"^(?:und|and|et|zwischen|between|entre|sowie)$|^[-(«\"]|nachfolgend|hereinafter|ci-après",
    re.I)
"""A line that ends an address block above it: a connective or a role phrase of a contract."""
ROLE_BELOW = re.compile(r"nachfolgend|hereinafter|ci-après|im folgenden|below referred", re.I)
"""A role phrase under an address ('- nachfolgend Auftragnehmer genannt -')."""
INITIALS = re.compile(r"^[A-Z]{1,3}$")
"""A logo's initials: no company name."""
CONTACT = re.compile(r"^(?:z\.\s?hd|zu händen|attn|c/o|herrn?|frau|mr|mrs|ms|m\.|mme)\b", re.I)
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}"
POSTCODE_CITY = re.compile(
    r"^(?:(?P<cc>[A-Z]{1,2})[- ])?(?P<pc>\d{5}|\d{4}(?:\s?[A-Z]{2}(?=\s))?|" + UK_POSTCODE + r")\s+"
    r"(?P<city>[^\W\d][\w .'()/-]{1,40})$")
"""The continental order: [country code] postcode city ('DE 80333 München', '1012 AB Amsterdam')."""
CITY_POSTCODE = re.compile(
    r"^(?P<city>[^\W\d][\w .'()/-]{1,40}?)(?:,\s(?P<state>[A-Z]{2}))?\s"
    r"(?P<pc>\d{5}(?:-\d{4})?|" + UK_POSTCODE + r")$")
"""The British and American order: city postcode ('Leeds LS1 4AP', 'Austin, TX 78701')."""
POSTCODE_ONLY = re.compile(r"^(?P<pc>" + UK_POSTCODE + r")$")
"""A British postcode on a line of its own, under the city."""
NOT_A_CITY = re.compile(
    r"^(?:eur|usd|gbp|chf|stk|st|stück|uhr|kg|km|kwh|kw|mwh|std|stunden|liter|tage?|days?|x|pcs|piece|h)\b|"
    r"stra(?:ß|ss)e\b|str\.|\bweg\b|\ballee\b|\bplatz\b|\bgasse\b|street|road|avenue|\brue\b|"
    r"chemin|camino|\bvia\b|boulevard|\blane\b|:", re.I)
STREET = re.compile(
    r"stra(?:ß|ss)e|str\.|weg\b|allee|platz|gasse|ring\b|damm|ufer|markt|street|road|avenue|"
    r"\brue\b|chemin|camino|\bvia\b|boulevard|\blane\b|\d", re.I)
SEPARATORS = re.compile(r"\s+[·●•|–-]\s+|,\s+")
BULLETS = re.compile(r"\s+[·●•|–-]\s+")
COUNTRIES = {
    "deutschland": "DE", "germany": "DE", "allemagne": "DE", "österreich": "AT", "austria": "AT",
    "schweiz": "CH", "switzerland": "CH", "suisse": "CH", "france": "FR", "frankreich": "FR",
    "spain": "ES", "españa": "ES", "espagne": "ES", "spanien": "ES", "italy": "IT",
    "italia": "IT", "italien": "IT", "nederland": "NL", "netherlands": "NL", "niederlande": "NL",
    "belgique": "BE", "belgium": "BE", "belgien": "BE", "united kingdom": "GB", "uk": "GB",
    "england": "GB", "luxembourg": "LU", "luxemburg": "LU", "danmark": "DK", "denmark": "DK",
    "polska": "PL", "poland": "PL", "polen": "PL",
}
NAME_LABEL = re.compile(r"^(?:name|firma|company|raison sociale|nom)\b", re.I)
ADDRESS_LABEL = re.compile(r"^(?:anschrift|adresse|address|straße|street|rue)\b", re.I)


def party_role(text: str) -> str | None:
    """seller, buyer or other (delivery, payee, agent ...) as a text names it, else None."""
    if OTHER_PARTY.search(text):
        return "other"
    if SELLER_PARTY.search(text):
        return "seller"
    if BUYER_PARTY.search(text):
        return "buyer"
    return None


def heading_role(text: str) -> tuple[str, str] | None:
    """(role, inline name) when a cell is a party heading: 'Verkäufer:', 'BUYER: ACME SA'."""
    head, sep, rest = text.partition(":")
    if len(head) > 45 or re.search(r"\d", head) or len(head.split()) > 5 or LEGAL_FORM.search(head):
        return None
    role = party_role(head)
    if role is None:
        return None
    rest = rest.strip()
    if rest and (not sep or re.search(r"\d", rest)):
        return None
    return role, rest


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


@dataclass(slots=True)
class PartyBlock:
    """One address block on a page with the role its heading or position suggests."""

    page: int
    bbox: BBox
    postal_code: str
    city: str
    street: str | None = None
    name: str | None = None
    country: str | None = None
    hint: str | None = None  # seller | buyer | other (heading), sender (one-line sender), None
    x: float = 0.0  # left edge relative to the page width
    y: float = 0.0  # top relative to the page height

    def address(self) -> dict[str, str | None]:
        return {"street": self.street, "postal_code": self.postal_code, "city": self.city,
                "country": self.country}


PostcodeCity = dict[str, str | None]


def _postcode_city(text: str) -> PostcodeCity | None:
    """Postcode, city and country code of a city line in either order, or None."""
    text = text.strip()
    m = POSTCODE_CITY.match(text)
    if m is not None:
        found: PostcodeCity = {"cc": m["cc"], "pc": m["pc"], "city": m["city"]}
    else:
        m = CITY_POSTCODE.match(text)
        if m is None:
            return None
        us = m["state"] is not None or m["pc"][0].isdigit()
        if us and m["state"] is None:
            return None  # 'Lagerhalle 12345': a postcode after a city is written with a state
        found = {"cc": "US" if us else "GB", "pc": m["pc"], "city": m["city"]}
    city, pc = str(found["city"]), str(found["pc"])
    if NOT_A_CITY.search(city) or len(city.split()) > 5:
        return None
    if len(pc) == 4 and pc.isdigit() and not found["cc"] and int(pc) < 1000:
        return None
    return found


def _split_parts(text: str) -> list[str]:
    """An inline address split at its separators: bullets first, commas only when no bullet
    part is a city line (a comma also sits inside 'Austin, TX 78701' and '4, rue Thierry')."""
    parts = [p.strip() for p in BULLETS.split(text) if p.strip()]
    if len(parts) < 2 or not any(_postcode_city(p) for p in parts[1:]):
        parts = [p.strip() for p in SEPARATORS.split(text) if p.strip()]
    return parts


def _country(code: str | None, text: str | None = None) -> str | None:
    if text:
        found = COUNTRIES.get(text.strip().lower())
        if found:
            return found
    if code and len(code) == 2:
        return code
    if code == "D":
        return "DE"
    return None


def _inline_block(cell: Cell, page: int, size: tuple[float, float]) -> PartyBlock | None:
    """'Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld · Deutschland' as one block."""
    parts = _split_parts(cell.text)
    matches = [(k, m) for k, part in enumerate(parts) if k and (m := _postcode_city(part))]
    for k, m in matches[-1:]:  # the city line comes last: '2224 Main Alley' is a street
        street = parts[k - 1] if STREET.search(parts[k - 1]) else None
        name_parts = parts[: k - 1] if street else parts[:k]
        country = _country(m["cc"], parts[k + 1] if k + 1 < len(parts) else None)
        name = name_parts[0] if name_parts else None
        return PartyBlock(page, cell.bbox, str(m["pc"]), str(m["city"]).strip(), street, name,
                          country, "sender", cell.x0 / size[0], cell.top / size[1])
    return None


def _best_cell(line: Line, x0: float, x1: float) -> tuple[Cell | None, Cell | None]:
    """The cell of a line in the column [x0, x1] and the label cell left of it, if any."""
    row = cells(line)
    best = max(row, key=lambda c: overlap(c.x0, c.x1, x0, x1), default=None)
    if best is None or overlap(best.x0, best.x1, x0, x1) <= 0:
        return None, None
    k = row.index(best)
    label = row[k - 1] if k > 0 and row[k - 1].text.endswith(":") else None
    return best, label


def _cell_context(line: Line, cell: Cell) -> str:
    """A cell with the ': value' cell that may follow it ('Nummer | : 549910')."""
    row = cells(line)
    k = row.index(cell)
    if k + 1 < len(row) and row[k + 1].text.startswith(":"):
        return f"{cell.text} {row[k + 1].text}"
    return cell.text


def _is_field_line(text: str, label: Cell | None) -> bool:
    """'Telefon: ...', 'Nummer | : 549910': a labelled field, not a line of the address."""
    if label is not None:
        return not (NAME_LABEL.match(label.text) or ADDRESS_LABEL.match(label.text))
    return bool(re.match(r"^[^:]{1,40}:\s*\S", text) or text.startswith(":"))


def _block_at(lines: list[Line], i: int, cell: Cell, m: PostcodeCity, page: int,
              size: tuple[float, float]) -> PartyBlock:
    """Walk up from a postcode line through its column: street, name lines, then the heading."""
    height = max(cell.bottom - cell.top, 4.0)
    x0, x1 = cell.x0, max(cell.x1, cell.x0 + 80)
    items: list[tuple[str, Cell | None, float, str]] = []  # text, label cell, top, context
    hint: str | None = None
    prev_top, top_box = cell.top, cell.bbox
    street_seen = name_seen = False
    for j in range(i - 1, max(i - 12, -1), -1):
        line = lines[j]
        gap = prev_top - max(w.bottom for w in line.words)
        if gap > 4 * height:
            break
        best, label = _best_cell(line, x0, x1)
        label_x = [it[1].x0 for it in items if it[1] is not None] + [x0]
        if gap > 3.2 * height or best is None:
            found = next((f for c in cells(line) if (f := heading_role(c.text))
                          and (overlap(c.x0, c.x1, x0, x1) > 0
                               or any(abs(c.x0 - lx) < 12 for lx in label_x))), None)
            if found:
                hint = found[0]
                if found[1]:
                    items.append((found[1], None, line.words[0].top, ""))
            if found or best is not None:
                break
            continue  # a line of another column between the block's lines
        if STOP_LINE.match(best.text) or title_kind(best.text):
            break  # 'und', '(hereinafter the "Client")', a title: the block ended above
        found = heading_role(best.text) if label is None else None
        if found is None and label is not None:
            found = heading_role(label.text)
            found = (found[0], best.text) if found else None
        if found:
            hint = found[0]
            if found[1]:
                items.append((found[1], None, best.top, ""))
            break
        if _inline_block(best, page, size) and len(_split_parts(best.text)) >= 3:
            break  # the sender line above an address window
        context = _cell_context(line, best)
        field = _is_field_line(context, label)
        if not field:
            has_digit = bool(re.search(r"\d", best.text))
            if has_digit and name_seen:
                break  # a date, a page number or a title above the name
            street_seen |= has_digit
            name_seen |= street_seen and not has_digit
        items.append((best.text, label, best.top, context))
        top_box = union_bbox([top_box, best.bbox])
        prev_top = min(w.top for w in line.words)
    # the country, if written on the line below
    country = _country(m["cc"])
    if i + 1 < len(lines):
        below, _ = _best_cell(lines[i + 1], x0, x1)
        if below is not None:
            country = _country(m["cc"], below.text) or country
    if hint is None:
        hint = _role_below(lines, i, x0, x1)
    name, street = _name_and_street(items)
    top = min([cell.top] + [it[2] for it in items])
    return PartyBlock(page, union_bbox([top_box, cell.bbox]), str(m["pc"]), str(m["city"]).strip(),
                      street,
                      name, country, hint, x0 / size[0], top / size[1])


def _role_below(lines: list[Line], i: int, x0: float, x1: float) -> str | None:
    """The role a contract names under an address: '- nachfolgend Auftraggeber genannt -'."""
    for j in range(i + 1, min(i + 3, len(lines))):
        best, _ = _best_cell(lines[j], x0, x1)
        if best is not None and ROLE_BELOW.search(best.text):
            return party_role(best.text)
    return None


def _name_and_street(
    items: list[tuple[str, Cell | None, float, str]],
) -> tuple[str | None, str | None]:
    """Name and street among the lines above a postcode line (nearest first)."""
    for k, (text, label, _, _) in enumerate(items):
        if label is not None and NAME_LABEL.match(label.text):
            name = text
            if k + 1 < len(items) and items[k + 1][1] is None \
                    and not _is_field_line(items[k + 1][3] or items[k + 1][0], None):
                name = f"{items[k + 1][0]} {name}"
            street = next((t for t, lab, _, _ in items[:k]
                           if lab is None or ADDRESS_LABEL.match(lab.text)), None)
            return name, street
    plain = [t for t, lab, _, context in items if not _is_field_line(context or t, lab)]
    if not plain:
        return None, None
    street = next((t for t in plain[:2] if re.search(r"\d", t) and STREET.search(t)), plain[0])
    rest = [t for t in plain[plain.index(street) + 1:]
            if not CONTACT.match(t) and not INITIALS.match(t)]
    return (rest[-1] if rest else None), street


@step("fields.party.candidates", scope="page",
      requires=["page.lines", "page_no", "page.geometry"], provides=["page.party_blocks"])
def party_candidates(page_lines: list[Line], page_no: int,
                     page_geometry: dict[str, float]) -> list[PartyBlock]:
    """Address blocks of the page with name, street, postcode, city, country and role hint."""
    size = (page_geometry["width"] or 595.0, page_geometry["height"] or 842.0)
    out: list[PartyBlock] = []
    for i, line in enumerate(page_lines):
        for cell in cells(line):
            m = _postcode_city(cell.text)
            if m is not None:
                if not _city_line_below(page_lines, i, cell):  # else: '4426 Lori Glens', a street
                    out.append(_block_at(page_lines, i, cell, m, page_no, size))
                continue
            if POSTCODE_ONLY.match(cell.text) and i > 0:
                block = _split_city_block(page_lines, i, cell, page_no, size)
                if block is not None:
                    out.append(block)
                continue
            if len(cell.text) > 12 and re.search(r"\d", cell.text):
                block = _inline_block(cell, page_no, size)
                if block is not None:
                    if block.name is None:  # letterhead: the name is the line above
                        block.name = _name_above(page_lines, i, cell)
                    out.append(block)
    return out


def _city_line_below(lines: list[Line], i: int, cell: Cell) -> bool:
    """True when the next line of the same column is a city line: this one is the street."""
    if i + 1 >= len(lines):
        return False
    below, _ = _best_cell(lines[i + 1], cell.x0, cell.x1)
    return below is not None and abs(below.x0 - cell.x0) < 3 \
        and below.top - cell.bottom < 1.5 * (cell.bottom - cell.top) \
        and (_postcode_city(below.text) is not None or bool(POSTCODE_ONLY.match(below.text)))


def _split_city_block(lines: list[Line], i: int, cell: Cell, page: int,
                      size: tuple[float, float]) -> PartyBlock | None:
    """A British address whose postcode stands under the city: anchor the block on the city."""
    city, label = _best_cell(lines[i - 1], cell.x0, max(cell.x1, cell.x0 + 80))
    if city is None or label is not None or re.search(r"\d|:", city.text) \
            or min(abs(city.x0 - cell.x0), abs(city.x1 + city.x0 - cell.x1 - cell.x0) / 2) > 3 \
            or len(city.text.split()) > 5 \
            or cell.top - city.bottom > 1.5 * (cell.bottom - cell.top):
        return None
    block = _block_at(lines, i - 1, city, {"cc": "GB", "pc": cell.text, "city": city.text},
                      page, size)
    block.bbox = union_bbox([block.bbox, cell.bbox])
    return block


def _name_above(lines: list[Line], i: int, cell: Cell) -> str | None:
    if i == 0:
        return None
    best, label = _best_cell(lines[i - 1], cell.x0, cell.x1)
    if best is None or label is not None or _is_field_line(best.text, None) \
            or cell.top - best.bottom > 2.5 * (cell.bottom - cell.top):
        return None
    return best.text


# --- selection -----------------------------------------------------------------------------------


def _in_window(b: PartyBlock) -> bool:
    """The address window of a letter: left half, between a tenth and two fifths down page 1."""
    return b.page == 1 and b.x < 0.5 and 0.1 < b.y < 0.4


def issuer_score(b: PartyBlock, own: str, other: str) -> float | None:
    """How well a block fits the writer of the document (letterhead, sender line, footer)."""
    if b.hint in (other, "other"):
        return None
    score = {own: 10.0, "sender": 5.0}.get(b.hint or "", 1.0 if _in_window(b) else 4.0)
    return score + _name_score(b)


def recipient_score(b: PartyBlock, own: str, other: str) -> float | None:
    """How well a block fits the addressee (the address window, or a heading naming the role)."""
    if b.hint in (other, "other", "sender"):
        return None
    score = 10.0 if b.hint == own else 6.0 if _in_window(b) else 3.0
    return score + (_name_score(b) if b.name else -3.0)


def seller_score(b: PartyBlock, issuer_is_buyer: bool = False) -> float | None:
    if issuer_is_buyer:
        return recipient_score(b, "seller", "buyer")
    return issuer_score(b, "seller", "buyer")


def buyer_score(b: PartyBlock, issuer_is_buyer: bool = False) -> float | None:
    if issuer_is_buyer:
        return issuer_score(b, "buyer", "seller")
    return recipient_score(b, "buyer", "seller")


def _name_score(b: PartyBlock) -> float:
    if not b.name:
        return -3.0
    return (1.5 if LEGAL_FORM.search(b.name) else 0.0) - (2.0 if b.page > 1 else 0.0)


def _fields(role: str, b: PartyBlock, confidence: float) -> dict[str, FieldValue]:
    out = {f"{role}_address": FieldValue(f"{role}_address", b.address(), confidence, b.page,
                                         b.bbox, None, "fields.party.select")}
    if b.name:
        out[f"{role}_name"] = FieldValue(f"{role}_name", b.name, confidence, b.page, b.bbox, None,
                                         "fields.party.select")
    return out


def select_parties(blocks: list[PartyBlock], title: str | None = None) -> dict[str, FieldValue]:
    """Seller and buyer: the best block for each role, never the same party twice.

    Headings (Verkäufer, Bill to) name roles outright; without one, position does: the writer's
    letterhead is the seller's, except on an order, which the buyer writes.
    """
    out: dict[str, FieldValue] = {}
    swap = title in ISSUER_IS_BUYER
    sellers = [(s, -k, b) for k, b in enumerate(blocks)
               if (s := seller_score(b, swap)) is not None]
    seller = max(sellers, key=lambda t: t[:2])[2] if sellers else None
    if seller is not None:
        if seller.name is None:  # the same postcode elsewhere (letterhead, footer) may be named
            named = [b for b in blocks if b.name and b.postal_code == seller.postal_code
                     and b.hint not in ("buyer", "other")]
            if named:
                seller.name = named[0].name
        out.update(_fields("seller", seller, 0.9 if seller.hint == "seller" else 0.6))
    buyers = [(s, -k, b) for k, b in enumerate(blocks) if (s := buyer_score(b, swap)) is not None
              and (seller is None or (b is not seller and (b.postal_code, b.name)
                   != (seller.postal_code, seller.name)))]
    if buyers:
        buyer = max(buyers, key=lambda t: t[:2])[2]
        if buyer.name is None:
            named = [b for b in blocks if b.name and b.postal_code == buyer.postal_code
                     and b.hint not in ("seller", "other")]
            if named:
                buyer.name = named[0].name
        out.update(_fields("buyer", buyer, 0.9 if buyer.hint == "buyer" else 0.6))
    return out


@step("fields.party.select", scope="document",
      requires=["page.party_blocks", "doc.title_kind"], provides=["doc.field.party"])
def select_party_fields(page_party_blocks: list[list[PartyBlock]],
                        doc_title_kind: str | None) -> dict[str, FieldValue]:
    """Seller and buyer name and address from all pages' address blocks."""
    return select_parties([b for page in page_party_blocks for b in page], doc_title_kind)
