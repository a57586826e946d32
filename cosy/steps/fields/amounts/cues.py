"""Total words of amounts per language: which total each amount's label and column header name.

Each language's lexicon is its own step (``fields.amounts.cues.de`` / ``.en`` / ``.fr``): per
amount of the page, the word classes in its label and header (net, gross, tax, a lines total, a
weak gross such as 'Zahlbetrag', a document-named total such as 'Angebotssumme', or a word that
rules a total out: 'Preis', 'discount', 'acompte'). ``fields.amounts.cues`` joins the languages
and decides in a fixed order how sure the wording is: ('total_net', 3.0), ...
"""

from __future__ import annotations

import re
from decimal import Decimal

from cosy.domain import Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import cells, header_above
from cosy.steps.fields.fuzzy import corrected, vocabulary

TAXES = r"(?:ust|mwst|steuer|vat|tax|tva)"
RATE = r"\d{1,2}(?:[.,]\d{1,2})?\s?%"
LEXICONS: dict[str, dict[str, str]] = {
    "de": {
        "not_a_total": r"preis|rabatt|skonto|anzahlung|zuschl|abschl|steuersatz|\bsatz|leergut|"
                       r"menge|kurs|einzel|^rundung",
        "tax_at_rate": r"(?:mwst|\bust|umsatzsteuer|mehrwertsteuer)\.?\W{0,3}" + RATE
                       + r"|" + RATE + r"\W{0,3}(?:mwst|ust\b|umsatzsteuer|mehrwertsteuer)",
        "total_word": r"gesamt|summe|betrag|total",
        "net_strong": r"netto|ohne\s*" + TAXES + r"|exkl",
        "lines_total": r"summe (?:der )?positionen|positionssumme|warenwert",
        "gross_strong": r"brutto|inkl|gesamtbetrag|rechnungsbetrag|gesamtsumme|summe gesamt|"
                        r"endbetrag|^gesamt\W*$|^summe\W*$",
        "tax": r"steuer|mwst|\bust\b|ust\.",
        "gross_named": r"^(?:[\w-]+\ssumme|\w+(?:summe|betrag|wert))\W*$",
        "not_gross_named": r"zwischen|position|netto|übertrag",
        "gross_weak": r"zahlbetrag|zu zahlen|fällig|rechnungssumme",
        "net_weak": r"zwischensumme|warenwert|positionssumme|summe positionen|basisbetrag|"
                    r"\bbasis\b",
    },
    "en": {
        "not_a_total": r"price|discount|prepaid|paid|allowance|charge|\bchrg|\brate\b|deposit|"
                       r"quantity|qty|exchange|unit|^rounding|rounding\s?adj",
        "tax_at_rate": r"(?:\bvat|\btax|\bgst|\bhst|\bsst)\b\W{0,3}(?:@\s?)?" + RATE
                       + r"|" + RATE + r"\W{0,3}(?:vat|tax|gst|hst|sst)\b",
        "total_word": r"\btotal|\bgrand\b|\bsum\b|balance|payable|\bdue\b",
        "qualified_tax": r"\b(?:of|with|w/o|without|before|after|plus)\s?(?:vat|tax|gst|hst|sst)\b",
        "net_strong": r"\bnet\b|without\s*" + TAXES + r"|excl|w/o|before\s(?:vat|tax|gst)",
        "lines_total": r"amount of lines|lines? total|total (?:of )?lines",
        "gross_strong": r"gross|incl|grand total|invoice total|total amount|^total\W*$|"
                        r"^total (?:€|eur)\W*$|\brounded\b|with\s?(?:vat|tax|gst)\b|"
                        r"after\s(?:vat|tax|gst)\b",
        "tax": r"\bvat\b|\btax|\b(?:gst|hst|pst|sst)\b",
        "gross_named": r"^(?:total\s[a-zé]+|[\w-]+\stotal)\W*$",
        "not_gross_named": r"sub|line|\bnet\b|carried|report",
        "gross_weak": r"am(?:oun)?t\.?\s?due|total due|due payable|balance due|payable|to pay",
        "net_weak": r"subtotal|sub-total|line total|\bbase\b|total\b",
    },
    "fr": {
        "not_a_total": r"prix|remise|escompte|acompte|taux|quantité|^arrondi",
        "tax_at_rate": r"\btva\W{0,3}" + RATE + r"|" + RATE + r"\W{0,3}(?:de\s)?tva\b",
        "total_word": r"total|montant|à payer|a payer",
        "net_strong": r"(?:sans|hors)\s*" + TAXES + r"|hors tax|\bht\b|\bh\.\s?t\b",
        "gross_strong": r"\bttc\b|\bt\.\s?t\.\s?c\b|montant total|^total\W*$",
        "tax": r"\btva\b",
        "gross_named": r"^total\s[a-zé]+\W*$",
        "gross_weak": r"à payer|a payer",
        "net_weak": r"total\b",
    },
}
PATTERNS = {lang: {cls: re.compile(p, re.I) for cls, p in lex.items()}
            for lang, lex in LEXICONS.items()}
