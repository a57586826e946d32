"""Values linked to fields by their labels, read by the ``field_label`` model.

The families decide each field by their rules (label lexicons, positions, role models). Where
they select nothing, a value whose label the model reads as the field is linked to it: a label
in words no lexicon lists ('Inv. Ref.'), a label the OCR misread ('Involce No.'). The model's
probability is the link's confidence; below ``LINK_MIN`` nothing is linked. The label is what
the mention's family found left of the value, or, for values that stand alone under it, the
column header above (never for amounts, whose column headers are the line items').
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cosy.domain import FieldValue, Mention
from cosy.engine.step import StepContext, step
from cosy.inference.label_features import label_features
from cosy.inference.registry import run_classifier
from cosy.steps.fields.doc_kinds import ISSUER_IS_BUYER

FIELD_LABEL_MODEL = "field_label@1.0"
LINK_MIN = 0.7
"""The model's probability a label must reach for its value to be linked to the field."""
LINKS: dict[str, tuple[str, str]] = {
    # label class -> (the mention kind it links, the result field)
    "invoice_number": ("doc_number", "invoice_number"),
    "customer_number": ("doc_number", "customer_number"),
    "order_reference": ("doc_number", "order_number"),
    "issue_date": ("date", "issue_date"),
    "due_date": ("date", "due_date"),
    "delivery_date": ("date", "delivery_date"),
    "total_gross": ("amount", "total_gross"),
    "total_net": ("amount", "total_net"),
    "total_tax": ("amount", "total_tax"),
    "amount_due": ("amount", "amount_due"),
    "seller_vat_id": ("vat_id", "seller_vat_id"),
    "seller_tax_number": ("tax_number", "seller_tax_number"),
    "iban": ("iban", "iban"),
    "bic": ("bic", "bic"),
}
PARTY_IDENTIFIERS = frozenset({"seller_vat_id", "seller_tax_number", "iban", "bic"})
"""Linked fields whose printed value is the seller's: a value another field already holds (the
issuer's VAT ID under a bare 'VAT ID' label, chosen as the buyer's on an order) is not linked,
and none is linked on a document the buyer writes, where a bare label names the buyer's."""
LABEL_CHARS = 40  # the label's last characters: a long line left of a value says little more


def label_texts(kind: str, m: Mention) -> list[str]:
    """The texts that may label a mention: its label, and (not for amounts, and only where no
    label stands left of it) the header above it."""
    texts = [(m.label or "")[-LABEL_CHARS:].strip()]
    header = getattr(m, "header", "") or ""
    if kind != "amount" and not texts[0] and header:
        texts.append(header[-LABEL_CHARS:].strip())
    return [t for t in texts if t]


def mention_of(item: Any) -> Mention:
    """A family's context item as its Mention (identifier contexts wrap theirs)."""
    return getattr(item, "mention", item)


Reading = tuple[int, tuple[float, float, float, float], str, float]
"""What the model reads a value's label as: (page, the value's box, field, probability)."""
AGREE_MIN = 0.5
"""A label read as a field with this probability speaks for (or against) a value's field."""


def readings(mentions: Sequence[tuple[str, Mention]], labels: Sequence[str], probs: Any,
             texts_of: Sequence[int]) -> list[Reading]:
    """Per mention with a label, the field the model reads its label as (its most probable
    text's), as the result names fields ('order_number')."""
    best: dict[int, tuple[str, float]] = {}
    for row, k in zip(probs, texts_of, strict=True):
        top = int(row.argmax())
        if k not in best or float(row[top]) > best[k][1]:
            best[k] = (labels[top], float(row[top]))
    out = []
    for k, (label, p) in best.items():
        m = mentions[k][1]
        field = LINKS[label][1] if label in LINKS else label
        out.append((m.page, tuple(m.bbox), field, round(p, 4)))
    return out


def label_agrees(f: FieldValue, found: Sequence[Reading]) -> bool | None:
    """Whether the model reads the label of the value a field holds as that field: True, False
    (as another field), None (no label, or read as no field or with little certainty)."""
    for page, bbox, field, p in found:
        if page == f.page and f.bbox is not None and tuple(f.bbox) == bbox and p >= AGREE_MIN:
            if field == f.name:
                return True
            return None if field == "none" else False
    return None


def link_values(mentions: Sequence[tuple[str, Mention]], labels: Sequence[str],
                probs: Any, texts_of: Sequence[int]) -> dict[str, FieldValue]:
    """Per result field, the first value (in reading order) whose label the model reads as it
    with the highest probability at or above ``LINK_MIN``. ``texts_of[i]`` is the mention each
    probability row belongs to."""
    best: dict[str, tuple[float, int, Mention]] = {}
    for row, k in zip(probs, texts_of, strict=True):
        kind, m = mentions[k]
        top = int(row.argmax())
        label, p = labels[top], float(row[top])
        link = LINKS.get(label)
        if link is None or link[0] != kind or p < LINK_MIN:
            continue
        field = link[1]
        if field not in best or (p, -k) > (best[field][0], -best[field][1]):
            best[field] = (p, k, m)
    return {field: FieldValue(field, m.value, round(p, 4), m.page, m.bbox, m.span,
                              "fields.labels.link", FIELD_LABEL_MODEL, label_agrees=True)
            for field, (p, _k, m) in best.items()}


@step("fields.labels.link", scope="document",
      requires=["page.date.context", "page.amount.context", "page.doc_number.context",
                "page.vat_id.context", "page.tax_number.context", "page.iban.context",
                "page.bic.context", "doc.title_kind"],
      provides=["doc.label.links", "doc.label.readings"], model=FIELD_LABEL_MODEL)
def link(page_date_context: list[list[Any]], page_amount_context: list[list[Any]],
         page_doc_number_context: list[list[Any]], page_vat_id_context: list[list[Any]],
         page_tax_number_context: list[list[Any]], page_iban_context: list[list[Any]],
         page_bic_context: list[list[Any]], doc_title_kind: str | None,
         ctx: StepContext) -> tuple[dict[str, FieldValue], list[Reading]]:
    """Fields linked to values by their labels, and what the model reads each value's label
    as (``fields.merge`` marks whether it agrees with the field the rules chose); one batch
    through the model per document."""
    by_kind = {"date": page_date_context, "amount": page_amount_context,
               "doc_number": page_doc_number_context, "vat_id": page_vat_id_context,
               "tax_number": page_tax_number_context, "iban": page_iban_context,
               "bic": page_bic_context}
    mentions = [(kind, mention_of(item)) for kind, pages in by_kind.items()
                for page in pages for item in page]
    texts, texts_of = [], []
    for k, (kind, m) in enumerate(mentions):
        for text in label_texts(kind, m):
            texts.append(text)
            texts_of.append(k)
    if not texts:
        return {}, []
    spec = ctx.resources.model(FIELD_LABEL_MODEL)
    probs = run_classifier(spec, ctx.resources.session(FIELD_LABEL_MODEL),
                           label_features(texts, spec.features))
    links = link_values(mentions, spec.labels, probs, texts_of)
    if doc_title_kind in ISSUER_IS_BUYER:
        links = {name: f for name, f in links.items() if name not in PARTY_IDENTIFIERS}
    return links, readings(mentions, spec.labels, probs, texts_of)
