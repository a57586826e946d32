"""Label words as OCR misreads them: 'Involce No.', 'Tatal Sales', 'Subtotail'.

A scanned or photographed page's labels come with a misread, dropped or doubled letter now and
then, and a lexicon of exact words misses them. :func:`corrected` replaces each word of a label
that is one edit (a character replaced, inserted or dropped, or two neighbours swapped) away
from exactly one word of a family's vocabulary, and is not itself in it, by that word before the
lexicon reads the label. Words under :data:`MIN_LETTERS` letters are left alone: short words are
too close to each other ('net' / 'not', 'tax' / 'tab'); so is a word whose first letter differs
from the lexicon word's, unless the two look alike to OCR ('lnvoice'). The vocabulary is taken
from the family's own lexicon patterns (:func:`vocabulary`), so there is one list of label
words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

MIN_LETTERS = 5
WORD = re.compile(r"[^\W_]+(?:[:;'’|!][^\W_]+)*")
"""A word; a colon, apostrophe or bar between letters is a letter OCR misread ('INVO:CE',
'TOT'L'), and counts as one edit."""
_ESCAPE = re.compile(r"\\[a-zA-Z]")
LETTERS = re.compile(r"[^\W\d_]{" + str(MIN_LETTERS) + ",}")


def vocabulary(patterns: Iterable[str]) -> frozenset[str]:
    """The words (of :data:`MIN_LETTERS` letters or more) written in regex patterns."""
    words: set[str] = set()
    for p in patterns:
        words.update(w.lower() for w in LETTERS.findall(_ESCAPE.sub(" ", p)))
    return frozenset(words)


def one_edit(a: str, b: str) -> bool:
    """Whether two different words are one edit apart (substitution, insertion, deletion or
    the swap of two neighbouring characters)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


LOOKALIKES = ("il1|!", "o0", "s5", "b8", "g6", "z2")
"""Characters OCR takes for each other; a word's first character is read right or as one of
these, while a missing or other first letter makes another word ('relevé' is no 'prélevé')."""


def same_start(a: str, b: str) -> bool:
    """Whether two words start alike: the same first character or two that look alike."""
    return a[0] == b[0] or any(a[0] in group and b[0] in group for group in LOOKALIKES)


@lru_cache(maxsize=65536)
def _correct_word(word: str, words: frozenset[str]) -> str:
    lower = word.lower()
    if lower in words or sum(c.isalpha() for c in word) < MIN_LETTERS - 1 \
            or len(word) < MIN_LETTERS:
        return word
    near = [w for w in words if abs(len(w) - len(lower)) <= 1 and same_start(lower, w)
            and one_edit(lower, w)]
    return near[0] if len(near) == 1 else word


def corrected(text: str, words: frozenset[str]) -> str:
    """``text`` with each word that is one edit from exactly one vocabulary word replaced by it
    ('Tatal Sales (Inclusive of GST)' -> 'total Sales (Inclusive of GST)')."""
    if not text:
        return text
    return WORD.sub(lambda m: _correct_word(m.group(), words), text)
