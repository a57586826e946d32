"""Merge: each family's selected fields into the one ``doc.fields`` artifact of DESIGN §8.

Each family selects its own fields (``fields.<family>.select.*`` -> ``doc.field.<name>``); this
step joins every ``doc.field.*`` artifact the pipeline has (the engine expands the pattern at
load), so a family can be added or replaced without touching it. The e-invoice XML's values join
in for the fields whose spec says the XML carries them, compared as the spec says.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cosy.domain import FieldValue
from cosy.engine.step import step
from cosy.fieldspec import FieldSpec, same_value
from cosy.steps.einvoice import XML_CONFIDENCE, xml_field
from cosy.steps.fields.labels.link import PARTY_IDENTIFIERS, Reading, label_agrees
from cosy.steps.fields.payment.codes import code_name


@step("fields.merge", scope="document",
      requires=["doc.field.*", "doc.label.links", "doc.label.readings", "doc.xml.fields",
                "field_specs"],
      provides=["doc.fields.merged"])
def merge_fields(doc_label_links: dict[str, FieldValue], doc_label_readings: list[Reading],
                 doc_xml_fields: dict[str, Any], field_specs: tuple[FieldSpec, ...],
                 **selected: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """All selected fields (each marked whether the ``field_label`` model reads its label as
    that field), a value linked by its label where the families selected none
    (``fields.labels.link``), and the e-invoice XML's where it has them; a field nobody found
    is absent, never guessed. The consistency checks (``consistency.*``) come next."""
    fields: dict[str, FieldValue] = {}
    for found in selected.values():
        fields.update(found)
    fields = {name: replace(f, label_agrees=label_agrees(f, doc_label_readings))
              for name, f in fields.items()}
    held = {(f.page, tuple(f.bbox)) for f in fields.values() if f.bbox is not None}
    for name, linked in doc_label_links.items():
        if name in PARTY_IDENTIFIERS and (linked.page, tuple(linked.bbox or ())) in held:
            continue  # one party's identifier: the rules gave it to another field
        fields.setdefault(name, linked)
    merge_xml(fields, doc_xml_fields, field_specs)
    return fields


def merge_xml(fields: dict[str, FieldValue], xml: dict[str, Any],
              specs: tuple[FieldSpec, ...]) -> None:
    """Join the attachment's fields into the page's: an agreeing page value stays (it has a box)
    and gains the XML's confidence; a missing or disagreeing one is the XML's (source "xml")."""
    for spec in specs:
        if not spec.from_xml or spec.name not in xml:
            continue
        page = fields.get(spec.name)
        if page is not None and same_value(spec.match, xml[spec.name], page.value):
            page.confidence = max(page.confidence, XML_CONFIDENCE)
        else:
            fields[spec.name] = xml_field(spec.name, xml[spec.name])
    means = fields.get("payment_means")
    if means is not None and means.source == "xml":  # the name follows the XML's code
        fields["payment_means_name"] = xml_field("payment_means_name", code_name(str(means.value)))
