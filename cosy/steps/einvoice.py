"""E-invoice attachments: ZUGFeRD / Factur-X / XRechnung (CII) XML embedded in the PDF.

A hybrid e-invoice carries the same invoice twice: printed on the page and as UN/CEFACT Cross
Industry Invoice XML in an embedded file. The XML is exact where the page can only be read, so it
is a second, high-confidence source for the same fields; ``fields.merge`` keeps the page value
(with its box) where both agree and takes the XML's where the page has none or disagrees, and
every value says where it came from (``FieldValue.source``: page | xml).

Elements are found by local name, so the CII namespaces of ZUGFeRD 1/2, Factur-X and XRechnung
CII all read the same. UBL XRechnung is not read (yet); such a file yields nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from typing import Any

import pypdfium2 as pdfium

from cosy.domain import FieldValue
from cosy.engine.step import step

XML_CONFIDENCE = 0.99
MAX_XML_BYTES = 5 << 20  # an invoice XML is kilobytes; refuse to parse anything absurd
TYPE_CODES = {"380": "invoice", "381": "credit_note", "384": "corrected_invoice",
              "389": "self_billed_invoice", "751": "invoice_information", "220": "order",
              "231": "order", "310": "quotation"}


def embedded_files(pdf_bytes: bytes) -> list[tuple[str, bytes]]:
    """(name, content) of every file embedded in the PDF, by pypdfium2."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        out = []
        for index in range(pdf.count_attachments()):
            att = pdf.get_attachment(index)
            out.append((att.get_name(), bytes(att.get_data())))
        return out
    finally:
        pdf.close()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: ET.Element | None, *path: str) -> ET.Element | None:
    """The first descendant along ``path`` of local names (direct children at each step)."""
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _children(node: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if node is None else [c for c in node if _local(c.tag) == name]


def _text(node: ET.Element | None, *path: str) -> str | None:
    found = _child(node, *path)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def _date(node: ET.Element | None, *path: str) -> str | None:
    """An ISO date from a CII DateTimeString (format 102: YYYYMMDD)."""
    raw = _text(node, *path, "DateTimeString")
    if raw and len(raw) >= 8 and raw[:8].isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"
    return None


def _amount(node: ET.Element | None, *path: str) -> str | None:
    raw = _text(node, *path)
    try:
        return f"{Decimal(raw):.2f}" if raw is not None else None
    except InvalidOperation:
        return None


def _party(node: ET.Element | None) -> dict[str, Any]:
    if node is None:
        return {}
    out: dict[str, Any] = {}
    if (name := _text(node, "Name")) is not None:
        out["name"] = name
    addr = _child(node, "PostalTradeAddress")
    if addr is not None and _text(addr, "PostcodeCode"):
        out["address"] = {"street": _text(addr, "LineOne"),
                          "postal_code": _text(addr, "PostcodeCode"),
                          "city": _text(addr, "CityName"), "country": _text(addr, "CountryID")}
    for reg in _children(node, "SpecifiedTaxRegistration"):
        rid = _child(reg, "ID")
        if rid is None or not rid.text:
            continue
        scheme = rid.get("schemeID", "")
        key = "vat_id" if scheme == "VA" else "tax_number" if scheme == "FC" else None
        if key:
            out[key] = rid.text.strip().replace(" ", "")
    return out


def parse_cii(xml: bytes) -> dict[str, Any] | None:
    """Fields (DESIGN §8 names) and line items of a CII invoice; None when it is not one."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    if _local(root.tag) != "CrossIndustryInvoice":
        return None
    doc = _child(root, "ExchangedDocument")
    trade = _child(root, "SupplyChainTradeTransaction")
    agreement = _child(trade, "ApplicableHeaderTradeAgreement")
    settlement = _child(trade, "ApplicableHeaderTradeSettlement")
    sums = _child(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    means = _child(settlement, "SpecifiedTradeSettlementPaymentMeans")
    terms = _child(settlement, "SpecifiedTradePaymentTerms")
    currency = _text(settlement, "InvoiceCurrencyCode")
    tax_total = next((t.text.strip() for t in _children(sums, "TaxTotalAmount")
                      if t.text and t.get("currencyID", currency) == currency), None)
    fields: dict[str, Any] = {
        "doc_type": TYPE_CODES.get(_text(doc, "TypeCode") or ""),
        "invoice_number": _text(doc, "ID"),
        "issue_date": _date(doc, "IssueDateTime"),
        "due_date": _date(terms, "DueDateDateTime"),
        "delivery_date": _date(_child(trade, "ApplicableHeaderTradeDelivery"),
                               "ActualDeliverySupplyChainEvent", "OccurrenceDateTime"),
        "currency": currency,
        "total_net": _amount(sums, "TaxBasisTotalAmount") or _amount(sums, "LineTotalAmount"),
        "total_tax": f"{Decimal(tax_total):.2f}" if tax_total else None,
        "total_gross": _amount(sums, "GrandTotalAmount"),
        "order_number": _text(agreement, "BuyerOrderReferencedDocument", "IssuerAssignedID"),
        "iban": (_text(means, "PayeePartyCreditorFinancialAccount", "IBANID") or "")
        .replace(" ", "") or None,
        "bic": _text(means, "PayeeSpecifiedCreditorFinancialInstitution", "BICID"),
        "payment_terms": _text(terms, "Description"),
    }
    for role, tag in (("seller", "SellerTradeParty"), ("buyer", "BuyerTradeParty")):
        for key, value in _party(_child(agreement, tag)).items():
            fields[f"{role}_{key}"] = value
    fields.pop("buyer_tax_number", None)
    items = []
    for line in _children(trade, "IncludedSupplyChainTradeLineItem"):
        qty = _child(line, "SpecifiedLineTradeDelivery", "BilledQuantity")
        quantity = None
        if qty is not None and qty.text:
            try:
                quantity = format(Decimal(qty.text.strip()).normalize(), "f")
            except InvalidOperation:
                quantity = None
        items.append({
            "description": _text(line, "SpecifiedTradeProduct", "Name") or "",
            "quantity": quantity,
            "unit": qty.get("unitCode") if qty is not None else None,
            "unit_price": _amount(line, "SpecifiedLineTradeAgreement",
                                  "NetPriceProductTradePrice", "ChargeAmount"),
            "total": _amount(line, "SpecifiedLineTradeSettlement",
                             "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount"),
            "source": "xml",
        })
    return {"fields": {k: v for k, v in fields.items() if v is not None}, "line_items": items}


@step("xml.attachment", scope="document", requires=["pdf_bytes"], provides=["doc.xml"])
def attachment(pdf_bytes: bytes) -> dict[str, Any] | None:
    """The embedded CII invoice (ZUGFeRD, Factur-X, XRechnung CII) as fields and items, if any."""
    for name, data in embedded_files(pdf_bytes):
        if not name.lower().endswith(".xml") or len(data) > MAX_XML_BYTES:
            continue
        parsed = parse_cii(data)
        if parsed is not None:
            parsed["file"] = name
            return parsed
    return None


def xml_field(name: str, value: Any) -> FieldValue:
    """A field read from the attachment: exact, but with no place on the page."""
    return FieldValue(name, value, XML_CONFIDENCE, step="xml.attachment", source="xml")
