"""Features of the identifier_role model: one float vector per identifier mention.

Computed here in plain Python for both the recipe (``models/recipes/identifier_role.py``) and the
role steps, like :func:`cosy.inference.features.role_features` for dates and amounts; the
registry entry pins the spec (kind ``identifier_role``, dims, version). Whose identifier it is
follows from who wrote the document (the title kind: an order's letterhead is the buyer's),
where it stands (letterhead, body, footer, under a party heading) and what its label says
('Ihre USt-IdNr.', 'Lieferant'); the words of label, line and line above are hashed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cosy.inference.features import bucket, tokens
from cosy.steps.fields.doc_kinds import ISSUER_IS_BUYER, MODEL_KINDS
from cosy.steps.fields.ids.common import ZONES, IdContext

IDENTIFIER_ROLES = ("seller", "buyer", "other")
ROLE_KINDS = ("iban", "vat_id", "tax_number", "register_number")
TITLES = (*MODEL_KINDS, None)
PARTIES = ("seller", "buyer", "recipient", "other")
SECTIONS = ("seller", "buyer", "other")
FEATURES_VERSION = "1"
HASH_DIM = 256
DENSE = len(ROLE_KINDS) + len(TITLES) + 1 + len(PARTIES) + len(SECTIONS) + len(ZONES) + 14


def identifier_spec(hash_dim: int = HASH_DIM) -> dict[str, Any]:
    """The spec the recipe writes to the registry for features made here."""
    return {"kind": "identifier_role", "hash_dim": hash_dim, "dim": hash_dim + DENSE,
            "version": FEATURES_VERSION}



def _one_hot(value: Any, options: Sequence[Any]) -> list[float]:
    return [float(value == o) for o in options]


def identifier_features(contexts: Sequence[IdContext], title: str | None, page_no: int,
                        pages: int, spec: Mapping[str, Any]) -> np.ndarray:
    """One page's identifier mentions (any kinds) as an (n, dim) float32 matrix."""
    if spec.get("kind") != "identifier_role" or str(spec.get("version")) != FEATURES_VERSION:
        raise ValueError(f"unsupported feature spec {dict(spec)!r}; this code computes "
                         f"identifier_role version {FEATURES_VERSION}")
    hdim, dim = int(spec["hash_dim"]), int(spec["dim"])
    out = np.zeros((len(contexts), dim), dtype=np.float32)
    for i, c in enumerate(contexts):
        row, m = out[i], c.mention
        for ns, text in (("l", c.label[-40:]), ("w", c.line_text), ("a", c.above_text)):
            for t in tokens(text):
                row[bucket(f"{ns}:{t}", hdim)] = 1.0
        for t in tokens(c.label[-40:]):
            row[bucket(f"{m.kind}:{t}", hdim)] = 1.0  # a label word means something per kind
        dense = [
            *_one_hot(m.kind, ROLE_KINDS), *_one_hot(title, TITLES),
            float(title in ISSUER_IS_BUYER), *_one_hot(c.party, PARTIES),
            *_one_hot(c.section, SECTIONS), *_one_hot(c.zone, ZONES),
            float(c.debtor), float(c.label_kind is not None), float(bool(c.label)),
            c.x, getattr(m, "y", 0.0), c.size, float(getattr(m, "in_row", False)),
            m.confidence, c.index / max(c.count, 1), np.log1p(c.count) / 3.0,
            min(c.repeats, 3) / 3.0, float(page_no == 1), float(page_no >= pages),
            float("\t" in c.line_text),
        ]
        row[hdim:hdim + len(dense)] = dense
    return out
