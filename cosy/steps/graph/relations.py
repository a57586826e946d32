"""Relation steps: one per kind of edge, each evidenced by the field that supports it.

document → seller (provider), buyer (customer), payee and debtor account, line items, the
order it refers to (or is);
organisation → address, tax registrations, contact person and director (and person → works
for); payee account → its holder.
"""

from __future__ import annotations

from cosy.domain import Entity, FieldValue, Triple
from cosy.engine.step import StepContext, step
from cosy.ingest import DocumentInfo
from cosy.kg import vocab
from cosy.steps.graph.build import Writer, row_provenance
from cosy.steps.graph.entities import ACCOUNTS, TAX_IDS

PARTY_PREDICATES = {"seller": vocab.PROVIDER, "buyer": vocab.CUSTOMER}


def _evidence(fields: dict[str, FieldValue], role: str) -> FieldValue | None:
    """The field that names a party: its name, else its VAT ID."""
    return fields.get(f"{role}_name") or fields.get(f"{role}_vat_id")


@step("relations.parties", scope="document",
      requires=["doc.fields", "doc.entity.document", "doc.entity.organizations", "doc_info"],
      provides=["doc.triples.rel.parties"])
def parties(doc_fields: dict[str, FieldValue], doc_entity_document: Entity,
            doc_entity_organizations: dict[str, Entity], doc_info: DocumentInfo,
            ctx: StepContext) -> list[Triple]:
    """Document → seller (schema:provider) and → buyer (schema:customer)."""
    w = Writer.of(doc_info, ctx)
    return [w.link(doc_entity_document.id, PARTY_PREDICATES[role], org.id,
                   _evidence(doc_fields, role), "relations.parties")
            for role, org in doc_entity_organizations.items()]


@step("relations.accounts", scope="document",
      requires=["doc.fields", "doc.entity.document", "doc.entity.accounts", "doc_info"],
      provides=["doc.triples.rel.accounts"])
def accounts(doc_fields: dict[str, FieldValue], doc_entity_document: Entity,
             doc_entity_accounts: dict[str, Entity], doc_info: DocumentInfo,
             ctx: StepContext) -> list[Triple]:
    """Document → the account to pay into, and → the account a direct debit draws on."""
    w = Writer.of(doc_info, ctx)
    predicate = {"payee": vocab.PAYEE_ACCOUNT, "debtor": vocab.DEBTOR_ACCOUNT}
    return [w.link(doc_entity_document.id, predicate[use], acct.id, doc_fields[ACCOUNTS[use]],
                   "relations.accounts")
            for use, acct in doc_entity_accounts.items()]


@step("relations.account_holders", scope="document",
      requires=["doc.fields", "doc.entity.accounts", "doc.entity.organizations", "doc_info"],
      provides=["doc.triples.rel.account_holders"])
def account_holders(doc_fields: dict[str, FieldValue], doc_entity_accounts: dict[str, Entity],
                    doc_entity_organizations: dict[str, Entity], doc_info: DocumentInfo,
                    ctx: StepContext) -> list[Triple]:
    """Payee account → the seller (it asks to be paid there); debtor account → the buyer."""
    w = Writer.of(doc_info, ctx)
    out = []
    for use, role in (("payee", "seller"), ("debtor", "buyer")):
        acct, org = doc_entity_accounts.get(use), doc_entity_organizations.get(role)
        if acct is not None and org is not None:
            out.append(w.link(acct.id, vocab.ACCOUNT_HOLDER, org.id,
                              doc_fields[ACCOUNTS[use]], "relations.account_holders"))
    return out


@step("relations.addresses", scope="document",
      requires=["doc.fields", "doc.entity.organizations", "doc.entity.addresses", "doc_info"],
      provides=["doc.triples.rel.addresses"])
def addresses(doc_fields: dict[str, FieldValue], doc_entity_organizations: dict[str, Entity],
              doc_entity_addresses: dict[str, Entity], doc_info: DocumentInfo,
              ctx: StepContext) -> list[Triple]:
    """Organisation → its postal address (schema:address)."""
    w = Writer.of(doc_info, ctx)
    return [w.link(org.id, vocab.ADDRESS, doc_entity_addresses[role].id,
                   doc_fields[f"{role}_address"], "relations.addresses")
            for role, org in doc_entity_organizations.items() if role in doc_entity_addresses]


