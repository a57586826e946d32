"""Graph assembly: entities with stable ids and triples with full provenance."""

from __future__ import annotations

from cosy.domain import Entity, FieldValue, Triple
from cosy.engine.step import StepContext, step
from cosy.ingest import DocumentInfo
from cosy.kg import vocab


@step("graph.entities", scope="document", requires=["doc.fields", "doc_info"],
      provides=["doc.entities"])
def entities(doc_fields: dict[str, FieldValue], doc_info: DocumentInfo) -> list[Entity]:
    """The document itself and the entities its identifiers name (bank account, seller)."""
    t = doc_info.tenant
    out = [Entity(vocab.entity_id(t, "Document", doc_info.id), "Document", doc_info.file_name, t,
                  {"sha256": doc_info.id})]
    if "iban" in doc_fields:
        iban = doc_fields["iban"].value
        out.append(Entity(vocab.entity_id(t, "BankAccount", iban), "BankAccount", iban, t,
                          {"iban": iban}))
    if "seller_vat_id" in doc_fields:
        vat = doc_fields["seller_vat_id"].value
        out.append(Entity(vocab.entity_id(t, "Organization", vat), "Organization", vat, t,
                          {"vat_id": vat}))
    return out


@step("graph.triples", scope="document", requires=["doc.fields", "doc.entities", "doc_info"],
      provides=["doc.triples"], sink=True)
def triples(doc_fields: dict[str, FieldValue], doc_entities: list[Entity],
            doc_info: DocumentInfo, ctx: StepContext) -> list[Triple]:
    """Field values and links as triples; each carries page, box, span, step, model, confidence."""
    t, doc = doc_info.tenant, doc_info.id
    version = getattr(ctx.settings, "pipeline_version", "")
    by_type = {e.type: e for e in doc_entities}
    d = by_type["Document"].id

    def lit(s: str, p: str, f: FieldValue, datatype: str | None) -> Triple:
        return Triple(t, s, p, str(f.value), doc, "literal", datatype, f.page, f.bbox, f.span,
                      f.step, f.model, None, f.confidence, version, f.source)

    def rel(s: str, p: str, o: str, f: FieldValue | None = None) -> Triple:
        return Triple(t, s, p, o, doc, "entity", None, f.page if f else None,
                      f.bbox if f else None, f.span if f else None, f.step if f else "graph.triples",
                      None, None, f.confidence if f else 1.0, version, f.source if f else "page")

    out = [
        Triple(t, d, vocab.RDF_TYPE, vocab.DOC_TYPES["invoice"], doc, "entity",
               step="graph.triples", confidence=0.5, pipeline_version=version),
        Triple(t, d, vocab.FILE_NAME, doc_info.file_name, doc, datatype=vocab.XSD + "string",
               step="ingest", pipeline_version=version),
        Triple(t, d, vocab.PAGES, str(doc_info.pages), doc, datatype=vocab.XSD + "integer",
               step="ingest", pipeline_version=version),
    ]
    for name, f in doc_fields.items():
        if name in vocab.FIELD_PREDICATES:
            p, datatype = vocab.FIELD_PREDICATES[name]
            out.append(lit(d, p, f, datatype))
    if "BankAccount" in by_type:
        acct, f = by_type["BankAccount"].id, doc_fields["iban"]
        out += [rel(d, vocab.PAYEE_ACCOUNT, acct, f), lit(acct, vocab.IBAN, f, vocab.XSD + "string")]
        if "bic" in doc_fields:
            out.append(lit(acct, vocab.BIC, doc_fields["bic"], vocab.XSD + "string"))
    if "Organization" in by_type:
        org, f = by_type["Organization"].id, doc_fields["seller_vat_id"]
        out += [rel(d, vocab.PROVIDER, org, f), lit(org, vocab.VAT_ID, f, vocab.XSD + "string")]
    return out
