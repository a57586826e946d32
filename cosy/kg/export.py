"""RDF export: COSY triples as an rdflib Graph, serialised as N-Triples or JSON-LD.

rdflib does the escaping, datatypes and JSON-LD framing, so the API and the CLI never write RDF
by hand. Provenance stays in the store and the JSON format; RDF carries the statements only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from cosy.domain import Triple
from cosy.kg import vocab

SCHEMA = Namespace(vocab.SCHEMA)
COSY = Namespace(vocab.COSY)
XSD = Namespace(vocab.XSD)

PREFIXES = {"schema": vocab.SCHEMA, "cosy": vocab.COSY, "xsd": vocab.XSD,
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
"""Compact names in prefixed datatypes (``xsd:decimal``) and the JSON-LD context."""

FORMATS = {"application/n-triples": "nt", "application/ld+json": "json-ld"}
"""Media type -> rdflib serialiser."""

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def iri(value: str) -> URIRef:
    """An IRI for a subject, predicate or entity object.

    Values that are already absolute IRIs (``urn:cosy:…``, ``https://schema.org/…``) are kept;
    a bare name (older triples, tests) becomes a ``cosy:`` term so that the output stays valid
    RDF instead of failing the export.
    """
    prefix, _, rest = value.partition(":")
    if prefix in PREFIXES and rest and not rest.startswith("//"):
        return URIRef(PREFIXES[prefix] + rest)
    if _ABSOLUTE_IRI.match(value):
        return URIRef(value)
    return URIRef(vocab.COSY + quote(value, safe=""))


def obj(triple: Triple) -> Node:
    """Entity objects are IRIs; literals keep ``Triple.datatype`` (expanded if prefixed)."""
    if triple.o_kind == "entity":
        return iri(triple.o)
    datatype = iri(triple.datatype) if triple.datatype else None
    if datatype is not None and str(datatype) == vocab.XSD + "string":
        datatype = None  # plain literals are xsd:string in RDF 1.1; omitting it reads better
    return Literal(triple.o, datatype=datatype)


def to_graph(triples: Iterable[Triple]) -> Graph:
    """The one Triple -> rdflib conversion used by the API (and the CLI)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace))
    for t in triples:
        graph.add((iri(t.s), iri(t.p), obj(t)))
    return graph


def serialize(triples: Iterable[Triple], media_type: str) -> str:
    """The triples as ``application/n-triples`` or ``application/ld+json`` text."""
    fmt = FORMATS[media_type]
    graph = to_graph(triples)
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=PREFIXES, auto_compact=True)
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
