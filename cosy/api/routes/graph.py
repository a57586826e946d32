"""The tenant's knowledge graph: entities, an entity's neighbourhood, triple pattern queries."""

from __future__ import annotations

from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Path, Query

from cosy.api.deps import Reader, SettingsDep, StoreDep
from cosy.api.errors import not_found
from cosy.api.routes import AUTHED, error_responses
from cosy.api.routes.documents import MAX_OFFSET, triple_out
from cosy.api.schemas import (
    DocumentRef,
    EntityDetail,
    EntityList,
    GraphEdge,
    GraphNode,
    Neighbourhood,
    TripleList,
)
from cosy.kg import vocab
from cosy.store.base import Store

router = APIRouter(prefix="/v1", tags=["graph"], responses=error_responses(*AUTHED))

EntityId = Annotated[str, Path(min_length=1, max_length=300, description="e.g. urn:cosy:…")]
Term = Annotated[str | None, Query(min_length=1, max_length=2000)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
ENTITY_TRIPLES = 500
ENTITY_DOCS = 100
EDGES_PER_NODE = 1000


@router.get("/entities", response_model=EntityList,
            summary="Entities by type and/or a case-insensitive substring of the label")
def list_entities(
    principal: Reader, store: StoreDep,
    type: Annotated[str | None, Query(max_length=100, description="e.g. Organization")] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Offset = 0,
) -> EntityList:
    items = store.find_entities(principal.tenant, type=type, q=q, limit=limit, offset=offset)
    return EntityList(items=items, limit=limit, offset=offset)


@router.get("/entities/{entity_id}", response_model=EntityDetail,
            summary="An entity with its triples (as subject or object) and its documents")
def get_entity(entity_id: EntityId, principal: Reader, store: StoreDep) -> EntityDetail:
    tenant = principal.tenant
    entity = store.get_entity(tenant, entity_id)
    if entity is None:
        raise not_found("entity", entity_id)
    triples = store.find_triples(tenant, s=entity_id, limit=ENTITY_TRIPLES)
    triples += store.find_triples(tenant, o=entity_id, limit=ENTITY_TRIPLES)
    documents = []
    for doc_id in entity.get("docs", [])[:ENTITY_DOCS]:
        doc = store.get_document(tenant, doc_id)
        if doc is not None:
            documents.append(DocumentRef(id=doc_id, file_name=doc.get("file_name")))
    return EntityDetail(**entity, triples=[triple_out(t) for t in triples], documents=documents)


@router.get("/graph/neighbourhood/{entity_id}", response_model=Neighbourhood,
            summary="Entities linked to this one, up to `depth` hops, and the links")
def neighbourhood(
    entity_id: EntityId, principal: Reader, store: StoreDep, settings: SettingsDep,
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
) -> Neighbourhood:
    """Walks entity-valued triples in both directions (rdf:type is a class, not a neighbour)."""
    tenant = principal.tenant
    if store.get_entity(tenant, entity_id) is None and not (
            store.find_triples(tenant, s=entity_id, limit=1)
            or store.find_triples(tenant, o=entity_id, limit=1)):
        raise not_found("entity", entity_id)
    graph, truncated = _walk(store, tenant, entity_id, depth, settings.api_graph_max_nodes)
    distance = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True),
                                                     entity_id, cutoff=depth)
    nodes = []
    for node, dist in sorted(distance.items(), key=lambda kv: (kv[1], kv[0])):
        entity: dict[str, Any] = store.get_entity(tenant, node) or {}
        nodes.append(GraphNode(id=node, type=entity.get("type"), label=entity.get("label"),
                               distance=dist))
    edges = [GraphEdge(s=s, p=data["p"], o=o, doc=data["doc"])
             for s, o, data in graph.edges(data=True) if s in distance and o in distance]
    edges.sort(key=lambda e: (e.s, e.p, e.o, e.doc))
    return Neighbourhood(center=entity_id, depth=depth, nodes=nodes, edges=edges,
                         truncated=truncated)


def _walk(store: Store, tenant: str, center: str, depth: int,
          max_nodes: int) -> tuple[nx.MultiDiGraph, bool]:
    """Breadth-first over the store, one hop per round; stops adding nodes at ``max_nodes``."""
    graph = nx.MultiDiGraph()
    graph.add_node(center)
    frontier, truncated = [center], False
    for _ in range(depth):
        following: list[str] = []
        for node in frontier:
            links = store.find_triples(tenant, s=node, limit=EDGES_PER_NODE)
            links += store.find_triples(tenant, o=node, limit=EDGES_PER_NODE)
            for t in links:
                if t.o_kind != "entity" or t.p == vocab.RDF_TYPE:
                    continue
                for end in (t.s, t.o):
                    if end not in graph:
                        if graph.number_of_nodes() >= max_nodes:
                            truncated = True
                            break
                        graph.add_node(end)
                        following.append(end)
                else:
                    graph.add_edge(t.s, t.o, key=(t.p, t.doc), p=t.p, doc=t.doc)
        frontier = following
    return graph, truncated


@router.get("/triples", response_model=TripleList,
            summary="Triples matching a pattern (any of s, p, o, doc), sorted and paged")
def find_triples(
    principal: Reader, store: StoreDep, s: Term = None, p: Term = None, o: Term = None,
    doc: Term = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Offset = 0,
) -> TripleList:
    items = store.find_triples(principal.tenant, s=s, p=p, o=o, doc=doc, limit=limit,
                               offset=offset)
    unfiltered = s is None and p is None and o is None
    total = store.count_triples(principal.tenant, doc=doc) if unfiltered else None
    return TripleList(items=[triple_out(t) for t in items], limit=limit, offset=offset,
                      total=total)
