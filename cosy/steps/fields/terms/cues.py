"""Term words per language: which contract or offer term a date's or an amount's label names.

The date and amount families pick issue, due and delivery dates and the totals; they leave aside
what their labels call a validity ('Gültig bis', 'Valid until', 'Valable jusqu'au'), a start
('Vertragsbeginn', 'commences on', 'prend effet le'), a monthly fee, an amount already paid and
a dunning fee. ``fields.terms.context`` reads each mention's label (the end of the line above
when a wrapped sentence puts the value first on its line) and header; each language's lexicon is
its own step (``fields.terms.cues.de`` / ``.en`` / ``.fr``) reporting the word classes it finds;
``fields.terms.cues`` joins the languages and names at most one term per mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cosy.domain import Line, Mention
from cosy.engine.step import step

LEXICONS: dict[str, dict[str, str]] = {
    "de": {
        "valid_until": r"(?<!end)gültig(?!\s*ab)|gueltig(?!\s*ab)|gültigkeit|bindefrist|gilt bis|"
                       r"angebotsfrist|befristet bis|verfällt",
        "start_date": r"vertragsbeginn|\bbeginn|beginnt|startdatum|\bstart\b|gültig ab|"
                      r"wirksam ab|gilt ab|in kraft|mietbeginn|leistungsbeginn",
        "monthly_fee": r"monatlich|monatl\.|monatsgebühr|monatsbeitrag|monatsmiete|"
                       r"monatspauschale|pro monat|je monat|im monat|/\s?monat",
        "prepaid_amount": r"bereits bezahlt|bereits gezahlt|bereits erhalten|anzahlung|"
                          r"abzüglich|abzgl|abschlagszahlung|vorauszahlung|geleistete zahlung|"
                          r"erhaltene zahlung",
        "dunning_fee": r"mahngebühr|mahngebuehr|mahnkosten|mahnspesen|mahnpauschale|"
                       r"verzugspauschale",
        "owed": r"zu zahlen|zahlbetrag|offen|restbetrag|fällig|noch",
        "not_a_term": r"kündig|kuendig|kündbar|zeitraum|periode|skonto|rabatt|geburt|mandat",
    },
    "en": {
        "valid_until": r"valid until|valid till|valid through|valid to\b|validity|expir|"
                       r"good until|good through|offer valid|quote valid",
        "start_date": r"start date|starting|start of|commenc|effective (?:date|from|as of|on)|"
                      r"begins?\b|beginning|in force",
        "monthly_fee": r"monthly|per month|a month\b|each month|/\s?month",
        "prepaid_amount": r"prepaid|prepayment|already paid|amount paid|\bpaid\b|"
                          r"payments? received|deposit|advance payment",
        "dunning_fee": r"late (?:payment )?fee|late charge|reminder (?:fee|charge)|"
                       r"dunning (?:fee|charge)|collection fee",
        "owed": r"to be paid|payable|\bdue\b|outstanding|balance|remaining|\bpaid by|"
                r"paid within",
        "not_a_term": r"notice|terminat|cancel|period|discount|birth|mandate",
    },
    "fr": {
        "valid_until": r"valable jusqu|date de validité|validité|valide jusqu",
        "start_date": r"date de début|\bdébut|à compter du|a compter du|prend effet|"
                      r"date d'effet|entrée en vigueur|à partir du|a partir du|commence",
        "monthly_fee": r"mensuel|par mois|/\s?mois|chaque mois",
        "prepaid_amount": r"acompte|déjà payé|deja paye|déjà réglé|deja regle|versé|"
                          r"avance reçue|paiement anticipé|arrhes",
        "dunning_fee": r"frais de relance|indemnité forfaitaire|indemnite forfaitaire|"
                       r"pénalités? de retard|frais de recouvrement|frais de rappel",
        "owed": r"à payer|a payer|restant|solde|\bdû\b|reste",
        "not_a_term": r"préavis|résili|période|periode|escompte|remise|naissance|mandat",
    },
}
PATTERNS = {lang: {cls: re.compile(p, re.I) for cls, p in lex.items()}
            for lang, lex in LEXICONS.items()}

DATE_TERMS = ("valid_until", "start_date")
"""Terms a date can stand for, in the order that decides when a label names both."""
AMOUNT_TERMS = ("dunning_fee", "prepaid_amount", "monthly_fee")
"""Terms an amount can stand for: a fee word beats 'abzüglich', a payment beats 'monatlich'."""
BY_LABEL, BY_HEADER = 1.0, 0.5
"""How sure a term is when the value's own label names it, and when only its column header."""
LABEL_TAIL = 60
"""Characters of a label read: the words next to the value, not the start of a long sentence."""
HEADER_MAX = 40
"""Longest column header read: a longer text above a value is a line of prose, not a header."""

