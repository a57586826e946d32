"""Identifiers: IBAN, BIC, bank name, VAT ID, tax and register number, register court, SEPA
creditor ID and mandate reference (``fields.ids.<stage>.<kind>``).

Every kind goes candidates -> normalise -> validate -> context (the shared identifier
labels and page zones) -> role (the ``identifier_role`` model, where trained) -> select.
"""
