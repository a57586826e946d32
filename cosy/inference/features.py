"""Text features for COSY's classifiers: one module used by the training recipes and at run time.

The ONNX graphs take a float32 vector, never strings: skl2onnx's string tokenizer needs a locale
setting and breaks umlauts, and hashing or char n-gram vectorizers do not convert. So features
are computed here in plain Python and numpy, identically for training and inference, and the
model's registry entry pins the feature spec (kind, dim, version) it was trained with.

Hashed word unigrams and bigrams (digits folded to ``0`` so that numbers do not explode the
vocabulary), plus the words of the first lines of the text in their own namespace, because the
title and header name a document's type. Counts are log-scaled and the vector L2-normalised.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

FEATURES_VERSION = "1"
HEAD_LINES = 12  # lines that count as the header (title, labels of the header block)
TOKEN = re.compile(r"\w+", re.UNICODE)
DIGIT = re.compile(r"\d")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (umlauts, accents and ß stay in the word), digits folded to 0.

    Long digit runs (amounts, phone and account numbers) are dropped: they say nothing about a
    document's type or language and would only add noise to the hashed buckets.
    """
    return [DIGIT.sub("0", t) for t in TOKEN.findall(text.lower()) if not t.isdigit() or len(t) < 5]


def bucket(feature: str, dim: int) -> int:
    # crc32, not hash(): Python salts str hashes per process, training and runtime must agree.
    return zlib.crc32(feature.encode("utf-8")) % dim


def hashed_text(text: str, dim: int, head_lines: int = HEAD_LINES) -> np.ndarray:
    """One text as an L2-normalised float32 vector of ``dim`` hashed n-gram features."""
    vec = np.zeros(dim, dtype=np.float32)
    words = tokens(text)
    for w in words:
        vec[bucket("u:" + w, dim)] += 1.0
    for a, b in itertools.pairwise(words):
        vec[bucket(f"b:{a} {b}", dim)] += 1.0
    head = "\n".join(text.splitlines()[:head_lines])
    for w in tokens(head):
        vec[bucket("h:" + w, dim)] += 1.0
    np.log1p(vec, out=vec)
    norm = float(np.linalg.norm(vec))
    if norm > 0:
        vec /= norm
    return vec


def featurize(texts: Sequence[str], spec: Mapping[str, Any]) -> np.ndarray:
    """A batch of texts as a (n, dim) float32 matrix, following a registry feature ``spec``."""
    if spec.get("kind") != "hashed_text" or str(spec.get("version")) != FEATURES_VERSION:
        raise ValueError(f"unsupported feature spec {dict(spec)!r}; this code computes "
                         f"hashed_text version {FEATURES_VERSION}")
    dim, head = int(spec["dim"]), int(spec.get("head_lines", HEAD_LINES))
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([hashed_text(t, dim, head) for t in texts])


def feature_spec(dim: int) -> dict[str, Any]:
    """The spec a recipe writes to the registry for features made by :func:`featurize`."""
    return {"kind": "hashed_text", "dim": dim, "version": FEATURES_VERSION,
            "head_lines": HEAD_LINES}
