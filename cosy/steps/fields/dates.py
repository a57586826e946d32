"""Dates in German, English and French notation, normalised to ISO and checked to exist."""

from __future__ import annotations

import datetime as dt
import re

from cosy.domain import Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import find_mentions

MONTHS = {
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
    "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
    "dezember": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
    "december": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items()) if len(k) > 3})
MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))

DATE = re.compile(
    r"(?<![\d.,/])(?P<date>"
    r"(?P<iso>(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d))"
    r"|(?P<num>(?P<nd>\d{1,2})(?P<sep>[./])(?P<nm>\d{1,2})(?P=sep)(?P<ny>(?:19|20)?\d\d))"
    r"|(?P<dmy>(?P<td>\d{1,2})\.?\s(?P<tm>" + MONTH_RE + r")\.?\s(?P<ty>(?:19|20)\d\d))"
    r"|(?P<mdy>(?P<em>" + MONTH_RE + r")\.?\s(?P<ed>\d{1,2})(?:st|nd|rd|th)?,?\s(?P<ey>(?:19|20)\d\d))"
    r")(?![\d.,]\d)",
    re.IGNORECASE,
)


def _year(y: str) -> int:
    return int(y) + 2000 if len(y) == 2 else int(y)


def parse_date(m: re.Match[str], us_order: bool = False) -> str | None:
    """ISO date of a match, or None when no such day exists (31.02.) or the format is ambiguous."""
    try:
        if m["iso"]:
            d = dt.date(int(m["iy"]), int(m["im"]), int(m["id"]))
        elif m["num"]:
            a, b, y = int(m["nd"]), int(m["nm"]), _year(m["ny"])
            if m["sep"] == "/" and (us_order or b > 12) and a <= 12:
                a, b = b, a
            d = dt.date(y, b, a)
        elif m["dmy"]:
            d = dt.date(int(m["ty"]), MONTHS[m["tm"].lower()], int(m["td"]))
        else:
            d = dt.date(int(m["ey"]), MONTHS[m["em"].lower()], int(m["ed"]))
    except (ValueError, KeyError):
        return None
    return d.isoformat()


@step("fields.date.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.date_mentions"])
def date_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Every date on the page that exists in the calendar, with its label."""
    return list(find_mentions(page_lines, page_no, DATE, "date", "fields.date.candidates",
                              parse_date))
