"""The French identifier labels load spaCy's French tokenizer (~3 s) only where a label of
French's own may stand, and skipping it elsewhere changes no page's labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosy.corpus import generate_corpus
from cosy.steps.fields.ids.labels import FRENCH_OWN, find_labels, merge_labels
from cosy.steps.layout import lines as layout_lines
from cosy.steps.nlp import may_match
from cosy.steps.parse import open_page, words
from tests.conftest import REAL_CORPUS


def _pages(pdf: Path) -> list[list]:
    import pypdfium2 as pdfium

    data = pdf.read_bytes()
    doc = pdfium.PdfDocument(data)
    count = len(doc)
    doc.close()
    return [layout_lines(words(open_page(data, n))) for n in range(1, count + 1)]


def test_may_match_needs_the_phrase_as_words_not_inside_one() -> None:
    assert may_match(["N°TVA : FR 12 345"], FRENCH_OWN)
    assert may_match(["Numéro  de\tTVA"], FRENCH_OWN)  # any whitespace between tokens
    assert may_match(["le rib : FR76 ..."], FRENCH_OWN)  # case-insensitive, like LOWER
    assert not may_match(["Vertrieb und Betrieb", "IBAN DE12 BIC GENODEF1"], FRENCH_OWN)
    assert not may_match(["distribution, contribution"], FRENCH_OWN)


def test_labels_with_and_without_french_agree_on_every_page(tmp_path: Path) -> None:
    """Every page of generated documents (and the real set where present): the merged labels
    are the same whether French is matched always or only where :data:`FRENCH_OWN` may match."""
    generate_corpus(tmp_path, n=24, seed=31, progress=False)
    pdfs = sorted((tmp_path / "docs").glob("*.pdf"))
    if (REAL_CORPUS / "docs").is_dir():
        pdfs += sorted((REAL_CORPUS / "docs").glob("*.pdf"))
    skipped = french_pages = 0
    for pdf in pdfs:
        for lines in _pages(pdf):
            de, en, fr = (find_labels(lines, lang) for lang in ("de", "en", "fr"))
            if may_match([line.text for line in lines], FRENCH_OWN):
                french_pages += 1
                continue  # the step runs French here, exactly as before
            skipped += 1
            assert merge_labels(de, en, []) == merge_labels(de, en, fr), pdf.name
    assert skipped >= 10, "the check should spare French on most German and English pages"
    if (REAL_CORPUS / "docs").is_dir():
        assert french_pages > 0, "the real set's French invoices must still load French"


@pytest.mark.parametrize("text", ["N° TVA intracom. FR 40 303 265 045", "RCS Lyon B 123"])
def test_french_labels_are_still_found_where_they_stand(text: str) -> None:
    from tests.unit.test_nlp import _lines

    lines = _lines(text)
    assert may_match([line.text for line in lines], FRENCH_OWN)
    assert find_labels(lines, "fr")
