"""Consistency checks: each rule's verdict, and how the verdicts move field confidence."""

from __future__ import annotations

from cosy.domain import FieldValue
from cosy.engine.profiles import load_pipeline
from cosy.steps import consistency as c

CHECKS = tuple(a for a in sorted(load_pipeline().producers) if a.startswith("doc.check."))
"""The pipeline's checks: what ``consistency.apply`` joins (its ``doc.check.*``)."""


def fields(**values: object) -> dict[str, FieldValue]:
    return {k: FieldValue(k, v, 0.7) for k, v in values.items()}


def test_totals_add_up_to_the_cent() -> None:
    assert c.totals(fields(total_net="100.00", total_tax="19.00", total_gross="119.00")).ok
    assert c.totals(fields(total_net="100.00", total_tax="19.00", total_gross="120.00")).ok \
        is False
    assert c.totals(fields(total_net="100.00")).ok is None  # nothing to check


def test_line_items_sum_to_net() -> None:
    items = [{"total": "40.00"}, {"total": "60.00"}]
    assert c.line_items(fields(total_net="100.00"), items).ok
    assert c.line_items(fields(total_net="90.00"), items).ok is False
    assert c.line_items(fields(total_net="90.00"), [{"total": None}]).ok is None


def test_due_date_on_or_after_issue_date() -> None:
    assert c.dates(fields(issue_date="2024-03-01", due_date="2024-03-15")).ok
    assert c.dates(fields(issue_date="2024-03-01", due_date="2024-02-15")).ok is False
    assert c.dates(fields(issue_date="2024-03-01")).ok is None


def test_tax_is_a_rate_of_net() -> None:
    assert c.tax_rate(fields(total_net="473.00", total_tax="89.87")).ok  # 19 %
    assert c.tax_rate(fields(total_net="100.00", total_tax="5.50")).ok  # 5.5 % (France)
    # 7 % and 19 % on one invoice: between the rates, not contradicted
    assert c.tax_rate(fields(total_net="473.00", total_tax="56.87")).ok is None
    assert c.tax_rate(fields(total_net="100.00", total_tax="40.00")).ok is False
    # a printed rate the tax does not match, a standard one it does: a second rate exists
    assert c.tax_rate(fields(total_net="100.00", total_tax="19.00", tax_rate="7.00")).ok


def test_vat_id_country_matches_the_address() -> None:
    ok = c.vat_country({"seller_vat_id": FieldValue("seller_vat_id", "DE123456789", 0.9),
                        "seller_address": FieldValue("seller_address", {"country": "DE"}, 0.9),
                        "buyer_vat_id": FieldValue("buyer_vat_id", "EL123456789", 0.9),
                        "buyer_address": FieldValue("buyer_address", {"country": "GR"}, 0.9)})
    assert ok.ok and ok.fields == ("seller_vat_id", "buyer_vat_id")
    bad = c.vat_country({"seller_vat_id": FieldValue("seller_vat_id", "FR11999999998", 0.9),
                         "seller_address": FieldValue("seller_address", {"country": "DE"}, 0.9)})
    assert bad.ok is False


def test_payment_terms_agree_with_the_dates() -> None:
    assert c.payment_terms(fields(issue_date="2024-03-01", due_date="2024-03-15",
                                  payment_days="14", discount_days="7")).ok
    assert c.payment_terms(fields(issue_date="2018-06-05", due_date="2018-07-04",
                                  payment_days="30")).ok  # a day either way
    bad = c.payment_terms(fields(issue_date="2024-03-01", due_date="2024-03-31",
                                 payment_days="14"))
    assert bad.ok is False and bad.fields == ("due_date",)
    assert c.payment_terms(fields(payment_days="10", discount_days="14")).ok is False
    assert c.payment_terms(fields(issue_date="2024-03-01")).ok is None


def test_period_and_bank_country() -> None:
    assert c.period(fields(period_start="2018-10-01", period_end="2018-10-31",
                           issue_date="2018-10-31")).ok
    assert c.period(fields(period_start="2018-11-01", period_end="2018-10-31")).ok is False
    assert c.iban_country(fields(iban="DE02120300000000202051", bic="BYLADEM1001")).ok
    assert c.iban_country(fields(iban="FR7630006000011234567890189", bic="CMCIMCM1XXX")).ok
    assert c.iban_country(fields(iban="DE02120300000000202051", bic="BNPAFRPPXXX")).ok is False


def test_apply_moves_confidence_by_the_verdicts() -> None:
    merged = fields(total_net="100.00", total_tax="19.00", total_gross="119.00",
                    issue_date="2024-03-01", due_date="2024-02-01")
    silent = {k.replace(".", "_"): c.Check(k, None, ()) for k in CHECKS}
    out, checks = c.apply(merged, **silent | dict(
        doc_check_totals=c.totals(merged),
        doc_check_line_items=c.line_items(merged, [{"total": "100.00"}]),
        doc_check_dates=c.dates(merged),
        doc_check_tax_rate=c.tax_rate(merged),
        doc_check_vat_country=c.vat_country(merged),
        doc_check_payment_terms=c.payment_terms(merged),
        doc_check_period=c.period(merged),
        doc_check_iban_country=c.iban_country(merged)))
    assert {"totals", "line_items", "dates", "tax_rate", "vat_country", "payment_terms", "period",
            "iban_country"} <= {ch.name for ch in checks}
    assert len(checks) == len(CHECKS)  # every check of the pipeline reaches the result
    assert out["total_net"].confidence == 0.9  # confirmed by totals and by line items
    assert out["due_date"].confidence < 0.7  # due before issue: less trusted, still reported
    short = fields(total_net="100.00")
    out, _ = c.apply(short, **silent | {
        "doc_check_line_items": c.line_items(short, [{"total": "90.00"}])})
    assert out["total_net"].confidence == 0.7  # items that do not add up only inform
    assert merged["total_net"].confidence == 0.7  # the input is not changed
