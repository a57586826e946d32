"""Currency: ISO 4217 codes and currency signs printed on the page, a labelled one first.

Codes (EUR, CHF, MYR), signs (€, $, £, ₹, S$, Fr.), local symbols where an amount or a header
makes them a currency (RM, Rs.) and words (Euro, pounds sterling) are separate sources; the
tokens are shared with the amount readers (:mod:`cosy.steps.fields.money`).
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
from cosy.steps.fields.locale import dollar_country
from cosy.steps.fields.money import (
    CODE_PATTERN,
    DOLLARS,
    LOCAL_PATTERN,
    SIGN_PATTERN,
    currency_of,
)
from cosy.steps.xml_tree import CII_SETTLEMENT

CODE = re.compile(r"(?P<currency>" + CODE_PATTERN + r")")
SIGN = re.compile(r"(?P<currency>" + SIGN_PATTERN + r")")
LOCAL_SYMBOL = re.compile(
    r"(?:(?<=\()\s*(?P<paren>" + LOCAL_PATTERN + r")\s*(?=\))"
    r"|(?P<before>" + LOCAL_PATTERN + r")(?=\s?[-+]?\d)"
    r"|(?<=\d)\s?(?P<after>" + LOCAL_PATTERN + r")"
    r"|(?:^|(?<=\t))(?P<cell>" + LOCAL_PATTERN + r")(?=\t|$))")
"""A local symbol where it is a currency: in a header's parentheses ('Amount (RM)'), right
before or after an amount ('RM 12.00', '250 Rs') or alone in a table cell ('RM')."""
WORDS = {"euro": "EUR", "euros": "EUR", "us-dollar": "USD", "us dollars": "USD",
         "pfund sterling": "GBP", "pound sterling": "GBP", "pounds sterling": "GBP",
         "livres sterling": "GBP", "schweizer franken": "CHF", "swiss francs": "CHF",
         "francs suisses": "CHF", "ringgit": "MYR", "indian rupees": "INR",
         "singapore dollars": "SGD", "australian dollars": "AUD", "canadian dollars": "CAD"}
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
                              "fields.currency.candidates.codes",
                              lambda m: currency_of(m["currency"])))


def sign_currency(m: re.Match[str], dollar: str | None) -> str | None:
    """The currency a sign stands for: a bare '$' is the page's country's dollar (None when
    unclear); 'Fr.' only before an amount ('Fr. 12.50', not 'Fr. Müller')."""
    sign = m["currency"]
    if sign == "$":
        return "USD" if dollar == "US" else DOLLARS.get(dollar or "")
    if sign.endswith("Fr.") and not m.string[m.end():].lstrip()[:1].isdigit():
        return None
    return currency_of(sign)


@step("fields.currency.candidates.signs", scope="page", requires=["page.lines", "page_no"],
      provides=["page.currency.signs"])
def currency_signs(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Every currency sign on the page (€ $ £ ₹ S$ HK$ ..., Fr. before an amount), as its ISO
    code; whose dollar a bare '$' is, the page's addresses say (:mod:`..locale`)."""
    dollar = dollar_country(page_lines)
    return list(find_mentions(page_lines, page_no, SIGN, "currency",
                              "fields.currency.candidates.signs",
                              lambda m: sign_currency(m, dollar)))


def _local(m: re.Match[str]) -> str | None:
    return currency_of(next(v for v in m.groupdict().values() if v))


@step("fields.currency.candidates.local", scope="page", requires=["page.lines", "page_no"],
      provides=["page.currency.local"])
def currency_local(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Local currency symbols (RM, Rs.) where an amount or a header makes them a currency."""
    return list(find_mentions(page_lines, page_no, LOCAL_SYMBOL, "currency",
                              "fields.currency.candidates.local", _local))


@step("fields.currency.candidates.words", scope="page", requires=["page.lines", "page_no"],
      provides=["page.currency.words"])
def currency_words(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Currencies written as words ('Beträge in Euro', 'payable in pounds sterling')."""
    return list(find_mentions(page_lines, page_no, WORD, "currency",
                              "fields.currency.candidates.words",
                              lambda m: WORDS[m["currency"].lower()]))


def currency_context(codes: list[Mention], signs: list[Mention],
                     words: list[Mention] | None = None,
                     local: list[Mention] | None = None) -> list[Mention]:
    """All currency mentions in reading order; a declared one ('Währung: GBP') gets role
    'declared'. A currency word counts only as a declaration: 'Euro' in running text is no
    statement about the document's amounts."""
    found = sorted([*codes, *signs, *(local or []), *(words or [])],
                   key=lambda m: (m.page, m.span))
    for m in found:
        if LABEL.search(m.label or "") and not NOT_THE_DOCUMENTS.search(m.label or ""):
            m.role = "declared"
    return [m for m in found if m.role == "declared" or "words" not in m.step]


@step("fields.currency.context", scope="page",
      requires=["page.currency.codes", "page.currency.signs", "page.currency.words",
                "page.currency.local"],
      provides=["page.currency.context"])
def currency_context_step(page_currency_codes: list[Mention], page_currency_signs: list[Mention],
                          page_currency_words: list[Mention],
                          page_currency_local: list[Mention]) -> list[Mention]:
    """The page's currency mentions with the declared one marked."""
    return currency_context(page_currency_codes, page_currency_signs, page_currency_words,
                            page_currency_local)


def currency_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Every currency mention of the page in context (all sources and context in one)."""
    return currency_context(currency_codes(page_lines, page_no),
                            currency_signs(page_lines, page_no),
                            currency_words(page_lines, page_no),
                            currency_local(page_lines, page_no))


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
