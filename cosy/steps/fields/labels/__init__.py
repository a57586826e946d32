"""Label links (``fields.labels.*``): the ``field_label`` model reads the labels of a document's
date, amount, number and identifier mentions, and links a value to a field the families' rules
left empty."""
