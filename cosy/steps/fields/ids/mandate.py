"""SEPA mandate reference (Mandatsreferenz, mandate reference, RUM): the mandate a debit uses.

A direct debit names the mandate the payer signed; with the creditor identifier it is what the
payer's bank checks. The reference is up to 35 characters of the SEPA character set (letters,
digits, space and / - ? : ( ) . , ' +). Family: the value after a label, one step per language
-> normalise (whitespace, the label's punctuation) -> validate (the SEPA set, 35 characters, a
digit: a label followed by prose is no reference) -> select ``mandate_reference``.
"""

from __future__ import annotations

import re

from cosy.domain import FieldValue, Line
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, XSD
from cosy.steps.fields.common import Candidate, flatten
from cosy.steps.fields.ids.common import refined
from cosy.steps.fields.ids.sepa import LABEL_PATTERNS as CREDITOR_LABELS
from cosy.steps.fields.ids.sepa import labelled_values
from cosy.steps.xml_tree import CII_TERMS, UBL_MEANS

STEP = "fields.ids.select.mandate_reference"
LABELS = {
    "de": r"mandats?[\s-]?(?:referenz(?:nummer)?|ref\.|nummer|nr\.|id)(?!\w)",
    "en": r"(?:unique\s)?mandate\s(?:reference(?:\snumber)?|ref\.|id(?:entifier)?|number|no\.)"
          r"(?!\w)|\bumr\b",
    "fr": r"r[ée]f[ée]rence\s(?:unique\s)?(?:du|de)\smandat|\brum\b|r[ée]f\.\s?(?:du\s)?mandat|"
          r"n°\s?(?:de\s)?mandat",
}
"""Labels that introduce a mandate reference, per language."""
LABEL_PATTERNS = {lang: re.compile(p, re.I) for lang, p in LABELS.items()}
SEPA_REFERENCE = re.compile(r"[A-Za-z0-9/?:().,'+ -]{1,35}")
"""The SEPA character set, at most 35 characters (a mandate reference, EPC AT-01)."""
NEXT_LABEL = re.compile(r"\s(?:IBAN|BIC)\b|" + "|".join(
    rf"\s(?:{p})" for p in (*LABELS.values(), *(c.pattern for c in CREDITOR_LABELS.values()))),
    re.I)
"""Another field's label the value ran into ('REF-17 Gläubiger-ID ...')."""


def _labelled(lines: list[Line], page_no: int, lang: str) -> list[Candidate]:
    return labelled_values(lines, page_no, LABEL_PATTERNS[lang], "mandate_reference",
                           f"fields.ids.candidates.mandate_reference.{lang}")


@step("fields.ids.candidates.mandate_reference.de", scope="page",
      requires=["page.lines", "page_no"], provides=["page.mandate_reference.candidates.de"])
def mandate_reference_de(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """The value after 'Mandatsreferenz', 'Mandats-Nr.' (and 'Mandatsreferenz d. Lastschrift:')."""
    return _labelled(page_lines, page_no, "de")


@step("fields.ids.candidates.mandate_reference.en", scope="page",
      requires=["page.lines", "page_no"], provides=["page.mandate_reference.candidates.en"])
def mandate_reference_en(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """The value after 'Mandate reference', 'Mandate ID', 'UMR'."""
    return _labelled(page_lines, page_no, "en")


@step("fields.ids.candidates.mandate_reference.fr", scope="page",
      requires=["page.lines", "page_no"], provides=["page.mandate_reference.candidates.fr"])
def mandate_reference_fr(page_lines: list[Line], page_no: int) -> list[Candidate]:
    """The value after 'Référence unique de mandat', 'RUM', 'Réf. mandat'."""
    return _labelled(page_lines, page_no, "fr")


def clean_reference(raw: str) -> str:
    """The reference without another label it ran into, with single spaces and without the
    label's punctuation around it."""
    cut = NEXT_LABEL.search(raw)
    text = raw[:cut.start()] if cut else raw
    return " ".join(text.split()).strip(" .,:;")


@step("fields.ids.normalise.mandate_reference", scope="page",
      requires=["page.mandate_reference.candidates.de", "page.mandate_reference.candidates.en",
                "page.mandate_reference.candidates.fr"],
      provides=["page.mandate_reference.normalised"])
def mandate_reference_normalise(page_mandate_reference_candidates_de: list[Candidate],
                                page_mandate_reference_candidates_en: list[Candidate],
                                page_mandate_reference_candidates_fr: list[Candidate]
                                ) -> list[Candidate]:
    """Each labelled value once (a label two lexicons know is read once), cleaned."""
    out: list[Candidate] = []
    for m in (page_mandate_reference_candidates_de + page_mandate_reference_candidates_en
              + page_mandate_reference_candidates_fr):
        if any(o.line == m.line and o.span == m.span for o in out):
            continue
        out.append(refined(m, value=clean_reference(m.raw)))
    return sorted(out, key=lambda m: (m.line, m.span))


def reference_valid(value: str) -> bool:
    """Up to 35 characters of the SEPA set with a digit in them."""
    return bool(SEPA_REFERENCE.fullmatch(value)) and any(ch.isdigit() for ch in value)


@step("fields.ids.validate.mandate_reference", scope="page",
      requires=["page.mandate_reference.normalised"],
      provides=["page.mandate_reference.validated"])
def mandate_reference_validate(page_mandate_reference_normalised: list[Candidate]
                               ) -> list[Candidate]:
    """The values a mandate reference can be (SEPA characters, 35 at most, a digit)."""
    return [refined(m, confidence=0.85) for m in page_mandate_reference_normalised
            if reference_valid(m.value)]


MANDATE_REFERENCE_FIELD = field_spec(
    "mandate_reference", "identifier", "the SEPA direct debit mandate", bt="BT-89",
    predicate=COSY + "mandateReference", datatype=XSD + "string",
    cii=(*CII_TERMS, "DirectDebitMandateID"), ubl=(*UBL_MEANS, "PaymentMandate", "ID"))


@step(STEP, scope="document", requires=["page.mandate_reference.validated"],
      provides=["doc.field.mandate_reference"])
def mandate_reference_select(page_mandate_reference_validated: list[list[Candidate]]
                             ) -> dict[str, FieldValue]:
    """``mandate_reference``: the first labelled reference of the document."""
    found = flatten(page_mandate_reference_validated)
    if not found:
        return {}
    first = found[0]
    return {"mandate_reference": FieldValue("mandate_reference", first.value, first.confidence,
                                            first.page, first.bbox, first.span, STEP)}
