"""Graph assembly: entities per type, their literal triples, relations, and the joined graph.

Entity steps (``graph.<type>``) make nodes with stable ids from canonical keys; literal steps
(``graph.<type>_literals``) state what the document says about each node; relation steps
(``relations.<name>``) link nodes; ``graph.entities`` and ``graph.triples`` join them for the
result and the store. Each step reads the selected fields (``doc.fields``).
"""
