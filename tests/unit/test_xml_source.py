"""ZUGFeRD / Factur-X: an embedded CII XML is a second source; the page stays the first."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest

from cosy.evaluation import strip_attachments
from cosy.steps import einvoice
from tests.conftest import Extract, make_pdf
from tests.stages import run_steps

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"

CII = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="{RSM}" xmlns:ram="{RAM}" xmlns:udt="{UDT}">
 <rsm:ExchangedDocument><ram:ID>RE-2024-0042</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20240301</udt:DateTimeString>
  </ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:SpecifiedTradeProduct><ram:Name>Trennblätter A4</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>
    <ram:ChargeAmount>9.9000</ram:ChargeAmount></ram:NetPriceProductTradePrice>
   </ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery>
    <ram:BilledQuantity unitCode="H87">20.0000</ram:BilledQuantity>
   </ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation>
    <ram:LineTotalAmount>198.00</ram:LineTotalAmount>
   </ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name>
    <ram:PostalTradeAddress><ram:PostcodeCode>80333</ram:PostcodeCode>
     <ram:LineOne>Lieferantenstraße 20</ram:LineOne><ram:CityName>München</ram:CityName>
     <ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID>
    </ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Kunden AG Mitte</ram:Name></ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans><ram:PayeePartyCreditorFinancialAccount>
    <ram:IBANID>DE02120300000000202051</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
   </ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>198.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount>198.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">37.62</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>235.62</ram:GrandTotalAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>""".encode()

PAGE = [  # the printed invoice: same number and totals, no IBAN, a misprinted issue date
    "Lieferant GmbH - Lieferantenstrasse 20 - 80333 Muenchen",
    "Rechnung Nr. RE-2024-0042",
    "Rechnungsdatum: 02.03.2024",
    "Nettobetrag: 198,00 EUR",
    "USt. 19 %: 37,62 EUR",
    "Gesamtbetrag: 235,62 EUR",
]


def attachment(pdf: bytes) -> dict | None:
    """The embedded invoice's file, syntax, fields and items as the pipeline's xml steps read
    them, or None without an invoice attachment."""
    out = run_steps(("doc.xml_invoice", "doc.xml.fields", "doc.xml.items"), {},
                    {"pdf_bytes": pdf})
    found = out["doc.xml_invoice"]
    if found is None:
        return None
    return {"file": found["file"], "syntax": found["syntax"], "fields": out["doc.xml.fields"],
            "line_items": out["doc.xml.items"]}


def with_attachment(pdf: bytes, name: str, data: bytes) -> bytes:
    """The PDF with one embedded file, as ZUGFeRD writers attach their XML."""
    doc = pdfium.PdfDocument(pdf)
    try:
        doc.new_attachment(name).set_data(data)
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()
    finally:
        doc.close()


@pytest.fixture(scope="module")
def hybrid() -> bytes:
    return with_attachment(make_pdf([PAGE]), "factur-x.xml", CII)


def test_attachment_is_found_and_parsed(hybrid: bytes) -> None:
    assert [name for name, _ in einvoice.embedded_files(hybrid)] == ["factur-x.xml"]
    parsed = attachment(hybrid)
    assert parsed is not None and parsed["file"] == "factur-x.xml"
    f = parsed["fields"]
    assert (f["invoice_number"], f["issue_date"], f["total_gross"], f["seller_vat_id"]) == (
        "RE-2024-0042", "2024-03-01", "235.62", "DE123456789")
    assert f["seller_address"]["postal_code"] == "80333"
    assert parsed["line_items"][0] == {"description": "Trennblätter A4", "quantity": "20",
                                       "unit": "H87", "unit_price": "9.90", "total": "198.00",
                                       "source": "xml"}


def test_no_attachment_or_not_an_invoice() -> None:
    plain = make_pdf([PAGE])
    assert attachment(plain) is None
    other = with_attachment(plain, "notes.xml", b"<notes><n>hi</n></notes>")
    assert attachment(other) is None
    broken = with_attachment(plain, "factur-x.xml", b"<not xml")
    assert attachment(broken) is None


