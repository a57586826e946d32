"""Tax rates: percentages a tax word names, and the document's one rate (read off the breakdown
rows of :mod:`cosy.steps.fields.tax.breakdown` where it has them)."""

from __future__ import annotations

from typing import Any

from cosy.domain import Mention
from cosy.steps.fields.tax import breakdown as tax_breakdown
from cosy.steps.fields.tax import breakdown_sources as sources
from cosy.steps.fields.tax import rates as taxes
from tests.stages import GEOMETRY, amount_context
from tests.unit.test_fields_normalize import make_lines


def _rates(rows: list[str | list[str]]) -> tuple[list[Mention], list[dict[str, Any]]]:
    lines = make_lines(rows)
    valid = taxes.tax_rate_validate(taxes.tax_rate_normalise(taxes.tax_rate_candidates(lines)))
    context = taxes.tax_rate_context(valid, lines, 1, GEOMETRY)
    same_line = sources.same_line_rows(context, amount_context(lines))
    readings = tax_breakdown.breakdown_normalise([], [], [], [], same_line)
    return context, tax_breakdown.breakdown_validate(readings, 1)


def test_rates_are_normalised_and_told_from_discounts() -> None:
    context, _ = _rates(["MwSt. 19 %", "TVA 5,5 %", "2 % Skonto", "Rabatt 30 %", "VAT 20%"])
    assert [(m.value, m.role) for m in context] == [
        ("19.00", "tax"), ("5.50", "tax"), ("2.00", "other"), ("20.00", "tax")]  # 30 % > 27 %


def test_breakdown_rows_check_base_times_rate() -> None:
    context, rows = _rates([["USt. 19 %", "100,00", "19,00"], ["USt. 7 %", "50,00", "3,50"],
                            ["Skonto 2 %", "119,00", "9,99"]])
    assert [(r["rate"], r["base"], r["tax"]) for r in rows] == [
        ("19.00", "100.00", "19.00"), ("7.00", "50.00", "3.50")]
    assert taxes.select_tax_rate([context], rows) == {}  # two rates: no single tax rate


def test_single_rate_document() -> None:
    context, rows = _rates([["Nettobetrag", "200,00"], ["zzgl. 19 % MwSt.", "38,00"]])
    found = taxes.select_tax_rate([context], rows)
    assert found["tax_rate"].value == "19.00"
