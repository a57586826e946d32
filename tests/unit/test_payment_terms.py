"""Payment terms in three languages: days, cash discount, the sentence, the implied due date."""

from __future__ import annotations

import pytest

from cosy.domain import FieldValue
from cosy.steps.fields.payment import terms as payment
from tests.stages import GEOMETRY
from tests.unit.test_fields_normalize import make_lines


def _terms(text: str | list[str]) -> dict[str, str]:
    lines = make_lines([text])
    hits = [payment.german_terms(lines), payment.english_terms(lines), payment.french_terms(lines)]
    valid = payment.payment_validate(payment.payment_normalise(*hits))
    context = [payment.payment_context(valid, lines, 1, GEOMETRY)]
    out: dict[str, str] = {}
    for select in (payment.select_payment_terms, payment.select_payment_days,
                   payment.select_discount):
        out.update({k: v.value for k, v in select(context).items()})
    return out


@pytest.mark.parametrize(("text", "days"), [
    ("Zahlbar innerhalb 14 Tagen ohne Abzug.", "14"), ("Zahlungsziel: 30 Tage netto.", "30"),
    ("Terms: Net 30", "30"), ("Payment terms: net 45 days. Delivery on request.", "45"),
    ("Règlement à 30 jours, soit le 12/04/2024.", "30"), ("Paiement à 60 jours.", "60"),
    ("Sofort ohne Abzug zahlbar.", "0"),
])
def test_payment_days(text: str, days: str) -> None:
    assert _terms(text)["payment_days"] == days


@pytest.mark.parametrize(("text", "percent", "days"), [
    ("Bei Zahlung innerhalb von 8 Tagen gewähren wir 2 % Skonto.", "2.00", "8"),
    ("2% discount if paid within 10 days.", "2.00", "10"),
    ("Escompte de 2,5 % pour paiement sous 8 jours.", "2.50", "8"),
])
def test_cash_discount(text: str, percent: str, days: str) -> None:
    found = _terms(text)
    assert (found["discount_percent"], found["discount_days"]) == (percent, days)
    assert "payment_days" not in found  # the discount's days are not the payment days


def test_two_ten_net_thirty_and_the_sentence() -> None:
    found = _terms(["Conditions", "2/10 net 30. Thank you."])
    assert (found["payment_days"], found["discount_percent"], found["discount_days"]) == (
        "30", "2.00", "10")
    assert found["payment_terms"] == "2/10 net 30."


def test_implausible_terms_are_dropped() -> None:
    assert _terms("zahlbar innerhalb 400 Tagen") == {}


@pytest.mark.parametrize("text", ["TOTAL NET 4,60", "Total net 12.50", "Net 1234"])
def test_a_net_amount_is_no_payment_term(text: str) -> None:
    assert _terms(text) == {}


def test_implied_due_date_is_issue_plus_days() -> None:
    issue = {"issue_date": FieldValue("issue_date", "2024-01-20", 0.9)}
    days = {"payment_days": FieldValue("payment_days", "14", 0.8)}
    assert payment.payment_implied_due(issue, days) == "2024-02-03"
    assert payment.payment_implied_due(issue, {}) is None
