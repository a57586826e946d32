"""Title: what the document calls itself, read from page 1 (``fields.title.*``)."""
