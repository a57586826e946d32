"""Merge: each family's selected fields into the one ``doc.fields`` artifact of DESIGN §8.

Each family selects its own fields (``fields.<kind>.select`` -> ``doc.field.<kind>``); this step
only joins them, so a family can be replaced (a trained role model) without touching the others.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import FieldValue
from cosy.engine.step import step
from cosy.fieldspec import values_match
from cosy.steps.einvoice import XML_CONFIDENCE, xml_field
from cosy.steps.fields.payment.codes import code_name

SELECTED = (
    "doc.field.invoice_number", "doc.field.order_number", "doc.field.customer_number",
    "doc.field.issue_date", "doc.field.delivery_date", "doc.field.due_date", "doc.field.period",
    "doc.field.currency", "doc.field.amount", "doc.field.amount_due", "doc.field.tax_rate",
    "doc.field.payment_terms", "doc.field.payment_days", "doc.field.discount",
    "doc.field.seller_name", "doc.field.seller_address", "doc.field.seller_legal_form",
    "doc.field.buyer_name", "doc.field.buyer_address", "doc.field.buyer_legal_form",
    "doc.field.iban", "doc.field.debtor_iban", "doc.field.bic",
    "doc.field.bank_name", "doc.field.seller_vat_id", "doc.field.buyer_vat_id",
    "doc.field.seller_tax_number", "doc.field.seller_register", "doc.field.seller_register_court",
    "doc.field.contact", "doc.field.staff",
    "doc.field.payment_means", "doc.field.creditor_id", "doc.field.mandate_reference",
    "doc.field.valid_until", "doc.field.start_date", "doc.field.monthly_fee",
    "doc.field.prepaid_amount", "doc.field.dunning_fee",
    "doc.field.buyer_reference", "doc.field.supplier_number", "doc.field.invoice_reference",
    "doc.field.tax_category",
)
"""The artifacts of the families' select steps (``doc.field.<kind>``) that make up doc.fields.
A new family adds its artifact here; the order is the order in which they are joined."""


@step("fields.merge", scope="document", requires=[*SELECTED, "doc.xml.fields"],
      provides=["doc.fields.merged"])
def merge_fields(doc_xml_fields: dict[str, Any],
                 **selected: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """All selected fields, and the e-invoice XML's where it has them; a field no family found
    is absent, never guessed. The consistency checks (``consistency.*``) come next."""
    fields: dict[str, FieldValue] = {}
    for artifact in SELECTED:
        fields.update(selected[artifact.replace(".", "_")])
    merge_xml(fields, doc_xml_fields)
    return fields


MERGED_FROM_XML = (
    "invoice_number", "order_number", "issue_date", "due_date", "delivery_date", "currency",
    "total_net", "total_tax", "total_gross", "seller_name", "seller_address", "seller_vat_id",
    "seller_tax_number", "buyer_name", "buyer_address", "buyer_vat_id", "iban", "bic",
    "payment_terms", "buyer_reference", "invoice_reference", "payment_means", "creditor_id",
    "mandate_reference", "debtor_iban", "prepaid_amount", "amount_due", "tax_category",
)


def merge_xml(fields: dict[str, FieldValue], xml: dict[str, Any]) -> None:
    """Join the attachment's fields into the page's: an agreeing page value stays (it has a box)
    and gains the XML's confidence; a missing or disagreeing one is the XML's (source "xml")."""
    for name in MERGED_FROM_XML:
        if name not in xml:
            continue
        page = fields.get(name)
        if page is not None and values_match(name, xml[name], page.value):
            page.confidence = max(page.confidence, XML_CONFIDENCE)
        else:
            fields[name] = xml_field(name, xml[name])
    means = fields.get("payment_means")
    if means is not None and means.source == "xml":  # the name follows the XML's code
        fields["payment_means_name"] = xml_field("payment_means_name", code_name(str(means.value)))
