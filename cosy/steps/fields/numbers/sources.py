"""Document-number candidate sources: label lexicons per language, the title line, headers.

A number is introduced by a word for "number" in one language (German Nr./-nummer, English
No./Number/#, French N°/numéro with its noun after it: 'N° de commande'), by a document word
directly before it ('Rechnung 2024-001', 'INVOICE INV-77', 'Invoice-581355', a receipt's
'Chk 8660'), by a reference, ID or code word
('Order Ref.', 'Customer ID', 'Code client', 'Facture liée'), or stands below a column header
that names a number ('Invoice #' above '819000'). Each is its own source;
``fields.numbers.normalise`` resolves overlaps.
"""

from __future__ import annotations

import re

from cosy.domain import Line
from cosy.engine.step import step
from cosy.steps.fields.common import cells, header_above
from cosy.steps.fields.hits import Hit, scan

NUMBER_VALUE = (r"(?P<number>(?:(?-i:(?!(?:ID|NO|NR|REF)\b)[A-Z]{1,4}) (?=[A-Z0-9/-]*\d{3}))?"
                r"[A-Z0-9][A-Z0-9/_.-]*\d[A-Z0-9/_.-]*)")
"""A document number: letters, digits and separators with a digit; 'DEL 47826', 'F 17142' keep
their short upper-case prefix (one space, then at least three digits), a label word does not
('Invoice ID F7210'), nor does a word in the cell before (a tab)."""
AFTER_LABEL = r"\.?(?:\s*[:.：])*\s*"
"""Between a label and its value: a period, colons (a full-width one of OCR too, or two where
a form repeats it: 'No: : 4711') and spaces."""


def _labelled(words: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + words + r")" + AFTER_LABEL + NUMBER_VALUE, re.IGNORECASE)


FRENCH_NOUNS = (r"(?:\s+(?:de\s+|du\s+|d['’]\s?)?(?:bon\s+de\s+commande|commande|client|facture|"
                r"fournisseur|contrat|devis|livraison|avoir)(?:\s+(?:rectificative|d'origine))?)?")
"""French puts the noun after the number word: 'N° de commande', 'N° client', 'N° fournisseur'."""
NUMBER_WORDS = {"de": r"nummer|nr", "en": r"number|no|#",
                "fr": r"(?:numéro|numero|n°|nº)" + FRENCH_NOUNS}
LABELS = {lang: _labelled(words) for lang, words in NUMBER_WORDS.items()}
TITLE = re.compile(
    r"\b(?:rechnung|invoice|facture|faktura|bill|avoir|gutschrift|credit\s?note|order|bestellung|"
    r"purchase\s?order|angebot|quotation|quote|devis|auftrag|lieferschein|commande|"
    r"reference|referenz|receipt|quittung|reçu|ticket|check|chk|beleg|bon)\b"
    r"(?:\s*[:.#]?\s*|-)" + NUMBER_VALUE, re.IGNORECASE)
"""A document word directly before its number, with a colon, a period or '#' between:
'INVOICE INV-77', 'LIEFERSCHEIN #LS25', 'Your Bill # IN/2021/381', a receipt's 'Bon 24-66'."""
NAMED = re.compile(
    r"(?:(?:référence|reference|referenz|réf|ref)\b\.?"
    r"(?:\s+(?:de\s+|du\s+)?(?:commande|client|facture|fournisseur|order|invoice|bestellung))?"
    r"|\b(?:id|code)\b(?:\s+(?:client|fournisseur))?"
    r"|\b(?:facture|invoice|rechnung)\s+(?:rectifiée|corrigée|d['’]\s?origine|liée|initiale|"
    r"originale|korrigierte|ursprüngliche))" + AFTER_LABEL + NUMBER_VALUE, re.IGNORECASE)
"""A value named by a reference, ID or code word ('Order Ref.: 195668', 'Bestellreferenz 77',
'Customer ID: 866247', 'Code client: 300-3302', 'Référence commande : C-12') or by a qualified
document word ('Facture d'origine : F 95682', 'Facture liée FA-2017-0010')."""
ID_CELL = re.compile(NUMBER_VALUE + r"$", re.IGNORECASE)
HEADER_LABEL = re.compile(r"(?:nummer|number|numéro|numero|nr|\bno|n°|nº|#|-id|\bid|referenz|"
                          r"reference|référence|\bref|\bréf)\.?\s*:?$|"
                          r"^(?:n°|nº|no\.|nr\.|numéro|numero)\s*(?:de\s+|d['’]\s?)?[^\W\d]+$|"
                          r"^code\s+(?:client|fournisseur)$|"
                          r"^(?:ihre?|your|votre)\s+(?:bestellung|order|commande)$|"
                          r"^(?:zu|bezug:?|original|corrects|replaces|ref\.?)\s+(?:rechnung|invoice)$|"
                          r"^facture\s+(?:d['’]\s?origine|liée|rectifiée)$", re.IGNORECASE)
"""A column header that names a number ('Invoice #', 'Customer No.', 'Order Ref.', 'N°
fournisseur') or a document referred to ('Your Order', 'Zu Rechnung'): the value stands below."""


@step("fields.numbers.candidates.labels.de", scope="page", requires=["page.lines"],
      provides=["page.doc_number.labels_de"])
def german_number_labels(page_lines: list[Line]) -> list[Hit]:
    """Values after a German number word: 'Rechnungsnummer: 4711', 'Kunden-Nr. K-12'."""
    return scan(page_lines, LABELS["de"], "fields.numbers.candidates.labels.de", "number")


@step("fields.numbers.candidates.labels.en", scope="page", requires=["page.lines"],
      provides=["page.doc_number.labels_en"])
def english_number_labels(page_lines: list[Line]) -> list[Hit]:
    """Values after an English number word: 'Invoice No. 4711', 'PO Number 55', 'Order # 9'."""
    return scan(page_lines, LABELS["en"], "fields.numbers.candidates.labels.en", "number")


@step("fields.numbers.candidates.labels.fr", scope="page", requires=["page.lines"],
      provides=["page.doc_number.labels_fr"])
def french_number_labels(page_lines: list[Line]) -> list[Hit]:
    """Values after a French number word: 'Facture N° F-12', 'Numéro client : 889'."""
    return scan(page_lines, LABELS["fr"], "fields.numbers.candidates.labels.fr", "number")


@step("fields.numbers.candidates.named", scope="page", requires=["page.lines"],
      provides=["page.doc_number.named"])
def named_numbers(page_lines: list[Line]) -> list[Hit]:
    """Values named by a reference, ID or code word or a qualified document word, in any of
    the three languages: 'Order Ref.: 195668', 'Customer ID: 866247', 'Facture liée F-10'."""
    return scan(page_lines, NAMED, "fields.numbers.candidates.named", "number")


TITLE_WORDS = 12
"""A title is short: a document word in a cell of more words is running text (or a page's
words run together where the layout failed), not a title with its number."""


def _cell_words(line: Line, start: int) -> int:
    """How many words the cell holding character ``start`` of the line has."""
    begin = line.text.rfind("\t", 0, start) + 1
    end = line.text.find("\t", start)
    return len(line.text[begin:end if end >= 0 else None].split())


@step("fields.numbers.candidates.title", scope="page", requires=["page.lines"],
      provides=["page.doc_number.title"])
def title_numbers(page_lines: list[Line]) -> list[Hit]:
    """Values right after a document word, as a title line writes them: 'RECHNUNG 2024-001'."""
    return [h for h in scan(page_lines, TITLE, "fields.numbers.candidates.title", "number",
                            rank=1)
            if _cell_words(page_lines[h.line], h.origin) <= TITLE_WORDS]


def _words_above(lines: list[Line], i: int, x0: float, x1: float) -> str:
    """The words right above a value that overlap its column: one header of a row of headers
    set so close that they read as one cell ('Rechnungsnummer Rechnungsdatum')."""
    if i == 0:
        return ""
    above = [w for w in lines[i - 1].words if min(w.x1, x1) - max(w.x0, x0) > 0]
    return " ".join(w.text for w in above)


@step("fields.numbers.candidates.header", scope="page", requires=["page.lines"],
      provides=["page.doc_number.header"])
def header_numbers(page_lines: list[Line]) -> list[Hit]:
    """Cells shaped like a number below a column header naming one ('Invoice #' / '819000')."""
    out = []
    for i, line in enumerate(page_lines):
        for cell in cells(line):
            if not ID_CELL.match(cell.text):
                continue
            start = cell.start + line.text[cell.start:].index(cell.text)
            header = header_above(page_lines, i, cell.x0, cell.x1, max_lines=2)
            if header and not HEADER_LABEL.search(header):
                header = _words_above(page_lines, i, cell.x0, cell.x1)
            if header and HEADER_LABEL.search(header) and len(header) < 40:
                end = start + len(cell.text)
                out.append(Hit(i, start, end, "fields.numbers.candidates.header", start, end,
                               (("number", cell.text),), label=header, rank=2))
    return out


SOURCES = (german_number_labels, english_number_labels, french_number_labels, title_numbers,
           header_numbers, named_numbers)
