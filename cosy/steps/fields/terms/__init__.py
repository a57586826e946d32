"""Terms: validity, start date, monthly fee, prepaid amount and dunning fee
(``fields.terms.*``).
"""
