"""Review: each field's confidence calibrated, and the values too uncertain to stand marked.

A wrong value is worse than none. After the consistency checks have adjusted the confidences,
``review.calibrate`` maps each field's confidence through the calibration table (the share of
values that were right on the development sets, per field and per step that found them; see
:mod:`cosy.inference.calibration`), and marks a field whose calibrated confidence is under
``COSY_REVIEW_THRESHOLD`` as ``needs_review``: the result and the graph still carry it, flagged,
for a person to accept or correct, and evaluation does not count it as a value.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cosy.domain import FieldValue
from cosy.engine.step import StepContext, step
from cosy.inference.calibration import CALIBRATION, calibrated, calibration_key


@step("review.calibrate", scope="document", requires=["doc.fields.checked", "page.scan"],
      provides=["doc.fields"], model=CALIBRATION)
def calibrate(doc_fields_checked: dict[str, FieldValue], page_scan: list[dict[str, Any]],
              ctx: StepContext) -> dict[str, FieldValue]:
    """Every field with its calibrated confidence; those under the threshold need review.
    With ``COSY_CALIBRATE=0`` the raw confidences stay (what the calibration recipe fits)."""
    if not ctx.settings.calibrate:
        return dict(doc_fields_checked)
    table = ctx.resources.table(CALIBRATION)
    threshold = ctx.settings.review_threshold
    out = {}
    for name, f in doc_fields_checked.items():
        scanned = f.page is not None and 0 < f.page <= len(page_scan) \
            and bool(page_scan[f.page - 1].get("ocr"))
        key = calibration_key(f.step, f.label_agrees, scanned)
        p = round(calibrated(table, name, key, f.confidence), 4)
        out[name] = replace(f, confidence=p, needs_review=p < threshold)
    return out
