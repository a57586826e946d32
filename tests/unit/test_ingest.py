"""Bad inputs are refused with a clear reason before any work is done."""

from __future__ import annotations

import pytest

from cosy.ingest import InputError, inspect_document, sniff_media_type
from tests.conftest import make_pdf

LIMITS = {"max_bytes": 1_000_000, "max_pages": 3}


def check(data: bytes, name: str = "a.pdf"):
    return inspect_document(data, name, "t", **LIMITS)


def test_valid_pdf_is_accepted_with_content_address():
    data = make_pdf([["Rechnung 1"], ["Seite 2"]])
    info = check(data)
    assert info.pages == 2 and info.size == len(data)
    assert info.id.startswith("sha256:") and len(info.id) == 71
    assert check(data).id == info.id


@pytest.mark.parametrize(("data", "kind", "words"), [
    (b"", "empty", "is empty"),
    (b"PK\x03\x04zipfile", "unsupported_media_type", "not a PDF"),
    (b"\x89PNG\r\n\x1a\nxxxx", "unsupported_media_type", "image/png"),
    (b"hello, I am a text file", "unsupported_media_type", "text/plain"),
    (b"%PDF-1.7\n this is not really a pdf", "corrupt", "not a readable PDF"),
])
def test_bad_inputs_have_kind_and_reason(data, kind, words):
    with pytest.raises(InputError) as err:
        check(data)
    assert err.value.kind == kind
    assert words in err.value.reason and "a.pdf" in err.value.reason


def test_truncated_pdf_is_corrupt():
    data = make_pdf([["Rechnung"]])
    with pytest.raises(InputError) as err:
        check(data[: len(data) // 3])
    assert err.value.kind == "corrupt"


def test_encrypted_pdf_is_refused():
    with pytest.raises(InputError) as err:
        check(make_pdf([["geheim"]], encrypt="secret"))
    assert err.value.kind == "encrypted" and "password" in err.value.reason


def test_oversized_and_too_many_pages():
    with pytest.raises(InputError, match="over the limit of 1 MB") as err:
        inspect_document(b"%PDF-" + b"0" * 2_000_000, "big.pdf", "t", **LIMITS)
    assert err.value.kind == "too_large"
    with pytest.raises(InputError, match="4 pages, over the limit of 3") as err:
        check(make_pdf([["p"]] * 4))
    assert err.value.kind == "too_many_pages"


def test_media_type_comes_from_bytes_not_name():
    assert sniff_media_type(make_pdf([["x"]])) == "application/pdf"
    with pytest.raises(InputError, match="not a PDF"):
        check(b"GIF89a....", "looks-like.pdf")


def test_a_file_declaring_too_many_objects_is_refused_before_parsing() -> None:
    from cosy.corpus import hostile
    from cosy.ingest import xref_entries

    huge = hostile.huge_xref(30_000)  # 600 KB
    assert xref_entries(huge) == 30_000 + 5 and xref_entries(hostile.readable()) == 5
    assert check(huge, "x.pdf").pages == 1  # no object limit given
    with pytest.raises(InputError, match="declares 30,005 objects, over the limit of 10,000"):
        inspect_document(huge, "x.pdf", "t", max_bytes=10**7, max_pages=3, max_objects=10_000)


def test_real_cross_reference_streams_declare_their_size() -> None:
    """The generated documents (reportlab) and a stream-xref file both report a sane count."""
    from cosy.ingest import xref_entries

    assert 3 <= xref_entries(make_pdf([["a"], ["b"]])) < 50
    stream_xref = (b"%PDF-1.7\n1 0 obj\n<< /Type /XRef /Size 12 /W [1 2 1] /Length 0 >>\n"
                   b"stream\n\nendstream\nendobj\n")
    assert xref_entries(stream_xref) == 12


@pytest.mark.parametrize(("raw", "clean"), [
    ("Rechnung März.pdf", "Rechnung März.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a bidi override that reverses the end
    ("a\x00b\x1b[31mc.pdf", "ab[31mc.pdf"),
    ("two\nlines\t.pdf", "two lines .pdf"),
    ("\u200b\u2066", "upload.pdf"),
])
def test_file_names_lose_control_and_bidi_characters(raw: str, clean: str) -> None:
    from cosy.ingest import clean_file_name

    name, original = clean_file_name(raw)
    assert name == clean
    assert original is None if raw == clean else original == raw.encode("unicode_escape").decode()
    if original:
        assert original.isascii() and original.isprintable()
