"""Review rules: which triples state a field, how corrected values are normalised, families."""

from __future__ import annotations

import pytest

from cosy.domain import Triple
from cosy.kg import vocab
from cosy.review import (
    ReviewError,
    due,
    family,
    field_predicates,
    field_rows,
    normalize_value,
)

BOX = [100.0, 200.0, 150.0, 210.0]


def test_corrected_values_follow_the_result_conventions() -> None:
    assert normalize_value("issue_date", None, " 2024-03-01 ") == "2024-03-01"
    assert normalize_value("total_gross", None, "1234.5") == "1234.50"
    assert normalize_value("payment_days", None, "30") == "30"
    assert normalize_value("iban", None, "de89 3704 0044 0532 0130 00") == \
        "DE89370400440532013000"
    assert normalize_value("currency", None, "chf") == "CHF"
    assert normalize_value("seller_vat_id", None, "de 123 456 789") == "DE123456789"
    assert normalize_value("seller_address", "city", " Köln ") == "Köln"
    for name, bad, reason in (("issue_date", "01.03.2024", "YYYY-MM-DD"),
                              ("total_net", "1.234,50", "dot for decimals"),
                              ("payment_days", "2.5", "whole number"),
                              ("iban", "DE00370400440532013000", "check digits"),
                              ("currency", "Euro", "ISO 4217"),
                              ("invoice_number", "   ", "required"),
                              ("invoice_number", "x" * 501, "at most")):
        with pytest.raises(ReviewError, match=reason) as err:
            normalize_value(name, None, bad)
        assert err.value.kind == "invalid"


def test_families_colour_fields_by_kind() -> None:
    assert [family(n) for n in ("seller_name", "buyer_vat_id", "director", "invoice_number",
                                "due_date", "valid_until", "total_net", "currency", "iban",
                                "payment_terms", "tax_rate")] == \
        ["party", "party", "party", "reference", "date", "date", "amount", "amount",
         "payment", "payment", "tax"]


def test_a_field_is_matched_to_the_triples_of_its_own_predicates() -> None:
    assert field_predicates("total_gross", None) == {vocab.SCHEMA + "totalPaymentDue"}
    assert field_predicates("seller_vat_id", None) == {vocab.VAT_ID}
    assert field_predicates("seller_address", "city") == {vocab.ADDRESS_PARTS["city"]}
    assert vocab.SCHEMA + "orderNumber" in field_predicates("invoice_number", None)
    # amount_due and total_gross share a box and a value, but not a predicate
    assert field_predicates("amount_due", None) != field_predicates("total_gross", None)


def _triple(p: str, o: str, **kw: object) -> dict:
    t = Triple("", "urn:d", p, o, "sha256:d", page=1, bbox=(100.04, 199.98, 150.0, 210.02),
               step="fields.select.totals", model="amount_role@1.0", **kw)  # type: ignore[arg-type]
    return t.to_json()


def test_field_rows_split_addresses_and_take_step_and_model_from_the_triples() -> None:
    result = {"fields": {
        "total_gross": {"value": "119.00", "confidence": 0.7, "page": 1, "bbox": BOX},
        "amount_due": {"value": "119.00", "confidence": 0.95, "page": 1, "bbox": BOX,
                       "needs_review": True},
        "seller_address": {"value": {"street": "Hauptstr. 1", "postal_code": "50667",
                                     "city": "Köln", "country": None},
                           "confidence": 0.9, "page": 1, "bbox": BOX,
                           "reviews": [{"part": "city"}]},
    }, "triples": [_triple(vocab.SCHEMA + "totalPaymentDue", "119.00")]}
    rows = {r.key: r for r in field_rows(result)}
    assert set(rows) == {"total_gross", "amount_due", "seller_address.street",
                         "seller_address.postal_code", "seller_address.city"}
    assert rows["total_gross"].step == "fields.select.totals"
    assert rows["total_gross"].model == "amount_role@1.0"
    assert rows["amount_due"].step is None  # its own predicate is not among the triples
    assert rows["seller_address.city"].reviewed and rows["seller_address.city"].source == \
        "reviewed"
    assert due(rows["total_gross"], 0.8) and not due(rows["total_gross"], 0.6)
    assert due(rows["amount_due"], 0.5)  # marked by the extraction
    assert not due(rows["seller_address.city"], 1.0)  # reviewed already
