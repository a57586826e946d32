"""Per-field selection of document numbers: the document's own number, order, customer and
supplier number, and the invoice a credit note, correction or reminder refers to.

The document's own number ('invoice_number', whatever the title calls the document) is chosen
first; the order number is then a number labelled as an order that is not the document's own
(an order confirmation's number is its own, not an order reference; an order's own number is
its order number); the customer number is the first one labelled for the customer, the supplier
number the first labelled for the supplier; the referenced invoice is a number labelled as an
invoice that is not the document's own.
"""

from __future__ import annotations

import re

from cosy.domain import FieldValue, Mention
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, SCHEMA, XSD
from cosy.steps.fields.common import flatten, selected
from cosy.steps.fields.doc_kinds import RULE_KIND
from cosy.steps.fields.numbers.stages import ORDER_WORDS, THEIR_REFERENCE
from cosy.steps.xml_tree import CII_AGREEMENT, CII_DOCUMENT, CII_SETTLEMENT

OWN_KIND = {"credit_note": ("credit_note", "invoice")}
"""Label kinds that name a document's own number, by title kind (default: the title's kind)."""
REFERRING_KINDS = frozenset({"credit_note", "corrected_invoice", "payment_reminder"})
"""Title kinds that refer to an earlier invoice (the one credited, corrected or dunned)."""
EARLIER_INVOICE = re.compile(r"original|ursprung|ursprüngl|d['’]\s?origine|liée|related|bezug|"
                             r"\bzu\b|correct|korrig|rectifi|replace|ersetzt|remplace|initial|preceding|"
                             r"vorherig|\bref\b|réf", re.I)
"""Words that say an invoice number is an earlier one ('Original Invoice', 'Facture liée')."""
TAX_WORDS = re.compile(r"\b(?:vat|ust|tva|mwst|tax)\b|steuer", re.I)
"""A tax registration's label ('Customer VAT Number', 'USt-IdNr.'): no customer or supplier
number."""


def _field(name: str, m: Mention, confidence: float) -> FieldValue:
    return FieldValue(name, m.value, confidence, m.page, m.bbox, m.span,
                      f"fields.numbers.select.{name}", m.model)


def _title_bonus(m: Mention) -> float:
    """The document's own number stands in its title, near the top of the first page."""
    return 1.0 if m.page == 1 and getattr(m, "y", 1.0) < 0.35 else 0.0


def _theirs(m: Mention) -> bool:
    return bool(THEIR_REFERENCE.search((m.label or "")[-50:]))


def pick_own_number(mentions: list[Mention], title: str | None = None) -> FieldValue | None:
    """The document's own number (an invoice's, or whatever the title calls the document).

    With a title, it is the number whose label names the same kind of document and is no
    reference to someone else's ('Ihre Bestellung'); a number labelled for another kind of
    document is a reference, never the document's own. Without one, a number near the top
    whose label names no kind ('Nr.', 'Belegnummer') is, never a tax registration ('USt-IdNr.').
    """
    own: list[Mention] = []
    title = RULE_KIND.get(title, title) if title is not None else None
    if title is not None:
        kinds = OWN_KIND.get(title, (title,))
        own = [m for m in mentions if getattr(m, "doc_kind", None) in kinds and not _theirs(m)]
        if not own and title not in ("invoice", "credit_note"):
            own = [m for m in mentions if m.role in ("other", "invoice") and _title_bonus(m)
                   and getattr(m, "doc_kind", None) is None and not _theirs(m)
                   and not TAX_WORDS.search(m.label or "")]
    if own:
        m = max(own, key=lambda m: _title_bonus(m) - 0.01 * mentions.index(m))
        return _field("invoice_number", m, 0.85 + 0.1 * _title_bonus(m))
    if title not in (None, "invoice", "credit_note"):
        return None
    invoices = [m for m in mentions if m.role == "invoice"]
    if invoices:
        m = max(invoices, key=lambda m: _title_bonus(m) - 0.01 * mentions.index(m))
        return _field("invoice_number", m, 0.8 + 0.15 * _title_bonus(m))
    bare = [m for m in mentions if (m.label or "").strip() == "#" and _title_bonus(m)]
    if bare:  # '#23413561D' alone under the title: the title's number
        return _field("invoice_number", bare[0], 0.7)
    receipts = [m for m in mentions if m.role == "receipt"]
    if receipts:  # a receipt's number ('Receipt No.', 'Check #') where no invoice number is
        m = max(receipts, key=lambda m: _title_bonus(m) - 0.01 * mentions.index(m))
        return _field("invoice_number", m, 0.7 + 0.1 * _title_bonus(m))
    first = [m for m in mentions if m.role == "order" and _title_bonus(m)]
    return _field("invoice_number", first[0], 0.6) if first else None  # an order's own number


