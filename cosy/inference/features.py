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


def _bucket(feature: str, dim: int) -> int:
    # crc32, not hash(): Python salts str hashes per process, training and runtime must agree.
    return zlib.crc32(feature.encode("utf-8")) % dim


def hashed_text(text: str, dim: int, head_lines: int = HEAD_LINES) -> np.ndarray:
    """One text as an L2-normalised float32 vector of ``dim`` hashed n-gram features."""
    vec = np.zeros(dim, dtype=np.float32)
    words = tokens(text)
    for w in words:
        vec[_bucket("u:" + w, dim)] += 1.0
    for a, b in itertools.pairwise(words):
        vec[_bucket(f"b:{a} {b}", dim)] += 1.0
    head = "\n".join(text.splitlines()[:head_lines])
    for w in tokens(head):
        vec[_bucket("h:" + w, dim)] += 1.0
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


# --- role features: one vector per date or amount mention (``fields.date.role``/``amount.role``) --

ROLE_FEATURES_VERSION = "1"
DATE_ROLES = ("issue_date", "due_date", "delivery_date", "other")
AMOUNT_ROLES = ("total_net", "total_tax", "total_gross", "other")
ROLE_HASH_DIM = 512  # hashed words of label, header, line and the line above
COMMON_DENSE = 16
KIND_DENSE = {"date": 10, "amount": 20}
_BIG = 10 ** 9


def role_spec(kind: str, hash_dim: int = ROLE_HASH_DIM) -> dict[str, Any]:
    """The spec a role recipe writes to the registry (``kind`` is ``date`` or ``amount``)."""
    return {"kind": f"{kind}_role", "hash_dim": hash_dim,
            "dim": hash_dim + COMMON_DENSE + KIND_DENSE[kind], "version": ROLE_FEATURES_VERSION}


def _words_in(line: Any, bbox: Sequence[float]) -> list[Any]:
    return [w for w in getattr(line, "words", ()) if w.x1 > bbox[0] and w.x0 < bbox[2]]


def role_features(mentions: Sequence[Any], lines: Sequence[Any], geometry: Mapping[str, float],
                  page_no: int, pages: int, spec: Mapping[str, Any]) -> np.ndarray:
    """One page's date or amount mentions as a (n, dim) float32 matrix.

    Hashed words (namespaced) of the mention's label, its column header, the rest of its line
    and the line above; then where it sits (relative x/y, page index, first/last page), how it
    is printed (height and font size relative to the page's median, bold), what the rule-based
    role readers make of its label and header, and, per kind, how it relates to the page's other
    values (chronological rank of a date; for an amount: largest on the page, rank, whether it is
    the sum of two others or a part of one).
    """
    kind = str(spec.get("kind", ""))
    if kind not in ("date_role", "amount_role") or \
            str(spec.get("version")) != ROLE_FEATURES_VERSION:
        raise ValueError(f"unsupported feature spec {dict(spec)!r}; this code computes date_role/"
                         f"amount_role version {ROLE_FEATURES_VERSION}")
    hdim, dim = int(spec["hash_dim"]), int(spec["dim"])
    n = len(mentions)
    out = np.zeros((n, dim), dtype=np.float32)
    if not n:
        return out
    width = float(geometry.get("width") or 595.0)
    height = float(geometry.get("height") or 842.0)
    sizes = [w.size for ln in lines for w in ln.words if w.size > 0]
    heights = [w.bottom - w.top for ln in lines for w in ln.words if w.bottom > w.top]
    med_size = float(np.median(sizes)) if sizes else 0.0
    med_height = float(np.median(heights)) if heights else 10.0
    per_line: dict[int, int] = {}
    for m in mentions:
        per_line[getattr(m, "line", -1)] = per_line.get(getattr(m, "line", -1), 0) + 1
    for i, m in enumerate(mentions):
        row = out[i]
        li = getattr(m, "line", -1)
        line = lines[li] if 0 <= li < len(lines) else None
        label = (m.label or "")[-40:]
        header = getattr(m, "header", "") or ""
        for ns, text in (("l", label), ("h", header)):
            for t in tokens(text):
                row[_bucket(f"{ns}:{t}", hdim)] = 1.0
        last = tokens(label)[-1:] if label else []
        for t in last:
            row[_bucket(f"L:{t}", hdim)] = 1.0
        if line is not None:
            for t in tokens(line.text):
                row[_bucket(f"w:{t}", hdim)] = 1.0
        if 0 < li <= len(lines):
            for t in tokens(lines[li - 1].text):
                row[_bucket(f"a:{t}", hdim)] = 1.0
        x0, top, x1, bottom = m.bbox
        inside = _words_in(line, m.bbox) if line is not None else []
        size = max((w.size for w in inside), default=0.0)
        d = hdim
        row[d:d + COMMON_DENSE] = (
            x0 / width, x1 / width, top / height, (bottom - top) / max(med_height, 1e-3),
            size / med_size if med_size else 1.0, float(any(w.bold for w in inside)),
            float(bool(getattr(m, "in_row", False))), float(bool(label)), float(bool(header)),
            float(page_no == 1), float(page_no >= pages), (page_no - 1) / max(pages - 1, 1),
            i / n, np.log1p(n) / 5.0, per_line.get(li, 1) / 5.0,
            (line.words[0].x0 / width) if line is not None and line.words else 0.0,
        )
    d = hdim + COMMON_DENSE
    if kind == "date_role":
        _date_dense(mentions, out[:, d:])
    else:
        _amount_dense(mentions, out[:, d:])
    return out


