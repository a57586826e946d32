"""Consistency checks (DESIGN §4): independent readings of a document that must agree.

Each check is a step that reads the merged fields and says whether its rule holds (``ok``:
True, False, or None when the document does not print what the rule needs). ``consistency.
apply`` then raises the confidence of fields a holding rule confirms and lowers it where a rule
fails; the checks also go into the result, so a reviewer sees why a value is trusted or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from cosy.domain import FieldValue
from cosy.engine.step import step
from cosy.steps.lineitems.items import items_total

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Check:
    """A rule's verdict on one document, and the fields it speaks for."""

    name: str
    ok: bool | None  # None: the document does not print what the rule needs
    fields: tuple[str, ...]
    detail: str = ""
    penalise: bool = True  # whether a failing verdict lowers the fields' confidence

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "fields": list(self.fields),
                "detail": self.detail}


def _amount(fields: dict[str, FieldValue], name: str) -> Decimal | None:
    f = fields.get(name)
    try:
        return Decimal(str(f.value)) if f is not None else None
    except InvalidOperation:
        return None


def _date(fields: dict[str, FieldValue], name: str) -> dt.date | None:
    f = fields.get(name)
    try:
        return dt.date.fromisoformat(str(f.value)) if f is not None else None
    except ValueError:
        return None


