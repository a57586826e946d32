"""spaCy steps: tokens mapped back to words and boxes, sentences, label lexicons."""

from __future__ import annotations

import pytest
import spacy

from cosy.domain import Line, Word
from cosy.steps.layout import lines as layout_lines
from cosy.steps.nlp import (
    match_labels,
    resolve_hits,
    split_sentences,
    tokenize_lines,
)


def _nlp(lang: str = "de"):  # type: ignore[no-untyped-def]
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


def _line(text: str, top: float, x0: float = 50.0, size: float = 10.0) -> list[Word]:
    words, x = [], x0
    for part in text.split(" "):
        w = 5.0 * len(part)
        words.append(Word(part, x, top, x + w, top + size, size))
        x += w + 3.0
    return words


def _lines(*texts: str) -> list[Line]:
    return layout_lines([w for k, t in enumerate(texts) for w in _line(t, 100.0 + 14 * k)])


def _hits(nlp, lines: list[Line]):  # type: ignore[no-untyped-def]
    toks = tokenize_lines(nlp, lines)
    return toks, resolve_hits(lines, toks, *(match_labels(nlp, toks, lex)
                                             for lex in ("de", "en", "fr", "xx")))


def test_tokens_keep_their_line_word_offsets_and_a_box_inside_their_word() -> None:
    lines = _lines("Tel.: +49 (0)89 1234-5", "Jähnstr. 5/7, 09674 Rastatt")
    toks = tokenize_lines(_nlp(), lines)
    text = "\n".join(ln.text for ln in lines)
    for t in toks:
        assert text[t.start:t.end] == t.text
        word = lines[t.line].words[t.word]
        assert word.x0 - 0.01 <= t.bbox[0] <= t.bbox[2] <= word.x1 + 0.01
    assert [(t.text, t.word) for t in toks if t.line == 1] == [
        ("Jähnstr", 0), (".", 0), ("5", 1), ("/", 1), ("7", 1), (",", 1), ("09674", 2),
        ("Rastatt", 3)]
    assert toks[0].cell_start and not toks[1].cell_start
    dot = toks[9]  # 'Jähnstr.' split in two: the two halves share the word's box
    assert dot.bbox[0] >= toks[8].bbox[2] - 0.01 and dot.bbox[2] == pytest.approx(
        lines[1].words[0].x1)


def test_sentences_split_prose_and_keep_abbreviations_and_free_standing_lines() -> None:
    nlp = _nlp()
    lines = _lines("Bitte zahlen Sie den Betrag bis morgen. Vielen Dank für Ihren Auftrag.",
                   "Hethurstr. 9", "05660 Wismar")
    toks = tokenize_lines(nlp, lines)
    texts = [s.text for s in split_sentences(nlp, lines, toks)]
    assert texts == ["Bitte zahlen Sie den Betrag bis morgen.", "Vielen Dank für Ihren Auftrag.",
                     "Hethurstr. 9", "05660 Wismar"]


def test_label_lexicons_find_labels_in_three_languages_longest_first() -> None:
    nlp = _nlp()
    lines = _lines("Ihr Ansprechpartner: Gerda Höfig", "Invoice No. 4711",
                   "N° de facture 12", "Geschäftsführer: Max Muster")
    _, hits = _hits(nlp, lines)
    got = {(h.category, h.text) for h in hits}
    assert ("contact", "Ihr Ansprechpartner") in got
    assert ("invoice_number", "Invoice No.") in got
    assert ("invoice_number", "N° de facture") in got
    assert ("director", "Geschäftsführer") in got
    assert not any(h.text == "Ansprechpartner" for h in hits)  # the longer label won


def test_one_letter_symbols_count_only_before_a_value_of_their_kind() -> None:
    nlp = _nlp("en")
    _, hits = _hits(nlp, _lines("T +44 161 496 0645", "E info@green.co.uk", "T Rex Ltd"))
    assert [(h.category, h.line) for h in hits] == [("phone", 0), ("email", 1)]


def test_a_label_word_inside_prose_is_no_label() -> None:
    _, hits = _hits(_nlp(), _lines("Wir haben Ihre Rechnungsnummer erhalten"))
    assert hits == []
