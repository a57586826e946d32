"""Where a page is written, as far as its conventions depend on it: the US or elsewhere.

Two readings depend on the country and cannot be decided from the value alone: a slash date
whose day and month are both 12 or less (03/05/2024 is the 5th of March in the US, the 3rd of
May elsewhere) and a bare '$' (the US dollar, or the Australian, Canadian, Singapore ...
dollar). The page's addresses and phone numbers say which: a US state with a ZIP code
('Mountain View, CA 94043'), a US phone number ('(408) 356-3757'), or the name of a country.
Shared by the date and currency families.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cosy.domain import Line

STATES = ("AL|AK|AZ|AR|CA|CO|CT|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|"
          "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC")
"""US state abbreviations ('DE' is left out: it is also how Germany prefixes a postcode)."""
STATE_NAMES = ("Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
               "Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|"
               "Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|"
               "Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|"
               "Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|"
               "Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming")
US_ADDRESS = re.compile(r"(?:,\s*(?-i:" + STATES + r")|\b(?:" + STATE_NAMES + r"))\.?,?\s+"
                        r"\d{5}(?:-\d{4})?(?![\d-])")
"""A city's state and ZIP code: ', CA 94043', 'Kentucky 40232', ', NY 10005-1234'."""
US_PHONE = re.compile(r"(?<![\d+])\([2-9]\d{2}\)\s?[2-9]\d{2}[-.\s]\d{4}(?!\d)")
"""A US phone number with its area code in parentheses: '(408) 356-3757'."""
US_WORDS = re.compile(r"\b(?:U\.?S\.?A\.?|United States(?: of America)?)(?![^\W\d_])")
COUNTRY_DOLLARS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AU", re.compile(r"\bAustralia\b|\bABN\b|\b(?:NSW|VIC|QLD)\s+\d{4}\b")),
    ("CA", re.compile(r"\bCanada\b|\b(?:HST|PST|QST)\b|"
                      r"\b(?:ON|QC|BC|AB|MB|SK|NS|NB|NL|PE)\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")),
    ("NZ", re.compile(r"\bNew Zealand\b")),
    ("SG", re.compile(r"\bSingapore\b|\bUEN\b")),
    ("HK", re.compile(r"\bHong Kong\b")),
)
"""What places a page in a country with its own dollar: its name, a tax or business number
only it has (ABN, HST, UEN) or its province and postcode ('ON K1A 0B1')."""
NOT_US = re.compile(r"\b(?:GST|VAT|TVA|MwSt|USt|IVA|BTW)\b")
"""A value-added tax the US does not have: the page is not American (its dates are not)."""
GST = re.compile(r"\bGST\b")
"""A goods and services tax: the page is from a country with one (and maybe its own dollar)."""


def _text(lines: Iterable[Line]) -> str:
    return "\n".join(line.text for line in lines)


BARE_DOLLAR = re.compile(r"(?<![^\W\d_])\$")
"""A '$' with no country's letters before it (not S$, A$, HK$)."""


def us_evidence(lines: Iterable[Line]) -> bool:
    """Whether the page shows a US address, US phone number, the country's name or a bare '$',
    and no tax or dollar country that rules the US out."""
    text = _text(lines)
    if NOT_US.search(text) or any(p.search(text) for _, p in COUNTRY_DOLLARS):
        return False
    return bool(US_ADDRESS.search(text) or US_PHONE.search(text) or US_WORDS.search(text)
                or BARE_DOLLAR.search(text))


def dollar_country(lines: Iterable[Line]) -> str | None:
    """The country whose dollar a bare '$' on the page is: 'US' unless the page names another
    dollar's country ('AU', 'CA' ...); None when it is unclear which (two of them, or a GST
    without a country: the US charges none)."""
    text = _text(lines)
    found = [cc for cc, p in COUNTRY_DOLLARS if p.search(text)]
    if len(found) == 1:
        return found[0]
    if found or GST.search(text):
        return None
    return "US"