ORDER = (("tax_at_rate", "total_tax", 3.0),
         ("net_strong", "total_net", 3.0), ("lines_total", "total_net", 1.5),
         ("gross_strong", "total_gross", 3.0), ("tax", "total_tax", 3.0),
         ("gross_named", "total_gross", 2.5), ("gross_weak", "total_gross", 2.0),
         ("net_weak", "total_net", 1.5))
"""Which class decides first: a tax named with its rate and no total word is the tax ('GST
@6%', 'inkl. 19 % MwSt.'); a net wording beats a gross one ('Gesamt netto'), ..."""

Classes = frozenset[str]
Cue = tuple[str, float] | None


def _text(text: str | None) -> str:
    return (text or "").strip()[-60:]


VOCABULARY = vocabulary([*(p for lex in LEXICONS.values() for p in lex.values()),
                         "inclusive including exclusive excluding rounded"])
"""The lexicons' words, to read labels as OCR misspells them ('Tatal', 'Subtotail')."""


def word_classes(text: str | None, lang: str) -> Classes:
    """The classes of total words of one language in a label or header (its last 60 chars),
    words one OCR slip away from a lexicon word read as that word."""
    text = corrected(_text(text), VOCABULARY)
    if not text:
        return frozenset()
    return frozenset(cls for cls, p in PATTERNS[lang].items() if p.search(text))


def total_of_classes(found: Classes) -> Cue:
    """The total the word classes of one text name and how sure the wording is."""
    if not found or "not_a_total" in found:
        return None
    for cls, role, strength in ORDER:
        if cls == "gross_named" and "not_gross_named" in found:
            continue
        if cls == "tax_at_rate" and found & {"total_word", "net_strong"}:
            continue  # 'Total incl. 6% GST', 'Amount excl. 19% VAT': a total, not the tax
        if cls == "tax" and {"qualified_tax", "total_word"} <= found:
            continue  # 'Total X. of GST' (an OCR'd 'Excl.'): a total, whichever
        if cls in found:
            return role, strength
    return None


def classify_total(text: str) -> Cue:
    """The total a label names and how sure the wording is, all languages' words together."""
    return total_of_classes(frozenset().union(*(word_classes(text, lang) for lang in LEXICONS)))


RATE_ROW = re.compile(r"\d\s?%")
"""'19% MwSt.:' labels a row of rates: its amounts are what the column header says."""


def role_from(m: Mention, label: Cue, header: Cue) -> Cue:
    """An amount's role: its own label, or in a table row (or unlabelled) its column header."""
    if (getattr(m, "in_row", False) or RATE_ROW.search(m.label or "")) and header:
        return header[0], header[1] - 0.5
    if label:
        return label
    if header and not m.label:
        return header[0], header[1] - 1.0
    return None


def amount_role(m: Mention) -> Cue:
    """Role of an amount from its label and column header (all languages)."""
    return role_from(m, classify_total(m.label or "") if m.label else None,
                     classify_total(getattr(m, "header", "") or ""))


