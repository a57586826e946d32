"""Dates in German, English and French notation, normalised to ISO and checked to exist.

Candidates carry their label and column header; selection gives each date a role (issue, due,
delivery) from those, in German, English and French.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Any

from cosy.domain import FieldValue, Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import find_mentions, flatten

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
    r"|(?P<mdy>(?P<em>" + MONTH_RE + r")\.?\s(?P<ed>\d{1,2})(?:st|nd|rd|th)?,?\s"
    r"(?P<ey>(?:19|20)\d\d))"
    r")(?![\d.,]\d)",
    re.IGNORECASE,
)
SLASH_DATE = re.compile(r"(?<![\d.,/])(\d{1,2})/(\d{1,2})/(?:19|20)?\d\d(?![\d.,]\d)")


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


def slash_order_is_us(texts: list[str]) -> bool:
    """True when some slash date can only be month/day (11/17/2017): the page writes US order."""
    us = eu = False
    for text in texts:
        for m in SLASH_DATE.finditer(text):
            a, b = int(m[1]), int(m[2])
            us |= b > 12 >= a
            eu |= a > 12 >= b
    return us and not eu


@step("fields.date.candidates", scope="page", requires=["page.lines", "page_no", "page.geometry"],
      provides=["page.date_mentions"])
def date_candidates(page_lines: list[Line], page_no: int,
                    page_geometry: dict[str, float]) -> list[Mention]:
    """Every date on the page that exists in the calendar, with label and column header.

    Slash dates follow the page's own order: one unambiguous 11/17/2017 makes 11/03/2017 the
    3rd of November, as the writer meant it.
    """
    us = slash_order_is_us([ln.text for ln in page_lines])
    return list(find_mentions(page_lines, page_no, DATE, "date", "fields.date.candidates",
                              partial(parse_date, us_order=us), page_geometry["height"]))


# --- roles ---------------------------------------------------------------------------------------

DUE = re.compile(
    r"fällig|faellig|zahlbar|zahlungsziel|bis zum|spätestens|(?<!over)due|payable|remit|pay by|"
    r"payment date|échéance|echeance|à régler|a regler|payer avant|no later than|"
    r"au plus tard", re.I)
DEADLINE = re.compile(r"(?<!\d\s)(?:\bby|\bbis|\bavant(?: le)?|\bbefore)$", re.I)
"""A deadline preposition right before the date: a due date unless delivery is named."""
DELIVERY = re.compile(
    r"liefer|leistungsdatum|leistungszeitraum|deliver|shipping date|ship date|"
    r"livraison|date of supply|tax point|service date|date of service|prestation|required by", re.I)
ISSUE = re.compile(
    r"rechnungsdatum|belegdatum|ausstellungsdatum|invoice date|date of issue|issue date|issued|"
    r"date de (?:la )?facture|date d'émission|facture du|date facture", re.I)
ISSUE_WEAK = re.compile(r"datum|^date\b|\bdate$|(?:\bvom|\bvon|\bden|\bdu|\bdated|\bof)$", re.I)
NOT_A_ROLE = re.compile(
    r"skonto|discount|escompte|bestellung vom|order date|bestelldatum|auftragsdatum|"
    r"gültig|valid|period|zeitraum|geburt|birth|effective|druck|print|mandat|\bab\b|seit|since|"
    r"commences|beginnt|commence", re.I)
PLACE_DATE = re.compile(r"^[A-ZÄÖÜ][^\d,:;]{1,40},\s*(?:den|le|am)?$")
"""'München, den' before a date: where and when a letter or contract was signed."""


def _tail(text: str | None, size: int = 40) -> str:
    return (text or "")[-size:]


def date_roles(m: Mention) -> set[str]:
    """The roles a date's label (or, in a table row or without a label, its header) names."""
    label = _tail(m.label)
    header = getattr(m, "header", "") or ""
    use_header = not label or getattr(m, "in_row", False) or not _roles_of(label)
    text = header if use_header and header else label
    return _roles_of(text)


