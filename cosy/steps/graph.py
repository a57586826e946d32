"""Graph assembly: entities with stable ids and triples with full provenance.

Entities are keyed canonically (DESIGN §6): an organisation by its VAT ID, else by its folded name
and postcode; an address by postcode, city and street; a bank account by its IBAN. The same seller
found in a thousand documents is one node per tenant.
"""

from __future__ import annotations

import re
from typing import Any

from cosy.domain import Entity, FieldValue, Triple
from cosy.engine.step import StepContext, step
from cosy.ingest import DocumentInfo
from cosy.kg import vocab

PARTIES = (("seller", vocab.PROVIDER), ("buyer", vocab.CUSTOMER))


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _address_key(address: dict) -> str:
    return "|".join(_fold(str(address.get(k) or "")) for k in ("country", "postal_code", "city",
                                                                "street"))


def _party(t: str, fields: dict[str, FieldValue], role: str) -> tuple[Entity, Entity | None] | None:
    """The Organization of a role and its PostalAddress, or None when nothing names it."""
    name = fields.get(f"{role}_name")
    vat = fields.get(f"{role}_vat_id")
    address = fields.get(f"{role}_address")
    if name is None and vat is None:
        return None
    addr = address.value if address is not None and isinstance(address.value, dict) else None
    if vat is not None:
        key = {"vat_id": str(vat.value)}
    else:
        key = {"name": _fold(str(name.value)),  # type: ignore[union-attr]
               "postal_code": str((addr or {}).get("postal_code") or "")}
    label = str(name.value) if name is not None else str(vat.value)  # type: ignore[union-attr]
    org = Entity(vocab.entity_id(t, "Organization", "|".join(f"{k}={v}" for k, v in key.items())),
                 "Organization", label, t, key)
    place = None
    if addr is not None:
        akey = _address_key(addr)
        place = Entity(vocab.entity_id(t, "PostalAddress", akey), "PostalAddress",
                       ", ".join(str(v) for v in addr.values() if v), t, {"address": akey})
    return org, place


def line_item_entities(t: str, doc_id: str, items: list[dict[str, Any]]) -> list[Entity]:
    """One LineItem per row of the item table; its id is the document's and its position, since
    an item exists only inside its document (the same '2 x Pumpe' elsewhere is another item)."""
    out = []
    for k, it in enumerate(items, 1):
        keys = {"document": doc_id, "position": str(k)}
        keys.update({f: str(it[f]) for f in ITEM_FIELDS if it.get(f) is not None})
        label = str(it.get("description") or f"item {k}")[:80]
        out.append(Entity(vocab.entity_id(t, "LineItem", f"{doc_id}|{k}"), "LineItem", label, t,
                          keys))
    return out


ITEM_FIELDS = ("description", "quantity", "unit", "unit_price", "total")
ITEM_PREDICATES = {  # item key: (predicate, literal datatype)
    "description": (vocab.DESCRIPTION, vocab.XSD + "string"),
    "quantity": (vocab.QUANTITY, vocab.XSD + "decimal"),
    "unit": (vocab.UNIT, vocab.XSD + "string"),
    "unit_price": (vocab.PRICE, vocab.XSD + "decimal"),
    "total": (vocab.LINE_TOTAL, vocab.XSD + "decimal"),
    "position": (vocab.POSITION, vocab.XSD + "integer"),
}


@step("graph.entities", scope="document", requires=["doc.fields", "doc_info", "doc.line_items"],
      provides=["doc.entities"])
def entities(doc_fields: dict[str, FieldValue], doc_info: DocumentInfo,
             doc_line_items: list[dict[str, Any]]) -> list[Entity]:
    """The document and the entities it names: seller, buyer, addresses, bank account, items."""
    t = doc_info.tenant
    out = [Entity(vocab.entity_id(t, "Document", doc_info.id), "Document", doc_info.file_name, t,
                  {"sha256": doc_info.id})]
    if "iban" in doc_fields:
        iban = doc_fields["iban"].value
        out.append(Entity(vocab.entity_id(t, "BankAccount", iban), "BankAccount", iban, t,
                          {"iban": iban}))
    seen = {e.id for e in out}
    for role, _ in PARTIES:
        found = _party(t, doc_fields, role)
        for e in found or ():
            if e is not None and e.id not in seen:
                seen.add(e.id)
                out.append(e)
    out.extend(line_item_entities(t, doc_info.id, doc_line_items))
    return out