def pick_order_number(mentions: list[Mention], own: FieldValue | None, title: str | None = None,
                      references: list[Mention] | None = None) -> FieldValue | None:
    """The first number labelled as an order (or a reference to one) that is not the own one.

    An order's own number is its order number (an untitled document whose own number is
    labelled as an order is one). Without an order label, an invoice's 'Your
    reference' holding a code (not a Leitweg-ID, not a name) is the buyer's order reference.
    """
    if own is not None and (title == "order" or (title is None and any(
            m.value == own.value and getattr(m, "doc_kind", None) == "order" for m in mentions))):
        return FieldValue("order_number", own.value, own.confidence, own.page, own.bbox, own.span,
                          "fields.numbers.select.order_number", own.model)
    orders = [m for m in mentions if m.role in ("order", "reference")
              and ORDER_WORDS.search(m.label or "") and (own is None or m.value != own.value)]
    if orders:
        return _field("order_number", orders[0], 0.7)
    if title not in (None, "invoice", "credit_note", "corrected_invoice"):
        return None
    theirs = [m for m in references or () if getattr(m, "label_kind", "") == "your"
              and getattr(m, "leitweg", None) is None and re.search(r"\d", m.value)
              and re.fullmatch(r"[\w/.-]+", m.value) and (own is None or m.value != own.value)]
    return _field("order_number", theirs[0], 0.5) if theirs else None


def pick_customer_number(mentions: list[Mention]) -> FieldValue | None:
    """The first number labelled for the customer (Kundennummer, Account No., N° client), not
    the customer's VAT ID ('Customer VAT Number')."""
    customers = [m for m in mentions
                 if m.role == "customer" and not TAX_WORDS.search(m.label or "")]
    return _field("customer_number", customers[0], 0.7) if customers else None


def pick_supplier_number(mentions: list[Mention]) -> FieldValue | None:
    """The first number labelled for the supplier (Lieferantennummer, Vendor ID, N° fournisseur),
    not the supplier's VAT ID or tax number."""
    found = [m for m in mentions if getattr(m, "doc_kind", None) == "supplier"
             and not TAX_WORDS.search(m.label or "")]
    return _field("supplier_number", found[0], 0.7) if found else None


def pick_invoice_reference(mentions: list[Mention], own: FieldValue | None,
                           title: str | None) -> FieldValue | None:
    """The earlier invoice a document refers to: a number labelled as an invoice (or as a
    document, 'Ursprungsbeleg') that is not the document's own. On a credit note, correction
    or reminder any invoice number does; on other documents only one whose label says it is
    an earlier invoice."""
    own_value = own.value if own is not None else None
    found = [m for m in mentions if (getattr(m, "doc_kind", None) == "invoice"
                                     or (m.role == "invoice" and getattr(m, "doc_kind", 1) is None))
             and m.value != own_value
             and (title in REFERRING_KINDS or EARLIER_INVOICE.search((m.label or "")[-50:]))]
    if not found:
        return None
    m = max(found, key=lambda m: bool(EARLIER_INVOICE.search((m.label or "")[-50:]))
            - 0.01 * found.index(m))
    return _field("invoice_reference", m, 0.8 if title in REFERRING_KINDS else 0.6)


INVOICE_NUMBER_FIELD = field_spec(
    "invoice_number", "identifier", "the document's own number (an invoice's, an order's ...)",
    bt="BT-1", scored=True, predicate=SCHEMA + "identifier", datatype=XSD + "string",
    cii=(*CII_DOCUMENT, "ID"), ubl=("ID",))
