"""Currencies as documents print them: ISO 4217 codes, signs and local symbols.

Shared by the families that read money: the currency family (which currency a document is
written in), the amount sources (a sign before an amount belongs to it: 'RM15.90', 'Rs. 120.00')
and the label and header readers (a currency cell is part of a table row, never an amount's
label: 'TOTAL  RM 64.15' is labelled 'TOTAL').

Three kinds of token, by how much they say on their own:

* codes (:data:`CODES`): three upper-case letters that are no word of the languages we read;
* signs (:data:`SIGNS`): '€', '£', '₹', 'S$', 'HK$', 'Fr.' ... a bare '$' is the US dollar unless
  the page says otherwise (see :mod:`cosy.steps.fields.locale`);
* local symbols (:data:`LOCAL`): letters that are a currency only next to an amount or in a
  column header's parentheses ('RM 12.00', 'Amount (RM)', 'Rs. 250'), since 'RM' or 'Rs' alone
  may be anything.
"""

from __future__ import annotations

import re

CODES: tuple[str, ...] = (
    "EUR", "USD", "GBP", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD", "AUD",
    "CNY", "RMB", "MYR", "SGD", "INR", "HKD", "NZD", "ZAR", "BRL", "MXN", "RUB", "IDR", "THB",
    "KRW", "AED", "ILS", "BGN", "HRK", "ISK", "TWD", "VND", "UAH",
)
"""ISO 4217 codes we read; codes that are also words or names printed in capitals ('ALL',
'TOP', 'TRY', 'PHP', 'RON' of petrol) are left out."""
CODE_ALIASES = {"RMB": "CNY"}
SIGNS: dict[str, str] = {
    "€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₺": "TRY",
    "₽": "RUB", "₪": "ILS", "₫": "VND", "฿": "THB", "₱": "PHP", "₴": "UAH", "zł": "PLN",
    "Kč": "CZK", "US$": "USD", "U$S": "USD", "S$": "SGD", "SG$": "SGD", "A$": "AUD",
    "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "HK$": "HKD", "R$": "BRL",
    "MX$": "MXN", "Fr.": "CHF", "SFr.": "CHF",
}
"""Currency signs; a letter before '$' names whose dollar it is (S$ Singapore, HK$ Hong Kong)."""
LOCAL: dict[str, str] = {"RM": "MYR", "Rs.": "INR", "Rs": "INR", "Rp": "IDR"}
"""Letters that are a currency only where an amount or a header's parentheses make them one."""
DOLLARS = {"AU": "AUD", "CA": "CAD", "NZ": "NZD", "SG": "SGD", "HK": "HKD"}
"""Countries whose own dollar a bare '$' means when the page is written there."""


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_LETTERED = [s for s in SIGNS if s[0].isalpha()]
_PURE = [s for s in SIGNS if not s[0].isalpha()]
SIGN_PATTERN = r"(?:(?<![^\W\d_])(?:" + _alternation(_LETTERED) + r")|" \
               + _alternation(_PURE) + r")"
"""A currency sign; one starting with a letter ('S$', 'Kč', 'Fr.') not inside a word."""
CODE_PATTERN = r"\b(?:" + "|".join(CODES) + r")\b"
LOCAL_PATTERN = r"(?<![^\W\d_])(?:" + _alternation(list(LOCAL)) + r")(?![^\W\d_])"
TOKEN_PATTERN = r"(?:" + CODE_PATTERN + "|" + SIGN_PATTERN + "|" + LOCAL_PATTERN + r")"
"""Any currency token: code, sign or local symbol (the amount readers' view: next to a number
each of them is a currency)."""
TOKEN = re.compile(r"^\(?" + TOKEN_PATTERN + r"\)?$")
"""A text that is nothing but a currency token ('RM', '(EUR)', '€'): a cell of a table row."""
TRAILING_TOKEN = re.compile(r"[\s(]*" + TOKEN_PATTERN + r"[\s)]*$")


def currency_of(token: str) -> str | None:
    """The ISO code a printed token stands for ('RM' -> MYR, 'S$' -> SGD, 'rmb' -> CNY)."""
    token = token.strip("() ")
    upper = token.upper()
    if upper in CODES:
        return CODE_ALIASES.get(upper, upper)
    return SIGNS.get(token) or LOCAL.get(token)


def is_currency_cell(text: str) -> bool:
    """Whether a cell holds only a currency token (a column of a table row, not a label)."""
    return bool(TOKEN.match(text.strip()))


def without_currency(text: str) -> str:
    """A label without the currency written after it ('Total RM' -> 'Total')."""
    return TRAILING_TOKEN.sub("", text)
