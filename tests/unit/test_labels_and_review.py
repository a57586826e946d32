"""Label links (the field_label model's readings), calibrated confidences and needs_review."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cosy.domain import FieldValue, Mention, Word
from cosy.inference.calibration import at, calibrated, calibration_key
from cosy.inference.label_features import label_features, label_spec, label_vector
from cosy.steps.fields.labels.link import label_agrees, link_values, readings
from cosy.steps.review import calibrate, reading


def test_label_vectors_survive_ocr_slips_and_tell_fields_apart() -> None:
    clean, slipped = label_vector("Invoice No."), label_vector("Involce No.")
    other = label_vector("Due Date")
    assert float(clean @ slipped) > 0.6 > float(clean @ other)
    assert label_features(["Rechnung Nr."], label_spec()).shape == (1, label_spec()["dim"])
    with pytest.raises(ValueError, match="unsupported feature spec"):
        label_features(["x"], {"kind": "hashed_text", "version": "1", "dim": 8})


def _mention(kind: str, value: str, x: float) -> Mention:
    return Mention(kind, value, value, 1, (x, 100.0, x + 40, 110.0), (0, len(value)), "test")


LABELS = ("invoice_number", "issue_date", "total_gross", "none")


def test_a_value_is_linked_where_its_label_reads_as_the_field() -> None:
    mentions = [("doc_number", _mention("doc_number", "A-17", 10)),
                ("date", _mention("date", "2024-03-01", 60)),
                ("amount", _mention("amount", "12.00", 110))]
    probs = np.array([[0.9, 0.05, 0.0, 0.05],   # 'Inv. Ref.' -> invoice number
                      [0.1, 0.2, 0.0, 0.7],     # a date whose label says nothing
                      [0.0, 0.8, 0.1, 0.1]])    # an amount read as a date: kinds differ
    links = link_values(mentions, LABELS, probs, [0, 1, 2])
    assert set(links) == {"invoice_number"}
    assert links["invoice_number"].value == "A-17" and links["invoice_number"].confidence == 0.9
    read = readings(mentions, LABELS, probs, [0, 1, 2])
    own = FieldValue("invoice_number", "A-17", 0.8, 1, (10, 100.0, 50, 110.0))
    assert label_agrees(own, read) is True
    wrong = FieldValue("total_gross", "12.00", 0.8, 1, (110, 100.0, 150, 110.0))
    assert label_agrees(wrong, read) is False  # its label reads as another field
    unread = FieldValue("issue_date", "2024-03-01", 0.8, 1, (60, 100.0, 100, 110.0))
    assert label_agrees(unread, read) is None


TABLE = {"all": [[0.0, 0.2], [0.9, 0.6]],
         "fields": {"iban": {"n": 40, "all": [[0.0, 0.5], [0.8, 0.97]],
                             "steps": {"fields.ids.select.iban|+|text": [[0.0, 0.9]]}}}}


def test_calibrated_confidence_by_field_and_step_never_optimistic_between_points() -> None:
    assert calibration_key("s", True) == "s|+|text"
    assert calibration_key("s", None, scanned=True) == "s|?|ocr"
    assert calibrated(TABLE, "iban", "fields.ids.select.iban|+|text", 0.1) == 0.9
    assert calibrated(TABLE, "iban", "other|?", 0.85) == 0.97
    assert calibrated(TABLE, "iban", "other|?", 0.79) == 0.5  # the lower point, not the upper
    assert calibrated(TABLE, "bic", "x|?", 0.95) == 0.6  # no curve of its own: the overall one
    assert at([[0.3, 0.4]], 0.1) == 0.4


def test_review_marks_values_under_the_threshold() -> None:
    fields = {"iban": FieldValue("iban", "DE1", 0.79, step="other"),
              "bic": FieldValue("bic", "ABCDEFGH", 0.95, step="x")}
    ctx = SimpleNamespace(settings=SimpleNamespace(calibrate=True, review_threshold=0.55),
                          resources=SimpleNamespace(table=lambda ref: TABLE))
    out = calibrate(fields, [{"ocr": False}], ctx)
    assert (out["iban"].confidence, out["iban"].needs_review) == (0.5, True)
    assert (out["bic"].confidence, out["bic"].needs_review) == (0.6, False)
    assert out["iban"].to_json()["needs_review"] is True
    raw = SimpleNamespace(settings=SimpleNamespace(calibrate=False), resources=None)
    assert calibrate(fields, [], raw)["iban"].confidence == 0.79


def test_a_value_read_by_ocr_is_as_sure_as_its_least_sure_line() -> None:
    """The confidence of a field read by OCR is scaled by the recogniser's confidence of the
    lines under its box; a text-layer value (words at 1.0) and a value without a box keep it."""
    sure = Word("DE89", 100, 700, 140, 710, conf=0.98)
    unsure = Word("3704", 145, 712, 180, 722, conf=0.61)
    elsewhere = Word("Total", 100, 100, 140, 110, conf=0.2)
    fields = {"iban": FieldValue("iban", "DE89...", 0.9, page=1, bbox=(100, 700, 180, 722)),
              "bic": FieldValue("bic", "X", 0.9, page=1, bbox=(100, 700, 140, 710)),
              "total_gross": FieldValue("total_gross", "1", 0.8, page=2, bbox=(1, 1, 9, 9)),
              "currency": FieldValue("currency", "EUR", 0.7)}
    out = reading(fields, [[sure, unsure, elsewhere], [Word("1", 1, 1, 9, 9)]])
    assert out["iban"].confidence == pytest.approx(0.9 * 0.61)
    assert out["bic"].confidence == pytest.approx(0.9 * 0.98)
    assert out["total_gross"] is fields["total_gross"]  # a text layer: unchanged
    assert out["currency"] is fields["currency"]


def test_calibration_fit_is_monotone_and_smoothed_towards_the_rate() -> None:
    from models.recipes.calibration import ece, fit

    obs = [("iban", "s|?", 0.9, True)] * 30 + [("iban", "s|?", 0.5, False)] * 10 + \
          [("iban", "s|?", 0.5, True)] * 10 + [("bic", "t|?", 0.6, True)] * 3
    table = fit(obs)
    curve = table["fields"]["iban"]["steps"]["s|?"]
    assert [x for x, _ in curve] == [0.5, 0.9]
    assert curve[0][1] < curve[1][1] < 1.0  # right 30 of 30 times, yet not certain
    assert "bic" not in table["fields"]  # too few values for a curve of its own
    assert ece([(0.9, True), (0.9, False)]) == pytest.approx(0.4)


def test_a_linked_seller_identifier_never_takes_a_value_another_field_holds() -> None:
    """An order's footer prints the buyer's (its writer's) VAT ID under a bare 'VAT ID': the
    rules give it to buyer_vat_id, and the label link does not also make it the seller's."""
    from cosy.steps.fields.merge import merge_fields

    box, elsewhere = (487.2, 791.8, 535.1, 799.3), (60.0, 700.0, 120.0, 708.0)
    buyer = FieldValue("buyer_vat_id", "DE936067704", 0.9, 1, box, None,
                       "fields.ids.select.buyer_vat_id")

    def linked(bbox: tuple[float, ...]) -> dict[str, FieldValue]:
        return {"seller_vat_id": FieldValue("seller_vat_id", "DE123456788", 0.99, 1, bbox, None,
                                            "fields.labels.link", "field_label@1.0")}

    merged = merge_fields(linked(box), [], {}, (), ids={"buyer_vat_id": buyer})
    assert set(merged) == {"buyer_vat_id"}
    merged = merge_fields(linked(elsewhere), [], {}, (), ids={"buyer_vat_id": buyer})
    assert merged["seller_vat_id"].bbox == elsewhere
