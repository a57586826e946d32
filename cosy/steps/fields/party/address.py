"""Postal address parts: postcode, city, country and street, each its own family of stages.

The anchor of every address block is its city line, in continental order ('DE 80333 München',
'1012 AB Amsterdam'), in British/American order ('Leeds LS1 4AP', 'Austin, TX 78701') or as a
British postcode on a line of its own under the city. Postcodes are checked against their
country's shape (DE/FR 5 digits, AT/CH/BE/DK 4, NL '1234 AB', GB outward/inward, US ZIP);
cities against words that only look like one (units, currencies, street words). Countries are
read from names in German, English and French and from ISO codes, and mapped to ISO 3166
alpha-2. Streets are the lines with a house number or a street word.

Each stage is a page step (``fields.party.<stage>.<part>``); :func:`parse_city_line` runs the same
stages on a text fragment for the parts of a one-line address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cosy.domain import Line
from cosy.engine.step import each, step
from cosy.steps.fields.common import Cell, cells, overlap

UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}"
EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s[0-9AC-FHKNPRTV-Y]{4}"
"""An Irish Eircode: routing key and unique identifier ('D02 X285', 'A96 E713')."""
REGION = (r"(?:(?:\s?,|(?<=[^\W\d_]{3})\.)\s?(?P<region>[^\W\d][\w .'-]{1,30}?))?"
          r"\s?(?:[,;]|(?<=[^\W\d_]{3})\.)?")
"""What may close a city line: a region or country after a comma or a full stop ('42200 Klang,
Selangor', '80333 München, Germany', '47170 Puchong. Selangor'; not after an abbreviation:
'Frankfurt a. M.') and a trailing comma or full stop, as address lines are printed one part per
line ('40170 Shah Alam,')."""
POSTCODE_CITY = re.compile(
    r"^(?:(?P<cc>[A-Z]{1,2})[- ])?(?P<pc>\d{5}|\d{2}\s\d{3}(?=\s[^\W\d])|"
    r"\d{4}(?:\s?[A-Z]{2}(?=\s))?|" + UK_POSTCODE + r")(?:,?\s+|(?<=\d{5})(?=[A-Z]{2,}\b))"
    r"(?P<city>[^\W\d][\w .'()/-]{1,40}?)" + REGION + "$")
"""The continental order: [country code] postcode city ('DE 80333 München', '1012 AB Amsterdam',
'75 005 Paris' with the French thousands space, '50490, Kuala Lumpur'); a five-digit postcode
OCR glued to a city in capitals ('53300KL') is read apart."""
MY_STATES = (
    r"Johor|Kedah|Kelantan|Melaka|Malacca|Negeri Sembilan|Pahang|Perak|Perlis|Pulau Pinang|"
    r"Penang|Sabah|Sarawak|Selangor|Terengganu")
TRAILING_STATE = re.compile(
    r"^(?P<city>.+?(?<!\bKuala)(?<!\bKota)(?<!\bBandar)(?<!\bPulau)(?<!\bSungai)"
    r"(?<!\bTanjung)(?<!\bTeluk))\s(?P<state>(?:" + MY_STATES + r")(?:\s(?:D\.\s?E\.?|"
    r"Darul \w+))?)$", re.I)
"""A Malaysian state printed after the city without a comma ('41050 KLANG SELANGOR D.E'), as
REGION reads one after a comma; not the state word of a town's own name ('Kuala Terengganu',
'Kota Kedah': estuary, town, island ... of)."""
US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
    "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
    "Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
    "West Virginia|Wisconsin|Wyoming")
"""US states as written out in an address ('Louisville, Kentucky 40232')."""
CITY_POSTCODE = re.compile(
    r"^(?P<city>[^\W\d][\w .'()/-]{1,40}?)(?:,\s?(?P<state>[A-Z]{2}|(?i:" + US_STATES + r")))?"
    r",?\s(?P<pc>\d{5}(?:-\d{4})?|" + UK_POSTCODE + "|" + EIRCODE + r")$")
"""The British, Irish and American order: city postcode ('Leeds LS1 4AP', 'Dublin 2 D02 X285',
'Austin, TX 78701')."""
POSTCODE_ONLY = re.compile(r"^(?P<pc>" + UK_POSTCODE + "|" + EIRCODE + r")$")
"""A British postcode or an Eircode on a line of its own, under the city."""
CITY_PIN = re.compile(r"^(?P<city>[^\W\d][\w .'()/-]{1,40}?)\s?[-–]\s?(?P<pc>[1-9]\d{2}\s?\d{3})$")
"""An Indian city and its PIN code without the state ('Pune - 411001', 'Chennai-600 017'): read
only under a street or after one (:func:`_pin_after_street`), since a word, a dash and six
digits is more often a document number ('Invoice-581355')."""
STATE_ZIP_ONLY = re.compile(r"^(?P<state>[A-Z]{2})\s(?P<pc>\d{5}(?:-\d{4})?)$")
"""An American state and ZIP code on a line of their own, under the city ('NEW YORK' over 'NY
10022', as letterhead sidebars print it)."""
POSTCODE_SHAPES: dict[str, re.Pattern[str]] = {
    **{cc: re.compile(r"\d{5}") for cc in ("DE", "FR", "ES", "IT", "FI", "EE", "HR", "MC")},
    **{cc: re.compile(r"\d{4}") for cc in ("AT", "CH", "BE", "DK", "LU", "LI", "NO", "HU", "SI",
                                           "BG", "CY", "AU", "NZ", "ZA")},
    "NL": re.compile(r"\d{4}\s?[A-Z]{2}|\d{4}"),
    "GB": re.compile(UK_POSTCODE),
    "US": re.compile(r"\d{5}(?:-\d{4})?"),
    "PL": re.compile(r"\d{2}-?\d{3}|\d{5}"),
    "SE": re.compile(r"\d{3}\s?\d{2}|\d{5}"),
    "CA": re.compile(r"[A-Z]\d[A-Z]\s?\d[A-Z]\d"),
    "IN": re.compile(r"\d{6}"),
    "IE": re.compile(EIRCODE),
    "SG": re.compile(r"\d{6}"),
}
"""Each country's postcode shape: a country prefix whose shape the code does not fit is no
postcode line ('DE 1234 ...' is a street number)."""
NOT_A_CITY = re.compile(
    r"^(?:eur|usd|gbp|chf|rm|myr|inr|rs|sgd|aud|cad|stk|st|stück|uhr|kg|km|kwh|kw|mwh|std|stunden|"
    r"liter|litre|ltr|tage?|days?|x|pcs|piece|qty|h)\b|"
    r"stra(?:ß|ss)e\b|str\.|\bweg\b|\ballee\b|\bplatz\b|\bgasse\b|street|road|avenue|\brue\b|"
    r"chemin|camino|\bvia\b|boulevard|\blane\b|:", re.I)
STREET_WORDS: dict[str, str] = {
    "de": r"stra(?:ß|ss)e|str\.|weg\b|allee|platz|gasse|ring\b|damm|ufer|markt|chaussee|steig|"
          r"\bhof\b",
    "en": r"street|road|avenue|\blane\b|drive|close\b|way\b|square|court\b|place\b|crescent|"
          r"terrace|grove|parkway|boulevard|\bst\.?$|\brd\.?$|\bave\.?$",
    "fr": r"\brue\b|chemin|avenue|boulevard|\ball[ée]e\b|impasse|place\b|quai\b|cours\b|route\b|"
          r"camino|\bvia\b|\bbd\b",
    # other countries' street words, as their addresses print them on documents in any language
    "intl": r"straat\b|\blaan\b|\bplein\b|gracht\b|\bkade\b|\bcalle\b|avenida|\bplaza\b|"
            r"\bcarrera\b|\bpaseo\b|\bviale\b|\bpiazza\b|\bcorso\b|\brua\b|travessa|"
            r"gatan\b|vägen\b|\bvej\b|\bul\.|\bulica\b|\bjalan\b|\bjln\b|\bjl\.|"
            r"\blorong\b|persiaran|\blebuh\b|\btaman\b|\bsoi\b|\bmarg\b|\bnagar\b|"
            r"\bsuite\b|\bunit\b|\bfloor\b|\blot\b|\bblock\b|\bblk\b",
}
STREET_LEXICON = {lang: re.compile(words, re.I) for lang, words in STREET_WORDS.items()}
"""Street words per language: one candidate step per lexicon."""
STREET_WORD = re.compile("|".join(STREET_WORDS.values()), re.I)
"""A street word of any lexicon: what tells a street part from a name part of an address."""
POSTBOX = re.compile(r"postfach|p\.?\s?o\.?\s?box|\bbp\b|bo[iî]te postale|case postale", re.I)
"""A post office box stands where a street would ('Postfach 10 20 30', 'BP 123')."""
HOUSE_NUMBER = re.compile(r"(?:^\d{1,5}[a-z]?(?:[-/]\d{1,5})?,?\s+[^\W\d]|[^\W\d]\.?\s+\d{1,5}"
                          r"[a-z]?(?:\s?[-/]\s?\d{1,5}[a-z]?)?$)", re.I)
"""A house number before the street ('15 Cox forges', '4, rue Thierry') or after it
('Hethurstr. 9-4', 'Jähnstr. 5/7')."""
FIELD_LINE = re.compile(r"^[^:]{1,40}:\s*\S|^:")
"""'Telefon: ...': a labelled field, not a line of an address."""
COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "de": {"deutschland": "DE", "österreich": "AT", "schweiz": "CH", "frankreich": "FR",
           "spanien": "ES", "italien": "IT", "niederlande": "NL", "belgien": "BE",
           "luxemburg": "LU", "dänemark": "DK", "polen": "PL", "vereinigtes königreich": "GB",
           "großbritannien": "GB", "vereinigte staaten": "US", "schweden": "SE",
           "tschechien": "CZ", "irland": "IE", "portugal": "PT"},
    "en": {"germany": "DE", "austria": "AT", "switzerland": "CH", "france": "FR", "spain": "ES",
           "italy": "IT", "netherlands": "NL", "the netherlands": "NL", "belgium": "BE",
           "luxembourg": "LU", "denmark": "DK", "poland": "PL", "united kingdom": "GB",
           "uk": "GB", "england": "GB", "great britain": "GB", "united states": "US",
           "usa": "US", "united states of america": "US", "sweden": "SE",
           "czech republic": "CZ", "ireland": "IE", "portugal": "PT", "canada": "CA",
           "australia": "AU", "new zealand": "NZ", "india": "IN", "malaysia": "MY",
           "singapore": "SG", "south africa": "ZA", "japan": "JP", "china": "CN"},
    "fr": {"allemagne": "DE", "autriche": "AT", "suisse": "CH", "france": "FR",
           "espagne": "ES", "italie": "IT", "pays-bas": "NL", "belgique": "BE",
           "luxembourg": "LU", "danemark": "DK", "pologne": "PL", "royaume-uni": "GB",
           "états-unis": "US", "suède": "SE", "irlande": "IE", "portugal": "PT",
           # names as the countries write them
           "deutschland": "DE", "españa": "ES", "italia": "IT", "nederland": "NL",
           "danmark": "DK", "polska": "PL", "österreich": "AT", "schweiz": "CH"},
}
"""Country names per language (the last group: endonyms, printed in any language's documents)."""
ISO_COUNTRIES = frozenset((
    "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
    "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI",
    "SK", "US", "CA", "AU", "NZ", "ZA", "CN", "JP", "IN", "BR", "MX", "TR", "UA", "SG", "MY"))
