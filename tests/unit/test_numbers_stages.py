"""The document-number family's stages: label lexicons per language, title, header, selection."""

from __future__ import annotations

from cosy.steps.fields.numbers import select as number_select
from cosy.steps.fields.numbers import sources as number_sources
from tests.stages import number_roles
from tests.unit.test_fields_normalize import make_lines


def test_each_language_lexicon_finds_its_labels() -> None:
    lines = make_lines(["Rechnungsnummer: R-2024-17", "Invoice No. INV-88", "Facture N° F-1203"])
    assert [h.part("number") for h in number_sources.german_number_labels(lines)] == ["R-2024-17"]
    assert [h.part("number") for h in number_sources.english_number_labels(lines)] == ["INV-88"]
    assert [h.part("number") for h in number_sources.french_number_labels(lines)] == ["F-1203"]


def test_title_line_and_column_header_sources() -> None:
    lines = make_lines(["RECHNUNG 2024-0042", ["Kunden-Nr.", "Datum"], ["K-7781", "05.03.2024"]])
    assert [h.part("number") for h in number_sources.title_numbers(lines)] == ["2024-0042"]
    header = number_sources.header_numbers(lines)
    assert [(h.part("number"), h.label) for h in header] == [("K-7781", "Kunden-Nr.")]


def test_validate_drops_dates_and_short_numbers() -> None:
    lines = make_lines(["Rechnung Nr. 05.03.2024", "Seite Nr. 2", "Auftrag Nr. A-77"])
    found = number_roles(lines)
    assert [m.value for m in found] == ["A-77"]


def test_roles_and_per_field_selection() -> None:
    lines = make_lines(["Lieferschein Nr. LS-5521", ["Rechnungsnummer:", "R-2024-17"],
                        ["Ihre Bestellnummer:", "PO-4471"], ["Kundennummer:", "K-99"]])
    found = number_roles(lines)
    assert [(m.value, m.role, m.doc_kind) for m in found] == [
        ("LS-5521", "other", "delivery_note"), ("R-2024-17", "invoice", "invoice"),
        ("PO-4471", "reference", "order"), ("K-99", "customer", "customer")]
    own = number_select.select_invoice_number([found], "invoice")
    assert own["invoice_number"].value == "R-2024-17"
    assert number_select.select_order_number([found], own, "invoice", [[]])["order_number"].value \
        == "PO-4471"
    assert number_select.select_customer_number([found])["customer_number"].value == "K-99"
    # a delivery note's own number is the one its title names
    note = number_select.select_invoice_number([found], "delivery_note")
    assert note["invoice_number"].value == "LS-5521"


def _own(rows: list[str | list[str]], title: str | None = "invoice") -> str | None:
    found = number_roles(make_lines(rows))
    own = number_select.pick_own_number(found, title)
    return own.value if own is not None else None


def test_labels_as_ocr_misreads_them() -> None:
    assert _own([["Involce No.:", "CS 67832"]]) == "CS 67832"  # one inner space kept
    assert _own([["INVO:CE NO.", "1727"]]) == "1727"
    assert _own(["Bill Cover No: : LCS03908 1"]) == "LCS03908"  # a form's doubled colon


def test_receipt_and_document_numbers() -> None:
    assert _own(["Doc No\tCS02070163\tDate: 22/12/2017"]) == "CS02070163"
    assert _own(["Invoice-581355\tCashier NINI"]) == "581355"
    assert _own([["Invoice No:", "#INV03051"]]) == "INV03051"  # '#' is no part of the value
    assert _own(["Chk 8660\tGuest0"], None) == "8660"
    assert _own([["Receipt No.", "R-2231"]], None) == "R-2231"
    assert _own([["Folio No.", "88213"], ["Room No.", "412"]], None) == "88213"
    # a receipt's number is the document's only where no invoice number is printed
    assert _own([["Invoice No.", "INV-77"], ["Check #", "4711"]]) == "INV-77"


def test_purchase_order_abbreviations_and_po_boxes() -> None:
    lines = make_lines([["INVOICE NUMBER", "20517440"], "P.O. Box 12345",
                        ["CUSTOMER P/O NO.", "SHIPPED VIA"], ["216138", "FNS_MU"]])
    found = number_roles(lines)
    assert [(m.value, m.role) for m in found] == [("20517440", "invoice"), ("216138", "order")]
    own = number_select.select_invoice_number([found], "invoice")
    assert number_select.select_order_number([found], own, "invoice", [[]])["order_number"].value \
        == "216138"


def test_a_document_word_in_running_text_names_no_number() -> None:
    words = " ".join(f"word{i}" for i in range(20))
    lines = make_lines([f"{words} Facture 345 678 {words}", "RECHNUNG 2024-0042"])
    assert [h.part("number") for h in number_sources.title_numbers(lines)] == ["2024-0042"]


def test_year_month_sequence_is_a_number_not_a_date() -> None:
    assert _own([["Rg.-Nr.", "2019/03/705"]]) == "2019/03/705"  # day 705: no date
    assert _own([["Inv. No.", "2021/12/014"], ["Contract No.", "349430924929"]]) == "2021/12/014"
    assert _own([["Rechnung Nr.", "2019/03/25"]]) is None  # a date stays a date


def test_hash_and_abbreviated_document_words() -> None:
    assert _own(["LIEFERSCHEIN #LS2567952"], "delivery_note") == "LS2567952"
    assert _own(["FAKTURA #RG-2022-8014"]) == "RG-2022-8014"
    assert _own(["Bill # IN/2021/381", "Acct # 3626071"]) == "IN/2021/381"
    assert [m.role for m in number_roles(make_lines(["Acct # 3626071"]))] == ["customer"]
    assert _own([["Beleg:", "R9991193"]], None) == "R9991193"
    assert _own([["Bon", "24-66555"], ["Kassen-Nr.", "9"]], None) == "24-66555"


def test_a_label_word_is_no_prefix_of_the_value() -> None:
    assert _own([["Invoice ID", "F72101044"]]) == "F72101044"
    assert _own(["Invoice ID FA41272773"]) == "FA41272773"
    assert _own(["INVOICE DEL 47826"]) == "DEL 47826"  # a short upper-case prefix is kept


def test_without_a_title_a_tax_registration_is_never_the_own_number() -> None:
    lines = [["Belegnummer", "2021/12/014"], "USt-Id-Nr.: DE674921430"]
    assert _own(lines, "delivery_note") == "2021/12/014"
    assert _own(["USt-Id-Nr.: DE674921430"], "delivery_note") is None


def test_a_bare_hash_number_under_the_title_is_the_own_number() -> None:
    assert _own(["INVOICE", "#23413561D", "Bill To:"]) == "23413561D"
    assert _own(["INVOICE", *["line"] * 40, "#4471"]) is None  # far below the title: no
