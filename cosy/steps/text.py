"""Text: make words comparable: Unicode NFC, ligatures resolved, odd spaces and dashes unified."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from cosy.domain import Word
from cosy.engine.step import step

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")
DASHES = re.compile(r"[\u2010-\u2013\u2212]")


def normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for lig, repl in LIGATURES.items():
        text = text.replace(lig, repl)
    text = SPACES.sub(" ", text)
    return DASHES.sub("-", text).strip()


@step("text.normalize", scope="page", requires=["page.source_words"], provides=["page.words"])
def normalize_words(page_source_words: list[Word]) -> list[Word]:
    """Normalise each word's text (text layer or OCR); drop words that were only whitespace."""
    out = []
    for w in page_source_words:
        text = normalize_text(w.text)
        if text:
            out.append(w if text == w.text else replace(w, text=text))
    return out
