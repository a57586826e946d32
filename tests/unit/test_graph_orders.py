"""An invoice and the purchase order it bills meet in one Order node."""

from __future__ import annotations

from types import SimpleNamespace

from cosy.config import Settings
from cosy.domain import FieldValue
from cosy.engine.step import StepContext
from cosy.kg import vocab
from cosy.steps.classify import Prediction
from cosy.steps.graph import entities, relations


def info(doc: str) -> SimpleNamespace:
    return SimpleNamespace(tenant="t", id=doc, file_name=f"{doc}.pdf", pages=1)


def graph_of(doc: str, doc_type: str, **values: str) -> tuple[dict, list]:
    fields = {k: FieldValue(k, v, 0.9, 1, (0, 0, 1, 1), (0, 1), "s") for k, v in values.items()}
    i = info(doc)
    orgs = entities.organizations(fields, i)
    orders = entities.orders(fields, Prediction(doc_type, 0.9, "doc_type@2.0"), orgs, i)
    ctx = StepContext(doc, "t", None, Settings(), None)
    triples = relations.orders(fields, entities.document(i), orders, i, ctx)
    return orders, triples


def test_invoice_and_its_order_share_the_order_node() -> None:
    inv_orders, inv_triples = graph_of("inv", "invoice", invoice_number="RE-1",
                                       order_number="PO-7", buyer_name="Kunde AG")
    po_orders, po_triples = graph_of("po", "order", invoice_number="PO-7",
                                     buyer_name="Kunde AG")
    assert set(inv_orders) == {"referenced"} and set(po_orders) == {"self"}
    assert inv_orders["referenced"].id == po_orders["self"].id
    assert [t.p for t in inv_triples] == [vocab.SCHEMA + "referencesOrder"]
    assert [t.p for t in po_triples] == [vocab.COSY + "isOrder"]
    # another buyer's PO-7 is another order
    other, _ = graph_of("inv2", "invoice", order_number="PO-7", buyer_name="Andere GmbH")
    assert other["referenced"].id != inv_orders["referenced"].id


def test_an_order_is_its_order_not_a_reference_to_itself() -> None:
    """An order's own number is also its order_number: one isOrder link, no referencesOrder."""
    orders, triples = graph_of("po", "order", invoice_number="PO-7", order_number="PO-7",
                               buyer_name="Kunde AG")
    assert set(orders) == {"self"}
    assert [t.p for t in triples] == [vocab.COSY + "isOrder"]