"""ISO 3166 alpha-2 codes of the countries COSY's documents come from."""
ISO_ALIASES = {"D": "DE", "A": "AT", "F": "FR", "UK": "GB", "EL": "GR"}
"""Old vehicle and EU codes printed before postcodes ('D-80333') and their ISO codes."""


def iso_country(code: str | None) -> str | None:
    """A printed country code as ISO 3166 alpha-2 ('D' -> 'DE'), None when it is none."""
    if not code:
        return None
    code = ISO_ALIASES.get(code.upper(), code.upper())
    return code if code in ISO_COUNTRIES else None


def country_name(text: str, lang: str | None = None) -> str | None:
    """The ISO code of a country name in one language's lexicon (all of them without one)."""
    key = " ".join(text.strip().lower().split())
    for lg in (lang,) if lang else tuple(COUNTRY_NAMES):
        if key in COUNTRY_NAMES[lg]:
            return COUNTRY_NAMES[lg][key]
    return None


def country_of(text: str) -> str | None:
    """The country a whole text names, by name in any language or by ISO code."""
    return country_name(text) or (iso_country(text.strip()) if len(text.strip()) <= 3 else None)


# --- postcode and city ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CityLine:
    """A postcode with its city on one line (the anchor of an address block), stage by stage."""

    line: int
    cell: Cell
    postcode: str
    city: str
    cc: str | None  # the country the line names (prefix 'DE', or implied: GB/US order)
    order: str  # continental | anglo | uk_line (postcode alone, city on the line above)
    state: str | None = None
    country: str | None = None  # after validation: ISO code from prefix or postcode shape
    lower_cell: Cell | None = None  # the lower half of a city line printed on two lines:
    # a postcode under its city (uk_line), a city under its postcode (wrapped)
    street_like: bool = False  # no anchor, yet no inline address either ('4426 Lori Glens'
    # above a city line is a street; a British postcode without a city above it)


def continental(text: str) -> dict[str, str | None] | None:
    m = POSTCODE_CITY.match(text.strip())
    if m is None:
        return None
    pc = m["pc"] if re.fullmatch(r"\d{2}\s\d{3}", m["pc"]) is None else m["pc"].replace(" ", "")
    city, region = _trailing_region(m["city"], m["region"])
    cc = m["cc"] or (country_of(region) if region else None)
    return {"cc": cc, "pc": pc, "city": city, "state": region, "order": "continental"}


def _trailing_region(city: str, region: str | None) -> tuple[str, str | None]:
    """A country name or a state printed after the city without a comma, split off: '69000
    Pahang Malaysia', '80333 München Deutschland', '41050 KLANG SELANGOR D.E, MALAYSIA' (the
    region after the comma stays the region)."""
    words = city.split()
    for k in (1, 2, 3):
        if region is None and len(words) > k and country_name(" ".join(words[-k:])):
            return " ".join(words[:-k]), " ".join(words[-k:])
    m = TRAILING_STATE.match(city)
    return (m["city"], region or m["state"]) if m else (city, region)


IN_STATES = (
    r"Andhra Pradesh|Assam|Bihar|Chhattisgarh|Delhi|Goa|Gujarat|Haryana|Himachal Pradesh|"
    r"Jharkhand|Karnataka|Kerala|Madhya Pradesh|Maharashtra|Odisha|Punjab|Rajasthan|"
    r"Tamil Nadu|Telangana|Uttar Pradesh|Uttarakhand|West Bengal")
