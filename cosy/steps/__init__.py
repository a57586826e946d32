"""COSY's ETL steps, one module per family; importing this package registers them all."""

from cosy.steps import fields, graph, layout, parse, result, text  # noqa: F401
