"""Money amounts in German (1.234,56) and English (1,234.56) notation, as decimal strings."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from cosy.domain import Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import find_mentions

CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "CHF": "CHF", "EUR": "EUR", "USD": "USD",
                  "GBP": "GBP", "Fr.": "CHF"}
AMOUNT = re.compile(
    r"(?<![\w.,/-])(?P<sign>-)?\s?(?:[€$£]\s?)?(?P<amount>\d{1,3}(?:(?P<g>[.,' ])\d{3})*"
    r"(?P<d>[.,])\d{2}|\d+(?P<d2>[.,])\d{2})(?![\d.,]?\d)(?!\s?%)"
)


def parse_amount(text: str) -> Decimal | None:
    """The value of an amount written with either decimal mark, thousands groups optional."""
    text = text.replace(" ", "").replace("'", "")
    if len(text) >= 3 and text[-3] in ".,":
        whole, frac = text[:-3], text[-2:]
        whole = whole.replace(".", "").replace(",", "")
        try:
            return Decimal(f"{whole}.{frac}")
        except InvalidOperation:
            return None
    return None


def _normalize(m: re.Match[str]) -> str | None:
    g, d = m["g"], m["d"]
    if g and g == d:  # 1.234.56 is not an amount
        return None
    value = parse_amount(m["amount"])
    if value is None:
        return None
    if m["sign"]:
        value = -value
    return f"{value:.2f}"


@step("fields.amount.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.amount_mentions"])
def amount_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Every amount with two decimals on the page, normalised to a dot decimal string."""
    return list(find_mentions(page_lines, page_no, AMOUNT, "amount", "fields.amount.candidates",
                              _normalize))
