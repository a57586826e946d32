"""Currency: ISO 4217 codes and signs printed on the page, a labelled one first."""

from __future__ import annotations

import re
from collections import Counter

from cosy.domain import FieldValue, Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import find_mentions, flatten

CODES = ("EUR", "USD", "GBP", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD",
         "AUD", "CNY")
SIGNS = {"€": "EUR", "$": "USD", "£": "GBP"}
CURRENCY = re.compile(r"(?P<currency>\b(?:" + "|".join(CODES) + r")\b|[€$£])")
LABEL = re.compile(r"währung|currency|devise|monnaie|beträge in|amounts in", re.I)


@step("fields.currency.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.currency_mentions"])
def currency_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Every currency code or sign on the page, as its ISO 4217 code."""
    return list(find_mentions(page_lines, page_no, CURRENCY, "currency",
                              "fields.currency.candidates",
                              lambda m: SIGNS.get(m["currency"], m["currency"])))


def select_currency(mentions: list[Mention]) -> dict[str, FieldValue]:
    """The labelled currency (Rechnungswährung: GBP), else the one printed most often."""
    if not mentions:
        return {}
    labelled = [m for m in mentions if LABEL.search(m.label or "")
                and not re.search(r"steuer|tax|vat|buchung", m.label or "", re.I)]
    if labelled:
        m, confidence = labelled[0], 0.95
    else:
        code = Counter(m.value for m in mentions).most_common(1)[0][0]
        m, confidence = next(x for x in mentions if x.value == code), 0.75
    return {"currency": FieldValue("currency", m.value, confidence, m.page, m.bbox, m.span,
                                   "fields.currency.select")}


@step("fields.currency.select", scope="document", requires=["page.currency_mentions"],
      provides=["doc.field.currency"])
def select_currency_field(page_currency_mentions: list[list[Mention]]) -> dict[str, FieldValue]:
    """The document's currency from all pages' currency candidates."""
    return select_currency(flatten(page_currency_mentions))
