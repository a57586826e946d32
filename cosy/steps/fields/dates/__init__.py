"""Dates: issue, delivery and due date and the service period (``fields.dates.*``).

Sources per way of writing a date -> normalise -> validate -> context -> role words per
language (cues) and the ``date_role`` model -> one select step per field.
"""
