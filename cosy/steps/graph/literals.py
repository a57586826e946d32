"""Literal steps: what the document states about each node, one step per node type.

Every literal carries the provenance of the field it comes from (page, box, span, step, model,
confidence, source), so a reader can go from any triple back to the place on the page.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import Entity, FieldValue, Triple
from cosy.engine.step import StepContext, step
from cosy.fieldspec import FieldSpec
from cosy.ingest import DocumentInfo
from cosy.kg import vocab
from cosy.steps.classify import Prediction
from cosy.steps.graph.build import Writer, row_provenance

XSD_STRING = vocab.XSD + "string"


@step("graph.document_literals", scope="document",
      requires=["doc.fields", "doc.entity.document", "doc.doc_type", "doc.language",
                "doc.pdf_metadata", "doc_info", "field_specs"],
      provides=["doc.triples.document"])
def document_literals(doc_fields: dict[str, FieldValue], doc_entity_document: Entity,
                      doc_doc_type: Prediction, doc_language: Prediction,
                      doc_pdf_metadata: dict[str, str], doc_info: DocumentInfo,
                      field_specs: tuple[FieldSpec, ...], ctx: StepContext) -> list[Triple]:
    """The document's type (by the classifier), file, pages, language, the software that made
    it (PDF metadata) and its header fields (each with its spec's predicate)."""
    w, d = Writer.of(doc_info, ctx), doc_entity_document.id
    type_iri = vocab.DOC_TYPES.get(doc_doc_type.label or "", vocab.DOCUMENT)
    out = [
        w.type(d, type_iri, "classify.doc_type", doc_doc_type.confidence, doc_doc_type.model),
        Triple(w.tenant, d, vocab.FILE_NAME, doc_info.file_name, w.doc, datatype=XSD_STRING,
               step="ingest", pipeline_version=w.version),
        Triple(w.tenant, d, vocab.PAGES, str(doc_info.pages), w.doc,
               datatype=vocab.XSD + "integer", step="ingest", pipeline_version=w.version),
    ]
    if doc_language.label:
        out.append(Triple(w.tenant, d, vocab.LANGUAGE, doc_language.label, w.doc,
                          datatype=vocab.XSD + "language", step="classify.language",
                          model=doc_language.model, confidence=doc_language.confidence,
                          pipeline_version=w.version))
    for key, (p, datatype) in vocab.PDF_METADATA.items():
        if doc_pdf_metadata.get(key):
            out.append(Triple(w.tenant, d, p, doc_pdf_metadata[key], w.doc, datatype=datatype,
                              step="parse.metadata", pipeline_version=w.version))
    out += literals(w, d, "document", doc_fields, field_specs)
    return out


def literals(w: Writer, node: str, subject: str, fields: dict[str, FieldValue],
             specs: tuple[FieldSpec, ...]) -> list[Triple]:
    """A node's literals: each field whose spec states it of ``subject``, by its predicate."""
    by_name = {s.name: s for s in specs if s.subject == subject and s.predicate}
    return [w.literal(node, by_name[name].predicate, f, by_name[name].datatype)
            for name, f in fields.items() if name in by_name]


@step("graph.organization_literals", scope="document",
      requires=["doc.fields", "doc.entity.organizations", "doc_info", "field_specs"],
      provides=["doc.triples.organizations"])
def organization_literals(doc_fields: dict[str, FieldValue],
                          doc_entity_organizations: dict[str, Entity], doc_info: DocumentInfo,
                          field_specs: tuple[FieldSpec, ...], ctx: StepContext) -> list[Triple]:
    """Name, VAT ID, tax number, register, legal form and contacts of seller and buyer (the
    fields whose spec states them of the seller or the buyer)."""
    w = Writer.of(doc_info, ctx)
    out = []
    for role, org in doc_entity_organizations.items():
        out.append(w.type(org.id, vocab.SCHEMA + "Organization", "graph.organizations"))
        out += literals(w, org.id, role, doc_fields, field_specs)
    return out


@step("graph.address_literals", scope="document",
      requires=["doc.fields", "doc.entity.addresses", "doc_info"],
      provides=["doc.triples.addresses"])
def address_literals(doc_fields: dict[str, FieldValue], doc_entity_addresses: dict[str, Entity],
                     doc_info: DocumentInfo, ctx: StepContext) -> list[Triple]:
    """Street, postcode, city and country of each address."""
    w = Writer.of(doc_info, ctx)
    out = []
    for role, place in doc_entity_addresses.items():
        f = doc_fields[f"{role}_address"]
        out.append(w.type(place.id, vocab.SCHEMA + "PostalAddress", "graph.addresses"))
        for key, p in vocab.ADDRESS_PARTS.items():
            if f.value.get(key):
                out.append(w.literal(place.id, p, f, XSD_STRING, f.value[key]))
    return out


@step("graph.account_literals", scope="document",
      requires=["doc.fields", "doc.entity.accounts", "doc_info"],
      provides=["doc.triples.accounts"])
def account_literals(doc_fields: dict[str, FieldValue], doc_entity_accounts: dict[str, Entity],
                     doc_info: DocumentInfo, ctx: StepContext) -> list[Triple]:
    """IBAN of each account; BIC and bank name belong to the payee account they stand beside."""
    w = Writer.of(doc_info, ctx)
    out = []
    for use, acct in doc_entity_accounts.items():
        f = doc_fields["iban" if use == "payee" else "debtor_iban"]
        out += [w.type(acct.id, vocab.SCHEMA + "BankAccount", "graph.bank_accounts"),
                w.literal(acct.id, vocab.IBAN, f, XSD_STRING)]
        if use == "payee":
            for name, p in (("bic", vocab.BIC), ("bank_name", vocab.BANK_NAME)):
                if name in doc_fields:
                    out.append(w.literal(acct.id, p, doc_fields[name], XSD_STRING))
    return out


@step("graph.tax_id_literals", scope="document",
      requires=["doc.fields", "doc.entity.tax_ids", "doc_info"],
      provides=["doc.triples.tax_ids"])
def tax_id_literals(doc_fields: dict[str, FieldValue], doc_entity_tax_ids: dict[str, Entity],
                    doc_info: DocumentInfo, ctx: StepContext) -> list[Triple]:
    """Each registration's value and kind (VAT ID or national tax number)."""
    w = Writer.of(doc_info, ctx)
    out = []
    for field, node in doc_entity_tax_ids.items():
        kind = "vatID" if field.endswith("vat_id") else "taxID"
        out += [w.type(node.id, vocab.COSY + "TaxID", "graph.tax_ids"),
                w.literal(node.id, vocab.SCHEMA + kind, doc_fields[field], XSD_STRING)]
    return out


@step("graph.person_literals", scope="document",
      requires=["doc.fields", "doc.entity.persons", "doc_info"],
      provides=["doc.triples.persons"])
def person_literals(doc_fields: dict[str, FieldValue], doc_entity_persons: dict[str, Entity],
                    doc_info: DocumentInfo, ctx: StepContext) -> list[Triple]:
    """Each person's name as printed."""
    w = Writer.of(doc_info, ctx)
    out = []
    for field, person in doc_entity_persons.items():
        out += [w.type(person.id, vocab.SCHEMA + "Person", "graph.persons"),
                w.literal(person.id, vocab.NAME, doc_fields[field], XSD_STRING)]
    return out


@step("graph.order_literals", scope="document", requires=["doc.fields", "doc.entity.orders",
                                                        "doc_info"],
      provides=["doc.triples.orders"])
def order_literals(doc_fields: dict[str, FieldValue], doc_entity_orders: dict[str, Entity],
                   doc_info: DocumentInfo, ctx: StepContext) -> list[Triple]:
    """Each order's number, where the document prints it."""
    w = Writer.of(doc_info, ctx)
    out = []
    for use, order in doc_entity_orders.items():
        f = doc_fields["order_number" if use == "referenced" else "invoice_number"]
        out += [w.type(order.id, vocab.SCHEMA + "Order", "graph.orders"),
                w.literal(order.id, vocab.SCHEMA + "orderNumber", f, XSD_STRING)]
    return out


ITEM_PREDICATES = {  # item key: (predicate, literal datatype)
    "description": (vocab.DESCRIPTION, vocab.XSD + "string"),
    "quantity": (vocab.QUANTITY, vocab.XSD + "decimal"),
    "unit": (vocab.UNIT, vocab.XSD + "string"),
    "unit_price": (vocab.PRICE, vocab.XSD + "decimal"),
    "total": (vocab.LINE_TOTAL, vocab.XSD + "decimal"),
    "position": (vocab.POSITION, vocab.XSD + "integer"),
    "unit_code": (vocab.SCHEMA + "unitCode", vocab.XSD + "string"),
    "seller_item_id": (vocab.SCHEMA + "sku", vocab.XSD + "string"),
    "tax_rate": (vocab.COSY + "taxRate", vocab.XSD + "decimal"),
}


@step("graph.line_item_literals", scope="document",
      requires=["doc.entity.line_items", "doc.line_items", "doc_info"],
      provides=["doc.triples.line_items"])
def line_item_literals(doc_entity_line_items: list[Entity],
                       doc_line_items: list[dict[str, Any]], doc_info: DocumentInfo,
                       ctx: StepContext) -> list[Triple]:
    """Description, quantity, unit, price and total of each row, boxed by its row."""
    w = Writer.of(doc_info, ctx)
    out = []
    for entity, item in zip(doc_entity_line_items, doc_line_items, strict=True):
        where = row_provenance(item, w)
        out.append(w.type(entity.id, vocab.COSY + "LineItem", "graph.line_items"))
        for key, (p, datatype) in ITEM_PREDICATES.items():
            value = entity.keys.get(key)
            if value is not None:
                out.append(Triple(w.tenant, entity.id, p, value, w.doc, "literal", datatype,
                                  **where))
    return out