@step("relations.tax_ids", scope="document",
      requires=["doc.fields", "doc.entity.organizations", "doc.entity.tax_ids", "doc_info"],
      provides=["doc.triples.rel.tax_ids"])
def tax_ids(doc_fields: dict[str, FieldValue], doc_entity_organizations: dict[str, Entity],
            doc_entity_tax_ids: dict[str, Entity], doc_info: DocumentInfo,
            ctx: StepContext) -> list[Triple]:
    """Organisation → each tax registration (VAT ID, tax number) printed for it."""
    w = Writer.of(doc_info, ctx)
    out = []
    for field, node in doc_entity_tax_ids.items():
        org = doc_entity_organizations.get(TAX_IDS[field])
        if org is not None:
            out.append(w.link(org.id, vocab.TAX_REGISTRATION, node.id, doc_fields[field],
                              "relations.tax_ids"))
    return out


@step("relations.people", scope="document",
      requires=["doc.fields", "doc.entity.organizations", "doc.entity.persons", "doc_info"],
      provides=["doc.triples.rel.people"])
def people(doc_fields: dict[str, FieldValue], doc_entity_organizations: dict[str, Entity],
           doc_entity_persons: dict[str, Entity], doc_info: DocumentInfo,
           ctx: StepContext) -> list[Triple]:
    """Seller → contact person / director, and each person → works for the seller."""
    w = Writer.of(doc_info, ctx)
    seller = doc_entity_organizations.get("seller")
    out = []
    if seller is None:
        return out
    for field, person in doc_entity_persons.items():
        f = doc_fields[field]
        out += [w.link(seller.id, vocab.PERSON_ROLES[field], person.id, f, "relations.people"),
                w.link(person.id, vocab.WORKS_FOR, seller.id, f, "relations.people")]
    return out


@step("relations.orders", scope="document",
      requires=["doc.fields", "doc.entity.document", "doc.entity.orders", "doc_info"],
      provides=["doc.triples.rel.orders"])
def orders(doc_fields: dict[str, FieldValue], doc_entity_document: Entity,
           doc_entity_orders: dict[str, Entity], doc_info: DocumentInfo,
           ctx: StepContext) -> list[Triple]:
    """Document → the order it refers to (schema:referencesOrder); an order document → the
    order it is (cosy:isOrder): so an invoice and its purchase order are two hops apart."""
    w = Writer.of(doc_info, ctx)
    out = []
    for use, order in doc_entity_orders.items():
        field = "order_number" if use == "referenced" else "invoice_number"
        predicate = vocab.SCHEMA + "referencesOrder" if use == "referenced" \
            else vocab.COSY + "isOrder"
        out.append(w.link(doc_entity_document.id, predicate, order.id, doc_fields[field],
                          "relations.orders"))
    return out


@step("relations.line_items", scope="document",
      requires=["doc.entity.document", "doc.entity.line_items", "doc.line_items", "doc_info"],
      provides=["doc.triples.rel.line_items"])
def line_items(doc_entity_document: Entity, doc_entity_line_items: list[Entity],
               doc_line_items: list[dict], doc_info: DocumentInfo,
               ctx: StepContext) -> list[Triple]:
    """Document → each of its line items, boxed by the item's row."""
    w = Writer.of(doc_info, ctx)
    return [Triple(w.tenant, doc_entity_document.id, vocab.LINE_ITEM, e.id, w.doc, "entity",
                   **row_provenance(item, w))
            for e, item in zip(doc_entity_line_items, doc_line_items, strict=True)]


@step("graph.triples", scope="document", requires=["doc.triples.*"], provides=["doc.triples"],
      sink=True)
def all_triples(**parts: list[Triple]) -> list[Triple]:
    """Every triple of the document once (by id), in a stable order for the result (every
    ``doc.triples.*`` of the pipeline, in name order)."""
    out: dict[str, Triple] = {}
    for triples in parts.values():
        for t in triples:
            out.setdefault(t.id, t)
    return list(out.values())
