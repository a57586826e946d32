"""Document type: till evidence makes a receipt, a weak untitled model answer yields the prior."""

from __future__ import annotations

from cosy.steps.classify import Prediction, decide_type, receipt_evidence


def test_till_evidence_by_kind() -> None:
    slip = "Total 15.90\nCash 50.00\nChange Due : 34.10\nCashier: ANNA\nVISA 1234 15.90"
    assert receipt_evidence(slip) == {"tender", "till", "card"}
    assert receipt_evidence("Espèces 5,00\nRendu 0,40\nSur place") == {"tender", "till"}
    # an invoice's words that only look like a till: no amount after them
    assert receipt_evidence("Prices subject to change.\nCash discount 2 % within 10 days") == set()


def test_receipt_needs_two_kinds_and_no_buyer() -> None:
    model = Prediction("quotation", 0.3, "doc_type@2.0")
    assert decide_type(model, None, ["tender", "till"], has_buyer=False).label == "receipt"
    assert decide_type(model, "invoice", ["tender", "till"], has_buyer=False).label == "receipt"
    assert decide_type(model, "invoice", ["tender", "till"], has_buyer=True).label == "quotation"
    assert decide_type(model, "order", ["tender", "till"], has_buyer=False).label == "quotation"
    assert decide_type(model, None, ["till"], has_buyer=False).label == "invoice"
    assert decide_type(model, None, ["card"], has_buyer=False, asks_payment=False).label \
        == "receipt"  # paid at a terminal, nothing left to pay
    assert decide_type(model, None, [], has_buyer=False, label_kinds=["receipt"]).label \
        == "receipt"


def test_weak_untitled_answer_falls_back_to_the_prior_unless_a_label_agrees() -> None:
    weak = Prediction("order", 0.2, "doc_type@2.0")
    assert decide_type(weak, None, [], has_buyer=True).label == "invoice"
    assert decide_type(weak, None, [], has_buyer=True, label_kinds=["order"]).label == "order"
    unsure = Prediction("invoice", 0.19, "doc_type@2.0", runner_up="order")
    assert decide_type(unsure, None, [], has_buyer=True, label_kinds=["order"]).label == "order"
    assert decide_type(unsure, None, [], has_buyer=True, label_kinds=["quotation"]).label \
        == "invoice"
    sure = Prediction("credit_note", 0.95, "doc_type@2.0")
    assert decide_type(sure, None, [], has_buyer=True).label == "credit_note"
    titled = Prediction("order", 0.4, "doc_type@2.0")
    assert decide_type(titled, "order", [], has_buyer=True).label == "order"
