"""Role words of dates per language: which role each date's label and column header name.

Each language's lexicon is its own step (``fields.dates.cues.de`` / ``.en`` / ``.fr``): it reports,
for every date of the page, the word classes its label and header contain (due, deadline,
delivery, issue, a weak issue word such as 'Datum'/'date', or a word that rules any role out such
as 'Skonto', 'valid', 'escompte'). ``fields.dates.cues`` joins the languages and applies the
precedence: an excluding word wins, a delivery word beats a deadline preposition, a weak issue
word counts only when nothing else is named.
"""

from __future__ import annotations

import re

from cosy.domain import Mention
from cosy.engine.step import step
from cosy.steps.fields.fuzzy import corrected, vocabulary

LEXICONS: dict[str, dict[str, str]] = {
    "de": {
        "due": r"fällig|faellig|zahlbar|zahlungsziel|bis zum|spätestens|abgebucht|abbuchung|"
               r"eingezogen|lastschrift(?:einzug)? am",
        "deadline": r"(?<!\d\s)\bbis$",
        "delivery": r"liefer|leistungsdatum|leistungszeitraum",
        "issue": r"rechnungsdatum|belegdatum|ausstellungsdatum",
        "issue_weak": r"datum|(?:\bvom|\bvon|\bden)$",
        "not_a_role": r"skonto|bestellung vom|bestelldatum|auftragsdatum|gültig|zeitraum|geburt|"
                      r"druck|mandat|\bab\b|seit|beginnt",
    },
    "en": {
        "due": r"(?<!over)due|payable|remit|pay by|payment date|no later than|debited|"
               r"debit date",
        "deadline": r"(?<!\d\s)(?:\bby|\bbefore)$",
        "delivery": r"deliver|shipping date|ship date|date of supply|tax point|service date|"
                    r"date of service|required by",
        "issue": r"invoice date|date of issue|issue date|issued",
        "issue_weak": r"^date\b|\bdate$|(?:\bdated|\bof)$",
        "not_a_role": r"discount|order date|valid|period|birth|effective|print|since|commences|"
                      r"mandate",
    },
    "fr": {
        "due": r"échéance|echeance|à régler|a regler|payer avant|au plus tard|prélevé|prelevé|"
               r"prélèvement (?:le|du)",
        "deadline": r"(?<!\d\s)\bavant(?: le)?$",
        "delivery": r"livraison|prestation",
        "issue": r"date de (?:la )?facture|date d'émission|facture du|date facture",
        "issue_weak": r"^date\b|\bdate$|\bdu$",
        "not_a_role": r"escompte|commence|mandat",
    },
}
PATTERNS = {lang: {cls: re.compile(p, re.I) for cls, p in lex.items()}
            for lang, lex in LEXICONS.items()}

Classes = frozenset[str]


VOCABULARY = vocabulary([*(p for lex in LEXICONS.values() for p in lex.values()),
                         "invoice receipt delivery"])
"""The lexicons' words, to read labels as OCR misspells them ('Involce Date')."""


def word_classes(text: str, lang: str) -> Classes:
    """The classes of role words of one language in ``text`` (a deadline only at its end),
    words one OCR slip away from a lexicon word read as that word."""
    if not text:
        return frozenset()
    text = corrected(text, VOCABULARY)
    return frozenset(cls for cls, p in PATTERNS[lang].items()
                     if p.search(text.strip() if cls == "deadline" else text))


def roles_of_classes(found: Classes) -> set[str]:
    """The roles named by the word classes found in one text, in all languages together."""
    if "not_a_role" in found:
        return set()
    roles = set()
    if "due" in found:
        roles.add("due_date")
    if "delivery" in found:
        roles.add("delivery_date")
    elif "deadline" in found:
        roles.add("due_date")
    if "issue" in found or (not roles and "issue_weak" in found):
        roles.add("issue_date")
    if "due_date" in roles and "delivery_date" in roles:
        roles.discard("delivery_date")
    return roles


def label_texts(m: Mention) -> tuple[str, str]:
    """The end of a date's label (its nearest 40 characters) and its column header."""
    return (m.label or "")[-40:], getattr(m, "header", "") or ""


def roles_from(m: Mention, label: Classes, header: Classes) -> set[str]:
    """The roles a date's label names, or, in a table row, without a label or when the label
    names none, the roles its column header names."""
    label_text, header_text = label_texts(m)
    by_label = roles_of_classes(label) if label_text else set()
    use_header = not label_text or getattr(m, "in_row", False) or not by_label
    if use_header and header_text:
        return roles_of_classes(header)
    return by_label


def cues_in(mentions: list[Mention], lang: str) -> list[tuple[Classes, Classes]]:
    """Per date: the word classes of one language in its label and in its header."""
    out = []
    for m in mentions:
        label, header = label_texts(m)
        out.append((word_classes(label, lang), word_classes(header, lang)))
    return out


@step("fields.dates.cues.de", scope="page", requires=["page.date.context"],
      provides=["page.date.cues_de"])
def german_date_cues(page_date_context: list[Mention]) -> list[tuple[Classes, Classes]]:
    """German role words (Rechnungsdatum, fällig, Lieferdatum, Skonto ...) of each date."""
    return cues_in(page_date_context, "de")


@step("fields.dates.cues.en", scope="page", requires=["page.date.context"],
      provides=["page.date.cues_en"])
def english_date_cues(page_date_context: list[Mention]) -> list[tuple[Classes, Classes]]:
    """English role words (Invoice Date, due, Delivery Date, valid ...) of each date."""
    return cues_in(page_date_context, "en")


@step("fields.dates.cues.fr", scope="page", requires=["page.date.context"],
      provides=["page.date.cues_fr"])
def french_date_cues(page_date_context: list[Mention]) -> list[tuple[Classes, Classes]]:
    """French role words (date de facture, échéance, livraison, escompte ...) of each date."""
    return cues_in(page_date_context, "fr")


def join_cues(mentions: list[Mention], *langs: list[tuple[Classes, Classes]]) -> list[list[str]]:
    """The roles each date's label or header names, the languages' word classes joined."""
    out = []
    for i, m in enumerate(mentions):
        label = frozenset().union(*(lang[i][0] for lang in langs))
        header = frozenset().union(*(lang[i][1] for lang in langs))
        out.append(sorted(roles_from(m, label, header)))
    return out


@step("fields.dates.cues", scope="page",
      requires=["page.date.context", "page.date.cues_de", "page.date.cues_en",
                "page.date.cues_fr"],
      provides=["page.date.cues"])
def date_cues(page_date_context: list[Mention], page_date_cues_de: list[tuple[Classes, Classes]],
              page_date_cues_en: list[tuple[Classes, Classes]],
              page_date_cues_fr: list[tuple[Classes, Classes]]) -> list[list[str]]:
    """The roles each date's context names, in any of the three languages."""
    return join_cues(page_date_context, page_date_cues_de, page_date_cues_en, page_date_cues_fr)


def date_roles(m: Mention) -> set[str]:
    """The roles a date's label (or, in a table row or without a label, its header) names."""
    label, header = label_texts(m)
    return roles_from(m, frozenset().union(*(word_classes(label, lang) for lang in LEXICONS)),
                      frozenset().union(*(word_classes(header, lang) for lang in LEXICONS)))
