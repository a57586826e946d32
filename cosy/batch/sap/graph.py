"""The part of a tenant's knowledge graph an SAP export reads, loaded once by predicate.

Documents (their type, parties, accounts, numbers, dates, amounts, VAT rows), organisations
(name, VAT ID, tax number, phone, e-mail, address) and bank accounts (IBAN, BIC, bank, holder),
each value kept with the document, page, confidence and source that state it: the evidence the
exporter weighs and the provenance it writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from cosy.config import get_settings
from cosy.domain import Triple
from cosy.engine.profiles import field_predicates
from cosy.kg import vocab
from cosy.store.base import Store

PAGE = 20000
DOC_PREFIX, ORG_PREFIX = "urn:cosy:document:", "urn:cosy:organization:"
SUBTOTAL_PREFIX, ADDRESS_PREFIX = "urn:cosy:taxsubtotal:", "urn:cosy:postaladdress:"
DOC_TYPE_OF = {iri: name for name, iri in vocab.DOC_TYPES.items()}

ORG_FIELDS = {"name": vocab.NAME, "vat_id": vocab.VAT_ID, "tax_number": vocab.TAX_ID,
              "phone": vocab.SCHEMA + "telephone", "email": vocab.SCHEMA + "email",
              "legal_form": vocab.COSY + "legalForm"}
DOC_FIELD_NAMES = ("invoice_number", "issue_date", "due_date", "currency", "total_gross",
                   "amount_due", "payment_days", "tax_rate", "tax_category")


def doc_fields() -> dict[str, str]:
    """Field name -> the predicate the graph states it with, for the fields an open item reads."""
    predicates = field_predicates(get_settings().pipeline)
    return {name: predicates[name][0] for name in DOC_FIELD_NAMES}
ACCOUNT_FIELDS = {"iban": vocab.IBAN, "bic": vocab.BIC, "bank_name": vocab.BANK_NAME}


@dataclass(frozen=True)
class Stated:
    """One value as one document states it, with where."""

    value: str
    doc: str  # the document's id (sha256:...)
    page: int | None
    confidence: float
    source: str  # page | xml

    @classmethod
    def of(cls, t: Triple) -> Stated:
        return cls(t.o, t.doc, t.page, t.confidence, t.source)


@dataclass
class DocView:
    """One document as the export sees it."""

    id: str
    node: str
    doc_type: str = "unknown"
    file: str = ""
    language: str = ""
    provider: str | None = None
    customer: str | None = None
    payee_account: str | None = None
    debtor_account: str | None = None
    invoice: str | None = None  # the Invoice node an invoice document is
    fields: dict[str, Stated] = field(default_factory=dict)
    tax_rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def issued(self) -> str:
        f = self.fields.get("issue_date")
        return f.value if f else ""


@dataclass
class TenantGraph:
    docs: dict[str, DocView] = field(default_factory=dict)  # by document id
    org_labels: dict[str, str] = field(default_factory=dict)
    org_values: dict[str, dict[str, list[Stated]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    org_addresses: dict[str, list[tuple[str, Stated]]] = field(
        default_factory=lambda: defaultdict(list))  # org -> (address node, where linked)
    address_parts: dict[str, dict[str, dict[str, Stated]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict)))  # addr -> doc -> part
    holders: dict[str, list[tuple[str, Stated]]] = field(
        default_factory=lambda: defaultdict(list))  # org -> (account node, where held)
    account_values: dict[str, dict[str, list[Stated]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def doc_of_node(self) -> dict[str, DocView]:
        return {d.node: d for d in self.docs.values()}


def _all(store: Store, tenant: str, p: str, o: str | None = None) -> Iterator[Triple]:
    offset = 0
    while True:
        page = store.find_triples(tenant, p=p, o=o, limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def load_graph(store: Store, tenant: str) -> TenantGraph:
    """Read the predicates an export needs (a handful of indexed queries per predicate)."""
    g = TenantGraph()
    for iri in [*vocab.DOC_TYPES.values(), vocab.DOCUMENT]:
        for t in _all(store, tenant, vocab.RDF_TYPE, iri):
            if t.s.startswith(DOC_PREFIX):
                g.docs[t.doc] = DocView(t.doc, t.s, DOC_TYPE_OF.get(iri, "unknown"))
    by_node = g.doc_of_node()
    links = {vocab.PROVIDER: "provider", vocab.CUSTOMER: "customer",
             vocab.PAYEE_ACCOUNT: "payee_account", vocab.DEBTOR_ACCOUNT: "debtor_account",
             vocab.IS_INVOICE: "invoice"}
    for p, attr in links.items():
        for t in _all(store, tenant, p):
            if (d := by_node.get(t.s)) is not None:
                setattr(d, attr, t.o)
    for p, attr in ((vocab.FILE_NAME, "file"), (vocab.LANGUAGE, "language")):
        for t in _all(store, tenant, p):
            if (d := by_node.get(t.s)) is not None:
                setattr(d, attr, t.o)
    for name, p in doc_fields().items():
        for t in _all(store, tenant, p):
            if (d := by_node.get(t.s)) is not None:
                d.fields[name] = Stated.of(t)
    _subtotals(store, tenant, by_node)
    for name, p in ORG_FIELDS.items():
        for t in _all(store, tenant, p):
            if t.s.startswith(ORG_PREFIX):
                g.org_values[t.s][name].append(Stated.of(t))
    for e in _entities(store, tenant, "Organization"):
        g.org_labels[e["id"]] = e.get("label", "")
    for t in _all(store, tenant, vocab.ADDRESS):
        if t.s.startswith(ORG_PREFIX):
            g.org_addresses[t.s].append((t.o, Stated.of(t)))
    for part, p in vocab.ADDRESS_PARTS.items():
        for t in _all(store, tenant, p):
            if t.s.startswith(ADDRESS_PREFIX):
                g.address_parts[t.s][t.doc][part] = Stated.of(t)
    for t in _all(store, tenant, vocab.ACCOUNT_HOLDER):
        g.holders[t.o].append((t.s, Stated.of(t)))
    for name, p in ACCOUNT_FIELDS.items():
        for t in _all(store, tenant, p):
            g.account_values[t.s][name].append(Stated.of(t))
    return g


def _subtotals(store: Store, tenant: str, by_node: dict[str, DocView]) -> None:
    """Each document's VAT rows (rate, category): what its tax code is chosen from."""
    rows: dict[str, dict[str, str]] = defaultdict(dict)
    for key, (p, _) in vocab.TAX_SUBTOTAL_PREDICATES.items():
        if key in ("rate", "category"):
            for t in _all(store, tenant, p):
                if t.s.startswith(SUBTOTAL_PREFIX):
                    rows[t.s][key] = t.o
    for t in _all(store, tenant, vocab.TAX_SUBTOTAL):
        if (d := by_node.get(t.s)) is not None and t.o in rows:
            d.tax_rows.append(rows[t.o])


def _entities(store: Store, tenant: str, type_: str) -> Iterator[dict]:
    offset = 0
    while True:
        page = store.find_entities(tenant, type=type_, limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE
