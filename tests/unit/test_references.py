"""The references family: buyer reference (Leitweg-ID, labels, headers), the invoice a credit
note refers to, the supplier number and order references named by reference words."""

from __future__ import annotations

import pytest

from cosy.domain import FieldValue
from cosy.steps.fields.numbers import select as number_select
from cosy.steps.fields.references import stages as references
from tests.stages import number_roles, reference_context, select_numbers
from tests.unit.test_fields_normalize import make_lines


@pytest.mark.parametrize(("leitweg", "valid"), [
    ("04011000-1234512345-06", True),  # the KoSIT test ID
    ("991-33333TEST-33", True),  # a fine address with letters
    ("04011000-1234512345-07", False),
    ("04011000-12345-34", False),
])
def test_leitweg_check_digits(leitweg: str, valid: bool) -> None:
    assert references.leitweg_valid(leitweg) is valid


def _refs(rows: list[str | list[str]]) -> list[tuple[str, str, float]]:
    return [(m.value, m.label_kind, m.confidence)
            for m in reference_context(make_lines(rows))]


def test_labels_in_each_language() -> None:
    found = _refs([["Ihr Zeichen:", "MK/ab"], ["Your Reference:", "H1100"],
                   ["Réf. acheteur :", "C4801"], ["Referenz des Käufers:", "Liselotte Müller"],
                   ["Buyer_Ref:", "BUYER_REF_BU123"], ["Votre référence", "PO445"]])
    assert [(v, k) for v, k, _ in found] == [
        ("MK/ab", "your"), ("H1100", "your"), ("C4801", "buyer"),
        ("Liselotte Müller", "buyer"), ("BUYER_REF_BU123", "buyer"), ("PO445", "your")]


def test_leitweg_label_valid_raises_and_invalid_lowers_confidence() -> None:
    (good, _, c_good), = _refs([["Leitweg-ID:", "04011000-1234512345-06"]])
    (bad, _, c_bad), = _refs([["Leitweg-ID:", "04011000-12345-34"]])
    (spaced, _, _), = _refs([["Referenz des Käufers:", "05 158 004 - 11023 - 45"]])
    assert good == "04011000-1234512345-06" and bad == "04011000-12345-34"
    assert c_good > references.BASE_CONFIDENCE["leitweg"] > c_bad
    assert spaced == "05158004-11023-45"


def test_unlabelled_leitweg_only_when_it_checks() -> None:
    assert [v for v, k, _ in _refs(["Bitte angeben: 991-33333TEST-33"])] == ["991-33333TEST-33"]
    assert _refs(["Tel. 0711 123-45"]) == []


def test_value_below_a_header() -> None:
    found = _refs([["Kundennr.", "Ihr Zeichen", "Datum"], ["K-7700001", "AB/xy-1234", "05.03."]])
    assert [(v, k) for v, k, _ in found] == [("AB/xy-1234", "your")]


def test_dates_and_amounts_are_no_reference() -> None:
    assert _refs([["Ihr Zeichen:", "05.03.2024"], ["Referenz:", "1.234,56"]]) == []


def _numbers(rows: list[str | list[str]]) -> list:
    return number_roles(make_lines(rows))


def test_buyer_reference_is_never_the_documents_own_number() -> None:
    rows = [["Reference:", "REM2222975"], ["Original Invoice:", "801005"]]
    refs = reference_context(make_lines(rows))
    own = FieldValue("invoice_number", "REM2222975", 0.9)
    assert references.pick_buyer_reference(refs, _numbers(rows), own) is None


def test_your_order_is_the_buyer_reference_without_a_reference_label() -> None:
    rows = ["Invoice # RE-2020/508", "Your order AB321"]
    found = _numbers(rows)
    own = number_select.pick_own_number(found, "invoice")
    pick = references.pick_buyer_reference([], found, own)
    assert pick is not None and pick.value == "AB321" and pick.confidence < 0.5


def test_credit_note_refers_to_the_invoice_not_its_own_number() -> None:
    rows = [["Gutschrift Nr.", "GS-2024-11"], ["Zu Rechnung:", "R-2024-0815"],
            "aufgrund Ihrer Reklamation erhalten Sie zu Rechnung R-2024-0815 folgende Gutschrift:"]
    found = select_numbers(_numbers(rows), "credit_note")
    assert found["invoice_number"].value == "GS-2024-11"
    assert found["invoice_reference"].value == "R-2024-0815"


@pytest.mark.parametrize(("label", "title"), [
    ("Facture d'origine :", "credit_note"), ("Facture liée", "credit_note"),
    ("Original Invoice:", "payment_reminder"), ("Facture rectifiée :", "corrected_invoice"),
])
def test_invoice_reference_labels(label: str, title: str) -> None:
    rows = [["N° de facture :", "FA-2024-77"], [label, "F 95682"]]
    found = select_numbers(_numbers(rows), title)
    assert found["invoice_reference"].value == "F 95682"


def test_reminder_table_gives_the_dunned_invoice() -> None:
    rows = [["Mahnungsnummer", "Belegdatum", "Zu Rechnung"], ["M 17957", "01.12.2025", "RG2078092"]]
    found = select_numbers(_numbers(rows), "payment_reminder")
    assert found["invoice_number"].value == "M 17957"
    assert found["invoice_reference"].value == "RG2078092"


def test_an_invoice_without_earlier_invoice_has_no_reference() -> None:
    rows = [["Rechnung Nr.", "R-1"], ["Bestellnummer:", "B-7"]]
    assert "invoice_reference" not in select_numbers(_numbers(rows), "invoice")


@pytest.mark.parametrize("label", ["Lieferantennummer:", "Supplier No.", "Vendor ID:",
                                   "N° fournisseur :"])
