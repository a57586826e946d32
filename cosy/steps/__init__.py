"""COSY's ETL steps, one module per family; importing this package registers them all."""

from cosy.steps import (  # noqa: F401
    classify,
    consistency,
    einvoice,
    fields,
    graph,
    layout,
    lineitems,
    ocr,
    parse,
    result,
    text,
)
