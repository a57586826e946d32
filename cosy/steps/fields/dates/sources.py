"""Date candidate sources: one step per way of writing a date.

Numeric dates (dotted, slashed, ISO) are language-neutral patterns; textual dates need a
language's month names and word order ("5. März 2024", "March 5, 2024", "1er mars 2024").
Each source only reports where it matched and which parts it read (:class:`Hit`); the
``fields.dates.normalise`` step resolves overlaps and reads the calendar date.
"""

from __future__ import annotations

import re

from cosy.domain import Line
from cosy.engine.step import step
from cosy.steps.fields.hits import Hit, scan

MONTHS_DE = {"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
             "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
             "dezember": 12}
MONTHS_EN = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
             "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
             "december": 12}
MONTHS_FR = {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5,
             "juin": 6, "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10,
             "novembre": 11, "décembre": 12, "decembre": 12}


def _with_abbreviations(months: dict[str, int]) -> dict[str, int]:
    """Full names and their three- and four-letter abbreviations ('Mär', 'Sept', 'janv',
    'Febr'; 'Mrz' is not one)."""
    return {**{k[:3]: v for k, v in months.items() if len(k) > 3},
            **{k[:4]: v for k, v in months.items() if len(k) > 4}, **months}


LEXICONS = {lang: _with_abbreviations(m) for lang, m in
            (("de", MONTHS_DE), ("en", MONTHS_EN), ("fr", MONTHS_FR))}
MONTHS = {k: v for lex in LEXICONS.values() for k, v in lex.items()}
"""Every month word of the three languages (and abbreviation) -> month number."""


def _alternation(words: dict[str, int]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


BEFORE = r"(?<![\d.,/])"
"""No digit or decimal mark right before: 12.05.2024 inside 3312.05.2024 is no date."""
AFTER = r"(?![\d.,]\d)"
YEAR = r"(?P<y>(?:19|20)\d\d)"

DOTTED = re.compile(BEFORE + r"(?P<date>(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)?\d\d))"
                    + AFTER)
SLASHED = re.compile(BEFORE + r"(?P<date>(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)?\d\d))"
                     + AFTER)
DASHED = re.compile(r"(?<![\d.,/-])(?P<date>(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>(?:19|20)\d\d))"
                    r"(?![\d.,/-]?\d)")
"""Day and month in either order apart by dashes with a four-digit year (05-03-2024); with two
digits, or inside a longer dashed run, a dashed group is more often a code or phone number."""
ISO = re.compile(BEFORE + r"(?P<date>" + YEAR + r"(?P<sep>[-/.])(?P<m>\d\d)(?P=sep)(?P<d>\d\d))"
                 + AFTER)
YEAR_SHORT = r"(?P<y>(?:19|20)\d\d|\d\d(?![\d:]))"
"""A year after a month name: four digits, or two ('28 Mar 18'), not the hour of a time
('28 Mar 18:32')."""
DAY_SEP = r"(?:\.?\s|\.|-)"
MONTH_SEP = r"(?:\.?,?\s|\.|-)"
"""Day, month name and year apart by spaces, periods or dashes: '5. März 2024', '22-Dec-2017'."""
TEXT_DE = re.compile(BEFORE + r"(?P<date>(?P<d>\d{1,2})" + DAY_SEP + r"(?P<m>"
                     + _alternation(LEXICONS["de"]) + r")" + MONTH_SEP + YEAR_SHORT + r")"
                     + AFTER, re.I)
TEXT_EN = re.compile(
    BEFORE + r"(?P<date>(?:(?P<d>\d{1,2})(?:st|nd|rd|th)?" + DAY_SEP + r"(?P<m>"
    + _alternation(LEXICONS["en"]) + r")" + MONTH_SEP + YEAR_SHORT + r"|(?P<m2>"
    + _alternation(LEXICONS["en"])
    + r")\.?\s(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s(?P<y2>(?:19|20)\d\d)))" + AFTER, re.I)
TEXT_FR = re.compile(BEFORE + r"(?P<date>(?P<d>\d{1,2})(?:er)?" + DAY_SEP + r"(?P<m>"
                     + _alternation(LEXICONS["fr"]) + r")" + MONTH_SEP + YEAR_SHORT + r")"
                     + AFTER, re.I)


def _source(name: str, pattern: re.Pattern[str], lines: list[Line]) -> list[Hit]:
    return scan(lines, pattern, name, "date")


@step("fields.dates.candidates.dotted", scope="page", requires=["page.lines"],
      provides=["page.date.dotted"])
def dotted_dates(page_lines: list[Line]) -> list[Hit]:
    """Day.month.year (05.03.2024, 5.3.24): the German and Swiss numeric form."""
    return _source("fields.dates.candidates.dotted", DOTTED, page_lines)


@step("fields.dates.candidates.slashed", scope="page", requires=["page.lines"],
      provides=["page.date.slashed"])
def slashed_dates(page_lines: list[Line]) -> list[Hit]:
    """d/m/y or m/d/y (05/03/2024): which one the page writes is decided on all of them."""
    return _source("fields.dates.candidates.slashed", SLASHED, page_lines)


@step("fields.dates.candidates.dashed", scope="page", requires=["page.lines"],
      provides=["page.date.dashed"])
def dashed_dates(page_lines: list[Line]) -> list[Hit]:
    """d-m-yyyy or m-d-yyyy (05-03-2024), read in the page's order like slash dates."""
    return _source("fields.dates.candidates.dashed", DASHED, page_lines)


@step("fields.dates.candidates.iso", scope="page", requires=["page.lines"],
      provides=["page.date.iso"])
def iso_dates(page_lines: list[Line]) -> list[Hit]:
    """Year first (2024-03-05, and 2024/03/05 as East Asia writes it), as machines and
    e-invoices print them."""
    return _source("fields.dates.candidates.iso", ISO, page_lines)


@step("fields.dates.candidates.text.de", scope="page", requires=["page.lines"],
      provides=["page.date.text_de"])
def german_text_dates(page_lines: list[Line]) -> list[Hit]:
    """German dates with a month name: '5. März 2024', '05. Okt. 2023', '5-Mär-24'."""
    return _source("fields.dates.candidates.text.de", TEXT_DE, page_lines)


@step("fields.dates.candidates.text.en", scope="page", requires=["page.lines"],
      provides=["page.date.text_en"])
def english_text_dates(page_lines: list[Line]) -> list[Hit]:
    """English dates with a month name in either order: 'March 5, 2024', '5th March 2024',
    '28 Mar 18', '22-Dec-2017'."""
    return _source("fields.dates.candidates.text.en", TEXT_EN, page_lines)


@step("fields.dates.candidates.text.fr", scope="page", requires=["page.lines"],
      provides=["page.date.text_fr"])
def french_text_dates(page_lines: list[Line]) -> list[Hit]:
    """French dates with a month name: '5 mars 2024', '1er août 2023'."""
    return _source("fields.dates.candidates.text.fr", TEXT_FR, page_lines)


SOURCES = (dotted_dates, slashed_dates, iso_dates, german_text_dates, english_text_dates,
           french_text_dates, dashed_dates)
NUMERIC_ORDER = (".slashed", ".dashed")
"""Sources whose day and month may stand in either order."""
"""All date sources, in the order the normalise step takes them."""
