"""Vocabulary: schema.org where a term exists, the small ``cosy:`` namespace for the rest.

The predicates of the fields' literals are in their field specs (:mod:`cosy.fieldspec`, declared
beside each select step); this module names node types and the relations between nodes.
"""

from __future__ import annotations

from cosy.domain import stable_id

SCHEMA = "https://schema.org/"
COSY = "https://cosy.dev/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

DOC_TYPES = {
    # document type (cosy.corpus.DOC_TYPES) -> rdf:type of the document node
    "invoice": SCHEMA + "Invoice",
    "corrected_invoice": COSY + "CorrectedInvoice",
    "self_billed_invoice": COSY + "SelfBilledInvoice",
    "invoice_information": COSY + "InvoiceInformation",
    "credit_note": COSY + "CreditNote",
    "order": SCHEMA + "Order",
    "order_confirmation": COSY + "OrderConfirmation",
    "delivery_note": COSY + "DeliveryNote",
    "quotation": SCHEMA + "Offer",
    "payment_reminder": COSY + "PaymentReminder",
    "contract": COSY + "Contract",
    "letter": COSY + "Letter",
    "receipt": COSY + "Receipt",
}
DOCUMENT = SCHEMA + "DigitalDocument"
"""The type of a document whose kind is unknown (no text to classify)."""

PERSON_ROLES = {
    # person field: (predicate from the organisation to the person)
    "contact_person": COSY + "contactPerson",
    "director": COSY + "director",
}
PDF_METADATA = {
    # key of parse.metadata: (predicate on the document, literal datatype)
    "producer": (COSY + "pdfProducer", XSD + "string"),
    "creator": (COSY + "pdfCreator", XSD + "string"),
    "created": (SCHEMA + "dateCreated", XSD + "date"),
}
WORKS_FOR = SCHEMA + "worksFor"
LANGUAGE = SCHEMA + "inLanguage"
BANK_NAME = COSY + "bankName"
DEBTOR_ACCOUNT = COSY + "debtorAccount"
TAX_REGISTRATION = COSY + "taxRegistration"
IBAN = COSY + "iban"
BIC = COSY + "bic"
IS_INVOICE = COSY + "isInvoice"  # an invoice document -> the Invoice node it is
REFERS_TO_INVOICE = COSY + "refersToInvoice"  # a credit note or reminder -> the earlier invoice
CORRECTS_INVOICE = COSY + "correctsInvoice"  # a corrected invoice -> the invoice it replaces
VAT_ID = SCHEMA + "vatID"
PAYEE_ACCOUNT = COSY + "payeeAccount"
PROVIDER = SCHEMA + "provider"
CUSTOMER = SCHEMA + "customer"
TAX_ID = SCHEMA + "taxID"
ADDRESS = SCHEMA + "address"
ACCOUNT_HOLDER = COSY + "accountHolder"
ADDRESS_PARTS = {
    # PostalAddress literal parts, keyed by the address field's keys (DESIGN §8)
    "street": SCHEMA + "streetAddress",
    "postal_code": SCHEMA + "postalCode",
    "city": SCHEMA + "addressLocality",
    "country": SCHEMA + "addressCountry",
}
NAME = SCHEMA + "name"
LINE_ITEM = COSY + "lineItem"
DESCRIPTION = SCHEMA + "description"
QUANTITY = SCHEMA + "orderQuantity"
UNIT = SCHEMA + "unitText"
PRICE = SCHEMA + "price"
LINE_TOTAL = COSY + "lineTotal"
POSITION = SCHEMA + "position"
TAX_SUBTOTAL = COSY + "taxSubtotal"  # document -> a row of its VAT breakdown (UBL TaxSubtotal)
TAX_SUBTOTAL_PREDICATES = {
    # breakdown row key: (predicate on the TaxSubtotal node, literal datatype)
    "rate": (COSY + "taxRate", XSD + "decimal"),
    "base": (COSY + "taxableAmount", XSD + "decimal"),
    "tax": (COSY + "taxAmount", XSD + "decimal"),
    "category": (COSY + "taxCategory", XSD + "string"),
}
FILE_NAME = COSY + "fileName"
PAGES = COSY + "pageCount"


def entity_id(tenant: str, type_: str, key: str) -> str:
    """Stable per tenant: the same VAT ID or IBAN in a thousand documents is one node."""
    return f"urn:cosy:{type_.lower()}:{stable_id(tenant, type_, key, size=24)}"