"""States of India as addresses print them before the six-digit PIN code."""
STATE_POSTCODE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (cc, re.compile(r"^(?P<city>[^\W\d][\w .'()/-]{1,40}?),?\s(?P<state>" + states + r"),?\s"
                    r"(?P<pc>" + pc + r")$"))
    for cc, states, pc in (
        ("AU", r"NSW|VIC|QLD|SA|WA|TAS|NT|ACT", r"\d{4}"),
        ("CA", r"AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT", r"[A-Z]\d[A-Z]\s?\d[A-Z]\d"),
        ("IN", IN_STATES, r"\d{3}\s?\d{3}")))
"""City, state and postcode where the state decides the country: Australia ('Surry Hills NSW
2010'), Canada ('Toronto, ON M5V 2T6'), India ('Bengaluru, Karnataka 560001')."""
CITY_SIX_DIGITS = re.compile(r"^(?P<sg>Singapore)\s(?P<pc>\d{3}\s?\d{3})$", re.I)
"""Singapore and its six-digit postcode ('Singapore 018956'); an Indian PIN code is read only
after its state: a dash and six digits after any word is too often a document number
('Invoice-581355')."""


def anglo(text: str) -> dict[str, str | None] | None:
    text = text.strip()
    m = CITY_POSTCODE.match(text)
    if m is not None and not STATE_ZIP_ONLY.match(text):  # 'NY 10022': the city is above
        if m["state"] is None and m["pc"][0].isdigit():
            return None  # 'Lagerhalle 12345': a ZIP code after a city is written with a state
        cc = "US" if m["state"] else "IE" if re.fullmatch(EIRCODE, m["pc"]) else "GB"
        return {"cc": cc, "pc": m["pc"], "city": m["city"], "state": m["state"],
                "order": "anglo"}
    for cc, pattern in STATE_POSTCODE:
        m = pattern.match(text)
        if m is not None:
            return {"cc": cc, "pc": m["pc"].replace(" ", "") if cc == "IN" else m["pc"],
                    "city": m["city"], "state": m["state"], "order": "anglo"}
    m = CITY_SIX_DIGITS.match(text)
    if m is not None:
        return {"cc": "SG", "pc": m["pc"].replace(" ", ""), "city": m["sg"], "state": None,
                "order": "anglo"}
    m = CITY_PIN.match(text)
    if m is not None:
        return {"cc": "IN", "pc": m["pc"].replace(" ", ""), "city": m["city"], "state": None,
                "order": "pin"}
    return None


def normalise_postcode(pc: str) -> str:
    """Upper case, one space inside British and Dutch postcodes."""
    return " ".join(pc.upper().split())


def postcode_ok(found: dict[str, str | None]) -> str | None:
    """The country of a postcode that fits its shape ('' when none is known), None if it fails."""
    pc, cc = str(found["pc"]), iso_country(found["cc"])
    if found["cc"] and cc is None and len(str(found["cc"])) == 2:
        return None  # 'AB 1234 ...' is no country prefix
    if cc is not None:
        shape = POSTCODE_SHAPES.get(cc)
        return cc if shape is None or shape.fullmatch(pc) else None
    if len(pc) == 4 and pc.isdigit() and int(pc) < 1000:
        return None  # a house number
    if re.fullmatch(r"\d{4}\s?[A-Z]{2}", pc):
        return "NL"
    return ""


