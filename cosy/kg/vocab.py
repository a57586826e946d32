"""Vocabulary: schema.org where a term exists, the small ``cosy:`` namespace for the rest."""

from __future__ import annotations

from cosy.domain import stable_id

SCHEMA = "https://schema.org/"
COSY = "https://cosy.dev/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

DOC_TYPES = {
    "invoice": SCHEMA + "Invoice",
    "credit_note": COSY + "CreditNote",
    "order": SCHEMA + "Order",
}

FIELD_PREDICATES: dict[str, tuple[str, str | None]] = {
    # field name: (predicate, literal datatype)
    "invoice_number": (SCHEMA + "identifier", XSD + "string"),
    "order_number": (SCHEMA + "orderNumber", XSD + "string"),
    "customer_number": (COSY + "customerNumber", XSD + "string"),
    "issue_date": (SCHEMA + "dateIssued", XSD + "date"),
    "due_date": (SCHEMA + "paymentDueDate", XSD + "date"),
    "delivery_date": (COSY + "deliveryDate", XSD + "date"),
    "currency": (SCHEMA + "priceCurrency", XSD + "string"),
    "total_net": (COSY + "totalNet", XSD + "decimal"),
    "total_tax": (COSY + "totalTax", XSD + "decimal"),
    "total_gross": (SCHEMA + "totalPaymentDue", XSD + "decimal"),
    "payment_terms": (COSY + "paymentTerms", XSD + "string"),
}
IBAN = COSY + "iban"
BIC = COSY + "bic"
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
FILE_NAME = COSY + "fileName"
PAGES = COSY + "pageCount"


def entity_id(tenant: str, type_: str, key: str) -> str:
    """Stable per tenant: the same VAT ID or IBAN in a thousand documents is one node."""
    return f"urn:cosy:{type_.lower()}:{stable_id(tenant, type_, key, size=24)}"