UBL = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>RE-2024-0042</cbc:ID><cbc:IssueDate>2024-03-01</cbc:IssueDate>
 <cbc:DueDate>2024-03-31</cbc:DueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:AccountingSupplierParty><cac:Party>
  <cac:PostalAddress><cbc:StreetName>Lieferantenstraße 20</cbc:StreetName>
   <cbc:CityName>München</cbc:CityName><cbc:PostalZone>80333</cbc:PostalZone>
   <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country>
  </cac:PostalAddress>
  <cac:PartyTaxScheme><cbc:CompanyID>DE123456789</cbc:CompanyID>
   <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>Lieferant GmbH</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity>
  <cbc:RegistrationName>Kunden AG Mitte</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
  <cac:PayeeFinancialAccount><cbc:ID>DE02 1203 0000 0000 2020 51</cbc:ID>
  </cac:PayeeFinancialAccount></cac:PaymentMeans>
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">37.62</cbc:TaxAmount></cac:TaxTotal>
 <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="EUR">198.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">198.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">235.62</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">235.62</cbc:PayableAmount></cac:LegalMonetaryTotal>
 <cac:InvoiceLine><cbc:ID>1</cbc:ID>
  <cbc:InvoicedQuantity unitCode="H87">20.0000</cbc:InvoicedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">198.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Trennblätter A4</cbc:Name></cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">9.9000</cbc:PriceAmount></cac:Price>
 </cac:InvoiceLine>