def city_ok(city: str) -> bool:
    return not NOT_A_CITY.search(city) and len(city.split()) <= 5


def parse_city_line(text: str, after_street: bool = False) -> dict[str, str | None] | None:
    """Postcode, city and country code of a city line in either order, or None (all stages).
    An Indian city and PIN without a state ('Pune - 411001') is read only ``after_street``."""
    found = continental(text) or anglo(text)
    if found is None or (found["order"] == "pin" and not after_street):
        return None
    found = {**found, "pc": normalise_postcode(str(found["pc"])),
             "city": " ".join(str(found["city"]).split())}
    country = postcode_ok(found)
    if country is None or not city_ok(str(found["city"])):
        return None
    return {**found, "country": country or None}


def _hits(lines: list[Line], read: object) -> list[CityLine]:
    out = []
    for i, line in enumerate(lines):
        for cell in cells(line):
            found = read(cell.text)  # type: ignore[operator]
            if found is not None:
                out.append(CityLine(i, cell, found["pc"], found["city"], found["cc"],
                                    found["order"], found["state"]))
    return out


@step("fields.party.candidates.postcode.continental", scope="page", requires=["page.lines"],
      provides=["page.postcode.continental"])
def postcode_continental(page_lines: list[Line]) -> list[CityLine]:
    """Cells in continental order: [country code] postcode city."""
    return _hits(page_lines, continental)


@step("fields.party.candidates.postcode.anglo", scope="page", requires=["page.lines"],
      provides=["page.postcode.anglo"])
def postcode_anglo(page_lines: list[Line]) -> list[CityLine]:
    """Cells in British and American order: city [, state] postcode."""
    return _hits(page_lines, anglo)


@step("fields.party.candidates.postcode.uk_line", scope="page", requires=["page.lines"],
      provides=["page.postcode.uk_line"])
def postcode_uk_line(page_lines: list[Line]) -> list[CityLine]:
    """British postcodes, or an American state and ZIP code, on a line of their own (the city
    stands on the line above, aligned left, centred or right); a five-digit postcode ending a
    line after its district (the city starts the next line)."""
    return _hits(page_lines, _postcode_alone)


WRAPPED_POSTCODE = re.compile(r"^[^\W\d][^\d:]{1,40}?,\s?(?P<pc>\d{5})$")
"""A five-digit postcode ending its line after the district, its city starting the next line,
as a narrow receipt wraps 'BANDAR BUKIT RAJA, 41050 KLANG SELANGOR'."""


def _postcode_alone(text: str) -> dict[str, str | None] | None:
    text = text.strip()
    m = POSTCODE_ONLY.match(text)
    if m is not None:
        cc = "IE" if re.fullmatch(EIRCODE, m["pc"]) else "GB"
        return {"cc": cc, "pc": m["pc"], "city": "", "state": None, "order": "uk_line"}
    m = STATE_ZIP_ONLY.match(text)
    if m is not None:
        return {"cc": "US", "pc": m["pc"], "city": "", "state": m["state"], "order": "uk_line"}
    m = WRAPPED_POSTCODE.match(text)
    return None if m is None else {"cc": None, "pc": m["pc"], "city": "", "state": None,
                                   "order": "wrapped"}


@step("fields.party.normalise.postcode", scope="page",
      requires=["page.postcode.continental", "page.postcode.anglo", "page.postcode.uk_line"],
      provides=["page.postcode.normalised"])
def postcode_normalise(page_postcode_continental: list[CityLine],
                       page_postcode_anglo: list[CityLine],
                       page_postcode_uk_line: list[CityLine]) -> list[CityLine]:
    """One reading per cell (continental first: '80333 München' is no city 'München 80333'),
    postcodes upper-cased with single spaces, in page order."""
    seen: set[tuple[int, int]] = set()
    out = []
    for hit in [*page_postcode_continental, *page_postcode_anglo, *page_postcode_uk_line]:
        key = (hit.line, hit.cell.start)
        if key in seen:
            continue
        seen.add(key)
        out.append(replace(hit, postcode=normalise_postcode(hit.postcode)))
    return sorted(out, key=lambda h: (h.line, h.cell.start))


@step("fields.party.validate.postcode", scope="page", requires=["page.postcode.normalised"],
      provides=["page.postcode.valid"])
def postcode_validate(page_postcode_normalised: list[CityLine]) -> list[CityLine]:
    """Postcodes that fit their country's shape, with the country that prefix or shape names."""
    return [replace(hit, country=country or None) for hit in page_postcode_normalised
            if (country := postcode_ok({"pc": hit.postcode, "cc": hit.cc, "state": hit.state,
                                        "order": hit.order})) is not None]


