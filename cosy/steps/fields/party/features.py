"""Features of a party block for the ``party_role`` model: the same code in recipe and step.

A block's role is read from its heading (hashed words and the rule's reading), where it stands
(address window, letterhead, footer, rank from the top and the left), what it holds (a name
with a legal form, a person, a street, a country), whether its postcode recurs elsewhere in the
document (a seller's letterhead and footer repeat it), and who wrote the document: orders and
self-billed invoices are written by the buyer, so the letterhead is the buyer's there.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from cosy.domain import PageGeometry
from cosy.steps.fields.doc_kinds import ISSUER_IS_BUYER, MODEL_KINDS
from cosy.steps.fields.party.model import PartyBlock
from cosy.steps.fields.party.scores import buyer_score, in_window, seller_score

PARTY_ROLES = ("seller", "buyer", "other")
PARTY_FEATURES_VERSION = "1"
HASH_DIM = 64
HINTS = ("seller", "buyer", "other", "sender", None)
KINDS = MODEL_KINDS
CONTEXT_KEYS = ("in_window", "rank_top", "rank_left", "blocks_on_page", "width", "height",
                "lines", "fields", "topmost", "bottom_half")
DENSE = 24 + len(CONTEXT_KEYS) + len(KINDS)


def party_spec() -> dict[str, Any]:
    """The registry's feature declaration (checked by the step against the model)."""
    return {"name": "party_block", "version": PARTY_FEATURES_VERSION, "hash_dim": HASH_DIM,
            "dense": DENSE, "dim": HASH_DIM + DENSE}


def layout_context(blocks: Sequence[PartyBlock], geometry: PageGeometry) -> list[dict[str,
                                                                                          float]]:
    """Per block of a page: window, rank from top and left, size and lines (relative)."""
    width = geometry.width
    height = geometry.height
    ys = sorted(b.y for b in blocks)
    xs = sorted(b.x for b in blocks)
    n = max(len(blocks), 1)
    out = []
    for b in blocks:
        out.append({
            "in_window": float(in_window(b)),
            "rank_top": ys.index(b.y) / n,
            "rank_left": xs.index(b.x) / n,
            "blocks_on_page": float(len(blocks)),
            "width": (b.bbox[2] - b.bbox[0]) / width,
            "height": (b.bbox[3] - b.bbox[1]) / height,
            "lines": float(len([bl for bl in b.lines if not bl.field])),
            "fields": float(len([bl for bl in b.lines if bl.field])),
            "topmost": float(b.y == ys[0]),
            "bottom_half": float(b.y > 0.5),
        })
    return out


def _hashed(text: str, out: np.ndarray) -> None:
    for token in text.lower().replace(":", " ").split():
        out[zlib.crc32(token.encode()) % HASH_DIM] = 1.0


def party_features(blocks: Sequence[PartyBlock], contexts: Sequence[dict[str, float]],
                   title: str | None, pages: int) -> np.ndarray:
    """One row per block of a document (all pages), in the blocks' order."""
    x = np.zeros((len(blocks), HASH_DIM + DENSE), dtype=np.float32)
    swap = title in ISSUER_IS_BUYER
    postcodes = [b.postal_code for b in blocks]
    names = [(b.name or "").lower() for b in blocks]
    for r, (b, ctx) in enumerate(zip(blocks, contexts, strict=True)):
        _hashed(b.heading, x[r, :HASH_DIM])
        d = x[r, HASH_DIM:]
        s, bu = seller_score(b, swap), buyer_score(b, swap)
        dense = [
            b.x, b.y, float(b.page - 1), float(b.page == 1), float(pages > 1),
            *(float(b.hint == h) for h in HINTS),
            float(b.source == "inline"), float(bool(b.name)), float(bool(b.legal_form)),
            float(b.person), float(bool(b.street)), float(bool(b.country)),
            float(swap), float(title is None),
            s if s is not None else -10.0, bu if bu is not None else -10.0,
            float(postcodes.count(b.postal_code) - 1),
            float(bool(b.name) and names.count(names[r]) > 1),
            float(r) / max(len(blocks), 1), float(len(blocks)),
            *(ctx[k] for k in CONTEXT_KEYS),
            *(float(title == k) for k in KINDS),
        ]
        d[:] = dense
    return x