@step("consistency.totals", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.totals"])
def totals(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """Net + tax = gross, to the cent."""
    fields = ("total_net", "total_tax", "total_gross")
    net, tax, gross = (_amount(doc_fields_merged, f) for f in fields)
    if net is None or tax is None or gross is None:
        return Check("totals", None, fields)
    ok = abs(net + tax - gross) <= CENT
    return Check("totals", ok, fields, f"{net} + {tax} {'=' if ok else '!='} {gross}")


@step("consistency.line_items", scope="document",
      requires=["doc.fields.merged", "doc.line_items"], provides=["doc.check.line_items"])
def line_items(doc_fields_merged: dict[str, FieldValue],
               doc_line_items: list[dict[str, Any]]) -> Check:
    """The line totals add up to the net total: two independent readings of the page agree."""
    fields = ("total_net", "total_tax", "total_gross")
    net, total = _amount(doc_fields_merged, "total_net"), items_total(doc_line_items)
    if net is None or total is None:
        return Check("line_items", None, fields)
    ok = abs(net - total) <= CENT
    # allowances and charges on the whole document make the sum differ from the net total
    # without any misreading: a sum that agrees confirms, one that does not only informs
    return Check("line_items", ok, fields,
                 f"{len(doc_line_items)} items sum to {total}, net {net}", penalise=False)


@step("consistency.dates", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.dates"])
def dates(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """The due date is on or after the issue date."""
    issue, due = _date(doc_fields_merged, "issue_date"), _date(doc_fields_merged, "due_date")
    if issue is None or due is None:
        return Check("dates", None, ("due_date",))
    ok = due >= issue
    return Check("dates", ok, ("due_date",), f"due {due} {'>=' if ok else '<'} issued {issue}")


STANDARD_RATES = tuple(Decimal(r) for r in ("0", "2.1", "5", "5.5", "7", "8.1", "10", "12",
                                            "13", "19", "20", "21", "22", "25"))
"""VAT rates in use in the EU and Switzerland, in percent: a tax total is one of them (or a mix
of them) applied to the net total."""


@step("consistency.tax_rate", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.tax_rate"])
def tax_rate(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """The tax total is the net total at the printed or a standard rate; a share between the
    standard rates is a mix (7 % and 19 % on one German invoice) and says nothing."""
    fields = ("total_tax",)
    net, tax = _amount(doc_fields_merged, "total_net"), _amount(doc_fields_merged, "total_tax")
    if net is None or tax is None or net <= 0:
        return Check("tax_rate", None, fields)
    printed = _amount(doc_fields_merged, "tax_rate")
    rates = ((printed,) if printed is not None else ()) + STANDARD_RATES
    for rate in rates:
        if abs(net * rate / 100 - tax) <= max(CENT, net * Decimal("0.00005")):
            return Check("tax_rate", True, fields, f"{tax} is {rate} % of {net}")
    share = (tax / net * 100).quantize(CENT)
    mixed = min(STANDARD_RATES) <= share <= max(STANDARD_RATES)  # several rates, or a discount
    return Check("tax_rate", None if mixed else False, fields, f"{tax} is {share} % of {net}")


@step("consistency.vat_country", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.vat_country"])
def vat_country(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """A party's VAT ID is of the country of its address (EL is Greece's prefix)."""
    verdicts = []
    for role in ("seller", "buyer"):
        vat, addr = doc_fields_merged.get(f"{role}_vat_id"), doc_fields_merged.get(
            f"{role}_address")
        country = addr.value.get("country") if addr is not None and isinstance(
            addr.value, dict) else None
        if vat is None or not country:
            continue
        prefix = {"EL": "GR", "XI": "GB"}.get(str(vat.value)[:2], str(vat.value)[:2])
        verdicts.append((f"{role}_vat_id", prefix == country, f"{role} {prefix}/{country}"))
    if not verdicts:
        return Check("vat_country", None, ())
    fields = tuple(f for f, _, _ in verdicts)
    return Check("vat_country", all(ok for _, ok, _ in verdicts), fields,
                 "; ".join(d for *_, d in verdicts))


@step("consistency.payment_terms", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.payment_terms"])
def payment_terms(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """A printed due date is the issue date plus the printed payment days; a cash discount's
    days are fewer than the payment days."""
    issue, due = _date(doc_fields_merged, "issue_date"), _date(doc_fields_merged, "due_date")
    days = _amount(doc_fields_merged, "payment_days")
    discount_days = _amount(doc_fields_merged, "discount_days")
    verdicts: list[tuple[str, bool, str]] = []
    if issue is not None and due is not None and days is not None:
        # 'within 30 days' of 5 June is printed as 4 or 5 July: a day either way agrees
        ok = abs((due - issue).days - int(days)) <= 1
        verdicts.append(("due_date", ok, f"{issue} + {int(days)} days ~ {due}" if ok
                         else f"{issue} + {int(days)} days != {due}"))
    if days is not None and discount_days is not None:
        ok = discount_days < days
        verdicts.append(("discount_days", ok, f"discount {discount_days} < {days} days"))
    if not verdicts:
        return Check("payment_terms", None, ())
    return Check("payment_terms", all(ok for _, ok, _ in verdicts),
                 tuple(f for f, _, _ in verdicts), "; ".join(d for *_, d in verdicts))


@step("consistency.period", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.period"])
def period(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """A billing period starts before it ends and does not end long after the invoice."""
    fields = ("period_start", "period_end")
    start, end = _date(doc_fields_merged, "period_start"), _date(doc_fields_merged, "period_end")
    if start is None or end is None:
        return Check("period", None, fields)
    issue = _date(doc_fields_merged, "issue_date")
    ok = start <= end and (issue is None or end <= issue + dt.timedelta(days=366))
    return Check("period", ok, fields, f"{start} .. {end}")


@step("consistency.iban_country", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.iban_country"])
def iban_country(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """The BIC beside the payee IBAN names the IBAN's country (the BIC's letters 5-6; Monaco's
    banks share French IBANs): an IBAN and BIC of two accounts are a misreading."""
    iban, bic = doc_fields_merged.get("iban"), doc_fields_merged.get("bic")
    if iban is None or bic is None or len(str(bic.value)) < 6:
        return Check("iban_country", None, ("bic",))
    a, b = str(iban.value)[:2], str(bic.value)[4:6]
    ok = a == b or {a, b} <= {"FR", "MC"}
    return Check("iban_country", ok, ("bic",), f"IBAN {a}, BIC {b}")


CONFIRMED, CONTRADICTED = 0.1, 0.25
"""Confidence a holding rule adds to each field it speaks for (up to 0.99), and a failing rule
takes away: one rule alone neither makes nor breaks a value."""


@step("consistency.apply", scope="document", requires=["doc.fields.merged", "doc.check.*"],
      provides=["doc.fields.checked", "doc.checks"])
def apply(doc_fields_merged: dict[str, FieldValue],
          **checks: Check) -> tuple[dict[str, FieldValue], list[Check]]:
    """The fields with confidences the checks adjusted; the checks for the result (every
    ``doc.check.*`` of the pipeline, in name order)."""
    out = dict(doc_fields_merged)
    verdicts = list(checks.values())
    for check in verdicts:
        if check.ok is None or (check.ok is False and not check.penalise):
            continue
        for name in check.fields:
            f = out.get(name)
            if f is None:
                continue
            conf = min(0.99, f.confidence + CONFIRMED) if check.ok \
                else max(0.05, f.confidence - CONTRADICTED)
            out[name] = replace(f, confidence=round(conf, 4))
    return out, verdicts
