"""Graph steps of the tax breakdown: one ``cosy:TaxSubtotal`` node per row, linked from its
document, stating rate, taxable amount, tax amount and UNTDID 5305 category (UBL's
``cac:TaxSubtotal``, CII's ``ApplicableTradeTax``): what an SAP posting needs per tax code.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import Entity, Triple
from cosy.engine.step import StepContext, step
from cosy.ingest import DocumentInfo
from cosy.kg import vocab
from cosy.steps.graph.build import Writer

TYPE = "TaxSubtotal"


def subtotal_key(doc_id: str, row: dict[str, Any]) -> str:
    """A row exists only in its document, once per rate and category."""
    return f"{doc_id}|{row['rate']}|{row.get('category') or ''}"


@step("graph.tax_subtotals", scope="document", requires=["doc.tax_breakdown", "doc_info"],
      provides=["doc.entity.tax_subtotals"])
def tax_subtotals(doc_tax_breakdown: list[dict[str, Any]],
                  doc_info: DocumentInfo) -> list[Entity]:
    """One TaxSubtotal per breakdown row, keyed by document, rate and category."""
    out = []
    for row in doc_tax_breakdown:
        keys = {"document": doc_info.id, **{k: str(row[k]) for k in vocab.TAX_SUBTOTAL_PREDICATES
                                            if row.get(k) is not None}}
        label = f"{row['rate']} % {row.get('category') or ''}".strip()
        out.append(Entity(vocab.entity_id(doc_info.tenant, TYPE, subtotal_key(doc_info.id, row)),
                          TYPE, label, doc_info.tenant, keys))
    return out


def _provenance(row: dict[str, Any], w: Writer) -> dict[str, Any]:
    """A row's triples point at the row on the page and the step that read it."""
    box = tuple(row["bbox"]) if row.get("bbox") else None
    return {"page": row.get("page"), "bbox": box,
            "step": row.get("step") or "fields.tax.select.breakdown", "confidence": 0.9,
            "pipeline_version": w.version}


@step("graph.tax_subtotal_literals", scope="document",
      requires=["doc.entity.tax_subtotals", "doc.tax_breakdown", "doc_info"],
      provides=["doc.triples.tax_subtotals"])
def tax_subtotal_literals(doc_entity_tax_subtotals: list[Entity],
                          doc_tax_breakdown: list[dict[str, Any]], doc_info: DocumentInfo,
                          ctx: StepContext) -> list[Triple]:
    """Type, rate, taxable amount, tax amount and category of each row, boxed by the row."""
    w = Writer.of(doc_info, ctx)
    out = []
    for entity, row in zip(doc_entity_tax_subtotals, doc_tax_breakdown, strict=True):
        out.append(w.type(entity.id, vocab.COSY + TYPE, "graph.tax_subtotals"))
        where = _provenance(row, w)
        for key, (p, datatype) in vocab.TAX_SUBTOTAL_PREDICATES.items():
            if row.get(key) is not None:
                out.append(Triple(w.tenant, entity.id, p, str(row[key]), w.doc, "literal",
                                  datatype, **where))
    return out


@step("relations.tax_subtotals", scope="document",
      requires=["doc.entity.document", "doc.entity.tax_subtotals", "doc.tax_breakdown",
                "doc_info"],
      provides=["doc.triples.rel.tax_subtotals"])
def document_tax_subtotals(doc_entity_document: Entity, doc_entity_tax_subtotals: list[Entity],
                           doc_tax_breakdown: list[dict[str, Any]], doc_info: DocumentInfo,
                           ctx: StepContext) -> list[Triple]:
    """Document → each row of its VAT breakdown."""
    w = Writer.of(doc_info, ctx)
    return [Triple(w.tenant, doc_entity_document.id, vocab.TAX_SUBTOTAL, e.id, w.doc, "entity",
                   **_provenance(row, w))
            for e, row in zip(doc_entity_tax_subtotals, doc_tax_breakdown, strict=True)]
