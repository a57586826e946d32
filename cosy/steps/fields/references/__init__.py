"""Buyer reference (EN 16931 BT-10, e.g. a Leitweg-ID) (``fields.references.*``)."""
