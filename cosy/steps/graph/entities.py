"""Entity steps: one per node type, each keyed canonically (DESIGN §6).

An organisation is keyed by its VAT ID, else by its folded name and postcode; its other keys
(IBAN it holds, name and postcode next to a VAT ID) stay on the entity as aliases, so that
``cosy.kg.resolve`` can merge it with the tenant's entities that print another key.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import Entity, FieldValue
from cosy.engine.step import step
from cosy.ingest import DocumentInfo
from cosy.kg import vocab
from cosy.steps.classify import Prediction
from cosy.steps.graph.build import ROLES, address_key, fold


def _value(fields: dict[str, FieldValue], name: str) -> Any:
    f = fields.get(name)
    return f.value if f is not None else None


@step("graph.document", scope="document", requires=["doc_info"], provides=["doc.entity.document"])
def document(doc_info: DocumentInfo) -> Entity:
    """The document itself, keyed by its content hash."""
    return Entity(vocab.entity_id(doc_info.tenant, "Document", doc_info.id), "Document",
                  doc_info.file_name, doc_info.tenant, {"sha256": doc_info.id})


@step("graph.organizations", scope="document", requires=["doc.fields", "doc_info"],
      provides=["doc.entity.organizations"])
def organizations(doc_fields: dict[str, FieldValue], doc_info: DocumentInfo) -> dict[str, Entity]:
    """Seller and buyer organisations, where a name or VAT ID names them."""
    out = {}
    for role in ROLES:
        name, vat = _value(doc_fields, f"{role}_name"), _value(doc_fields, f"{role}_vat_id")
        if name is None and vat is None:
            continue
        address = _value(doc_fields, f"{role}_address")
        postcode = str(address.get("postal_code") or "") if isinstance(address, dict) else ""
        keys = {"vat_id": str(vat) if vat else "", "name": fold(str(name)) if name else "",
                "postal_code": postcode}
        if role == "seller" and "iban" in doc_fields:
            keys["iban"] = str(doc_fields["iban"].value)  # the payee account's holder
        canonical = (f"vat_id={vat}" if vat else f"name={keys['name']}|postal_code={postcode}")
        out[role] = Entity(vocab.entity_id(doc_info.tenant, "Organization", canonical),
                           "Organization", str(name or vat), doc_info.tenant,
                           {k: v for k, v in keys.items() if v})
    return out


@step("graph.addresses", scope="document", requires=["doc.fields", "doc_info"],
      provides=["doc.entity.addresses"])
def addresses(doc_fields: dict[str, FieldValue], doc_info: DocumentInfo) -> dict[str, Entity]:
    """Postal addresses of seller and buyer, keyed by country, postcode, city and street."""
    out = {}
    for role in ROLES:
        addr = _value(doc_fields, f"{role}_address")
        if not isinstance(addr, dict) or not any(addr.values()):
            continue
        key = address_key(addr)
        out[role] = Entity(vocab.entity_id(doc_info.tenant, "PostalAddress", key),
                           "PostalAddress", ", ".join(str(v) for v in addr.values() if v),
                           doc_info.tenant, {"address": key})
    return out


ACCOUNTS = {"payee": "iban", "debtor": "debtor_iban"}
"""Bank accounts a document names: the one to pay into, and the one a direct debit draws on."""


@step("graph.bank_accounts", scope="document", requires=["doc.fields", "doc_info"],
      provides=["doc.entity.accounts"])
def bank_accounts(doc_fields: dict[str, FieldValue], doc_info: DocumentInfo) -> dict[str, Entity]:
    """Payee and debtor accounts, keyed by IBAN (one account in a thousand documents)."""
    out = {}
    for use, field in ACCOUNTS.items():
        iban = _value(doc_fields, field)
        if iban:
            out[use] = Entity(vocab.entity_id(doc_info.tenant, "BankAccount", str(iban)),
                              "BankAccount", str(iban), doc_info.tenant, {"iban": str(iban)})
    return out


TAX_IDS = {"seller_vat_id": "seller", "buyer_vat_id": "buyer", "seller_tax_number": "seller"}


@step("graph.tax_ids", scope="document", requires=["doc.fields", "doc_info"],
      provides=["doc.entity.tax_ids"])
def tax_ids(doc_fields: dict[str, FieldValue], doc_info: DocumentInfo) -> dict[str, Entity]:
    """VAT IDs and tax numbers as nodes: the registrations an organisation is known by."""
    out = {}
    for field in TAX_IDS:
        value = _value(doc_fields, field)
        if value:
            kind = "vat_id" if field.endswith("vat_id") else "tax_number"
            out[field] = Entity(vocab.entity_id(doc_info.tenant, "TaxID", f"{kind}={value}"),
                                "TaxID", str(value), doc_info.tenant, {kind: str(value)})
    return out


@step("graph.persons", scope="document",
      requires=["doc.fields", "doc_info", "doc.entity.organizations"],
      provides=["doc.entity.persons"])
def persons(doc_fields: dict[str, FieldValue], doc_info: DocumentInfo,
            doc_entity_organizations: dict[str, Entity]) -> dict[str, Entity]:
    """Contact person and director of the writer: a name is a person only with its company
    (two 'Anna Schmidt' at two companies are two people)."""
    seller = doc_entity_organizations.get("seller")
    out = {}
    for field in vocab.PERSON_ROLES:
        name = _value(doc_fields, field)
        if not name:
            continue
        keys = {"name": fold(str(name)), "organization": seller.id if seller else ""}
        out[field] = Entity(vocab.entity_id(doc_info.tenant, "Person",
                                            f"{keys['name']}|{keys['organization']}"),
                            "Person", str(name), doc_info.tenant,
                            {k: v for k, v in keys.items() if v})
    return out


def numbered_document(tenant: str, type_: str, number: str, party_role: str,
                      party: Entity | None) -> Entity:
    """A document others name by its number (an Order, an Invoice), keyed by that number and the
    party who numbered it: every document that names it reaches the same node."""
    party_id = party.id if party else ""
    keys = {f"{type_.lower()}_number": number, party_role: party_id}
    return Entity(vocab.entity_id(tenant, type_, f"{number}|{party_id}"), type_, number, tenant,
                  {k: v for k, v in keys.items() if v})


ORDER_TYPES = frozenset({"order", "order_confirmation"})
"""Document types whose own number is an order's number (the buyer's purchase order)."""


@step("graph.orders", scope="document",
      requires=["doc.fields", "doc.doc_type", "doc.entity.organizations", "doc_info"],
      provides=["doc.entity.orders"])
def orders(doc_fields: dict[str, FieldValue], doc_doc_type: Prediction,
           doc_entity_organizations: dict[str, Entity],
           doc_info: DocumentInfo) -> dict[str, Entity]:
    """The purchase order a document refers to ('Bestellnummer' on an invoice or delivery
    note), and the order an order document is. An order number is the buyer's, so the order is
    keyed by number and buyer: the invoice and the order it bills meet in one node."""
    buyer = doc_entity_organizations.get("buyer")
    out = {}
    uses = {"referenced": "order_number"}
    if doc_doc_type.label in ORDER_TYPES:
        uses["self"] = "invoice_number"  # the field that holds a document's own number
    own = _value(doc_fields, "invoice_number") if "self" in uses else None
    for use, field in uses.items():
        number = _value(doc_fields, field)
        if not number or (use == "referenced" and number == own):
            continue  # an order's own number is no reference to another order
        out[use] = numbered_document(doc_info.tenant, "Order", str(number), "buyer", buyer)
    return out


ITEM_FIELDS = ("description", "quantity", "unit", "unit_price", "total", "unit_code",
               "seller_item_id", "tax_rate")


@step("graph.line_items", scope="document", requires=["doc.line_items", "doc_info"],
      provides=["doc.entity.line_items"])
def line_items(doc_line_items: list[dict[str, Any]], doc_info: DocumentInfo) -> list[Entity]:
    """One LineItem per row of the item table; its id is the document's and its position, since
    an item exists only inside its document (the same '2 x Pumpe' elsewhere is another item)."""
    t, doc_id = doc_info.tenant, doc_info.id
    out = []
    for k, it in enumerate(doc_line_items, 1):
        keys = {"document": doc_id, "position": str(k)}
        keys.update({f: str(it[f]) for f in ITEM_FIELDS if it.get(f) is not None})
        label = str(it.get("description") or f"item {k}")[:80]
        out.append(Entity(vocab.entity_id(t, "LineItem", f"{doc_id}|{k}"), "LineItem", label, t,
                          keys))
    return out


@step("graph.entities", scope="document",
      requires=["doc.entity.document", "doc.entity.organizations", "doc.entity.addresses",
                "doc.entity.accounts", "doc.entity.tax_ids", "doc.entity.persons",
                "doc.entity.orders", "doc.entity.line_items", "doc.entity.tax_subtotals",
                "doc.entity.invoices"],
      provides=["doc.entities"])
def all_entities(doc_entity_document: Entity, doc_entity_organizations: dict[str, Entity],
                 doc_entity_addresses: dict[str, Entity], doc_entity_accounts: dict[str, Entity],
                 doc_entity_tax_ids: dict[str, Entity], doc_entity_persons: dict[str, Entity],
                 doc_entity_orders: dict[str, Entity],
                 doc_entity_line_items: list[Entity],
                 doc_entity_tax_subtotals: list[Entity],
                 doc_entity_invoices: dict[str, Entity]) -> list[Entity]:
    """Every node of the document once: within the document, one key is one entity (seller and
    buyer at one address share the address node; a VAT ID printed twice is one TaxID)."""
    out: dict[str, Entity] = {doc_entity_document.id: doc_entity_document}
    for group in (doc_entity_organizations, doc_entity_addresses, doc_entity_accounts,
                  doc_entity_tax_ids, doc_entity_persons, doc_entity_orders, doc_entity_invoices):
        for e in group.values():
            if e.id in out:
                out[e.id].keys.update({k: v for k, v in e.keys.items() if k not in out[e.id].keys})
            else:
                out[e.id] = e
    for e in (*doc_entity_line_items, *doc_entity_tax_subtotals):
        out.setdefault(e.id, e)
    return list(out.values())
