"""Role steps of the identifier families: whose IBAN, VAT ID, tax or register number it is.

Each runs the ``identifier_role`` model on all of a page's mentions of its kind in one batch and
returns one ``{"seller": p, "buyer": p, "other": p}`` per mention, aligned with the family's
context list. The select steps combine these probabilities with explicit labels.
"""

from __future__ import annotations

from typing import Any

from cosy.domain import FieldValue
from cosy.engine.step import StepContext, each, step
from cosy.inference.registry import run_classifier
from cosy.steps.fields.ids.common import (
    IdContext,
    field_value,
    labelled_party,
    party_score,
    rule_roles,
)
from cosy.steps.fields.ids.features import identifier_features

IDENTIFIER_ROLE_MODEL = "identifier_role@1.0"

RoleProbs = dict[str, float]


def classify_identifiers(ctx: StepContext, contexts: list[IdContext], title: str | None,
                         page_no: int, pages: int) -> list[RoleProbs]:
    """Role probabilities of a page's identifier mentions (one ``session.run``)."""
    if not contexts:
        return []
    spec = ctx.resources.model(IDENTIFIER_ROLE_MODEL)
    x = identifier_features(contexts, title, page_no, pages, spec.features)
    probs = run_classifier(spec, ctx.resources.session(IDENTIFIER_ROLE_MODEL), x)
    return [{lab: round(float(p), 4) for lab, p in zip(spec.labels, row, strict=True)}
            for row in probs]


Pick = tuple[IdContext, float, bool]


def pick_party(contexts: list[IdContext], probs: list[RoleProbs] | None, role: str,
               title: str | None, keep: list[int] | None = None) -> Pick | None:
    """The mention most surely ``role``'s: (context, score, decided by the model) or None.

    An explicit label decides; otherwise the model's probability must reach one half (without
    probabilities, the rule of :func:`rule_roles`). Among the sure ones, a valid checksum beats
    a misprint and the model's certainty breaks ties. ``keep``: the indices to choose from.
    """
    best = None
    for i in range(len(contexts)) if keep is None else keep:
        c = contexts[i]
        p = probs[i] if probs is not None and not unseen_by_model(c) else rule_roles(c, title)
        score = party_score(c, p, role, title)
        if score < 0.5:
            continue
        key = (score >= 0.9, c.mention.confidence, score, -i)
        if best is None or key > best[0]:
            best = (key, c, score, probs is not None and labelled_party(c, title) is None
                    and not unseen_by_model(c))
    return None if best is None else best[1:]


UNSEEN_SOURCES = ("fields.ids.candidates.vat_id.labelled",)
"""Sources of identifiers the role model was not trained on (registrations of non-EU shapes):
whose they are, the rule says (the writer's, unless a label or section names a party)."""


def unseen_by_model(c: IdContext) -> bool:
    """Whether a mention is of a kind the role model has not learnt to place."""
    return c.mention.step in UNSEEN_SOURCES


def role_field(name: str, found: Pick | None, step_name: str) -> dict[str, FieldValue]:
    """The field a pick fills; a model's pick carries the model and its probability."""
    if found is None:
        return {}
    c, score, by_model = found
    return {name: field_value(name, c.mention, c.mention.confidence * (score if by_model else 1),
                              step_name, IDENTIFIER_ROLE_MODEL if by_model else None)}


@step("fields.ids.role.{kind}", scope="page",
      requires=["page.{kind}.context", "doc.title_kind", "page_no", "doc_info"],
      provides=["page.{kind}.roles"], model=IDENTIFIER_ROLE_MODEL,
      variants=each("kind", "iban", "vat_id", "tax_number", "register_number"))
def identifier_role(doc_title_kind: str | None, page_no: int, doc_info: Any, ctx: StepContext,
                    *, kind: str, **context: list[IdContext]) -> list[RoleProbs]:
    """Seller/buyer/other probabilities of the page's {kind} mentions, one batch."""
    return classify_identifiers(ctx, context[f"page_{kind}_context"], doc_title_kind, page_no,
                                doc_info.pages)