@step("graph.triples", scope="document",
      requires=["doc.fields", "doc.entities", "doc_info", "doc.line_items"],
      provides=["doc.triples"], sink=True)
def triples(doc_fields: dict[str, FieldValue], doc_entities: list[Entity],
            doc_info: DocumentInfo, doc_line_items: list[dict[str, Any]],
            ctx: StepContext) -> list[Triple]:
    """Field values and links as triples; each carries page, box, span, step, model, confidence."""
    t, doc = doc_info.tenant, doc_info.id
    version = getattr(ctx.settings, "pipeline_version", "")
    by_type = {e.type: e for e in doc_entities}
    d = by_type["Document"].id
    xsd_string = vocab.XSD + "string"

    def lit(s: str, p: str, f: FieldValue, datatype: str | None, value: object = None) -> Triple:
        return Triple(t, s, p, str(f.value if value is None else value), doc, "literal", datatype,
                      f.page, f.bbox, f.span, f.step, f.model, None, f.confidence, version,
                      f.source)

    def rel(s: str, p: str, o: str, f: FieldValue | None = None) -> Triple:
        return Triple(t, s, p, o, doc, "entity", None, f.page if f else None,
                      f.bbox if f else None, f.span if f else None,
                      f.step if f else "graph.triples", None, None,
                      f.confidence if f else 1.0, version, f.source if f else "page")

    out = [
        Triple(t, d, vocab.RDF_TYPE, vocab.DOC_TYPES["invoice"], doc, "entity",
               step="graph.triples", confidence=0.5, pipeline_version=version),
        Triple(t, d, vocab.FILE_NAME, doc_info.file_name, doc, datatype=xsd_string,
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
        out += [rel(d, vocab.PAYEE_ACCOUNT, acct, f), lit(acct, vocab.IBAN, f, xsd_string)]
        if "bic" in doc_fields:
            out.append(lit(acct, vocab.BIC, doc_fields["bic"], xsd_string))
    for role, predicate in PARTIES:
        found = _party(t, doc_fields, role)
        if found is None:
            continue
        org, place = found
        first = next(f for f in (doc_fields.get(f"{role}_name"), doc_fields.get(f"{role}_vat_id"))
                     if f is not None)
        out.append(rel(d, predicate, org.id, first))
        out.append(Triple(t, org.id, vocab.RDF_TYPE, vocab.SCHEMA + "Organization", doc, "entity",
                          step="graph.triples", pipeline_version=version))
        if f"{role}_name" in doc_fields:
            out.append(lit(org.id, vocab.NAME, doc_fields[f"{role}_name"], xsd_string))
        if f"{role}_vat_id" in doc_fields:
            out.append(lit(org.id, vocab.VAT_ID, doc_fields[f"{role}_vat_id"], xsd_string))
        if f"{role}_tax_number" in doc_fields:
            out.append(lit(org.id, vocab.TAX_ID, doc_fields[f"{role}_tax_number"], xsd_string))
        if place is not None:
            f = doc_fields[f"{role}_address"]
            out.append(rel(org.id, vocab.ADDRESS, place.id, f))
            for key, p in vocab.ADDRESS_PARTS.items():
                if f.value.get(key):
                    out.append(lit(place.id, p, f, xsd_string, f.value[key]))
        if role == "seller" and "BankAccount" in by_type:
            out.append(rel(by_type["BankAccount"].id, vocab.ACCOUNT_HOLDER, org.id,
                           doc_fields["iban"]))
    items = [e for e in doc_entities if e.type == "LineItem"]
    for entity, item in zip(items, doc_line_items, strict=False):
        box = tuple(item["bbox"]) if item.get("bbox") else None
        where = {"page": item.get("page"), "bbox": box, "step": "lineitems.rows",
                 "confidence": 0.9, "pipeline_version": version}
        out.append(Triple(t, d, vocab.LINE_ITEM, entity.id, doc, "entity", **where))
        out.append(Triple(t, entity.id, vocab.RDF_TYPE, vocab.COSY + "LineItem", doc, "entity",
                          step="graph.triples", pipeline_version=version))
        for key, (p, datatype) in ITEM_PREDICATES.items():
            value = entity.keys.get(key)
            if value is not None:
                out.append(Triple(t, entity.id, p, value, doc, "literal", datatype, **where))
    return out