def best_cell(line: Line, x0: float, x1: float) -> tuple[Cell | None, Cell | None]:
    """The cell of a line in the column [x0, x1] and the label cell left of it, if any."""
    row = cells(line)
    best = max(row, key=lambda c: overlap(c.x0, c.x1, x0, x1), default=None)
    if best is None or overlap(best.x0, best.x1, x0, x1) <= 0:
        return None, None
    k = row.index(best)
    label = row[k - 1] if k > 0 and row[k - 1].text.endswith(":") else None
    return best, label


@step("fields.party.candidates.city", scope="page", requires=["page.lines", "page.postcode.valid"],
      provides=["page.city.candidates"])
def city_candidates(page_lines: list[Line], page_postcode_valid: list[CityLine]) -> list[CityLine]:
    """The city of each postcode: the rest of its cell, or for a British postcode alone on its
    line the cell right above it in the same column."""
    out = []
    for hit in page_postcode_valid:
        if hit.street_like:
            out.append(hit)
            continue
        if hit.order == "wrapped":
            out.extend(_wrapped_city(page_lines, hit))
            continue
        if hit.order == "pin":
            if _pin_after_street(page_lines, hit):
                out.append(replace(hit, order="anglo"))
            continue
        if hit.order != "uk_line":
            out.append(hit)
            continue
        if hit.line == 0:
            continue
        cell = hit.cell
        city, label = best_cell(page_lines[hit.line - 1], cell.x0, max(cell.x1, cell.x0 + 80))
        if city is None or label is not None or re.search(r"\d|:", city.text) \
                or min(abs(city.x0 - cell.x0), abs(city.x1 + city.x0 - cell.x1 - cell.x0) / 2,
                       abs(city.x1 - cell.x1)) > 3 \
                or cell.top - city.bottom > 1.5 * (cell.bottom - cell.top):
            out.append(replace(hit, street_like=True))  # no city above: still no inline address
            continue
        out.append(replace(hit, line=hit.line - 1, cell=city, city=city.text, lower_cell=cell))
    return out


def _pin_after_street(lines: list[Line], hit: CityLine) -> bool:
    """Whether a city and PIN code line stands under a street: a house number or a street word
    on the line above, in its column ('46/40, Bhagat Circle' over 'Pune - 411001')."""
    if hit.line == 0:
        return False
    above, label = best_cell(lines[hit.line - 1], hit.cell.x0, hit.cell.x1)
    return above is not None and label is None and is_street(above.text) \
        and hit.cell.top - above.bottom < 1.5 * (hit.cell.bottom - hit.cell.top)


def is_street(text: str) -> bool:
    """A street as an address prints it: a house number before or after it, a street word, a
    post office box ('46/40, Bhagat Circle', 'H.No. 12 Gandhi Road', 'Postfach 10 20')."""
    return not FIELD_LINE.match(text) and bool(
        HOUSE_NUMBER.search(text) or STREET_WORD.search(text) or POSTBOX.search(text)
        or re.match(r"^(?:h\.?\s?no\.?|no\.?|flat|plot)\s?\d", text, re.I))


def _wrapped_city(lines: list[Line], hit: CityLine) -> list[CityLine]:
    """A postcode ending its line takes the city that starts the next line of its column, if
    the line above it names a street (a street word: 'Jalan', 'Road', 'Lot'): the wrapped
    address."""
    i, cell = hit.line, hit.cell
    if i == 0 or i + 1 >= len(lines):
        return []
    above, _ = best_cell(lines[i - 1], cell.x0, cell.x1)
    below, label = best_cell(lines[i + 1], cell.x0, cell.x1)
    if above is None or below is None or label is not None \
            or not STREET_WORD.search(above.text) \
            or below.top - cell.bottom > 1.5 * (cell.bottom - cell.top):
        return []
    found = continental(f"{hit.postcode} {below.text}")
    if found is None:
        return []
    return [replace(hit, city=str(found["city"]), cc=found["cc"], state=found["state"],
                    country=iso_country(found["cc"]) or hit.country, lower_cell=below)]


@step("fields.party.normalise.city", scope="page", requires=["page.city.candidates"],
      provides=["page.city.normalised"])
def city_normalise(page_city_candidates: list[CityLine]) -> list[CityLine]:
    """City names with single spaces and no trailing separators."""
    return [replace(h, city=" ".join(h.city.split()).strip(" ,;")) for h in page_city_candidates]


@step("fields.party.validate.city", scope="page", requires=["page.city.normalised"],
      provides=["page.city.valid"])
