"""Consistency of the payment means with the accounts and SEPA identifiers the document prints.

A direct debit draws on the payer's account under a mandate; a credit transfer goes to the
payee's account. Where the document prints what the means needs, the two readings confirm each
other (the means and the account); a transfer beside a mandate reference contradicts the means.
"""

from __future__ import annotations

from cosy.domain import FieldValue
from cosy.engine.step import step
from cosy.steps.consistency import Check
from cosy.steps.fields.payment.codes import DIRECT_DEBIT, TRANSFER

MEANS = ("payment_means", "payment_means_name")
"""The two fields of one reading: a verdict on the means speaks for both."""


def payment_means_check(fields: dict[str, FieldValue]) -> Check:
    """The verdict of :func:`payment_means` on merged fields (see there)."""
    means = fields.get("payment_means")
    if means is None:
        return Check("payment_means", None, ())
    code = str(means.value)
    present = tuple(f for f in ("debtor_iban", "mandate_reference", "creditor_id", "iban")
                    if f in fields)
    if code in DIRECT_DEBIT:
        if "debtor_iban" in fields or "mandate_reference" in fields:
            accounts = tuple(f for f in present if f != "iban")
            return Check("payment_means", True, (*MEANS, *accounts),
                         f"direct debit ({code}) with {', '.join(accounts)}")
        return Check("payment_means", None, MEANS,
                     f"direct debit ({code}) without debtor account or mandate")
    if code in TRANSFER:
        if "mandate_reference" in fields:
            return Check("payment_means", False, MEANS,
                         f"credit transfer ({code}) but a mandate reference is printed")
        if "iban" in fields:
            return Check("payment_means", True, (*MEANS, "iban"),
                         f"credit transfer ({code}) to the payee's IBAN")
        return Check("payment_means", None, MEANS,
                     f"credit transfer ({code}) without the payee's account")
    return Check("payment_means", None, MEANS, f"means {code} needs no account")


@step("consistency.payment_means", scope="document", requires=["doc.fields.merged"],
      provides=["doc.check.payment_means"])
def payment_means(doc_fields_merged: dict[str, FieldValue]) -> Check:
    """A direct debit with the debtor's IBAN or a mandate reference confirms the means and those
    fields; a credit transfer with the payee's IBAN confirms the means and the IBAN; a transfer
    beside a mandate reference contradicts the means; otherwise the document does not say."""
    return payment_means_check(doc_fields_merged)
