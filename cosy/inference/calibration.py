"""Calibrated confidences: how often a field's value was right, by the step that found it.

The families' rules give constant confidences (a label lexicon hit 0.85, a position rule 0.6),
the models their probabilities on generated documents. Neither says how often a value is right
on real documents. The calibration table (``models/calibration.json``, fitted by
``models/recipes/calibration.py`` on the development sets and pinned in the registry) maps a
field's raw confidence, per step that found it, to the share of such values that were right:
a step function from isotonic regression, smoothed towards the field's rate where a step has
few values. A confidence under the review threshold marks the value ``needs_review``.
"""

from __future__ import annotations

from typing import Any

CALIBRATION = "calibration@1.0"
SURE_MIN, SURE_MAX = 0.01, 0.99
"""No value is certain: the development sets are small next to what COSY reads."""

Table = dict[str, Any]


def calibration_key(step: str, label_agrees: bool | None, scanned: bool = False) -> str:
    """What a value is calibrated by besides its field: the step that found it, whether the
    ``field_label`` model reads its label as the field, and whether its page was read by OCR
    ('fields.dates.select.issue_date|+|text')."""
    agrees = "+" if label_agrees else "-" if label_agrees is False else "?"
    return f"{step}|{agrees}|{'ocr' if scanned else 'text'}"


def calibrated(table: Table, field: str, step: str, raw: float) -> float:
    """The calibrated confidence of a value of ``field`` found by ``step`` (its
    :func:`calibration_key`) with ``raw``: the step's own curve where it was fitted, else the
    field's, else the table's overall curve."""
    entry = table.get("fields", {}).get(field, {})
    curve = entry.get("steps", {}).get(step) or entry.get("all") or table["all"]
    return min(max(at(curve, raw), SURE_MIN), SURE_MAX)


def at(curve: list[list[float]], raw: float) -> float:
    """A step function's value: the point with the largest raw confidence not above ``raw``
    (the first point's below it): between two fitted points the lower, never optimistic."""
    p = curve[0][1]
    for x, y in curve:
        if x > raw + 1e-9:
            break
        p = y
    return float(p)
