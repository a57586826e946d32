"""Currency: ISO 4217 codes and currency signs printed on the page, a labelled one first.

Codes (EUR, CHF), signs (€, $, £, Fr.) and words (Euro, pounds sterling) are separate sources.
``fields.currency.context`` reads the label of each and whether it is the document's declared
currency ('Währung: GBP'); ``fields.currency.per_amount`` says which currency each amount is
written with; ``fields.currency.select.currency`` decides: declared, else the amounts', else the
most printed.
"""

from __future__ import annotations

import re
from collections import Counter

from cosy.domain import FieldValue, Line, Mention
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import SCHEMA, XSD
from cosy.steps.fields.common import find_mentions, flatten
from cosy.steps.xml_tree import CII_SETTLEMENT

CODES = ("EUR", "USD", "GBP", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD",
         "AUD", "CNY")
SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "Fr.": "CHF", "SFr.": "CHF"}
CODE = re.compile(r"(?P<currency>\b(?:" + "|".join(CODES) + r")\b)")
SIGN = re.compile(r"(?P<currency>[€$£]|(?<!\w)S?Fr\.(?=\s?\d))")
WORDS = {"euro": "EUR", "euros": "EUR", "us-dollar": "USD", "us dollars": "USD",
         "pfund sterling": "GBP", "pound sterling": "GBP", "pounds sterling": "GBP",
         "livres sterling": "GBP", "schweizer franken": "CHF", "swiss francs": "CHF",
         "francs suisses": "CHF"}
WORD = re.compile(r"(?P<currency>\b(?:" + "|".join(sorted(WORDS, key=len, reverse=True))
                  + r")\b)", re.I)
LABEL = re.compile(r"währung|currency|devise|monnaie|beträge in|amounts in", re.I)
NOT_THE_DOCUMENTS = re.compile(r"steuer|tax|vat|buchung", re.I)
"""A tax or booking currency stated next to the document's is not the document's."""


@step("fields.currency.candidates.codes", scope="page", requires=["page.lines", "page_no"],
      provides=["page.currency.codes"])
def currency_codes(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Every ISO 4217 code on the page."""
    return list(find_mentions(page_lines, page_no, CODE, "currency",
                              "fields.currency.candidates.codes", lambda m: m["currency"]))


@step("fields.currency.candidates.signs", scope="page", requires=["page.lines", "page_no"],
      provides=["page.currency.signs"])
def currency_signs(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Every currency sign on the page (€ $ £, Fr. before an amount), as its ISO code."""
    return list(find_mentions(page_lines, page_no, SIGN, "currency",
                              "fields.currency.candidates.signs",
                              lambda m: SIGNS.get(m["currency"])))


@step("fields.currency.candidates.words", scope="page", requires=["page.lines", "page_no"],
      provides=["page.currency.words"])
def currency_words(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Currencies written as words ('Beträge in Euro', 'payable in pounds sterling')."""
    return list(find_mentions(page_lines, page_no, WORD, "currency",
                              "fields.currency.candidates.words",
                              lambda m: WORDS[m["currency"].lower()]))


def currency_context(codes: list[Mention], signs: list[Mention],
                     words: list[Mention] | None = None) -> list[Mention]:
    """All currency mentions in reading order; a declared one ('Währung: GBP') gets role
    'declared'. A currency word counts only as a declaration: 'Euro' in running text is no
    statement about the document's amounts."""
    found = sorted([*codes, *signs, *(words or [])], key=lambda m: (m.page, m.span))
    for m in found:
        if LABEL.search(m.label or "") and not NOT_THE_DOCUMENTS.search(m.label or ""):
            m.role = "declared"
    return [m for m in found if m.role == "declared" or "words" not in m.step]


@step("fields.currency.context", scope="page",
      requires=["page.currency.codes", "page.currency.signs", "page.currency.words"],
      provides=["page.currency.context"])
def currency_context_step(page_currency_codes: list[Mention], page_currency_signs: list[Mention],
                          page_currency_words: list[Mention]) -> list[Mention]:
    """The page's currency mentions with the declared one marked."""
    return currency_context(page_currency_codes, page_currency_signs, page_currency_words)


def currency_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Every currency mention of the page in context (all sources and context in one)."""
    return currency_context(currency_codes(page_lines, page_no),
                            currency_signs(page_lines, page_no),
                            currency_words(page_lines, page_no))


ATTACHED_GAP = 2
"""Characters at most between an amount and the sign or code written with it ('€ 12,00')."""


@step("fields.currency.per_amount", scope="page",
      requires=["page.amount.context", "page.currency.context"],
      provides=["page.amount.currency"])
def amount_currency(page_amount_context: list[Mention], page_currency_context: list[Mention]
                    ) -> list[str | None]:
    """The currency each amount is written with (a sign or code right before or after it in
    its cell), aligned with the page's amounts; None where the amount stands bare."""
    out: list[str | None] = []
    for a in page_amount_context:
        start, end = a.span
        found = next((c.value for c in page_currency_context
                      if 0 <= start - c.span[1] <= ATTACHED_GAP
                      or 0 <= c.span[0] - end <= ATTACHED_GAP), None)
        out.append(found)
    return out


def select_currency(mentions: list[Mention], attached: list[str | None] | None = None
                    ) -> dict[str, FieldValue]:
    """The declared currency (Rechnungswährung: GBP), else the one the amounts are written with
    most often, else the one printed most often."""
    if not mentions:
        return {}
    declared = [m for m in mentions if m.role == "declared"]
    with_amounts = Counter(c for c in attached or () if c is not None)
    if declared:
        m, confidence = declared[0], 0.95
    elif with_amounts and (code := with_amounts.most_common(1)[0][0]) in {
            x.value for x in mentions}:
        m, confidence = next(x for x in mentions if x.value == code), 0.85
    else:
        code = Counter(m.value for m in mentions).most_common(1)[0][0]
        m, confidence = next(x for x in mentions if x.value == code), 0.75
    return {"currency": FieldValue("currency", m.value, confidence, m.page, m.bbox, m.span,
                                   "fields.currency.select.currency")}


CURRENCY_FIELD = field_spec(
    "currency", "code", "the ISO 4217 currency of the amounts", bt="BT-5", match="code",
    scored=True, predicate=SCHEMA + "priceCurrency", datatype=XSD + "string",
    cii=(*CII_SETTLEMENT, "InvoiceCurrencyCode"), ubl=("DocumentCurrencyCode",))


@step("fields.currency.select.currency", scope="document",
      requires=["page.currency.context", "page.amount.currency"], provides=["doc.field.currency"])
def select_currency_field(page_currency_context: list[list[Mention]],
                          page_amount_currency: list[list[str | None]]) -> dict[str, FieldValue]:
    """The document's currency from all pages' currency mentions and the amounts' currencies."""
    return select_currency(flatten(page_currency_context),
                           [c for page in page_amount_currency for c in page])
