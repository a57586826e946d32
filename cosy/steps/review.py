"""Review: each field's confidence calibrated, and the values too uncertain to stand marked.

A wrong value is worse than none. After the consistency checks have adjusted the confidences,
``review.reading`` scales a value read by OCR by the recogniser's confidence in its lines, and
``review.calibrate`` maps each field's confidence through the calibration table (the share of
values that were right on the development sets, per field and per step that found them; see
:mod:`cosy.inference.calibration`), and marks a field whose calibrated confidence is under
``COSY_REVIEW_THRESHOLD`` as ``needs_review``: the result and the graph still carry it, flagged,
for a person to accept or correct, and evaluation does not count it as a value.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cosy.domain import FieldValue, Word
from cosy.engine.step import StepContext, step
from cosy.inference.calibration import CALIBRATION, calibrated, calibration_key


@step("review.reading", scope="document", requires=["doc.fields.checked", "page.source_words"],
      provides=["doc.fields.read"])
def reading(doc_fields_checked: dict[str, FieldValue],
            page_source_words: list[list[Word]]) -> dict[str, FieldValue]:
    """Each field's confidence times how sure OCR was of the lines it was read from.

    A value read by OCR is only as good as its reading: the recogniser's confidence of the
    least sure line under the value's box scales the field's confidence, so the calibration
    (fitted on these confidences) can tell a clean reading from a doubtful one. Text-layer
    words are sure (1.0): born-digital fields keep their confidence unchanged.
    """
    out = {}
    for name, f in doc_fields_checked.items():
        sure = reading_confidence(f, page_source_words)
        out[name] = f if sure >= 1.0 else replace(f, confidence=f.confidence * sure)
    return out


def reading_confidence(f: FieldValue, page_words: list[list[Word]]) -> float:
    """The least OCR confidence of the words whose box overlaps the field's (1.0: none)."""
    if f.page is None or f.bbox is None or not 0 < f.page <= len(page_words):
        return 1.0
    x0, top, x1, bottom = f.bbox
    return min((w.conf for w in page_words[f.page - 1]
                if w.x0 < x1 and w.x1 > x0 and w.top < bottom and w.bottom > top), default=1.0)


@step("review.calibrate", scope="document", requires=["doc.fields.read", "page.scan"],
      provides=["doc.fields"], model=CALIBRATION)
def calibrate(doc_fields_read: dict[str, FieldValue], page_scan: list[dict[str, Any]],
              ctx: StepContext) -> dict[str, FieldValue]:
    """Every field with its calibrated confidence; those under the threshold need review.
    With ``COSY_CALIBRATE=0`` the raw confidences stay (what the calibration recipe fits)."""
    if not ctx.settings.calibrate:
        return dict(doc_fields_read)
    table = ctx.resources.table(CALIBRATION)
    threshold = ctx.settings.review_threshold
    out = {}
    for name, f in doc_fields_read.items():
        scanned = f.page is not None and 0 < f.page <= len(page_scan) \
            and bool(page_scan[f.page - 1].get("ocr"))
        key = calibration_key(f.step, f.label_agrees, scanned)
        p = round(calibrated(table, name, key, f.confidence), 4)
        out[name] = replace(f, confidence=p, needs_review=p < threshold)
    return out