def city_validate(page_city_normalised: list[CityLine]) -> list[CityLine]:
    """Cities that are no unit, currency or street word and at most five words long; a line
    that fails is no city line (a British postcode under it still is no inline address)."""
    out = []
    for h in page_city_normalised:
        if h.street_like or city_ok(h.city):
            out.append(h)
        elif h.order == "uk_line":
            out.append(replace(h, street_like=True))
    return out


def _city_line_below(lines: list[Line], hit: CityLine, anchors: set[tuple[int, float]]) -> bool:
    """True when the next line of the same column is a city line: this one is the street."""
    i, cell = hit.line, hit.cell
    if i + 1 >= len(lines):
        return False
    below, _ = best_cell(lines[i + 1], cell.x0, cell.x1)
    return below is not None and abs(below.x0 - cell.x0) < 3 \
        and below.top - cell.bottom < 1.5 * (cell.bottom - cell.top) \
        and (i + 1, below.start) in anchors


@step("fields.party.context.city", scope="page",
      requires=["page.lines", "page.city.valid", "page.country.context"],
      provides=["page.city.context"])
def city_context(page_lines: list[Line], page_city_valid: list[CityLine],
                 page_country_context: dict[int, str]) -> list[CityLine]:
    """City lines that anchor an address: no city line right below ('4426 Lori Glens' above
    'Leeds LS1 4AP' is a street), with the country printed under them."""
    anchors = {(h.line, h.cell.start) for h in page_city_valid if h.lower_cell is None} | \
              {(h.line + 1, h.lower_cell.start) for h in page_city_valid if h.lower_cell}
    out = []
    for hit in page_city_valid:
        if not hit.street_like and hit.order not in ("uk_line", "wrapped") \
                and _city_line_below(page_lines, hit, anchors):
            hit = replace(hit, street_like=True)
        below = page_country_context.get(hit.line if hit.lower_cell is None else hit.line + 1)
        out.append(replace(hit, country=below or hit.country))
    return out


# --- country -------------------------------------------------------------------------------------


CountryCells = dict[tuple[int, int], str]
"""(line index, cell offset) -> ISO 3166 alpha-2 code."""


def _country_cells(lines: list[Line], read: object) -> CountryCells:
    return {(i, c.start): code for i, line in enumerate(lines) for c in cells(line)
            if (code := read(c.text))}  # type: ignore[operator]


@step("fields.party.candidates.country.{lang}", scope="page", requires=["page.lines"],
      provides=["page.country.{lang}"], variants=each("lang", "de", "en", "fr"))
def country_candidates(page_lines: list[Line], *, lang: str) -> CountryCells:
    """Cells that are a country name of the {lang} lexicon."""
    return _country_cells(page_lines, lambda t: country_name(t, lang))


@step("fields.party.candidates.country.iso", scope="page", requires=["page.lines"],
      provides=["page.country.iso"])
def country_iso(page_lines: list[Line]) -> CountryCells:
    """Cells that are a country code alone ('DE', 'CH'), as some address blocks print them."""
    return _country_cells(page_lines, lambda t: t.strip() if re.fullmatch(r"[A-Z]{1,3}",
                                                                          t.strip()) else None)


@step("fields.party.normalise.country", scope="page",
      requires=["page.country.de", "page.country.en", "page.country.fr", "page.country.iso"],
      provides=["page.country.normalised"])
def country_normalise(page_country_de: CountryCells, page_country_en: CountryCells,
                      page_country_fr: CountryCells,
                      page_country_iso: CountryCells) -> CountryCells:
    """One ISO alpha-2 code per cell: names first, codes mapped ('D', 'UK' -> 'DE', 'GB')."""
    out: CountryCells = dict(page_country_iso)
    for found in (page_country_fr, page_country_en, page_country_de):
        out.update(found)
    return {k: ISO_ALIASES.get(v, v) for k, v in out.items()}


@step("fields.party.validate.country", scope="page", requires=["page.country.normalised"],
      provides=["page.country.valid"])
def country_validate(page_country_normalised: CountryCells) -> CountryCells:
    """Codes that are ISO 3166 countries COSY knows ('AG' under a name is a legal form)."""
    return {k: v for k, v in page_country_normalised.items() if v in ISO_COUNTRIES}


@step("fields.party.context.country", scope="page",
      requires=["page.lines", "page.country.valid", "page.postcode.valid"],
      provides=["page.country.context"])
def country_context(page_lines: list[Line], page_country_valid: CountryCells,
                    page_postcode_valid: list[CityLine]) -> dict[int, str]:
    """City line index -> the country printed in its column right under it (a code only counts
    there: alone elsewhere 'DE' or 'AG' is no address part)."""
    out: dict[int, str] = {}
    for hit in page_postcode_valid:
        i = hit.line
        if i + 1 >= len(page_lines):
            continue
        below, _ = best_cell(page_lines[i + 1], hit.cell.x0, max(hit.cell.x1, hit.cell.x0 + 80))
        if below is None:
            continue
        code = page_country_valid.get((i + 1, below.start))
        if code is not None:
            out[i] = code
    return out


