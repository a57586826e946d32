"""E-invoice attachments: ZUGFeRD / Factur-X / XRechnung (CII) XML embedded in the PDF.

A hybrid e-invoice carries the same invoice twice: printed on the page and as UN/CEFACT Cross
Industry Invoice XML in an embedded file. The XML is exact where the page can only be read, so it
is a second, high-confidence source for the same fields; ``fields.merge`` keeps the page value
(with its box) where both agree and takes the XML's where the page has none or disagrees, and
every value says where it came from (``FieldValue.source``: page | xml).

Elements are found by local name, so the CII namespaces of ZUGFeRD 1/2, Factur-X and XRechnung
CII all read the same; UBL invoices and credit notes (XRechnung UBL, Peppol BIS) are read by
:mod:`cosy.steps.einvoice_ubl`.
"""

from __future__ import annotations

import io
import logging
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
from pdfminer.utils import decode_text

from cosy.domain import FieldValue
from cosy.engine.step import BudgetExceeded, step
from cosy.fieldspec import FieldSpec
from cosy.pdfguard.decode import metered
from cosy.steps import einvoice_ubl as ubl
from cosy.steps.xml_tree import (
    amount,
    child,
    children,
    local,
    nonzero,
    one_category,
    quantity,
    spec_values,
    text,
)

XML_CONFIDENCE = 0.99
MAX_XML_BYTES = 5 << 20  # an invoice XML is kilobytes; refuse to parse anything absurd
MAX_ATTACHMENTS = 100  # files of a name tree read at most (an invoice carries one or two)
log = logging.getLogger(__name__)
TYPE_CODES = {"380": "invoice", "381": "credit_note", "384": "corrected_invoice",
              "389": "self_billed_invoice", "751": "invoice_information", "220": "order",
              "231": "order", "310": "quotation"}


def embedded_files(pdf_bytes: bytes, max_bytes: int = MAX_XML_BYTES) -> list[tuple[str, bytes]]:
    """(name, content) of the files embedded in the PDF (its EmbeddedFiles name tree).

    Read with pdfminer, decoding at most ``max_bytes`` per file: a larger one (no invoice XML
    is) is left out before it inflates, however far it would (cosy.pdfguard.decode)."""
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(pdf_bytes)))
        tree = resolve1(resolve1(doc.catalog.get("Names")) or {}).get("EmbeddedFiles")
    except Exception:  # the pages were readable (ingest checked); attachments are a bonus
        return []
    out = []
    with metered(max_bytes, max_bytes * MAX_ATTACHMENTS):
        for key, spec in name_tree(tree):
            found = _embedded(key, resolve1(spec))
            if found is not None:
                out.append(found)
    return out


def name_tree(root: Any, limit: int = MAX_ATTACHMENTS) -> list[tuple[str, Any]]:
    """The (key, value) pairs of a PDF name tree, each node visited once, at most ``limit``."""
    out: list[tuple[str, Any]] = []
    stack, seen = [root], set()
    while stack and len(out) < limit:
        ref = stack.pop()
        if isinstance(ref, PDFObjRef):
            if ref.objid in seen:
                continue
            seen.add(ref.objid)
        node = resolve1(ref)
        if not isinstance(node, dict):
            continue
        names = resolve1(node.get("Names")) or []
        pairs = zip(names[::2], names[1::2], strict=False) if isinstance(names, list) else ()
        out += [(_text(k), v) for k, v in pairs][: limit - len(out)]
        kids = resolve1(node.get("Kids")) or []
        stack.extend(reversed(kids) if isinstance(kids, list) else ())
    return out


def _embedded(key: str, spec: Any) -> tuple[str, bytes] | None:
    """(name, content) of one file specification, None if it has no readable content."""
    if not isinstance(spec, dict):
        return None
    files = resolve1(spec.get("EF"))
    stream = resolve1(files.get("UF") or files.get("F")) if isinstance(files, dict) else None
    if not isinstance(stream, PDFStream):
        return None
    name = _text(resolve1(spec.get("UF") or spec.get("F"))) or key
    try:
        return name, stream.get_data()
    except BudgetExceeded:
        log.info("embedded file %r is larger than %d bytes: left out", name, MAX_XML_BYTES)
    except Exception as err:  # a broken stream: the invoice reads without it
        log.info("embedded file %r cannot be decoded: %s", name, err)
    return None


def _text(value: Any) -> str:
    return decode_text(value) if isinstance(value, bytes) else str(value or "")


def _date(node: ET.Element | None, *path: str) -> str | None:
    """An ISO date from a CII DateTimeString (format 102: YYYYMMDD)."""
    raw = text(node, *path, "DateTimeString")
    if raw and len(raw) >= 8 and raw[:8].isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"
    return None


def _party(node: ET.Element | None) -> dict[str, Any]:
    if node is None:
        return {}
    out: dict[str, Any] = {}
    if (name := text(node, "Name")) is not None:
        out["name"] = name
    addr = child(node, "PostalTradeAddress")
    if addr is not None and text(addr, "PostcodeCode"):
        out["address"] = {"street": text(addr, "LineOne"),
                          "postal_code": text(addr, "PostcodeCode"),
                          "city": text(addr, "CityName"), "country": text(addr, "CountryID")}
    for reg in children(node, "SpecifiedTaxRegistration"):
        rid = child(reg, "ID")
        if rid is None or not rid.text:
            continue
        scheme = rid.get("schemeID", "")
        key = "vat_id" if scheme == "VA" else "tax_number" if scheme == "FC" else None
        if key:
            out[key] = rid.text.strip().replace(" ", "")
    return out


