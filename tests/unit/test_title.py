"""What a printed title says the document is, including e-invoice viewers' title lines."""

import pytest

from cosy.steps.fields.doc_kinds import title_kind


@pytest.mark.parametrize(("text", "kind"), [
    ("Rechnung Nr. 2024-0042", "invoice"),
    ("Rechnung (380) Nr. 471102 vom 05.03.2018", "invoice"),
    ("Rechnung des Versicherers (575) Nr. 01.234.567.8-2018-1 vom 06.12.2018", "invoice"),
    ("Gutschrift (Selbst ausgestellte Rechnung) (389) Nr. 471102 vom 05.03.2018",
     "self_billed_invoice"),
    ("Rechnungskorrektur (384) Nr. RK21012345 vom 16.09.2018", "corrected_invoice"),
    ("Gutschrift (381) Nr. 12", "credit_note"),
    ("Auftragsbestätigung AB-77", "order_confirmation"),
    ("Purchase Order No. PO-1", "order"),
    ("Facture rectificative n° F-9", "corrected_invoice"),
])
def test_title_names_the_kind(text: str, kind: str) -> None:
    assert title_kind(text) == kind


@pytest.mark.parametrize("text", [
    "Rechnungsadresse: Musterweg 1",  # a label, not a title
    "Bitte begleichen Sie die Rechnung bis zum 1.4.",
    "Rechnung (12345) Nr. 1",  # a type code has three digits
])
def test_body_text_is_no_title(text: str) -> None:
    assert title_kind(text) is None