ORDER_NUMBER_FIELD = field_spec(
    "order_number", "identifier", "the order the document refers to (an order's: its own)",
    bt="BT-13", scored=True, truth="order_reference", predicate=SCHEMA + "orderNumber",
    datatype=XSD + "string",
    cii=(*CII_AGREEMENT, "BuyerOrderReferencedDocument", "IssuerAssignedID"),
    ubl=("OrderReference", "ID"))
CUSTOMER_NUMBER_FIELD = field_spec(
    "customer_number", "identifier", "the buyer's number at the seller", bt="BT-46", scored=True,
    predicate=COSY + "customerNumber", datatype=XSD + "string")
SUPPLIER_NUMBER_FIELD = field_spec(
    "supplier_number", "identifier", "the seller's number at the buyer", bt="BT-29", scored=True,
    predicate=COSY + "supplierNumber", datatype=XSD + "string")
INVOICE_REFERENCE_FIELD = field_spec(
    "invoice_reference", "identifier", "the earlier invoice a credit note or reminder refers to",
    bt="BT-25", scored=True, predicate=COSY + "invoiceReference", datatype=XSD + "string",
    cii=(*CII_SETTLEMENT, "InvoiceReferencedDocument", "IssuerAssignedID"),
    ubl=("BillingReference", "InvoiceDocumentReference", "ID"))


@step("fields.numbers.select.invoice_number", scope="document",
      requires=["page.doc_number.role", "doc.title_kind"], provides=["doc.field.invoice_number"])
def select_invoice_number(page_doc_number_role: list[list[Mention]],
                          doc_title_kind: str | None) -> dict[str, FieldValue]:
    """The document's own number from all pages' numbers and the document's title kind."""
    return selected(pick_own_number(flatten(page_doc_number_role), doc_title_kind))


@step("fields.numbers.select.order_number", scope="document",
      requires=["page.doc_number.role", "doc.field.invoice_number", "doc.title_kind",
                "page.buyer_reference.context"],
      provides=["doc.field.order_number"])
def select_order_number(page_doc_number_role: list[list[Mention]],
                        doc_field_invoice_number: dict[str, FieldValue],
                        doc_title_kind: str | None,
                        page_buyer_reference_context: list[list[Mention]]
                        ) -> dict[str, FieldValue]:
    """The order the document refers to (an order's: its own number)."""
    return selected(pick_order_number(flatten(page_doc_number_role),
                                  doc_field_invoice_number.get("invoice_number"), doc_title_kind,
                                  flatten(page_buyer_reference_context)))


@step("fields.numbers.select.supplier_number", scope="document", requires=["page.doc_number.role"],
      provides=["doc.field.supplier_number"])
def select_supplier_number(page_doc_number_role: list[list[Mention]]) -> dict[str, FieldValue]:
    """The number the buyer gives the supplier (on orders and self-billed invoices)."""
    return selected(pick_supplier_number(flatten(page_doc_number_role)))


@step("fields.numbers.select.invoice_reference", scope="document",
      requires=["page.doc_number.role", "doc.field.invoice_number", "doc.title_kind"],
      provides=["doc.field.invoice_reference"])
def select_invoice_reference(page_doc_number_role: list[list[Mention]],
                             doc_field_invoice_number: dict[str, FieldValue],
                             doc_title_kind: str | None) -> dict[str, FieldValue]:
    """The invoice a credit note, corrected invoice or reminder refers to, never its own."""
    return selected(pick_invoice_reference(flatten(page_doc_number_role),
                                       doc_field_invoice_number.get("invoice_number"),
                                       doc_title_kind))


@step("fields.numbers.select.customer_number", scope="document", requires=["page.doc_number.role"],
      provides=["doc.field.customer_number"])
def select_customer_number(page_doc_number_role: list[list[Mention]]) -> dict[str, FieldValue]:
    """The buyer's customer number at the seller."""
    return selected(pick_customer_number(flatten(page_doc_number_role)))