</Invoice>""".encode()


def test_ubl_xrechnung_reads_like_cii() -> None:
    """XRechnung in UBL syntax yields the same fields and items as the CII attachment."""
    pdf = with_attachment(make_pdf([PAGE]), "xrechnung.xml", UBL)
    ubl, cii = attachment(pdf), attachment(with_attachment(make_pdf([PAGE]), "x.xml", CII))
    assert ubl is not None and cii is not None
    assert (ubl["syntax"], cii["syntax"]) == ("UBL", "CII")
    shared = {"invoice_number", "issue_date", "currency", "total_net", "total_tax",
              "total_gross", "seller_name", "seller_vat_id", "buyer_name", "iban"}
    assert {k: ubl["fields"][k] for k in shared} == {k: cii["fields"][k] for k in shared}
    assert ubl["fields"]["seller_address"] == cii["fields"]["seller_address"]
    assert ubl["fields"]["due_date"] == "2024-03-31" and ubl["fields"]["doc_type"] == "invoice"
    assert ubl["line_items"] == cii["line_items"]


def test_strip_attachments_removes_the_xml(hybrid: bytes) -> None:
    stripped = strip_attachments(hybrid)
    assert einvoice.embedded_files(stripped) == []
    plain = make_pdf([PAGE])
    assert strip_attachments(plain) is plain


def test_page_values_kept_when_they_agree_xml_fills_and_corrects(
        hybrid: bytes, extract_result: Extract) -> None:
    result = extract_result(hybrid, "hybrid.pdf")
    fields = result["fields"]
    assert fields["invoice_number"]["value"] == "RE-2024-0042"
    assert fields["invoice_number"]["source"] == "page" and "bbox" in fields["invoice_number"]
    assert fields["invoice_number"]["confidence"] >= 0.99  # confirmed by the XML
    assert fields["total_gross"]["source"] == "page"
    iban = fields["iban"]  # not printed: only the XML has it
    assert (iban["value"], iban["source"], iban["step"]) == \
        ("DE02120300000000202051", "xml", "xml.fields")
    assert iban["confidence"] >= 0.95 and "page" not in iban and "bbox" not in iban
    assert fields["issue_date"]["value"] == "2024-03-01"  # the page disagrees: XML wins
    assert fields["issue_date"]["source"] == "xml"
    assert result["line_items"][0]["source"] == "xml"
    sources = {t["source"] for t in result["triples"] if t["p"].endswith("dateIssued")}
    assert sources == {"xml"}


def test_page_alone_without_the_attachment(hybrid: bytes, extract_result: Extract) -> None:
    fields = extract_result(strip_attachments(hybrid), "hybrid.pdf")["fields"]
    assert fields["issue_date"] == {**fields["issue_date"], "value": "2024-03-02",
                                    "source": "page"}
    assert "iban" not in fields


DIRECT_DEBIT = (CII
    .replace(b"<ram:BuyerTradeParty>",
             b"<ram:BuyerReference>04011000-1234512345-06</ram:BuyerReference>"
             b"<ram:BuyerTradeParty>")
    .replace(b"<ram:InvoiceCurrencyCode>",
             b"<ram:CreditorReferenceID>DE98ZZZ09999999999</ram:CreditorReferenceID>"
             b"<ram:InvoiceCurrencyCode>")
    .replace(b"<ram:SpecifiedTradeSettlementPaymentMeans>",
             b"<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>59</ram:TypeCode>"
             b"<ram:PayerPartyDebtorFinancialAccount><ram:IBANID>DE21860000000086001055"
             b"</ram:IBANID></ram:PayerPartyDebtorFinancialAccount>")
    .replace(b"</ram:SpecifiedTradeSettlementPaymentMeans>",
             b"</ram:SpecifiedTradeSettlementPaymentMeans>"
             b"<ram:ApplicableTradeTax><ram:CategoryCode>S</ram:CategoryCode>"
             b"</ram:ApplicableTradeTax>"
             b"<ram:SpecifiedTradePaymentTerms><ram:DirectDebitMandateID>REF A-123"
             b"</ram:DirectDebitMandateID></ram:SpecifiedTradePaymentTerms>")
    .replace(b"</ram:GrandTotalAmount>",
             b"</ram:GrandTotalAmount><ram:TotalPrepaidAmount>0.00</ram:TotalPrepaidAmount>"
             b"<ram:DuePayableAmount>235.62</ram:DuePayableAmount>")
    .replace(b"</ram:ApplicableHeaderTradeSettlement>",
             b"<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>RE-2024-0001"
             b"</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>"
             b"</ram:ApplicableHeaderTradeSettlement>"))  # fmt: skip


def test_cii_reads_references_payment_means_and_tax_category() -> None:
    """EN 16931 terms beyond DESIGN §8: BT-10, BT-25, BT-81, BT-89/90/91, BT-113/115, BG-23."""
    parsed = attachment(with_attachment(make_pdf([PAGE]), "x.xml", DIRECT_DEBIT))
    assert parsed is not None
    f = parsed["fields"]
    assert {k: f.get(k) for k in ("buyer_reference", "invoice_reference", "payment_means",
                                  "creditor_id", "mandate_reference", "debtor_iban",
                                  "amount_due", "tax_category")} == {
        "buyer_reference": "04011000-1234512345-06", "invoice_reference": "RE-2024-0001",
        "payment_means": "59", "creditor_id": "DE98ZZZ09999999999",
        "mandate_reference": "REF A-123", "debtor_iban": "DE21860000000086001055",
        "amount_due": "235.62", "tax_category": "S"}
    assert "prepaid_amount" not in f  # 0.00 prepaid is no prepayment


def test_ubl_reads_the_same_terms() -> None:
    ubl = UBL.replace(b"<cac:AccountingCustomerParty>",
                      b"<cbc:BuyerReference>AB321</cbc:BuyerReference>"
                      b"<cac:AccountingCustomerParty>")
    ubl = ubl.replace(b"<cac:TaxTotal><cbc:TaxAmount currencyID=\"EUR\">37.62</cbc:TaxAmount>",
                      b"<cac:TaxTotal><cbc:TaxAmount currencyID=\"EUR\">37.62</cbc:TaxAmount>"
                      b"<cac:TaxSubtotal><cac:TaxCategory><cbc:ID>S</cbc:ID></cac:TaxCategory>"
                      b"</cac:TaxSubtotal>")
    parsed = attachment(with_attachment(make_pdf([PAGE]), "x.xml", ubl))
    assert parsed is not None
    f = parsed["fields"]
    assert (f["buyer_reference"], f["payment_means"], f["amount_due"], f["tax_category"]) == (
        "AB321", "58", "235.62", "S")


def test_xml_payment_means_reaches_the_result_with_its_name(extract_result: Extract) -> None:
    pdf = with_attachment(make_pdf([PAGE]), "factur-x.xml", DIRECT_DEBIT)
    fields = extract_result(pdf, "hybrid.pdf")["fields"]
    assert fields["payment_means"]["value"] == "59"
    assert fields["payment_means"]["source"] == "xml"
    assert fields["payment_means_name"]["value"] == "SEPA direct debit"
    assert fields["creditor_id"]["value"] == "DE98ZZZ09999999999"
    assert fields["buyer_reference"]["value"] == "04011000-1234512345-06"
