"""COSY's ETL steps, one module per family; importing this package registers them all."""

from cosy.steps import (  # noqa: F401
    classify,
    consistency,
    consistency_payment,
    consistency_tax,
    consistency_terms,
    einvoice,
    fields,
    graph,
    layout,
    layout_blocks,
    layout_classes,
    layout_features,
    layout_regions,
    lineitems,
    ner,
    nlp,
    ocr,
    parse,
    result,
    text,
)
