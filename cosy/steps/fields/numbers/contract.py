"""Contract reference (EN 16931 BT-12): the contract a document is issued under.

An invoice, reminder or order that rests on a contract prints its number ('Vertragsnummer',
'Sachversicherungsvertrag Nr.', 'Contract No.', 'Contrat n°'). It is a number whose label names a
contract beside the document's own number. A contract's own number is no reference, so a
contract has none, and neither has a document whose own number is unknown: its one contract
number may be its own.
"""

from __future__ import annotations

import re

from cosy.domain import FieldValue, Mention
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, XSD
from cosy.steps.fields.common import flatten, selected
from cosy.steps.xml_tree import CII_AGREEMENT

CONTRACT_REFERENCE_FIELD = field_spec(
    "contract_reference", "identifier", "the contract the document is issued under",
    bt="BT-12", scored=True, predicate=COSY + "contractReference", datatype=XSD + "string",
    cii=(*CII_AGREEMENT, "ContractReferencedDocument", "IssuerAssignedID"),
    ubl=("ContractDocumentReference", "ID"))
STEP = "fields.numbers.select.contract_reference"
CONTRACT_LABEL = re.compile(
    r"(?:vertrag|agreement|contract|contrat)\w*[\s_.-]*"
    r"(?:nr|no|nummer|number|ref|reference|id|n°|nº|#)?\.?\s*:?\s*$"
    r"|(?:n°|nº|numéro|numero)\s*(?:de\s+|du\s+)?contrat\s*:?\s*$", re.I)
"""A label that ends in a contract word and its number word ('Vertragsnummer', 'Contract No.',
'Agreement Ref.', 'N° de contrat'): a contract word earlier in a label names something else
('Reason AGREEMENT AL: Base Code')."""
CONFIDENCE = 0.8


def pick_contract_reference(numbers: list[Mention], own: FieldValue | None,
                            title: str | None) -> FieldValue | None:
    """The first number whose label ends in a contract's number word, beside the document's
    own number."""
    if title == "contract" or own is None:
        return None  # a contract's number is its own; without an own number it may be
    found = [m for m in numbers
             if getattr(m, "doc_kind", None) == "contract" and m.value != own.value
             and CONTRACT_LABEL.search((m.label or "")[-50:])]
    if not found:
        return None
    m = found[0]
    return FieldValue("contract_reference", m.value, CONFIDENCE, m.page, m.bbox, m.span, STEP,
                      m.model)


@step(STEP, scope="document",
      requires=["page.doc_number.role", "doc.field.invoice_number", "doc.title_kind"],
      provides=["doc.field.contract_reference"])
def select_contract_reference(page_doc_number_role: list[list[Mention]],
                              doc_field_invoice_number: dict[str, FieldValue],
                              doc_title_kind: str | None) -> dict[str, FieldValue]:
    """The contract the document is issued under, never its own number."""
    return selected(pick_contract_reference(flatten(page_doc_number_role),
                                            doc_field_invoice_number.get("invoice_number"),
                                            doc_title_kind))
