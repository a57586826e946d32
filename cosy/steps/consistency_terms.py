"""Consistency checks of the terms (DESIGN §4): fees, payments and term dates against the totals.

A reminder asks for the claim plus its fee; an invoice that deducts a payment asks for the gross
total less that payment; an offer stays valid from its issue date on; a contract begins when it
is signed or shortly before. Each check reads the merged fields and returns a
:class:`~cosy.steps.consistency.Check` that ``consistency.apply`` weighs.
"""

from __future__ import annotations

from cosy.domain import FieldValue
from cosy.engine.step import step
from cosy.steps.consistency import CENT, Check, _amount, _date
from cosy.steps.fields.terms.stages import START_GRACE


@step("consistency.dunning_fee", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.dunning_fee"])
def dunning_fee(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """A reminder's amount due is its claim (the open total) plus the dunning fee. Interest or a
    second fee make it differ without a misreading: a sum that agrees confirms, one that does
    not only informs."""
    fields = ("dunning_fee", "amount_due")
    fee, total, due = (_amount(doc_fields_merged, f)
                       for f in ("dunning_fee", "total_gross", "amount_due"))
    if fee is None or total is None or due is None:
        return Check("dunning_fee", None, fields)
    ok = abs(total + fee - due) <= CENT
    return Check("dunning_fee", ok, fields,
                 f"{total} + fee {fee} {'=' if ok else '!='} due {due}", penalise=False)


@step("consistency.prepaid", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.prepaid"])
def prepaid(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """An invoice that deducts a payment already made asks for the gross total less it."""
    fields = ("prepaid_amount", "amount_due")
    paid, gross, due = (_amount(doc_fields_merged, f)
                        for f in ("prepaid_amount", "total_gross", "amount_due"))
    if paid is None or gross is None or due is None:
        return Check("prepaid", None, fields)
    ok = abs(gross - paid - due) <= CENT
    return Check("prepaid", ok, fields, f"{gross} - paid {paid} {'=' if ok else '!='} due {due}")


@step("consistency.validity", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.validity"])
def validity(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """An offer is valid until a day after it was issued (an offer that expired on issue is a
    misread date)."""
    issue, until = _date(doc_fields_merged, "issue_date"), _date(doc_fields_merged, "valid_until")
    if issue is None or until is None:
        return Check("validity", None, ("valid_until",))
    ok = until > issue
    return Check("validity", ok, ("valid_until",),
                 f"valid until {until} {'>' if ok else '<='} issued {issue}")


@step("consistency.start", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.start"])
def start(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """A contract begins on or after the day it is signed; one that runs from the 1st of the
    month it was signed in (within :data:`~cosy.steps.fields.terms.stages.START_GRACE`) neither
    confirms nor contradicts; an earlier start is a misreading."""
    issue, begin = _date(doc_fields_merged, "issue_date"), _date(doc_fields_merged, "start_date")
    if issue is None or begin is None:
        return Check("start", None, ("start_date",))
    if begin >= issue:
        return Check("start", True, ("start_date",), f"starts {begin} >= signed {issue}")
    ok = None if begin >= issue - START_GRACE else False
    return Check("start", ok, ("start_date",), f"starts {begin} < signed {issue}")
