"""Merge: each family's selected fields into the one ``doc.fields`` artifact of DESIGN §8.

Each family selects its own fields (``fields.<kind>.select`` -> ``doc.field.<kind>``); this step
only joins them, so a family can be replaced (a trained role model) without touching the others.
"""

from __future__ import annotations

from cosy.domain import FieldValue
from cosy.engine.step import step


@step("fields.merge", scope="document",
      requires=["doc.field.date", "doc.field.amount", "doc.field.doc_number",
                "doc.field.tax_id", "doc.field.currency", "doc.field.party"],
      provides=["doc.fields"])
def merge_fields(doc_field_date: dict[str, FieldValue], doc_field_amount: dict[str, FieldValue],
                 doc_field_doc_number: dict[str, FieldValue],
                 doc_field_tax_id: dict[str, FieldValue],
                 doc_field_currency: dict[str, FieldValue],
                 doc_field_party: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """All selected fields; a field no family found is absent, never guessed."""
    fields: dict[str, FieldValue] = {}
    for part in (doc_field_doc_number, doc_field_date, doc_field_currency, doc_field_amount,
                 doc_field_party, doc_field_tax_id):
        fields.update(part)
    return fields
