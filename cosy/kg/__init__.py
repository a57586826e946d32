"""The knowledge graph: vocabulary, entity ids, triples."""
