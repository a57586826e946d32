"""Features of a label: the short text printed before or above a value ('Rechnungs-Nr.:',
'Inv. Date', 'GST Reg No', 'Involce No.'), for the ``field_label`` model.

Character n-grams (two to four characters, inside word boundaries marked ``^``/``$``) rather
than words: a label the model never saw is mostly made of pieces it did ('Rg.-Nr.' shares 'nr'
and '-nr.' with 'Rechnungs-Nr.'), and an OCR slip ('Involce') changes only the n-grams around
one letter. Whole words join in their own namespace. Digits fold to ``0``; counts are
log-scaled and the vector L2-normalised, computed identically for training and inference (the
ONNX graph takes the float vector, like every COSY classifier).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

LABEL_FEATURES_VERSION = "1"
LABEL_DIM = 4096
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def label_text(text: str) -> str:
    """A label as the model reads it: NFKC, case-folded, digits as 0, single spaces, without
    the colon, hash or dashes that close it."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\d", "0", text)
    return " ".join(text.split()).strip(" :#.-–")


def _bucket(feature: str, dim: int) -> int:
    # crc32, not hash(): Python salts str hashes per process; training and runtime must agree
    return zlib.crc32(feature.encode("utf-8")) % dim


def label_vector(text: str, dim: int = LABEL_DIM) -> np.ndarray:
    """One label as an L2-normalised float32 vector of hashed character n-grams and words."""
    vec = np.zeros(dim, dtype=np.float32)
    words = WORD.findall(label_text(text))
    for w in words:
        vec[_bucket("w:" + w, dim)] += 1.0
        marked = f"^{w}$"
        for n in (2, 3, 4):
            for i in range(len(marked) - n + 1):
                vec[_bucket(f"c{n}:{marked[i:i + n]}", dim)] += 1.0
    if len(words) > 1:
        vec[_bucket(f"f:{words[0]}", dim)] += 1.0  # the head word of a label ('date', 'nr')
        vec[_bucket(f"l:{words[-1]}", dim)] += 1.0
    np.log1p(vec, out=vec)
    norm = float(np.linalg.norm(vec))
    if norm > 0:
        vec /= norm
    return vec


def label_spec(dim: int = LABEL_DIM) -> dict[str, Any]:
    """The spec the recipe writes to the registry for features made by :func:`label_features`."""
    return {"kind": "label_ngrams", "dim": dim, "version": LABEL_FEATURES_VERSION}


def label_features(texts: Sequence[str], spec: Mapping[str, Any]) -> np.ndarray:
    """A batch of labels as a (n, dim) float32 matrix, following a registry feature ``spec``."""
    if spec.get("kind") != "label_ngrams" or str(spec.get("version")) != LABEL_FEATURES_VERSION:
        raise ValueError(f"unsupported feature spec {dict(spec)!r}; this code computes "
                         f"label_ngrams version {LABEL_FEATURES_VERSION}")
    dim = int(spec["dim"])
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([label_vector(t, dim) for t in texts])