def test_supplier_number(label: str) -> None:
    rows = [["Bestellnummer:", "B-2024-12"], [label, "KD-14579"], ["Supplier VAT No.", "DE1234"]]
    found = select_numbers(_numbers(rows), "order")
    assert found["supplier_number"].value == "KD-14579"
    assert "customer_number" not in found


@pytest.mark.parametrize("row", [
    ["Order Ref.:", "PO-2019-5485"], ["Bestellreferenz:", "PO-2019-5485"],
    ["Référence commande :", "PO-2019-5485"], ["N° de commande :", "PO-2019-5485"],
    ["Purchase order reference", "PO-2019-5485"], ["PO Number:", "PO-2019-5485"],
])
def test_order_reference_labels(row: list[str]) -> None:
    found = select_numbers(_numbers([["Invoice No.", "IN-1"], row]), "invoice")
    assert found["order_number"].value == "PO-2019-5485"


def test_order_reference_below_a_header() -> None:
    rows = [["Invoice #", "Your Order"], ["INV2357787", "PO-2023-9437"]]
    found = select_numbers(_numbers(rows), "invoice")
    assert found["order_number"].value == "PO-2023-9437"


def test_an_orders_own_number_is_its_order_number() -> None:
    found = select_numbers(_numbers([["PURCHASE ORDER:", "PO123456789"],
                                                   ["SALES ORDER ID:", "S-459875"]]), None)
    assert found["invoice_number"].value == found["order_number"].value == "PO123456789"


def test_your_reference_code_is_the_order_without_an_order_label() -> None:
    rows = [["Invoice", "FA-2017-0008"], ["Your Reference", "COMPRA0832"]]
    lines = make_lines(rows)
    nums = number_roles(lines)
    own = number_select.pick_own_number(nums, "invoice")
    refs = reference_context(lines)
    order = number_select.pick_order_number(nums, own, "invoice", refs)
    assert order is not None and order.value == "COMPRA0832"
    # a name after 'Your Reference' is no order number
    refs = reference_context(make_lines([["Your Reference", "Anna Schmidt"]]))
    assert number_select.pick_order_number(nums, own, "invoice", refs) is None


def _invoice_graph(doc: str, doc_type: str, **values: str) -> tuple[dict, list]:
    from types import SimpleNamespace

    from cosy.config import Settings
    from cosy.engine.step import StepContext
    from cosy.steps.classify import Prediction
    from cosy.steps.graph import entities, invoices

    fields = {k: FieldValue(k, v, 0.9, 1, (0, 0, 1, 1), (0, 1), "s") for k, v in values.items()}
    info = SimpleNamespace(tenant="t", id=doc, file_name=f"{doc}.pdf", pages=1)
    kind = Prediction(doc_type, 0.9, "doc_type@2.0")
    nodes = invoices.invoices(fields, kind, entities.organizations(fields, info), info)
    ctx = StepContext(doc, "t", None, Settings(), None)
    return nodes, invoices.invoice_relations(fields, kind, entities.document(info), nodes,
                                             info, ctx)


def test_credit_note_and_its_invoice_meet_in_one_invoice_node() -> None:
    from cosy.kg import vocab

    inv, inv_links = _invoice_graph("inv", "invoice", invoice_number="R-17",
                                    seller_name="Muster GmbH")
    cn, cn_links = _invoice_graph("cn", "credit_note", invoice_number="GS-3",
                                  invoice_reference="R-17", seller_name="Muster GmbH")
    fix, fix_links = _invoice_graph("fix", "corrected_invoice", invoice_number="R-18",
                                    invoice_reference="R-17", seller_name="Muster GmbH")
    assert set(inv) == {"self"} and set(cn) == {"referenced"}
    assert inv["self"].id == cn["referenced"].id == fix["referenced"].id
    assert [t.p for t in inv_links] == [vocab.IS_INVOICE]
    assert [t.p for t in cn_links] == [vocab.REFERS_TO_INVOICE]
    assert sorted(t.p for t in fix_links) == sorted([vocab.CORRECTS_INVOICE, vocab.IS_INVOICE])
    other, _ = _invoice_graph("cn2", "credit_note", invoice_reference="R-17",
                              seller_name="Andere AG")
    assert other["referenced"].id != inv["self"].id  # another seller's R-17


def test_leitweg_below_its_label_wins_over_the_bare_shape() -> None:
    found = _refs(["Leitweg-ID", "14462000-52065-89"])
    assert [(v, k) for v, k, _ in found] == [("14462000-52065-89", "leitweg")]


@pytest.mark.parametrize(("header", "field", "title"), [
    ("Code client", "customer_number", "quotation"),
    ("Ref. Invoice", "invoice_reference", "payment_reminder"),
    ("Numéro de facture", "invoice_number", "invoice"),
])
def test_number_below_a_header(header: str, field: str, title: str) -> None:
    rows = [[header], ["KD-80463"]]
    assert select_numbers(_numbers(rows), title)[field].value == "KD-80463"


def test_french_order_confirmation_is_its_own_number_not_the_order() -> None:
    rows = ["Confirmation de commande n° CC 43895 du 16 juin 2020",
            ["Votre commande:", "CMD 30249"]]
    found = select_numbers(_numbers(rows), "order_confirmation")
    assert found["invoice_number"].value == "CC 43895"
    assert found["order_number"].value == "CMD 30249"


def test_a_customer_vat_number_is_no_customer_number() -> None:
    rows = [["Invoice", "FA-2017-0008"], ["Customer VAT Number", "ESA12345674"],
            ["Customer No.", "K-7781"]]
    found = select_numbers(_numbers(rows), "invoice")
    assert found["customer_number"].value == "K-7781"
