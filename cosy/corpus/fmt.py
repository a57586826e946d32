"""How amounts, quantities and dates are printed, per language and country.

A document fixes one ``NumberStyle`` and one date style, so the same document never mixes
``1.234,56 €`` with ``€1,234.56`` (real documents do not either); the corpus varies them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cosy.corpus.texts import MONTHS, MONTHS_SHORT

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
    symbol: str | None = None  # the sign printed for the currency ("Rs.", "S$"); None: classic
    space: bool = True  # a space between the sign and the number (only where ``symbol`` is set)
    lakh: bool = False  # Indian grouping: 12,34,567.89

    def number(self, value: Decimal, places: int = 2) -> str:
        q = Decimal(1).scaleb(-places) if places else Decimal(1)
        v = value.quantize(q, rounding=ROUND_HALF_UP)
        sign = "-" if v < 0 else ""
        text = f"{abs(v):,.{places}f}"  # 1,234.56
        if self.lakh:
            text = _lakh(text)
        text = text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.group)
        return sign + text

    def amount(self, value: Decimal, currency: str, with_currency: bool = True) -> str:
        n = self.number(value)
        if not with_currency:
            return n
        if self.symbol is not None:
            sign = self.symbol if self.currency.endswith("symbol") else currency
            prefix = self.currency.startswith("prefix")
            gap = " " if self.space or (sign[-1:].isalpha() and prefix) \
                else ""  # fmt: skip
            return f"{sign}{gap}{n}" if self.currency.startswith("prefix") else f"{n}{gap}{sign}"
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


def _lakh(text: str) -> str:
    """'1,234,567.89' grouped the Indian way: '12,34,567.89'."""
    whole, _, frac = text.partition(".")
    digits = whole.replace(",", "")
    if len(digits) <= 3:
        return text
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    grouped = ",".join(([head] if head else []) + pairs + [tail])
    return grouped + ("." + frac if frac else "")


SIGNS: dict[str, tuple[str, ...]] = {
    "EUR": ("€", "EUR"), "GBP": ("£", "GBP"), "CHF": ("CHF", "Fr."), "USD": ("$", "US$", "USD"),
    "INR": ("Rs.", "Rs", "INR"), "SGD": ("S$", "SGD"), "AUD": ("A$", "AU$", "AUD"),
}  # fmt: skip
"""Signs printed for a currency by the families (``$`` alone only for US issuers); the standard
PDF fonts have no rupee sign, so Indian amounts print 'Rs.', 'Rs' or 'INR'."""


def varied_number_style(language: str, country: str, currency: str,
                        rng: random.Random) -> NumberStyle:  # fmt: skip
    """Any of the amount formats a firm of ``country`` writing in ``language`` uses: separators
    (1.234,56 / 1,234.56 / 1 234,56 / 1'234.56 / none), the currency as sign or code, before or
    after the number, with or without a space."""
    lakh = False
    if country == "CH":
        decimal, group = ".", rng.choice(["'", "'", " "])
    elif country == "IN":
        decimal, group, lakh = ".", ",", rng.random() < 0.6
    elif language == "fr":
        decimal, group = ",", rng.choice([" ", " ", ".", ""])
    elif language == "de":
        decimal, group = ",", rng.choice([".", ".", ".", ""])
    else:
        decimal, group = ".", rng.choice([",", ",", ",", ""])
    signs = [s for s in SIGNS.get(currency, (currency,))
             if s != "$" or country == "US"]  # a bare $ is American
    sign = rng.choice(signs)
    code = sign == currency or (sign.isalpha() and sign.isupper() and len(sign) == 3)
    if language in ("de", "fr") and country not in ("CH",):
        where = rng.choice(["suffix", "suffix", "suffix", "prefix"])
    else:
        where = rng.choice(["prefix", "prefix", "prefix", "suffix"])
    return NumberStyle(decimal, group, f"{where}_{'code' if code else 'symbol'}", symbol=sign,
                       space=rng.random() < (0.8 if where == "suffix" or code else 0.25),
                       lakh=lakh)


DATE_STYLES: dict[str, list[str]] = {
    "de": ["dmy_dot", "dmy_dot", "dmy_dot", "d_month_de", "iso"],
    "en_GB": ["dmy_slash", "dmy_slash", "d_month", "dmy_dot", "iso"],
    "en_US": ["mdy_slash", "mdy_slash", "month_d_y", "iso"],
    "fr": ["dmy_slash", "dmy_slash", "d_month"],
}


VARIED_DATE_STYLES: dict[str, list[str]] = {
    "de": ["dmy_dot", "dmy_dot", "dmy_dot_yy", "d_month_de", "d_mon_de", "iso", "d_m_y_dot"],
    "en": ["dmy_slash", "dmy_slash_yy", "d_month", "d_mon", "dd_mon_yyyy", "mon_d_y", "iso",
           "dmy_dot"],
    "en_US": ["mdy_slash", "mdy_slash_yy", "month_d_y", "mon_d_y", "iso", "mdy_slash"],
    "fr": ["dmy_slash", "dmy_slash", "dmy_slash_yy", "d_month", "d_mon", "dmy_dot"],
    "erp": ["dd_mon_yy", "iso", "dmy_dot", "dmy_dash", "ymd_slash"],
}
"""Date formats of the families: month names, abbreviations, two-digit years, ISO; month
first only for US issuers."""


def varied_date_style(language: str, country: str, rng: random.Random, erp: bool = False) -> str:
    if erp and rng.random() < 0.6:
        style = rng.choice(VARIED_DATE_STYLES["erp"])
        return "mdy_slash" if country == "US" and style in ("dmy_dot", "dmy_dash") else style
    if language == "en" and country == "US":
        return rng.choice(VARIED_DATE_STYLES["en_US"])
    return rng.choice(VARIED_DATE_STYLES[language])


def date_style(language: str, country: str, rng: random.Random) -> str:
    if language == "en":
        return rng.choice(DATE_STYLES["en_US" if country == "US" else "en_GB"])
    return rng.choice(DATE_STYLES[language])


_DATE_FORMATS: dict[str, Callable[[dt.date, list[str], list[str]], str]] = {
    # style: (date, month names, abbreviated month names) -> text
    "dmy_dot": lambda d, m, s: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "dmy_slash": lambda d, m, s: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "mdy_slash": lambda d, m, s: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "iso": lambda d, m, s: d.isoformat(),
    "d_month_de": lambda d, m, s: f"{d.day}. {m[d.month - 1]} {d.year}",
    "d_month": lambda d, m, s: f"{d.day} {m[d.month - 1]} {d.year}",
    "month_d_y": lambda d, m, s: f"{m[d.month - 1]} {d.day}, {d.year}",
    "dmy_dot_yy": lambda d, m, s: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
    "d_m_y_dot": lambda d, m, s: f"{d.day}.{d.month}.{d.year}",
    "dmy_slash_yy": lambda d, m, s: f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
    "mdy_slash_yy": lambda d, m, s: f"{d.month}/{d.day}/{d.year % 100:02d}",
    "dmy_dash": lambda d, m, s: f"{d.day:02d}-{d.month:02d}-{d.year}",
    "ymd_slash": lambda d, m, s: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "d_mon_de": lambda d, m, s: f"{d.day}. {s[d.month - 1]} {d.year}",
    "d_mon": lambda d, m, s: f"{d.day} {s[d.month - 1]} {d.year}",
    "dd_mon_yyyy": lambda d, m, s: f"{d.day:02d}-{s[d.month - 1]}-{d.year}",
    "mon_d_y": lambda d, m, s: f"{s[d.month - 1]} {d.day}, {d.year}",
    "dd_mon_yy": lambda d, m, s:
        f"{d.day:02d}-{MONTHS_SHORT['en'][d.month - 1].upper()}-{d.year % 100:02d}",
}  # fmt: skip


def format_date(d: dt.date, style: str, language: str) -> str:
    """Print ``d`` in ``style``; month names follow ``language``."""
    try:
        fmt = _DATE_FORMATS[style]
    except KeyError:
        raise ValueError(style) from None
    return fmt(d, MONTHS[language], MONTHS_SHORT[language])
