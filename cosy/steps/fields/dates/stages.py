"""Dates: normalise, validate and put in context what the date sources found; role cues.

The sources (:mod:`cosy.steps.fields.dates.sources`) report matches; ``fields.dates.normalise``
resolves their overlaps and reads year, month and day (slash dates in the page's own order);
``fields.dates.validate`` keeps the dates that exist in a plausible year; ``fields.dates.context``
adds label, column header and position; the role words of the labels are read per language in
:mod:`date_cues`; ``fields.dates.ranges`` pairs the two ends of a period. The
role model (``fields.dates.role``) and the per-field selections (:mod:`date_select`) follow.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise

from cosy.domain import Line, Mention, PageGeometry
from cosy.engine.step import step
from cosy.steps.fields.common import Candidate, with_row_labels
from cosy.steps.fields.dates.cues import LEXICONS
from cosy.steps.fields.dates.sources import MONTHS, NUMERIC_ORDER
from cosy.steps.fields.hits import Hit, mentions, resolve_overlaps
from cosy.steps.fields.locale import us_evidence

DateReading = tuple[Hit, int, int, int]
"""A hit read as (year, month, day), not yet checked against the calendar."""

FIRST_YEAR, LAST_YEAR = 1900, 2099
"""Years a business document's date can plausibly carry."""


def _year(y: str) -> int:
    return int(y) + 2000 if len(y) == 2 else int(y)


def slash_order_is_us(hits: list[Hit], us_page: bool = False) -> bool:
    """Whether the page writes slash dates month first: some date can only be month/day
    (11/17/2017) and none only day/month; where every one could be either, whether the page is
    American (``us_page``, :func:`cosy.steps.fields.locale.us_evidence`)."""
    us = eu = False
    for h in hits:
        a, b = int(h.part("d")), int(h.part("m"))
        us |= b > 12 >= a
        eu |= a > 12 >= b
    if us or eu:
        return us and not eu
    return us_page


def read_date(hit: Hit, us_order: bool = False) -> DateReading | None:
    """Year, month and day of a hit (a month word through the lexicons), or None."""
    y, m, d = hit.part("y") or hit.part("y2"), hit.part("m") or hit.part("m2"), \
        hit.part("d") or hit.part("d2")
    month = int(m) if m.isdigit() else MONTHS.get(m.lower())
    if month is None or not y or not d:
        return None
    day = int(d)
    if hit.source.endswith(NUMERIC_ORDER) and (us_order or month > 12) and day <= 12:
        day, month = month, day
    return hit, _year(y), month, day


def normalise_dates(sources: list[list[Hit]], us_page: bool = False) -> list[DateReading]:
    """One reading per date written on the page: overlaps resolved, slash order decided.

    Slash dates follow the page's own order: one unambiguous 11/17/2017 makes 11/03/2017 the
    3rd of November, as the writer meant it; where none decides, an American page writes month
    first and every other day first.
    """
    hits = resolve_overlaps(*sources)
    us = slash_order_is_us([h for h in hits if h.source.endswith(NUMERIC_ORDER)], us_page)
    return [r for h in hits if (r := read_date(h, us)) is not None]


@step("fields.dates.normalise.slash_order", scope="page", requires=["page.lines"],
      provides=["page.date.us_page"])
def date_locale(page_lines: list[Line]) -> bool:
    """Whether the page is American (a US address or phone number, no VAT or GST): its
    ambiguous slash dates are month first."""
    return us_evidence(page_lines)


@step("fields.dates.normalise", scope="page",
      requires=["page.date.dotted", "page.date.slashed", "page.date.iso", "page.date.text_de",
                "page.date.text_en", "page.date.text_fr", "page.date.dashed",
                "page.date.us_page"],
      provides=["page.date.normalised"])
def date_normalise(page_date_dotted: list[Hit], page_date_slashed: list[Hit],
                   page_date_iso: list[Hit], page_date_text_de: list[Hit],
                   page_date_text_en: list[Hit], page_date_text_fr: list[Hit],
                   page_date_dashed: list[Hit], page_date_us_page: bool) -> list[DateReading]:
    """Year, month, day of every date the sources found, each written date once."""
    return normalise_dates([page_date_dotted, page_date_slashed, page_date_iso,
                            page_date_text_de, page_date_text_en, page_date_text_fr,
                            page_date_dashed], page_date_us_page)


def validate_dates(readings: list[DateReading]) -> list[tuple[Hit, str]]:
    """ISO date of each reading that exists in the calendar (no 31.02.) in a plausible year."""
    out = []
    for hit, y, m, d in readings:
        if not FIRST_YEAR <= y <= LAST_YEAR:
            continue
        try:
            out.append((hit, dt.date(y, m, d).isoformat()))
        except ValueError:
            continue
    return out


@step("fields.dates.validate", scope="page", requires=["page.date.normalised"],
      provides=["page.date.valid"])
def date_validate(page_date_normalised: list[DateReading]) -> list[tuple[Hit, str]]:
    """The dates that exist, as ISO strings."""
    return validate_dates(page_date_normalised)


@step("fields.dates.context", scope="page",
      requires=["page.date.valid", "page.lines", "page_no", "page.geometry"],
      provides=["page.date.context"])
def date_context(page_date_valid: list[tuple[Hit, str]], page_lines: list[Line], page_no: int,
                 page_geometry: PageGeometry) -> list[Mention]:
    """Each valid date as a mention with its label, column header and height on the page."""
    found = list(mentions(page_lines, page_no, page_geometry.height, "date", page_date_valid))
    with_row_labels(found, page_lines)
    return found


# --- roles ---------------------------------------------------------------------------------------

NOT_A_ROLE = re.compile("|".join(lex["not_a_role"] for lex in LEXICONS.values()), re.I)
"""Words that rule any role out ('Skonto bis', 'valid until', 'escompte'), in any language."""
PLACE_DATE = re.compile(r"^[A-ZÄÖÜ][^\d,:;]{1,40},\s*(?:den|le|am)?$")
"""'München, den' before a date: where and when a letter or contract was signed."""


def _tail(text: str | None, size: int = 40) -> str:
    return (text or "")[-size:]


RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|bis(?: zum)?|to|until|till|through|au|à|jusqu'au)\s*$",
                        re.I)
PERIOD = re.compile(r"zeitraum|periode|period|période|leistung|abrechnung|billing|service|"
                    r"\bvom\b|\bfrom\b|\bdu\b", re.I)


@step("fields.dates.ranges", scope="page", requires=["page.date.context", "page.lines"],
      provides=["page.date.ranges"])
def date_ranges(page_date_context: list[Mention], page_lines: list[Line]
                ) -> list[tuple[int, int]]:
    """Pairs of dates that span a period ('Leistungszeitraum 01.03.2024 - 31.03.2024',
    'from 1 March 2024 to 31 March 2024'): indices of start and end in the page's dates."""
    out = []
    for i, (a, b) in enumerate(pairwise(page_date_context)):
        if not isinstance(a, Candidate) or not isinstance(b, Candidate) or a.line != b.line:
            continue
        line = page_lines[a.line]
        between = line.text[a.span[1] - line.start:b.span[0] - line.start]
        if RANGE_JOIN.match(between) and PERIOD.search((a.label or "")[-40:]) \
                and a.value <= b.value:
            out.append((i, i + 1))
    return out
