"""Amount candidate sources: one step per locale's way of writing money.

German 1.234,56, English 1,234.56, French 1 234,56 (space, no-break or thin space groups),
Swiss 1'234.56 and Indian 1,23,456.00 differ in their thousands and decimal marks; ungrouped
amounts (1234,56 / 1234.56) belong to the locale of their decimal mark. Each source reports
:class:`Hit` records; ``fields.amounts.normalise`` resolves overlaps (the French '1 234,56' over
the German '234,56') and reads the value.
"""

from __future__ import annotations

import re

from cosy.domain import Line
from cosy.engine.step import step
from cosy.steps.fields.hits import Hit, scan
from cosy.steps.fields.money import TOKEN_PATTERN

BEFORE = r"(?<![\w.,/-])(?P<sign>-)?\s?(?:" + TOKEN_PATTERN + r"\s?)?"
"""Not inside a word or another number; a minus and a currency (sign, code or local symbol,
written apart or not: '€ 12,00', 'RM15.90') may stand before."""
AFTER = r"(?![\d.,]?\d)(?!\s?%)"
"""No further digits, and not a percentage (19,00 % is a rate)."""


def _pattern(amount: str) -> re.Pattern[str]:
    return re.compile(BEFORE + r"(?P<amount>" + amount + r")" + AFTER)


GERMAN = _pattern(r"\d{1,3}(?:\.\d{3})+,\d{2}|\d+,\d{2}")
ENGLISH = _pattern(r"\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2}")
FRENCH = _pattern(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+[.,]\d{2}")
SWISS = _pattern(r"\d{1,3}(?:['’]\d{3})+[.,]\d{2}")
INDIAN = _pattern(r"\d{1,2}(?:,\d{2})+,\d{3}\.\d{2}")


@step("fields.amounts.candidates.de", scope="page", requires=["page.lines"],
      provides=["page.amount.de"])
def german_amounts(page_lines: list[Line]) -> list[Hit]:
    """Amounts with a decimal comma and dot groups: 1.234,56 and 1234,56."""
    return scan(page_lines, GERMAN, "fields.amounts.candidates.de", "amount", rank=0)


@step("fields.amounts.candidates.en", scope="page", requires=["page.lines"],
      provides=["page.amount.en"])
def english_amounts(page_lines: list[Line]) -> list[Hit]:
    """Amounts with a decimal point and comma groups: 1,234.56 and 1234.56."""
    return scan(page_lines, ENGLISH, "fields.amounts.candidates.en", "amount", rank=1)


@step("fields.amounts.candidates.fr", scope="page", requires=["page.lines"],
      provides=["page.amount.fr"])
def french_amounts(page_lines: list[Line]) -> list[Hit]:
    """Amounts grouped by spaces (1 234,56; no-break and thin spaces too)."""
    return scan(page_lines, FRENCH, "fields.amounts.candidates.fr", "amount", rank=2)


@step("fields.amounts.candidates.ch", scope="page", requires=["page.lines"],
      provides=["page.amount.ch"])
def swiss_amounts(page_lines: list[Line]) -> list[Hit]:
    """Amounts grouped by apostrophes (1'234.56), as Switzerland writes them."""
    return scan(page_lines, SWISS, "fields.amounts.candidates.ch", "amount", rank=3)


@step("fields.amounts.candidates.in", scope="page", requires=["page.lines"],
      provides=["page.amount.in"])
def indian_amounts(page_lines: list[Line]) -> list[Hit]:
    """Amounts grouped in lakhs and crores (1,23,456.00), as India writes them."""
    return scan(page_lines, INDIAN, "fields.amounts.candidates.in", "amount", rank=4)


SOURCES = (german_amounts, english_amounts, french_amounts, swiss_amounts, indian_amounts)