Classes = frozenset[str]
Cue = tuple[str, float] | None


@dataclass(frozen=True, slots=True)
class TermTexts:
    """Per date and per amount of a page: (label text, column header) that term words are
    looked for in; the two lists follow ``page.date.context`` and ``page.amount.context``."""

    dates: list[tuple[str, str]]
    amounts: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class TermClasses:
    """One language's word classes per date and amount: (in the label, in the header)."""

    dates: list[tuple[Classes, Classes]]
    amounts: list[tuple[Classes, Classes]]


@dataclass(frozen=True, slots=True)
class TermCues:
    """The term each date and amount of a page names and how sure the wording is (or None)."""

    dates: list[Cue]
    amounts: list[Cue]


def wrapped_label(m: Mention, lines: list[Line]) -> str:
    """The label of a value, or, when a wrapped sentence puts the value first on its line
    ('... beginnt am' / '01.03.2024 und läuft ...'), the end of the prose line above it."""
    if m.label:
        return m.label[-LABEL_TAIL:]
    index = getattr(m, "line", -1)
    if getattr(m, "in_row", False) or not 0 < index < len(lines):
        return ""
    line, above = lines[index], lines[index - 1]
    if line.text[:m.span[0] - line.start].strip() or "\t" in above.text:
        return ""  # a cell of a form or table, not a sentence that wraps
    return above.text[-LABEL_TAIL:]


def texts_of(mentions: list[Mention], lines: list[Line]) -> list[tuple[str, str]]:
    """(label, header) of each mention as term words are looked for in them."""
    return [(wrapped_label(m, lines), getattr(m, "header", "") or "") for m in mentions]


@step("fields.terms.context", scope="page",
      requires=["page.date.context", "page.amount.context", "page.lines"],
      provides=["page.term.context"])
def term_context(page_date_context: list[Mention], page_amount_context: list[Mention],
                 page_lines: list[Line]) -> TermTexts:
    """The texts that may name a term: each date's and amount's label (a wrapped sentence's
    end where the value opens its line) and column header."""
    return TermTexts(texts_of(page_date_context, page_lines),
                     texts_of(page_amount_context, page_lines))


def word_classes(text: str, lang: str) -> Classes:
    """The classes of term words of one language in ``text``."""
    if not text:
        return frozenset()
    return frozenset(cls for cls, p in PATTERNS[lang].items() if p.search(text))


def classes_in(texts: TermTexts, lang: str) -> TermClasses:
    """One language's word classes in every label and header of the page."""
    def read(pairs: list[tuple[str, str]]) -> list[tuple[Classes, Classes]]:
        return [(word_classes(label, lang), word_classes(header, lang)) for label, header in pairs]

    return TermClasses(read(texts.dates), read(texts.amounts))


@step("fields.terms.cues.de", scope="page", requires=["page.term.context"],
      provides=["page.term.cues_de"])