def rule_cues(mentions: list[Mention], rates: list[str | None] | None = None) -> list[Cue]:
    """Every amount's role by rule alone (no per-language steps): labels, headers and the
    page's tax summary rows."""
    return tax_summary_cues(mentions, [amount_role(m) for m in mentions], rates)


RATE_OF_ROW = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
PAIR_TOLERANCE = (Decimal("0.05"), Decimal("0.01"))
"""How far base x rate may be from a summary row's tax: 5 cents or 1 % of the base (a tax
summary of prices with the tax included rounds per line: 6 % of 122.00 printed as 7.30)."""


def _rate(text: str) -> Decimal | None:
    found = RATE_OF_ROW.findall(text)
    return Decimal(found[-1].replace(",", ".")) if found else None


BARE_RATE = re.compile(r"\d{1,2}(?:[.,]\d{1,2})?")
RATE_HEADER = re.compile(r"%|satz|\brate\b|\btaux\b", re.I)


def _bare_rate(lines: list[Line], index: int) -> Decimal | None:
    """A rate written without '%' in a column whose header says it is one ('Steuersatz [%]'
    above '19')."""
    for cell in cells(lines[index]):
        if BARE_RATE.fullmatch(cell.text) and RATE_HEADER.search(
                header_above(lines, index, cell.x0, cell.x1)):
            return Decimal(cell.text.replace(",", "."))
    return None


def row_rates(mentions: list[Mention], lines: list[Line]) -> list[str | None]:
    """Per amount, the rate its row is headed by: the last percentage written on its line
    before it ('SR  6%  60.50': '6'), even in a cell of its own, which is no label; else a
    number under a rate column's header on its line: a tax summary row's rate."""
    out: list[str | None] = []
    for m in mentions:
        line = getattr(m, "line", -1)
        rate = None
        if 0 <= line < len(lines):
            rate = _rate(lines[line].text[:m.span[0] - lines[line].start])
            rate = _bare_rate(lines, line) if rate is None else rate
        out.append(None if rate is None else str(rate))
    return out


@step("fields.amounts.context.rates", scope="page", requires=["page.amount.context", "page.lines"],
      provides=["page.amount.row_rates"])
def amount_row_rates(page_amount_context: list[Mention], page_lines: list[Line]
                     ) -> list[str | None]:
    """The rate each amount's row is headed by, if any (aligned with the page's amounts)."""
    return row_rates(page_amount_context, page_lines)


def _pair(amounts: list[Decimal], rate: Decimal) -> tuple[int, int] | None:
    """The indices of (base, tax) among a row's amounts: the tax is the rate of the base."""
    for i, base in enumerate(amounts):
        for j, tax in enumerate(amounts):
            if i != j and 0 < tax < base and abs(base * rate / 100 - tax) <= max(
                    PAIR_TOLERANCE[0], PAIR_TOLERANCE[1] * base):
                return i, j
    return None


def tax_summary_cues(mentions: list[Mention], cues: list[Cue],
                     rates: list[str | None] | None = None) -> list[Cue]:
    """Cues corrected by the page's tax summary rows ('SR @ 6%   15.00   0.90' under 'Amount'
    and 'Tax', 'MwSt. 19 % von 100,00: 19,00'): rows headed by a rate, each with the base taxed
    at it and the tax, told apart by arithmetic (base x rate = tax) whatever the headers say.
    A line with one amount ('GST @6%  7.30') is a total's line, not a row of the summary.

    A base is never the tax total. Where one row holds all the tax, its tax is the tax total,
    and its base the net total if nothing else was taxed at another rate (every other row is
    zero); where several rows hold tax, each is a part of the tax total, not the total; a zero
    next to a charged tax (a rate nothing was charged at) names no total.
    """
    if rates is None or len(rates) != len(mentions):
        rates = [None if (r := _rate(m.label or "")) is None else str(r) for m in mentions]
    rows: dict[tuple[int, int], list[int]] = {}
    for i, m in enumerate(mentions):
        if rates[i] is not None and getattr(m, "line", -1) >= 0:
            rows.setdefault((m.page, m.line), []).append(i)
    rows = {key: row for key, row in rows.items() if len(row) >= 2}
    values = {i: Decimal(mentions[i].value) for row in rows.values() for i in row}
    pairs = {}
    for key, row in rows.items():
        rate = Decimal(next((rates[i] for i in row if rates[i]), "0"))
        pair = _pair([values[i] for i in row], rate) if rate else None
        if pair is not None:
            pairs[key] = (row[pair[0]], row[pair[1]])
    if not pairs:
        return cues
    out = list(cues)
    for i, value in values.items():
        if value == 0:
            out[i] = None
    if len(pairs) == 1:
        (key, (base, tax)), = pairs.items()
        out[tax] = ("total_tax", 2.5)
        if all(values[i] == 0 for k, row in rows.items() if k != key for i in row):
            out[base] = ("total_net", 2.0)
        elif out[base] is not None and out[base][0] == "total_tax":
            out[base] = None
        return out
    for base, tax in pairs.values():  # taxed at several rates: each row's tax is a part
        out[tax] = None
        if out[base] is not None and out[base][0] == "total_tax":
            out[base] = None
    return out


