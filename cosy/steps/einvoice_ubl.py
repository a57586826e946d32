"""UBL 2.1 invoices and credit notes (XRechnung UBL, Peppol BIS Billing 3.0): fields and items.

The same EN 16931 semantic model as CII in another syntax, so the same DESIGN §8 names come out;
elements are found by local name (cbc:/cac: prefixes vary between producers).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from cosy.fieldspec import FieldSpec
from cosy.steps.xml_tree import (
    amount,
    child,
    children,
    nonzero,
    one_category,
    quantity,
    spec_values,
    text,
)

ROOTS = ("Invoice", "CreditNote")
TYPE_CODES = {"380": "invoice", "381": "credit_note", "384": "corrected_invoice",
              "389": "self_billed_invoice", "751": "invoice_information"}


def _party(node: ET.Element | None) -> dict[str, Any]:
    """Name, postal address, VAT ID and tax number of a cac:Party."""
    party = child(node, "Party")
    if party is None:
        return {}
    out: dict[str, Any] = {}
    name = text(party, "PartyLegalEntity", "RegistrationName") or text(party, "PartyName", "Name")
    if name:
        out["name"] = name
    addr = child(party, "PostalAddress")
    if addr is not None and text(addr, "PostalZone"):
        out["address"] = {"street": text(addr, "StreetName"),
                          "postal_code": text(addr, "PostalZone"),
                          "city": text(addr, "CityName"),
                          "country": text(addr, "Country", "IdentificationCode")}
    for scheme in children(party, "PartyTaxScheme"):
        company_id = (text(scheme, "CompanyID") or "").replace(" ", "")
        kind = text(scheme, "TaxScheme", "ID")
        if company_id and kind == "VAT":
            out["vat_id"] = company_id
        elif company_id:
            out["tax_number"] = company_id
    return out


def iso_date(node: ET.Element | None, *path: str) -> str | None:
    """UBL dates are ISO already ('2024-03-01')."""
    raw = text(node, *path)
    return raw[:10] if raw and len(raw) >= 10 and raw[4] == "-" else None


def _tax_total(root: ET.Element, currency: str | None) -> str | None:
    """The tax total in the invoice currency (a second TaxTotal may state it in another)."""
    for total in children(root, "TaxTotal"):
        node = child(total, "TaxAmount")
        if node is not None and node.get("currencyID", currency) == currency:
            return amount(total, "TaxAmount")
    return None


def _creditor_id(root: ET.Element) -> str | None:
    """The SEPA creditor identifier: a seller (or payee) party identification of scheme SEPA."""
    for tag in ("PayeeParty", "AccountingSupplierParty"):
        party = child(root, tag)
        party = child(party, "Party") if tag == "AccountingSupplierParty" else party
        for ident in children(party, "PartyIdentification"):
            node = child(ident, "ID")
            if node is not None and node.get("schemeID") == "SEPA" and node.text:
                return node.text.strip()
    return None


def fields(root: ET.Element, specs: tuple[FieldSpec, ...]) -> dict[str, Any]:
    """Header fields (DESIGN §8 names) of a UBL invoice or credit note: those the specs name
    paths of, and those read here (a fallback, a choice among several elements, the parties)."""

    sums = child(root, "LegalMonetaryTotal")
    means = child(root, "PaymentMeans")
    currency = text(root, "DocumentCurrencyCode")
    type_code = text(root, "InvoiceTypeCode") or text(root, "CreditNoteTypeCode") or (
        "381" if root.tag.endswith("CreditNote") else "")
    out: dict[str, Any] = {
        **spec_values(root, specs, "UBL", iso_date),
        "doc_type": TYPE_CODES.get(type_code),
        "due_date": iso_date(root, "DueDate") or iso_date(means, "PaymentDueDate"),
        "total_net": amount(sums, "TaxExclusiveAmount") or amount(sums, "LineExtensionAmount"),
        "total_tax": _tax_total(root, currency),
        "iban": (text(means, "PayeeFinancialAccount", "ID") or "").replace(" ", "") or None,
        "creditor_id": _creditor_id(root),  # BT-90
        "debtor_iban": (text(means, "PaymentMandate", "PayerFinancialAccount", "ID") or "")
        .replace(" ", "") or None,  # BT-91
        "prepaid_amount": nonzero(amount(sums, "PrepaidAmount")),  # BT-113
        "tax_category": one_category(
            text(sub, "TaxCategory", "ID")
            for total in children(root, "TaxTotal") for sub in children(total, "TaxSubtotal")),
    }
    for role, tag in (("seller", "AccountingSupplierParty"), ("buyer", "AccountingCustomerParty")):
        for key, value in _party(child(root, tag)).items():
            out[f"{role}_{key}"] = value
    out.pop("buyer_tax_number", None)
    return {k: v for k, v in out.items() if v is not None}


def items(root: ET.Element) -> list[dict[str, Any]]:
    """Invoice (or credit note) lines, in the shape of ``lineitems.merge``."""
    out = []
    for line in children(root, "InvoiceLine") + children(root, "CreditNoteLine"):
        qty = child(line, "InvoicedQuantity")
        if qty is None:
            qty = child(line, "CreditedQuantity")
        out.append({
            "description": text(line, "Item", "Name") or "",
            "quantity": quantity(qty),
            "unit": qty.get("unitCode") if qty is not None else None,
            "unit_price": amount(line, "Price", "PriceAmount"),
            "total": amount(line, "LineExtensionAmount"),
            "source": "xml",
        })
    return out
