"""Contract reference (BT-12): read from the page and from the e-invoice XML, written to the
graph and scored, all from its one module (``fields/numbers/contract.py``) and its field spec."""

from __future__ import annotations

from cosy.evaluation import score_document
from cosy.steps.fields.numbers.contract import CONTRACT_REFERENCE_FIELD
from tests.conftest import Extract, make_pdf
from tests.unit.test_xml_source import CII, with_attachment

INVOICE = [
    "Lieferant GmbH - Lieferantenstrasse 20 - 80333 Muenchen",
    "Rechnung Nr. RE-2024-0042",
    "Sachversicherungsvertrag Nr: 00.123.456.7",
    "Rechnungsdatum: 02.03.2024",
    "Nettobetrag: 198,00 EUR",
    "USt. 19 %: 37,62 EUR",
    "Gesamtbetrag: 235,62 EUR",
]


def test_an_invoice_names_the_contract_it_rests_on(extract_result: Extract) -> None:
    result = extract_result(make_pdf([INVOICE]), "invoice.pdf")
    fields = result["fields"]
    assert fields["contract_reference"]["value"] == "00.123.456.7"
    assert fields["contract_reference"]["source"] == "page"
    assert fields["invoice_number"]["value"] == "RE-2024-0042"  # the own number stays its own
    literal = [t for t in result["triples"] if t["p"] == CONTRACT_REFERENCE_FIELD.predicate]
    assert [(t["o"], t["step"]) for t in literal] == [
        ("00.123.456.7", "fields.numbers.select.contract_reference")]


def test_english_label(extract_result: Extract) -> None:
    lines = ["Acme Ltd - 1 High Street - London EC1A 1BB", "Invoice No. INV-77",
             "Contract No. C-5521", "Invoice Date: 02/03/2024", "Total: 235.62 GBP"]
    fields = extract_result(make_pdf([lines]), "invoice.pdf")["fields"]
    assert fields["contract_reference"]["value"] == "C-5521"
    assert fields["invoice_number"]["value"] == "INV-77"


def test_no_reference_without_an_own_number_or_on_an_invoice_without_one(
        extract_result: Extract) -> None:
    """A document whose only number is a contract's may be that contract: nothing is guessed."""
    alone = ["Wartungsvertrag", "Vertragsnummer: WV-2024-9",
             "zwischen Lieferant GmbH und Kunden AG"]
    assert "contract_reference" not in extract_result(make_pdf([alone]), "c.pdf")["fields"]
    plain = [line for line in INVOICE if "vertrag" not in line]
    assert "contract_reference" not in extract_result(make_pdf([plain]), "i.pdf")["fields"]


def test_a_contract_word_earlier_in_the_label_is_no_reference(extract_result: Extract) -> None:
    """'Reason AGREEMENT AL: Base Code 100' (an allowance line of an order) names a code."""
    lines = ["Acme Ltd - 1 High Street - London EC1A 1BB", "Invoice No. INV-77",
             "Reason AGREEMENT AL: Base Code 100", "Total: 235.62 GBP"]
    assert "contract_reference" not in extract_result(make_pdf([lines]), "i.pdf")["fields"]


def test_the_xml_carries_it(extract_result: Extract) -> None:
    """The CII path of the spec is read, and the XML's value joins the page's."""
    xml = CII.replace(b"<ram:BuyerTradeParty>",
                      b"<ram:ContractReferencedDocument><ram:IssuerAssignedID>K-88"
                      b"</ram:IssuerAssignedID></ram:ContractReferencedDocument>"
                      b"<ram:BuyerTradeParty>")
    plain = [line for line in INVOICE if "vertrag" not in line]
    pdf = with_attachment(make_pdf([plain]), "factur-x.xml", xml)
    field = extract_result(pdf, "hybrid.pdf")["fields"]["contract_reference"]
    assert (field["value"], field["source"]) == ("K-88", "xml")


def test_scored_where_a_truth_has_it() -> None:
    truth = {"file": "a.pdf", "fields": {"contract_reference": "00.123.456.7"},
             "visible_in_text": {"contract_reference": True}}
    counts, misses = score_document(truth, {"contract_reference": "00.123.456.7"})
    assert counts["contract_reference"] == {"tp": 1, "fp": 0, "fn": 0} and not misses
    counts, _ = score_document(truth, {})
    assert counts["contract_reference"]["fn"] == 1