def cues_in(mentions: list[Mention], lang: str) -> list[tuple[Classes, Classes]]:
    """Per amount: the word classes of one language in its label and in its header."""
    return [(word_classes(m.label, lang), word_classes(getattr(m, "header", ""), lang))
            for m in mentions]


@step("fields.amounts.cues.de", scope="page", requires=["page.amount.context"],
      provides=["page.amount.cues_de"])
def german_amount_cues(page_amount_context: list[Mention]) -> list[tuple[Classes, Classes]]:
    """German total words (Nettobetrag, MwSt., Gesamtbetrag, Zahlbetrag, Preis ...)."""
    return cues_in(page_amount_context, "de")


@step("fields.amounts.cues.en", scope="page", requires=["page.amount.context"],
      provides=["page.amount.cues_en"])
def english_amount_cues(page_amount_context: list[Mention]) -> list[tuple[Classes, Classes]]:
    """English total words (Subtotal, VAT, Grand Total, Balance Due, Unit Price ...)."""
    return cues_in(page_amount_context, "en")


@step("fields.amounts.cues.fr", scope="page", requires=["page.amount.context"],
      provides=["page.amount.cues_fr"])
def french_amount_cues(page_amount_context: list[Mention]) -> list[tuple[Classes, Classes]]:
    """French total words (Total HT, TVA, Total TTC, Net à payer, Acompte ...)."""
    return cues_in(page_amount_context, "fr")


def join_cues(mentions: list[Mention], *langs: list[tuple[Classes, Classes]],
              rates: list[str | None] | None = None) -> list[Cue]:
    """Each amount's role and strength, the languages' word classes joined, corrected by the
    page's tax summary rows (their rates: ``rates``, one per amount)."""
    out = []
    for i, m in enumerate(mentions):
        label = frozenset().union(*(lang[i][0] for lang in langs))
        header = frozenset().union(*(lang[i][1] for lang in langs))
        out.append(role_from(m, total_of_classes(label) if m.label else None,
                             total_of_classes(header)))
    return tax_summary_cues(mentions, out, rates)


@step("fields.amounts.cues", scope="page",
      requires=["page.amount.context", "page.amount.cues_de", "page.amount.cues_en",
                "page.amount.cues_fr", "page.amount.row_rates"],
      provides=["page.amount.cues"])
def amount_cues(page_amount_context: list[Mention],
                page_amount_cues_de: list[tuple[Classes, Classes]],
                page_amount_cues_en: list[tuple[Classes, Classes]],
                page_amount_cues_fr: list[tuple[Classes, Classes]],
                page_amount_row_rates: list[str | None] | None = None) -> list[Cue]:
    """The total each amount's label (or, in a table row, column header) names, with the
    wording's strength: the rule reading of the context in any of the three languages, and
    of the page's tax summary rows."""
    return join_cues(page_amount_context, page_amount_cues_de, page_amount_cues_en,
                     page_amount_cues_fr, rates=page_amount_row_rates)