def _date_dense(mentions: Sequence[Any], out: np.ndarray) -> None:
    from cosy.steps.fields.dates import NOT_A_ROLE, PLACE_DATE, date_roles

    values = sorted({m.value for m in mentions})
    for i, m in enumerate(mentions):
        roles = date_roles(m)
        label = (m.label or "")[-40:]
        rank = values.index(m.value)
        out[i] = (
            "issue_date" in roles, "due_date" in roles, "delivery_date" in roles,
            bool(NOT_A_ROLE.search(label)), bool(PLACE_DATE.match(label)),
            rank / max(len(values) - 1, 1), m.value == values[0], m.value == values[-1],
            sum(o.value == m.value for o in mentions) / 3.0, len(values) / 10.0,
        )


def _amount_dense(mentions: Sequence[Any], out: np.ndarray) -> None:
    from cosy.steps.fields.amounts import ROLES, amount_role, classify_total

    cents = []
    for m in mentions:
        try:
            cents.append(round(float(m.value) * 100))
        except ValueError:
            cents.append(0)
    present: dict[int, int] = {}
    for c in cents:
        present[c] = present.get(c, 0) + 1
    order = sorted(set(cents), reverse=True)
    biggest = order[0] if order else 0
    n = len(mentions)
    for i, m in enumerate(mentions):
        c = cents[i]
        role = amount_role(m)
        by_label = classify_total(m.label or "") if m.label else None
        header = getattr(m, "header", "") or ""
        by_header = classify_total(header) if header else None
        # the sum of two other amounts (gross = net + tax) / a part of another (net, tax)
        is_sum = any(present.get(c - o, 0) > (1 if c - o == o else 0) and o != c and o != 0
                     for o in present) if c else False
        is_part = any((c + o) in present and o != 0 and c + o != c for o in present) if c else False
        later_bigger = any(cents[j] > c for j in range(i + 1, n))
        vec = [0.0] * 20
        for k, r in enumerate(ROLES):
            vec[k] = role[1] / 3.0 if role and role[0] == r else 0.0
            vec[3 + k] = float(bool(by_label and by_label[0] == r))
            vec[6 + k] = float(bool(by_header and by_header[0] == r))
        vec[9:20] = (
            float(c == biggest), order.index(c) / max(len(order) - 1, 1) if order else 0.0,
            (n - 1 - i) / max(n - 1, 1), float(np.log10(abs(c) / 100 + 1)) / 7.0, float(c < 0),
            float(is_sum), float(is_part), present[c] / 3.0, float(later_bigger),
            float(c == 0), float(i == n - 1),
        )
        out[i] = vec

