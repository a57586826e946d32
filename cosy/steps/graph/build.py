"""What the graph steps share: key folding and one way to write a triple with its provenance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cosy.domain import FieldValue, Triple
from cosy.ingest import DocumentInfo
from cosy.kg import vocab

ROLES = ("seller", "buyer")


def fold(text: str) -> str:
    """Case and punctuation folded: 'KRAXI GmbH.' and 'Kraxi GmbH' are one key."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def address_key(address: dict[str, Any]) -> str:
    return "|".join(fold(str(address.get(k) or "")) for k in ("country", "postal_code", "city",
                                                               "street"))


@dataclass(frozen=True)
class Writer:
    """Triples of one document: tenant, document id and pipeline version filled in once."""

    tenant: str
    doc: str
    version: str

    @classmethod
    def of(cls, doc_info: DocumentInfo, ctx: Any) -> Writer:
        return cls(doc_info.tenant, doc_info.id, getattr(ctx.settings, "pipeline_version", ""))

    def literal(self, s: str, p: str, f: FieldValue, datatype: str | None,
                value: object = None) -> Triple:
        """A value the page (or the e-invoice XML) states, with the field's provenance."""
        return Triple(self.tenant, s, p, str(f.value if value is None else value), self.doc,
                      "literal", datatype, f.page, f.bbox, f.span, f.step, f.model, None,
                      f.confidence, self.version, f.source, f.needs_review)

    def link(self, s: str, p: str, o: str, f: FieldValue | None, step: str) -> Triple:
        """An edge between two nodes; its provenance is the field that evidences it."""
        if f is None:
            return Triple(self.tenant, s, p, o, self.doc, "entity", step=step,
                          pipeline_version=self.version)
        return Triple(self.tenant, s, p, o, self.doc, "entity", None, f.page, f.bbox, f.span,
                      f.step, f.model, None, f.confidence, self.version, f.source,
                      f.needs_review)

    def type(self, s: str, type_iri: str, step: str, confidence: float = 1.0,
             model: str | None = None) -> Triple:
        return Triple(self.tenant, s, vocab.RDF_TYPE, type_iri, self.doc, "entity", step=step,
                      model=model, confidence=confidence, pipeline_version=self.version)


def row_provenance(item: dict[str, Any], w: Writer) -> dict[str, Any]:
    """Provenance of a line item's triples: its row's page and box."""
    box = tuple(item["bbox"]) if item.get("bbox") else None
    return {"page": item.get("page"), "bbox": box, "step": "lineitems.items",
            "confidence": 0.9, "pipeline_version": w.version,
            "source": item.get("source", "page")}
