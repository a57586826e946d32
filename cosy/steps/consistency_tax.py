"""Consistency of the tax breakdown with the totals (EN 16931 BR-CO-14 and BT-109).

The breakdown rows are read apart from the totals (a rate with its base and tax, checked by
base x rate = tax); their bases must add up to the net total and their taxes to the tax total.
Two independent readings that agree confirm the totals; a disagreement contradicts the total
that differs, unless the gap is itself a row (base x a VAT rate = tax, or a 0 % base): then a
row was not read, which says nothing against the totals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cosy.domain import FieldValue
from cosy.engine.step import step
from cosy.steps.consistency import CENT, STANDARD_RATES, Check, _amount
from cosy.steps.fields.tax.breakdown import TOTALS_STEP

FIELDS = ("total_net", "total_tax")


def _sums(rows: list[dict[str, Any]], net: Decimal) -> tuple[Decimal, Decimal]:
    """Sum of bases and of taxes, signed like the net total (a credit note's may be unsigned)."""
    b = sum((Decimal(r["base"]) for r in rows), Decimal(0))
    t = sum((Decimal(r["tax"]) for r in rows), Decimal(0))
    sign = -1 if abs(-b - net) < abs(b - net) else 1
    return sign * b, sign * t


def missing_row(d_net: Decimal, d_tax: Decimal) -> bool:
    """Whether a gap between rows and totals is one more row: a base at a VAT rate."""
    if d_net == 0:
        return False
    return any(abs(d_net * rate / 100 - d_tax) <= CENT for rate in STANDARD_RATES)


def verdict(rows: list[dict[str, Any]], net: Decimal | None, tax: Decimal | None) -> Check:
    """The check's verdict on printed rows against the totals (see the module docstring)."""
    printed = [r for r in rows if r.get("step") != TOTALS_STEP]  # a row made of the totals
    if not printed or net is None or tax is None:
        return Check("tax_breakdown", None, FIELDS)
    b, t = _sums(printed, net)
    slack = CENT * len(printed)
    detail = f"{len(printed)} rows: base {b}, tax {t}; totals {net}, {tax}"
    net_ok, tax_ok = abs(b - net) <= slack, abs(t - tax) <= slack
    if net_ok and tax_ok:
        return Check("tax_breakdown", True, FIELDS, detail)
    if missing_row(net - b, tax - t):
        return Check("tax_breakdown", None, FIELDS, detail + " (a row not read)")
    wrong = tuple(f for f, ok in zip(FIELDS, (net_ok, tax_ok), strict=True) if not ok)
    return Check("tax_breakdown", False, wrong, detail)


@step("consistency.tax_breakdown", scope="document",
      requires=["doc.fields.merged", "doc.tax_breakdown"],
      provides=["doc.check.tax_breakdown"])
def tax_breakdown(doc_fields_merged: dict[str, FieldValue],
                  doc_tax_breakdown: list[dict[str, Any]]) -> Check:
    """The breakdown's bases sum to the net total and its taxes to the tax total, within a
    cent per row."""
    return verdict(doc_tax_breakdown, _amount(doc_fields_merged, "total_net"),
                   _amount(doc_fields_merged, "total_tax"))