# --- street --------------------------------------------------------------------------------------


StreetCells = dict[tuple[int, int], str]
"""(line index, cell offset) -> the street as printed."""


@step("fields.party.candidates.street.{lang}", scope="page", requires=["page.lines"],
      provides=["page.street.{lang}"], variants=each("lang", *STREET_WORDS))
def street_candidates(page_lines: list[Line], *, lang: str) -> StreetCells:
    """Cells with a street word of the {lang} lexicon ('Straße', 'rue' ...)."""
    pattern = STREET_LEXICON[lang]
    return {(i, c.start): c.text for i, line in enumerate(page_lines) for c in cells(line)
            if pattern.search(c.text)}


@step("fields.party.candidates.street.numbered", scope="page", requires=["page.lines"],
      provides=["page.street.numbered"])
def street_numbered(page_lines: list[Line]) -> StreetCells:
    """Cells with a house number before or after a word ('15 Cox forges', 'Jähnstr. 5/7')."""
    return {(i, c.start): c.text for i, line in enumerate(page_lines) for c in cells(line)
            if HOUSE_NUMBER.search(c.text)}


@step("fields.party.candidates.street.postbox", scope="page", requires=["page.lines"],
      provides=["page.street.postbox"])
def street_postbox(page_lines: list[Line]) -> StreetCells:
    """Post office boxes ('Postfach 10 20 30', 'P.O. Box 12', 'BP 123')."""
    return {(i, c.start): c.text for i, line in enumerate(page_lines) for c in cells(line)
            if POSTBOX.search(c.text)}


@step("fields.party.normalise.street", scope="page",
      requires=["page.street.de", "page.street.en", "page.street.fr", "page.street.intl",
                "page.street.numbered", "page.street.postbox"],
      provides=["page.street.normalised"])
def street_normalise(page_street_de: StreetCells, page_street_en: StreetCells,
                     page_street_fr: StreetCells, page_street_intl: StreetCells,
                     page_street_numbered: StreetCells,
                     page_street_postbox: StreetCells) -> StreetCells:
    """One entry per cell, whitespace collapsed, trailing separators dropped."""
    out: StreetCells = {}
    for found in (page_street_de, page_street_en, page_street_fr, page_street_intl,
                  page_street_numbered, page_street_postbox):
        for k, text in found.items():
            out[k] = " ".join(text.split()).strip(" ,;")
    return out


STREET_FORMS = ("street", "avenue", "strasse", "straße", "parkway", "boulevard", "terrace",
                "crescent", "chemin", "impasse", "chaussee", "avenida", "straat")
"""Street words that no other word of a street line is one letter from: OCR's 'Etreet' is a
Street. Shorter ones ('Road', 'rue', 'Weg') and 'Drive' ('The Drove'), 'Square' ('Squire')
are one letter from other words."""


def repair_street(street: str | None) -> str | None:
    """The street with each street word OCR misread in one letter read right."""
    return " ".join(misread_street_word(w) for w in street.split()) if street else street


def misread_street_word(word: str) -> str:
    """``word`` as the street word it differs from in one letter (OCR misreads one glyph of
    a word), in its case; any other word unchanged."""
    core = word.rstrip(".,;:")
    low = core.lower()
    if len(low) < 5 or not low.isalpha():
        return word
    for form in STREET_FORMS:
        if len(form) == len(low) and low != form \
                and sum(a != b for a, b in zip(low, form, strict=True)) == 1:
            fixed = form.upper() if core.isupper() else form.capitalize() \
                if core[0].isupper() else form
            return fixed + word[len(core):]
    return word


def street_ok(text: str) -> bool:
    """A street has a house number (or is a known street word with one) and is no field line."""
    return bool(re.search(r"\d", text)) and not FIELD_LINE.match(text) \
        and bool(re.search(r"[^\W\d]{2}", text))


@step("fields.party.validate.street", scope="page",
      requires=["page.street.normalised", "page.city.valid"], provides=["page.street.valid"])
def street_validate(page_street_normalised: StreetCells,
                    page_city_valid: list[CityLine]) -> StreetCells:
    """Streets with a house number that are not city lines themselves."""
    cities = {(h.line, h.cell.start) for h in page_city_valid if not h.street_like}
    return {k: v for k, v in page_street_normalised.items() if k not in cities and street_ok(v)}