def _roles_of(text: str) -> set[str]:
    if not text or NOT_A_ROLE.search(text):
        return set()
    roles = set()
    if DUE.search(text):
        roles.add("due_date")
    if DELIVERY.search(text):
        roles.add("delivery_date")
    elif DEADLINE.search(text.strip()):
        roles.add("due_date")
    if ISSUE.search(text) or (not roles and ISSUE_WEAK.search(text)):
        roles.add("issue_date")
    if "due_date" in roles and "delivery_date" in roles:
        roles.discard("delivery_date")
    return roles


FALLBACK_MIN = 0.5
"""The role model's probability a date needs to fill a role that no label names."""


def _field(name: str, m: Mention, confidence: float, model: str | None = None) -> FieldValue:
    return FieldValue(name, m.value, round(confidence, 4), m.page, m.bbox, m.span,
                      "fields.date.select", model or m.model)


def select_dates(mentions: list[Mention], probs: list[dict[str, float]] | None = None,
                 model: str | None = None) -> dict[str, FieldValue]:
    """Issue, due and delivery date: the first date whose context names the role.

    Without a labelled issue date, the first date near the top of the first page is the
    document's date (letters carry their date without a label). A due date before the issue date
    is dropped: the consistency check of DESIGN §4.

    With the role model's probabilities (``probs``, one dict per mention, ``fields.date.role``)
    a selected date's confidence is the model's probability of its role, and a role no label
    names goes to the date the model gives it with at least :data:`FALLBACK_MIN`.
    """
    scores = probs if probs is not None and len(probs) == len(mentions) else None
    ref = model if scores is not None else None

    def conf(role: str, i: int, default: float) -> float:
        return scores[i].get(role, default) if scores is not None else default

    out: dict[str, FieldValue] = {}
    used: set[int] = set()
    roles = [(m, date_roles(m)) for m in mentions]
    for i, (m, found) in enumerate(roles):
        for role in sorted(found - {"due_date"}):
            if role not in out:
                out[role] = _field(role, m, conf(role, i, 0.85), ref)
                used.add(i)

    def by_model(role: str, ok: Any = None) -> int | None:
        if scores is None:
            return None
        best = max((i for i, (m, _) in enumerate(roles)
                    if i not in used and (ok is None or ok(m))),
                   key=lambda i: scores[i].get(role, 0.0), default=None)
        return best if best is not None and scores[best].get(role, 0.0) >= FALLBACK_MIN else None

    for role in ("issue_date", "delivery_date"):
        if role not in out and (i := by_model(role)) is not None:
            out[role] = _field(role, roles[i][0], conf(role, i, 0.5), ref)
            used.add(i)
    if "issue_date" not in out:
        top = [i for i, (m, found) in enumerate(roles) if m.page == 1
               and getattr(m, "y", 0.0) < 0.4 and not NOT_A_ROLE.search(_tail(m.label))
               and not found]
        signed = [i for i, (m, found) in enumerate(roles)
                  if not found and PLACE_DATE.match(_tail(m.label))]
        if top or signed:
            i = (top or signed)[0]
            out["issue_date"] = _field("issue_date", roles[i][0], conf("issue_date", i, 0.5), ref)
            used.add(i)
    issue = out.get("issue_date")
    dues = [i for i, (m, found) in enumerate(roles) if "due_date" in found]
    # a due date before the issue date is another document's (an overdue invoice in a reminder)
    due = next((i for i in dues if issue is None or roles[i][0].value >= issue.value), None)
    if due is None:
        due = by_model("due_date", lambda m: issue is None or m.value >= issue.value)
    if due is not None:
        out["due_date"] = _field("due_date", roles[due][0], conf("due_date", due, 0.85), ref)
    return out


@step("fields.date.select", scope="document", requires=["page.date_mentions", "page.date_roles"],
      provides=["doc.field.date"])
def select_date_fields(page_date_mentions: list[list[Mention]],
                       page_date_roles: list[list[dict[str, float]]]) -> dict[str, FieldValue]:
    """Issue, due and delivery dates of the document from all pages' date candidates and the
    role model's probabilities (``fields.date.role``)."""
    from cosy.steps.fields.roles import DATE_ROLE_MODEL

    probs = [p for page in page_date_roles for p in page]
    return select_dates(flatten(page_date_mentions), probs, DATE_ROLE_MODEL)