def cii_fields(root: ET.Element, specs: tuple[FieldSpec, ...]) -> dict[str, Any]:
    """Header fields (DESIGN §8 names) of a CII invoice: those the specs name paths of, and
    those read here (a fallback, a choice among several elements, the parties)."""
    doc = child(root, "ExchangedDocument")
    trade = child(root, "SupplyChainTradeTransaction")
    agreement = child(trade, "ApplicableHeaderTradeAgreement")
    settlement = child(trade, "ApplicableHeaderTradeSettlement")
    sums = child(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    means = child(settlement, "SpecifiedTradeSettlementPaymentMeans")
    currency = text(settlement, "InvoiceCurrencyCode")
    tax_total = next((t.text.strip() for t in children(sums, "TaxTotalAmount")
                      if t.text and t.get("currencyID", currency) == currency), None)
    fields: dict[str, Any] = {
        **spec_values(root, specs, "CII", _date),
        "doc_type": TYPE_CODES.get(text(doc, "TypeCode") or ""),
        "total_net": amount(sums, "TaxBasisTotalAmount") or amount(sums, "LineTotalAmount"),
        "total_tax": f"{Decimal(tax_total):.2f}" if tax_total else None,
        "iban": (text(means, "PayeePartyCreditorFinancialAccount", "IBANID") or "")
        .replace(" ", "") or None,
        "debtor_iban": (text(means, "PayerPartyDebtorFinancialAccount", "IBANID") or "")
        .replace(" ", "") or None,  # BT-91
        "prepaid_amount": nonzero(amount(sums, "TotalPrepaidAmount")),  # BT-113
        "tax_category": one_category(
            text(tax, "CategoryCode") for tax in children(settlement, "ApplicableTradeTax")),
    }
    for role, tag in (("seller", "SellerTradeParty"), ("buyer", "BuyerTradeParty")):
        for key, value in _party(child(agreement, tag)).items():
            fields[f"{role}_{key}"] = value
    fields.pop("buyer_tax_number", None)
    return {k: v for k, v in fields.items() if v is not None}


def cii_items(root: ET.Element) -> list[dict[str, Any]]:
    """Line items of a CII invoice, in the shape of ``lineitems.merge``."""
    items = []
    for line in children(child(root, "SupplyChainTradeTransaction"),
                          "IncludedSupplyChainTradeLineItem"):
        qty = child(line, "SpecifiedLineTradeDelivery", "BilledQuantity")
        items.append({
            "description": text(line, "SpecifiedTradeProduct", "Name") or "",
            "quantity": quantity(qty),
            "unit": qty.get("unitCode") if qty is not None else None,
            "unit_price": amount(line, "SpecifiedLineTradeAgreement",
                                  "NetPriceProductTradePrice", "ChargeAmount"),
            "total": amount(line, "SpecifiedLineTradeSettlement",
                             "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount"),
            "source": "xml",
        })
    return items


def invoice_root(xml: bytes) -> tuple[str, ET.Element] | None:
    """('CII' | 'UBL', root) when ``xml`` is an invoice this reader knows, else None."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    tag = local(root.tag)
    if tag == "CrossIndustryInvoice":
        return "CII", root
    if tag in ubl.ROOTS:
        return "UBL", root
    return None


READERS = {"CII": (cii_fields, cii_items), "UBL": (ubl.fields, ubl.items)}


@step("xml.attachments", scope="document", requires=["pdf_bytes"],
      provides=["doc.attachments"])
def attachments(pdf_bytes: bytes) -> list[tuple[str, bytes]]:
    """The XML files embedded in the PDF (the only attachments an invoice reader wants)."""
    return [(name, data) for name, data in embedded_files(pdf_bytes)
            if name.lower().endswith(".xml") and len(data) <= MAX_XML_BYTES]


@step("xml.invoice", scope="document", requires=["doc.attachments"],
      provides=["doc.xml_invoice"])
def invoice(doc_attachments: list[tuple[str, bytes]]) -> dict[str, Any] | None:
    """The first attachment that is a CII (ZUGFeRD, Factur-X, XRechnung CII) or UBL (XRechnung
    UBL, Peppol) invoice: its file name, syntax and parsed root."""
    for name, data in doc_attachments:
        found = invoice_root(data)
        if found is not None:
            return {"file": name, "syntax": found[0], "root": found[1]}
    return None


@step("xml.fields", scope="document", requires=["doc.xml_invoice", "field_specs"],
      provides=["doc.xml.fields"])
def xml_fields(doc_xml_invoice: dict[str, Any] | None,
               field_specs: tuple[FieldSpec, ...]) -> dict[str, Any]:
    """The invoice XML's header fields (empty without an attachment)."""
    if doc_xml_invoice is None:
        return {}
    return READERS[doc_xml_invoice["syntax"]][0](doc_xml_invoice["root"], field_specs)


@step("xml.line_items", scope="document", requires=["doc.xml_invoice"],
      provides=["doc.xml.items"])
def xml_items(doc_xml_invoice: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The invoice XML's line items (empty without an attachment)."""
    if doc_xml_invoice is None:
        return []
    return READERS[doc_xml_invoice["syntax"]][1](doc_xml_invoice["root"])


def xml_field(name: str, value: Any) -> FieldValue:
    """A field read from the attachment: exact, but with no place on the page."""
    return FieldValue(name, value, XML_CONFIDENCE, step="xml.fields", source="xml")
