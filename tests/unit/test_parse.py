"""Parse: PDF metadata, fonts and text normalisation, read from generated documents."""

from __future__ import annotations

from cosy.corpus import generate_document
from cosy.domain import Word
from cosy.steps import parse, text


def test_metadata_names_the_producer_and_date() -> None:
    pdf, _ = generate_document(3, doc_type="invoice", language="de", family="classic")
    meta = parse.metadata(pdf)
    assert meta.get("producer")  # the generator's PDF library writes one
    assert parse.pdf_date("D:20240301120000+01'00'") == "2024-03-01"
    assert parse.pdf_date("D:20241301") is None  # no 13th month
    assert parse.metadata(b"%PDF-1.4 broken") == {}


def test_fonts_give_the_body_size() -> None:
    words = [Word("a", 0, 0, 1, 1, 9.0), Word("b", 0, 0, 1, 1, 9.0), Word("T", 0, 0, 1, 1, 18.0)]
    assert text.fonts(words) == {"body": 9.0, "largest": 18.0}
    assert text.fonts([]) == {"body": 0.0, "largest": 0.0}


def test_text_steps_unify_unicode_then_spacing() -> None:
    raw = [Word("Gru\u0308\ufb01e", 0, 0, 1, 1), Word("1\u202f000\u2013", 0, 0, 1, 1),
           Word("\u00a0", 0, 0, 1, 1)]
    uni = text.unicode_words(raw)
    assert [w.text for w in uni] == ["Grüfie", "1\u202f000\u2013", "\u00a0"]
    assert [w.text for w in text.normalize_words(uni)] == ["Grüfie", "1 000-"]
    assert text.normalized_words(raw) == text.normalize_words(uni)


def test_ocr_look_alikes_among_lower_case_letters_are_read_as_letters() -> None:
    """On a page OCR read, 'WorId' is 'World'; codes, a word's last digit and a page with a
    text layer are left as they are."""
    from cosy.domain import Word

    words = [Word(t, 0, 0, 1, 1) for t in ("WorId", "Wil1iams", "Sh0p", "McIntosh", "Item1",
                                           "CH50514", "Total")]
    read = [w.text for w in text.normalize_words(words, {"ocr": True})]
    assert read == ["World", "Williams", "Shop", "McIntosh", "Item1", "CH50514", "Total"]
    assert [w.text for w in text.normalize_words(words, {"ocr": False})][:2] == ["WorId",
                                                                                  "Wil1iams"]
