"""Entity resolution across a tenant's documents (DESIGN §6, issue 4).

A graph step gives each entity an id from its strongest canonical key (a VAT ID, else an IBAN,
else the folded name and postcode), so two documents that print the same VAT ID already meet in
one node. Documents that print different keys of one company (one its VAT ID, the next only its
name and postcode or its IBAN) meet here: each entity lists its alias keys, strongest first, the
store maps them onto the tenant's known entities (:meth:`cosy.store.base.Store.resolve_entities`)
and the result's ids are rewritten before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from cosy.domain import Triple

ALIAS_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    # entity type: alias key sets, strongest first; an alias needs every key of its set
    "Organization": (("vat_id",), ("iban",), ("name", "postal_code")),
    "BankAccount": (("iban",),),
    "Person": (("name", "organization"),),
}


def aliases(entity: dict[str, Any]) -> list[str]:
    """The entity's alias keys, strongest first ("Organization|vat_id=DE123")."""
    keys = entity.get("keys") or {}
    out = []
    for names in ALIAS_KEYS.get(entity.get("type", ""), ()):
        if all(keys.get(n) for n in names):
            out.append("|".join([entity["type"], *(f"{n}={keys[n]}" for n in names)]))
    return out


def resolve_ids(store: Any, tenant: str, entities: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Entity id -> the tenant's canonical id, for every entity that has alias keys."""
    proposed = {e["id"]: aliases(e) for e in entities}
    proposed = {k: v for k, v in proposed.items() if v}
    return store.resolve_entities(tenant, proposed) if proposed else {}


def rewrite(mapping: dict[str, str], entities: list[dict[str, Any]],
            triples: list[Triple]) -> tuple[list[dict[str, Any]], list[Triple]]:
    """Entities and triples with resolved ids (entities merged by id, triples deduplicated)."""
    moved = {old: new for old, new in mapping.items() if old != new}
    if not moved:
        return entities, triples
    merged: dict[str, dict[str, Any]] = {}
    for e in entities:
        e = {**e, "id": moved.get(e["id"], e["id"])}
        if e["id"] in merged:  # the same company found twice: keep the union of its keys
            merged[e["id"]]["keys"] = {**e.get("keys", {}), **merged[e["id"]].get("keys", {})}
        else:
            merged[e["id"]] = e
    out: dict[str, Triple] = {}
    for t in triples:
        s, o = moved.get(t.s, t.s), moved.get(t.o, t.o) if t.o_kind == "entity" else t.o
        t = replace(t, s=s, o=o) if (s, o) != (t.s, t.o) else t
        out.setdefault(t.id, t)
    return list(merged.values()), list(out.values())
