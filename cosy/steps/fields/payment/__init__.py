"""Payment: terms (days, discount) and payment means (UNTDID 4461)
(``fields.payment.<stage>.terms`` / ``.means``).
"""