def german_term_cues(page_term_context: TermTexts) -> TermClasses:
    """German term words (Gültig bis, Vertragsbeginn, monatlich, Anzahlung, Mahngebühr ...)."""
    return classes_in(page_term_context, "de")


@step("fields.terms.cues.en", scope="page", requires=["page.term.context"],
      provides=["page.term.cues_en"])
def english_term_cues(page_term_context: TermTexts) -> TermClasses:
    """English term words (Valid until, commences, monthly fee, Paid, Late fee ...)."""
    return classes_in(page_term_context, "en")


@step("fields.terms.cues.fr", scope="page", requires=["page.term.context"],
      provides=["page.term.cues_fr"])
def french_term_cues(page_term_context: TermTexts) -> TermClasses:
    """French term words (Valable jusqu'au, à compter du, mensuel, acompte, frais de relance)."""
    return classes_in(page_term_context, "fr")


def term_of(found: Classes, terms: tuple[str, ...]) -> str | None:
    """The term one text names: none where a word rules terms out (a notice period, a billing
    period, a cash discount), no payment already made where the text speaks of what is owed."""
    if "not_a_term" in found:
        return None
    for term in terms:
        if term in found and not (term == "prepaid_amount" and "owed" in found):
            return term
    return None


def cue_of(m: Mention, header_text: str, label: Classes, header: Classes,
           terms: tuple[str, ...]) -> Cue:
    """A mention's term: the one its label names (less sure across a table row, where the label
    is another cell, an item's description), else the one its column header names. A label
    that rules terms out ('Skonto bis') is not overruled by a header, and a long 'header' is
    the prose line above, not a column's name."""
    if "not_a_term" in label:
        return None
    term = term_of(label, terms)
    if term:
        return term, BY_HEADER if getattr(m, "in_row", False) else BY_LABEL
    if len(header_text) > HEADER_MAX:
        return None
    term = term_of(header, terms)
    return (term, BY_HEADER) if term else None


def join_cues(mentions: list[Mention], texts: list[tuple[str, str]],
              langs: list[list[tuple[Classes, Classes]]], terms: tuple[str, ...]) -> list[Cue]:
    """Each mention's term, the languages' word classes joined."""
    out = []
    for i, m in enumerate(mentions):
        label = frozenset().union(*(lang[i][0] for lang in langs))
        header = frozenset().union(*(lang[i][1] for lang in langs))
        out.append(cue_of(m, texts[i][1], label, header, terms))
    return out


@step("fields.terms.cues", scope="page",
      requires=["page.date.context", "page.amount.context", "page.term.context",
                "page.term.cues_de", "page.term.cues_en", "page.term.cues_fr"],
      provides=["page.term.cues"])
def term_cues(page_date_context: list[Mention], page_amount_context: list[Mention],
              page_term_context: TermTexts, page_term_cues_de: TermClasses,
              page_term_cues_en: TermClasses, page_term_cues_fr: TermClasses) -> TermCues:
    """The term each date and amount of the page names, in any of the three languages."""
    langs = (page_term_cues_de, page_term_cues_en, page_term_cues_fr)
    return TermCues(
        join_cues(page_date_context, page_term_context.dates, [c.dates for c in langs],
                  DATE_TERMS),
        join_cues(page_amount_context, page_term_context.amounts, [c.amounts for c in langs],
                  AMOUNT_TERMS))


def term_cue(m: Mention, lines: list[Line] | None = None) -> Cue:
    """The term one date or amount names, all languages together: the cue steps' reading of
    a single mention outside the pipeline (tests, a reviewer's tools)."""
    label_text = wrapped_label(m, lines or [])
    header_text = getattr(m, "header", "") or ""
    label = frozenset().union(*(word_classes(label_text, lang) for lang in LEXICONS))
    header = frozenset().union(*(word_classes(header_text, lang) for lang in LEXICONS))
    return cue_of(m, header_text, label, header, DATE_TERMS if m.kind == "date" else AMOUNT_TERMS)
