"""Entity resolution across a tenant's documents: one company printed with different keys."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cosy.domain import DEFAULT_TENANT, Entity, Triple
from cosy.jobs import persist_result
from cosy.kg import resolve, vocab
from cosy.store import open_store


def org(name: str, postcode: str, vat: str = "", iban: str = "") -> Entity:
    keys = {k: v for k, v in (("vat_id", vat), ("name", name.casefold()),
                               ("postal_code", postcode), ("iban", iban)) if v}
    canonical = f"vat_id={vat}" if vat else f"name={keys['name']}|postal_code={postcode}"
    return Entity(vocab.entity_id(DEFAULT_TENANT, "Organization", canonical), "Organization",
                  name, DEFAULT_TENANT, keys)


def run_of(doc: str, seller: Entity) -> Any:
    d = vocab.entity_id(DEFAULT_TENANT, "Document", doc)
    triples = [Triple(DEFAULT_TENANT, d, vocab.PROVIDER, seller.id, doc, "entity"),
               Triple(DEFAULT_TENANT, seller.id, vocab.NAME, seller.label, doc)]
    result = {"document": {"id": doc}, "fields": {},
              "entities": [seller.to_dict(),
                           {"id": d, "type": "Document", "label": doc, "keys": {}}],
              "triples": [t.to_json() for t in triples]}
    return SimpleNamespace(outputs={"doc.result": result, "doc.triples": triples}, timings={})


@pytest.mark.parametrize("backend", ["embedded", "mongomock"])
def test_same_company_with_other_keys_is_one_entity(backend: str, tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store") if backend == "embedded" else "mongomock://")
    first = org("Kraxi GmbH", "12345", vat="DE123456789")
    by_name = org("Kraxi GmbH", "12345", iban="DE02120300000000202051")  # no VAT ID printed
    by_iban = org("KRAXI", "", iban="DE02120300000000202051")  # another spelling, same account
    docs = []
    for n, seller in enumerate((first, by_name, by_iban)):
        doc = f"sha256:{n}"
        docs.append(doc)
        store.put_document(DEFAULT_TENANT, {"id": doc, "file_name": f"{n}.pdf"})
        info = SimpleNamespace(tenant=DEFAULT_TENANT, id=doc)
        result = persist_result(store, info, run_of(doc, seller), "v1")  # type: ignore[arg-type]
        [stored] = [e for e in result["entities"] if e["type"] == "Organization"]
        assert stored["id"] == first.id  # resolved onto the first document's entity
        assert all(t["o"] == first.id for t in result["triples"] if t["p"] == vocab.PROVIDER)
    merged = store.get_entity(DEFAULT_TENANT, first.id)
    assert merged is not None and merged["docs"] == sorted(docs)
    providers = store.find_triples(DEFAULT_TENANT, p=vocab.PROVIDER)
    assert {t.o for t in providers} == {first.id} and len(providers) == 3
    assert store.get_entity(DEFAULT_TENANT, by_name.id) is None  # never written under its own id
    # another tenant with the same VAT ID keeps its own entity
    assert resolve.resolve_ids(store, "other", [first.to_dict()]) == {first.id: first.id}


def test_aliases_need_every_key_of_a_set() -> None:
    e = {"type": "Organization", "keys": {"name": "kraxi gmbh", "vat_id": "DE1"}}
    assert resolve.aliases(e) == ["Organization|vat_id=DE1"]  # no postcode: no name alias
    assert resolve.aliases({"type": "LineItem", "keys": {"document": "d"}}) == []
