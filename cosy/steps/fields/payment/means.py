"""Payment means: how the document is paid, as a UNTDID 4461 code ('58' SEPA credit transfer).

Sources (one step each): the words of each language ('per SEPA-Lastschrift', 'by bank
transfer', 'par virement', 'MasterCard-Kreditkarte'), the printed code ('Zahlungstyp (codiert):
58') and a short value behind a label ('Zahlungsart: Bar'). Normalise resolves overlaps and cuts
the sentence of each hit; validate drops offers ('wenn Sie uns ein Lastschriftmandat erteilen'),
marks refunds ('erstatten wir per Scheck') and whether the sentence names the account the means
needs; context adds the label and the place; select weighs them with what the document's other
fields show (a payee IBAN for a transfer; a debtor IBAN, mandate or creditor ID for a direct
debit).

The field: ``payment_means`` is the code as a string ('58'), what EN 16931 (BT-81), the e-invoice
XML and an SAP payment-method mapping key on, language-neutral; ``payment_means_name`` is the
code list's name ('SEPA credit transfer') for a reader. Both come from the same mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cosy.domain import FieldValue, Line, PageGeometry
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, SCHEMA, XSD
from cosy.steps.fields.common import Candidate, cells, header_above, left_label
from cosy.steps.fields.hits import Hit, mentions, resolve_overlaps, scan
from cosy.steps.fields.payment.codes import (
    CODED,
    CODES,
    DIRECT_DEBIT,
    LABEL,
    SPECIFIC,
    TERM_PATTERNS,
    TRANSFER,
    code_name,
    offer,
    refund,
    short_value,
    speaks_of_account,
)
from cosy.steps.xml_tree import CII_MEANS, UBL_MEANS

STEP = "fields.payment.select.payment_means"
RANK_CODE, RANK_LABEL, RANK_WORDS = 0, 1, 2
"""Tie-break between sources reading the same characters: the printed code, the labelled value,
then the words."""


def _with_code(hit: Hit, code: str) -> Hit:
    return replace(hit, parts=(*hit.parts, ("code", code)))


def _terms(lines: list[Line], lang: str) -> list[Hit]:
    name = f"fields.payment.candidates.means.{lang}"
    return [_with_code(h, code) for p, code in TERM_PATTERNS[lang]
            for h in scan(lines, p, name, 0, RANK_WORDS)]


@step("fields.payment.candidates.means.de", scope="page", requires=["page.lines"],
      provides=["page.payment_means.de"])
def german_means(page_lines: list[Line]) -> list[Hit]:
    """German words: 'Überweisung', 'SEPA-Lastschrift', 'Kreditkarte', 'EC-Karte', 'Scheck'."""
    return _terms(page_lines, "de")


@step("fields.payment.candidates.means.en", scope="page", requires=["page.lines"],
      provides=["page.payment_means.en"])
def english_means(page_lines: list[Line]) -> list[Hit]:
    """English words: 'bank transfer', 'SEPA direct debit', 'credit card', 'cheque', 'PayPal'."""
    return _terms(page_lines, "en")


@step("fields.payment.candidates.means.fr", scope="page", requires=["page.lines"],
      provides=["page.payment_means.fr"])
def french_means(page_lines: list[Line]) -> list[Hit]:
    """French words: 'virement', 'prélèvement SEPA', 'carte bancaire', 'chèque', 'espèces'."""
    return _terms(page_lines, "fr")


@step("fields.payment.candidates.means.code", scope="page", requires=["page.lines"],
      provides=["page.payment_means.code"])
def coded_means(page_lines: list[Line]) -> list[Hit]:
    """The code as printed: 'Zahlungstyp (codiert): 58', 'Payment Means (30)'; codes of the
    UNTDID 4461 list only."""
    hits = [h for p in CODED
            for h in scan(page_lines, p, "fields.payment.candidates.means.code", "code",
                          RANK_CODE)]
    return [_with_code(h, h.part("code").upper()) for h in hits if h.part("code").upper() in CODES]


def label_of(lines: list[Line], index: int, start: int, x0: float, x1: float) -> str:
    """The payment means label of a value: in its cell or the cell left of it, or the column
    header above it; '' when none of them is one."""
    left, _ = left_label(lines[index], start)
    for text in (left, header_above(lines, index, x0, x1)):
        if LABEL.search(text):
            return text
    return ""


@step("fields.payment.candidates.means.label", scope="page", requires=["page.lines"],
      provides=["page.payment_means.label"])
def labelled_means(page_lines: list[Line]) -> list[Hit]:
    """A short value behind a payment means label: 'Zahlungsart: Bar', 'Payment method ⇥ Card',
    a column 'Mode de paiement' over 'Chèque' (words too common to count anywhere else)."""
    out = []
    for i, line in enumerate(page_lines):
        for cell in cells(line):
            own = LABEL.match(cell.text)
            value = cell.text[own.end():].lstrip(" :") if own else cell.text
            code = short_value(value)
            if code is None:
                continue
            start = cell.start + line.text[cell.start:].index(value)
            end = start + len(value)
            label = cell.text[:own.end()] if own else label_of(page_lines, i, start, cell.x0,
                                                                cell.x1)
            if not label:
                continue
            out.append(Hit(i, start, end, "fields.payment.candidates.means.label",
                           cell.start if own else start, end, (("code", code),), label,
                           RANK_LABEL))
    return out


@dataclass(frozen=True, slots=True)
class Means:
    """One reading of the payment means: the hit, its code, the sentence that states it and what
    validation found in that sentence."""

    hit: Hit
    code: str
    sentence: str
    refund: bool = False  # the sentence is about paying money back
    account: bool = False  # the sentence names the account the means needs


SENTENCE_STOP = re.compile(r"[.!?;:](?=\s|$)|\t")
"""Where a sentence (or a table cell) ends; '30.05.2017' and '529,87' do not end one."""


def sentence_around(lines: list[Line], index: int, start: int, end: int, reach: int = 2) -> str:
    """The sentence around characters [start, end) of a line, over up to ``reach`` lines before
    and after it: a sentence a line break cuts ('... per SEPA-Lastschrift / eingezogen.')."""
    text = lines[index].text
    head, tail, k = text[:start], text[end:], index
    while not SENTENCE_STOP.search(head) and k > 0 and index - k < reach \
            and not SENTENCE_STOP.search(lines[k - 1].text.rstrip()[-1:] or "."):
        k -= 1
        head = f"{lines[k].text} {head}"
    k = index
    while not SENTENCE_STOP.search(tail) and k + 1 < len(lines) and k - index < reach:
        k += 1
        tail = f"{tail} {lines[k].text}"
    a = max((m.end() for m in SENTENCE_STOP.finditer(head)), default=0)
    stop = SENTENCE_STOP.search(tail)
    b = stop.end() if stop else len(tail)
    return " ".join(f"{head[a:]}{text[start:end]}{tail[:b]}".split())


@step("fields.payment.normalise.means", scope="page",
      requires=["page.payment_means.code", "page.payment_means.label", "page.payment_means.de",
                "page.payment_means.en", "page.payment_means.fr", "page.lines"],
      provides=["page.payment_means.normalised"])
def means_normalise(page_payment_means_code: list[Hit], page_payment_means_label: list[Hit],
                    page_payment_means_de: list[Hit], page_payment_means_en: list[Hit],
                    page_payment_means_fr: list[Hit], page_lines: list[Line]) -> list[Means]:
    """Each reading once ('SEPA-Überweisung' over the 'Überweisung' in it, the printed code over
    the words beside it), with its code and the sentence that states it."""
    hits = resolve_overlaps(page_payment_means_code, page_payment_means_label,
                            page_payment_means_de, page_payment_means_en, page_payment_means_fr)
    return [Means(h, h.part("code"), sentence_around(page_lines, h.line, h.origin, h.stop))
            for h in hits]


@step("fields.payment.validate.means", scope="page", requires=["page.payment_means.normalised"],
      provides=["page.payment_means.valid"])
def means_validate(page_payment_means_normalised: list[Means]) -> list[Means]:
    """Not an offer ('if you grant us a mandate', 'wenn Sie ... wünschen'): that is not how this
    document is paid. Marks refunds and whether the sentence names the account the means needs
    (the payee's for a transfer, the payer's or a mandate for a direct debit)."""
    return [replace(m, refund=refund(m.sentence), account=speaks_of_account(m.code, m.sentence))
            for m in page_payment_means_normalised
            if m.hit.source.endswith(".code") or not offer(m.sentence)]


@dataclass(slots=True)
class MeansContext:
    """A valid reading with its place on the page and what introduces it."""

    mention: Candidate  # value: the code
    code: str
    coded: bool  # printed as a code
    labelled: bool  # behind a payment means label ('Zahlungsart', 'Payment method')
    refund: bool
    account: bool
    sentence: str


@step("fields.payment.context.means", scope="page",
      requires=["page.payment_means.valid", "page.lines", "page_no", "page.geometry"],
      provides=["page.payment_means.context"])
def means_context(page_payment_means_valid: list[Means], page_lines: list[Line], page_no: int,
                  page_geometry: PageGeometry) -> list[MeansContext]:
    """Each reading as a mention (box, label left of it, header above, height on the page) and
    whether a payment means label introduces it."""
    height = page_geometry.height
    found = mentions(page_lines, page_no, height, "payment_means",
                     ((m.hit, m.code) for m in page_payment_means_valid))
    out = []
    for m, c in zip(page_payment_means_valid, found, strict=True):
        labelled = bool(m.hit.label) or bool(label_of(page_lines, m.hit.line, m.hit.start,
                                                      c.bbox[0], c.bbox[2]))
        out.append(MeansContext(c, m.code, m.hit.source.endswith(".code"), labelled, m.refund,
                                m.account, m.sentence))
    return out


def score(c: MeansContext, has_payee: bool, has_payer: bool, title: str | None) -> float:
    """How surely a reading is this document's means (0: it is not): a printed code, a labelled
    value, a sentence naming the account, else the account the document prints elsewhere."""
    if c.refund and title != "credit_note" and not c.coded:
        return 0.0  # 'Gutschriften erstatten wir per Scheck' on an invoice
    if c.coded:
        return 0.95
    if c.labelled:
        return 0.85
    if c.account:
        return 0.75
    if (c.code in TRANSFER and has_payee) or (c.code in DIRECT_DEBIT and has_payer):
        return 0.6
    return 0.0


def select_means(contexts: list[MeansContext], fields: dict[str, FieldValue],
                 title: str | None) -> dict[str, FieldValue]:
    """The best reading; a generic one ('Überweisung') takes the specific code another reading
    of its kind gives ('SEPA-Überweisung'), unless the code is printed as such."""
    has_payee = "iban" in fields
    has_payer = any(f in fields for f in ("debtor_iban", "mandate_reference", "creditor_id"))
    scored = [(score(c, has_payee, has_payer, title), c) for c in contexts]
    scored = [(s, c) for s, c in scored if s > 0]
    if not scored:
        return {}
    best_score, best = max(scored, key=lambda sc: sc[0])  # max keeps the first on a tie
    pick = best
    if not best.coded:
        specific = [(s, c) for s, c in scored if c.code in SPECIFIC.get(best.code, ())]
        if specific:
            pick = max(specific, key=lambda sc: sc[0])[1]
    m = pick.mention
    where = (m.page, m.bbox, m.span, STEP)
    return {"payment_means": FieldValue("payment_means", pick.code, best_score, *where),
            "payment_means_name": FieldValue("payment_means_name", code_name(pick.code),
                                             best_score, *where)}


PAYMENT_MEANS_FIELD = field_spec(
    "payment_means", "code", "how the document is paid (UNTDID 4461 code)", bt="BT-81",
    predicate=SCHEMA + "paymentMethod", datatype=XSD + "string", cii=(*CII_MEANS, "TypeCode"),
    ubl=(*UBL_MEANS, "PaymentMeansCode"))
PAYMENT_MEANS_NAME_FIELD = field_spec(
    "payment_means_name", "text", "the payment means' name", bt="BT-82",
    predicate=COSY + "paymentMeansName", datatype=XSD + "string")


@step(STEP, scope="document",
      requires=["page.payment_means.context", "doc.field.iban", "doc.field.debtor_iban",
                "doc.field.mandate_reference", "doc.field.creditor_id", "doc.title_kind"],
      provides=["doc.field.payment_means"])
def means_select(page_payment_means_context: list[list[MeansContext]],
                 doc_field_iban: dict[str, FieldValue],
                 doc_field_debtor_iban: dict[str, FieldValue],
                 doc_field_mandate_reference: dict[str, FieldValue],
                 doc_field_creditor_id: dict[str, FieldValue],
                 doc_title_kind: str | None) -> dict[str, FieldValue]:
    """``payment_means`` (the UNTDID 4461 code) and ``payment_means_name``."""
    fields = {**doc_field_iban, **doc_field_debtor_iban, **doc_field_mandate_reference,
              **doc_field_creditor_id}
    contexts = [c for page in page_payment_means_context for c in page]
    return select_means(contexts, fields, doc_title_kind)
