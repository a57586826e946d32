"""Total words of amounts per language: which total each amount's label and column header name.

Each language's lexicon is its own step (``fields.amounts.cues.de`` / ``.en`` / ``.fr``): per
amount of the page, the word classes in its label and header (net, gross, tax, a lines total, a
weak gross such as 'Zahlbetrag', a document-named total such as 'Angebotssumme', or a word that
rules a total out: 'Preis', 'discount', 'acompte'). ``fields.amounts.cues`` joins the languages
and decides in a fixed order how sure the wording is: ('total_net', 3.0), ...
"""

from __future__ import annotations

import re

from cosy.domain import Mention
from cosy.engine.step import step

TAXES = r"(?:ust|mwst|steuer|vat|tax|tva)"
LEXICONS: dict[str, dict[str, str]] = {
    "de": {
        "not_a_total": r"preis|rabatt|skonto|anzahlung|zuschl|abschl|steuersatz|\bsatz|leergut|"
                       r"menge|kurs|einzel",
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
        "not_a_total": r"price|discount|prepaid|paid|allowance|charge|\brate\b|deposit|quantity|"
                       r"qty|exchange|unit",
        "net_strong": r"\bnet\b|without\s*" + TAXES + r"|excl|w/o",
        "lines_total": r"amount of lines|lines? total|total (?:of )?lines",
        "gross_strong": r"gross|incl|grand total|invoice total|total amount|^total\W*$|"
                        r"^total (?:€|eur)\W*$",
        "tax": r"\bvat\b|\btax",
        "gross_named": r"^(?:total\s[a-zé]+|[\w-]+\stotal)\W*$",
        "not_gross_named": r"sub|line|\bnet\b|carried|report",
        "gross_weak": r"amount due|total due|due payable|balance due|payable|to pay",
        "net_weak": r"subtotal|sub-total|line total|\bbase\b|total\b",
    },
    "fr": {
        "not_a_total": r"prix|remise|escompte|acompte|taux|quantité",
        "net_strong": r"(?:sans|hors)\s*" + TAXES + r"|hors tax|\bht\b",
        "gross_strong": r"\bttc\b|montant total|^total\W*$",
        "tax": r"\btva\b|taxe",
        "gross_named": r"^total\s[a-zé]+\W*$",
        "gross_weak": r"à payer|a payer",
        "net_weak": r"total\b",
    },
}
PATTERNS = {lang: {cls: re.compile(p, re.I) for cls, p in lex.items()}
            for lang, lex in LEXICONS.items()}
ORDER = (("net_strong", "total_net", 3.0), ("lines_total", "total_net", 1.5),
         ("gross_strong", "total_gross", 3.0), ("tax", "total_tax", 3.0),
         ("gross_named", "total_gross", 2.5), ("gross_weak", "total_gross", 2.0),
         ("net_weak", "total_net", 1.5))
"""Which class decides first: a net wording beats a gross one ('Gesamt netto'), ..."""

Classes = frozenset[str]
Cue = tuple[str, float] | None


def _text(text: str | None) -> str:
    return (text or "").strip()[-60:]


def word_classes(text: str | None, lang: str) -> Classes:
    """The classes of total words of one language in a label or header (its last 60 chars)."""
    text = _text(text)
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


def join_cues(mentions: list[Mention], *langs: list[tuple[Classes, Classes]]) -> list[Cue]:
    """Each amount's role and strength, the languages' word classes joined."""
    out = []
    for i, m in enumerate(mentions):
        label = frozenset().union(*(lang[i][0] for lang in langs))
        header = frozenset().union(*(lang[i][1] for lang in langs))
        out.append(role_from(m, total_of_classes(label) if m.label else None,
                             total_of_classes(header)))
    return out


@step("fields.amounts.cues", scope="page",
      requires=["page.amount.context", "page.amount.cues_de", "page.amount.cues_en",
                "page.amount.cues_fr"],
      provides=["page.amount.cues"])
def amount_cues(page_amount_context: list[Mention],
                page_amount_cues_de: list[tuple[Classes, Classes]],
                page_amount_cues_en: list[tuple[Classes, Classes]],
                page_amount_cues_fr: list[tuple[Classes, Classes]]) -> list[Cue]:
    """The total each amount's label (or, in a table row, column header) names, with the
    wording's strength: the rule reading of the context in any of the three languages."""
    return join_cues(page_amount_context, page_amount_cues_de, page_amount_cues_en,
                     page_amount_cues_fr)
