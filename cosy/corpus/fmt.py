"""How amounts, quantities and dates are printed, per language and country.

A document fixes one ``NumberStyle`` and one date style, so the same document never mixes
``1.234,56 €`` with ``€1,234.56`` (real documents do not either); the corpus varies them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cosy.corpus.texts import MONTHS

CENT = Decimal("0.01")

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


def money(x: Decimal | float | int | str) -> Decimal:
    """Round half up to cents, the way invoicing software does."""
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """Decimal and grouping separators plus where the currency goes."""

    decimal: str = ","
    group: str = "."
    currency: str = "suffix_symbol"  # suffix_symbol | suffix_code | prefix_symbol | prefix_code

    def number(self, value: Decimal, places: int = 2) -> str:
        q = Decimal(1).scaleb(-places) if places else Decimal(1)
        v = value.quantize(q, rounding=ROUND_HALF_UP)
        sign = "-" if v < 0 else ""
        text = f"{abs(v):,.{places}f}"  # 1,234.56
        text = text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.group)
        return sign + text

    def amount(self, value: Decimal, currency: str, with_currency: bool = True) -> str:
        n = self.number(value)
        if not with_currency:
            return n
        sym = SYMBOLS.get(currency, currency)
        if self.currency == "suffix_symbol":
            return f"{n} {sym}"
        if self.currency == "suffix_code":
            return f"{n} {currency}"
        if self.currency == "prefix_symbol":
            return f"{sym}{n}" if len(sym) == 1 else f"{sym} {n}"
        return f"{currency} {n}"

    def quantity(self, value: Decimal) -> str:
        if value == value.to_integral_value():
            return self.number(value, 0)
        places = 3 if (value * 100) != (value * 100).to_integral_value() else 2
        return self.number(value, places)

    def rate(self, value: Decimal) -> str:
        """Tax rates: 19, 7, 8,1 — never 19,00."""
        if value == value.to_integral_value():
            return str(int(value))
        places = 1 if value * 10 == (value * 10).to_integral_value() else 2
        return self.number(value, places)


def number_style(language: str, country: str, rng: random.Random) -> NumberStyle:
    """A plausible amount format for a document written in ``language`` by a ``country`` firm."""
    if country == "CH":
        return NumberStyle(".", "'", rng.choice(["prefix_code", "suffix_code"]))
    if language == "de":
        return NumberStyle(",", ".", rng.choice(["suffix_symbol"] * 3 + ["suffix_code"]))
    if language == "fr":
        return NumberStyle(",", " ", rng.choice(["suffix_symbol"] * 3 + ["suffix_code"]))
    choice = rng.choice(["prefix_symbol"] * 3 + ["suffix_code", "prefix_code"])
    return NumberStyle(".", ",", choice)


DATE_STYLES: dict[str, list[str]] = {
    "de": ["dmy_dot", "dmy_dot", "dmy_dot", "d_month_de", "iso"],
    "en_GB": ["dmy_slash", "dmy_slash", "d_month", "dmy_dot", "iso"],
    "en_US": ["mdy_slash", "mdy_slash", "month_d_y", "iso"],
    "fr": ["dmy_slash", "dmy_slash", "d_month"],
}


def date_style(language: str, country: str, rng: random.Random) -> str:
    if language == "en":
        return rng.choice(DATE_STYLES["en_US" if country == "US" else "en_GB"])
    return rng.choice(DATE_STYLES[language])


def format_date(d: dt.date, style: str, language: str) -> str:
    """Print ``d`` in ``style``; month names follow ``language``."""
    months = MONTHS[language]
    if style == "dmy_dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "dmy_slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "mdy_slash":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "iso":
        return d.isoformat()
    if style == "d_month_de":
        return f"{d.day}. {months[d.month - 1]} {d.year}"
    if style == "d_month":
        return f"{d.day} {months[d.month - 1]} {d.year}"
    if style == "month_d_y":
        return f"{months[d.month - 1]} {d.day}, {d.year}"
    raise ValueError(style)
