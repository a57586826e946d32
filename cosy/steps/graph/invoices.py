"""Invoice nodes: the earlier invoice a credit note, correction or reminder refers to, and the
invoice an invoice document is, so that the two documents meet in one node.

Done the way orders are (:func:`cosy.steps.graph.entities.orders`): an invoice number is the
seller's, so the Invoice node is keyed by number and seller; the credit note that credits
invoice R-17 and the invoice R-17 itself (the same seller) reach one node, two hops apart.
"""

from __future__ import annotations

from cosy.domain import Entity, FieldValue, Triple
from cosy.engine.step import StepContext, step
from cosy.ingest import DocumentInfo
from cosy.kg import vocab
from cosy.steps.classify import Prediction
from cosy.steps.graph.build import Writer
from cosy.steps.graph.entities import numbered_document

INVOICE_TYPES = frozenset({"invoice", "corrected_invoice", "self_billed_invoice"})
"""Document types whose own number is an invoice's number."""
USES = {"referenced": "invoice_reference", "self": "invoice_number"}
"""Which field holds the number of each use of an Invoice node."""
CORRECTS = frozenset({"corrected_invoice"})
"""Document types that replace the invoice they refer to (the others credit or dun it)."""


@step("graph.invoices", scope="document",
      requires=["doc.fields", "doc.doc_type", "doc.entity.organizations", "doc_info"],
      provides=["doc.entity.invoices"])
def invoices(doc_fields: dict[str, FieldValue], doc_doc_type: Prediction,
             doc_entity_organizations: dict[str, Entity],
             doc_info: DocumentInfo) -> dict[str, Entity]:
    """The invoice a document refers to ('Zu Rechnung', 'Original Invoice') and the invoice an
    invoice document is, each keyed by number and seller."""
    seller = doc_entity_organizations.get("seller")
    out = {}
    for use, field in USES.items():
        if use == "self" and doc_doc_type.label not in INVOICE_TYPES:
            continue
        f = doc_fields.get(field)
        if f is None or not f.value:
            continue
        out[use] = numbered_document(doc_info.tenant, "Invoice", str(f.value), "seller", seller)
    return out


@step("graph.invoice_literals", scope="document",
      requires=["doc.fields", "doc.entity.invoices", "doc_info"],
      provides=["doc.triples.invoices"])
def invoice_literals(doc_fields: dict[str, FieldValue], doc_entity_invoices: dict[str, Entity],
                     doc_info: DocumentInfo, ctx: StepContext) -> list[Triple]:
    """Each invoice node's type and number, where the document prints it."""
    w = Writer.of(doc_info, ctx)
    out = []
    for use, node in doc_entity_invoices.items():
        out += [w.type(node.id, vocab.SCHEMA + "Invoice", "graph.invoices"),
                w.literal(node.id, vocab.SCHEMA + "identifier", doc_fields[USES[use]],
                          vocab.XSD + "string")]
    return out


@step("relations.invoices", scope="document",
      requires=["doc.fields", "doc.doc_type", "doc.entity.document", "doc.entity.invoices",
                "doc_info"],
      provides=["doc.triples.rel.invoices"])
def invoice_relations(doc_fields: dict[str, FieldValue], doc_doc_type: Prediction,
                      doc_entity_document: Entity, doc_entity_invoices: dict[str, Entity],
                      doc_info: DocumentInfo, ctx: StepContext) -> list[Triple]:
    """Document → the invoice it corrects (cosy:correctsInvoice) or otherwise refers to
    (cosy:refersToInvoice: a credit note, a reminder); an invoice document → the invoice it is
    (cosy:isInvoice)."""
    w = Writer.of(doc_info, ctx)
    out = []
    for use, node in doc_entity_invoices.items():
        if use == "self":
            predicate = vocab.IS_INVOICE
        elif doc_doc_type.label in CORRECTS:
            predicate = vocab.CORRECTS_INVOICE
        else:
            predicate = vocab.REFERS_TO_INVOICE
        out.append(w.link(doc_entity_document.id, predicate, node.id, doc_fields[USES[use]],
                          "relations.invoices"))
    return out
