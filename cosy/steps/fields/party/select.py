"""Seller and buyer: the ``party_role`` model over all blocks, then one block per role.

``fields.party.role`` classifies every party block of the document in one batch (seller,
buyer or other: delivery address, payee, bank, another party); the model reads the title kind,
so an order's letterhead is the buyer's. ``fields.party.assign`` picks the best block per role:
the position and heading rules score a block as a reader would; where they admit no block for a
role, the model's choice stands; the model's probability for the role is the fields'
confidence (a calibrated number instead of a constant); never the same party twice. One select
step per field (``fields.party.select.seller_name`` ...) makes its FieldValue with its own box: the
name's line, the address block, the legal form's words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from cosy.domain import FieldValue
from cosy.engine.step import StepContext, step
from cosy.fieldspec import field_spec
from cosy.inference.registry import run_classifier
from cosy.kg.vocab import COSY, SCHEMA, XSD
from cosy.steps.fields.doc_kinds import ISSUER_IS_BUYER
from cosy.steps.fields.party.features import party_features
from cosy.steps.fields.party.model import PartyBlock
from cosy.steps.fields.party.names import LetterheadName
from cosy.steps.fields.party.scores import buyer_score, seller_score

PARTY_ROLE_MODEL = "party_role@1.0"
FALLBACK_MIN = 0.5
"""Where no heading or position rule admits any block for a role, the block the model rates
most probable for it takes the role if it reaches this probability. The rules otherwise decide,
since on real documents they pick better than the model trained on generated ones
(docs/decisions.md, F3); the model's probability is the fields' confidence either way."""

RoleProbs = dict[str, float]
LETTERHEAD_ONLY = 0.5
"""Confidence of a writer known only by the name its letterhead prints large."""


@dataclass(frozen=True, slots=True)
class Assigned:
    """The block chosen for a role, how sure the choice is and whether the model made it."""

    block: PartyBlock
    confidence: float
    model: str | None


def _name_from_twin(chosen: PartyBlock, blocks: list[PartyBlock], foreign: str) -> PartyBlock:
    """A block without a name borrows it from a named block with its postcode (letterhead,
    footer) that no heading gives to the other party."""
    if chosen.name is not None:
        return chosen
    twin = next((b for b in blocks if b.name and b.postal_code == chosen.postal_code
                 and b.hint not in (foreign, "other")), None)
    if twin is None:
        return chosen
    return replace(chosen, name=twin.name, legal_form=twin.legal_form, person=twin.person,
                   name_bbox=twin.name_bbox, legal_form_bbox=twin.legal_form_bbox,
                   legal_form_span=twin.legal_form_span)


def _name_from_letterhead(chosen: PartyBlock, letterhead: list[LetterheadName]) -> PartyBlock:
    """The writer's block without a name takes the name its letterhead prints large."""
    if chosen.name is not None or not letterhead:
        return chosen
    top = letterhead[0]
    return replace(chosen, name=top.text, legal_form=top.legal_form, name_bbox=top.bbox)


def assign_parties(blocks: list[PartyBlock], title: str | None = None,
                   roles: list[RoleProbs] | None = None,
                   letterhead: list[LetterheadName] | None = None) -> dict[str, Assigned]:
    """Seller and buyer: the pair of blocks that fits both roles best, never one party twice.

    Headings (Verkäufer, Bill to) name roles outright; without one, position does: the writer's
    letterhead is the seller's, except on an order, which the buyer writes. Both roles are
    decided together: a block that fits the addressee far better than the writer (the address
    window) goes to the addressee even where it is the writer's only candidate. The model (when
    given) decides where no rule admits a block for a role, and its probability for the role is
    the confidence.
    """
    out: dict[str, Assigned] = {}
    swap = title in ISSUER_IS_BUYER
    issuer = "buyer" if swap else "seller"
    probs = roles or [{} for _ in blocks]
    model = PARTY_ROLE_MODEL if roles else None

    def options(role: str, score: Any) -> list[tuple[float, int, PartyBlock, RoleProbs]]:
        found, fallback = [], []
        for k, (b, p) in enumerate(zip(blocks, probs, strict=True)):
            s = score(b, swap)
            if s is not None:
                found.append((s, -k, b, p))
            elif p.get(role, 0.0) >= FALLBACK_MIN:
                fallback.append((p[role], -k, b, p))
        return found or fallback

    def named(role: str, b: PartyBlock, foreign: str) -> PartyBlock:
        b = _name_from_twin(b, blocks, foreign)
        return _name_from_letterhead(b, letterhead or []) if role == issuer else b

    def confidence(role: str, b: PartyBlock, p: RoleProbs) -> float:
        rule = 0.9 if b.hint == role else 0.6
        return p.get(role, rule) if p.get(role) is not None else rule

    sellers = [*options("seller", seller_score), None]
    buyers = [*options("buyer", buyer_score), None]
    best_key, best_pair = None, (None, None)
    for s_opt in sellers:
        seller = named("seller", s_opt[2], "buyer") if s_opt else None
        for b_opt in buyers:
            if s_opt and b_opt and (b_opt[2] is s_opt[2] or (b_opt[2].postal_code, b_opt[2].name)
                                    == (seller.postal_code, seller.name)):
                continue
            key = (bool(s_opt) + bool(b_opt), (s_opt[0] if s_opt else 0.0)
                   + (b_opt[0] if b_opt else 0.0), s_opt[:2] if s_opt else (0.0, 0),
                   b_opt[:2] if b_opt else (0.0, 0))
            if best_key is None or key > best_key:
                best_key, best_pair = key, (s_opt, b_opt)
    s_opt, b_opt = best_pair
    if s_opt is not None:
        out["seller"] = Assigned(named("seller", s_opt[2], "buyer"),
                                 confidence("seller", s_opt[2], s_opt[3]), model)
    if b_opt is not None:
        out["buyer"] = Assigned(named("buyer", b_opt[2], "seller"),
                                confidence("buyer", b_opt[2], b_opt[3]), model)
    if issuer not in out and letterhead:
        top = letterhead[0]  # the writer without an address block: the name printed large
        out[issuer] = Assigned(PartyBlock(1, top.bbox, "", "", name=top.text, hint="sender",
                                          source="letterhead", legal_form=top.legal_form,
                                          name_bbox=top.bbox), LETTERHEAD_ONLY, None)
    return out


@step("fields.party.role", scope="document",
      requires=["page.party_block.valid", "page.party_block.context", "doc.title_kind",
                "doc_info"],
      provides=["doc.party_block.roles"], model=PARTY_ROLE_MODEL)
def party_block_role(page_party_block_valid: list[list[PartyBlock]],
                     page_party_block_context: list[list[dict[str, float]]],
                     doc_title_kind: str | None, doc_info: Any,
                     ctx: StepContext) -> list[RoleProbs]:
    """Seller/buyer/other probabilities of every block of the document, in one batch."""
    blocks = [b for page in page_party_block_valid for b in page]
    if not blocks:
        return []
    contexts = [c for page in page_party_block_context for c in page]
    spec = ctx.resources.model(PARTY_ROLE_MODEL)
    x = party_features(blocks, contexts, doc_title_kind, doc_info.pages)
    probs = run_classifier(spec, ctx.resources.session(PARTY_ROLE_MODEL), x)
    return [{lab: round(float(p), 4) for lab, p in zip(spec.labels, row, strict=True)}
            for row in probs]


@step("fields.party.assign", scope="document",
      requires=["page.party_block.valid", "doc.party_block.roles", "doc.title_kind",
                "page.org_name.letterhead"],
      provides=["doc.party.assignment"])
def assign_party_blocks(page_party_block_valid: list[list[PartyBlock]],
                        doc_party_block_roles: list[RoleProbs], doc_title_kind: str | None,
                        page_org_name_letterhead: list[list[LetterheadName]],
                        ) -> dict[str, Assigned]:
    """The seller's and the buyer's block among all pages' blocks."""
    blocks = [b for page in page_party_block_valid for b in page]
    return assign_parties(blocks, doc_title_kind, doc_party_block_roles or None,
                          [n for page in page_org_name_letterhead for n in page])


def _name(role: str, a: Assigned) -> FieldValue | None:
    b = a.block
    if not b.name:
        return None
    return FieldValue(f"{role}_name", b.name, a.confidence, b.page, b.name_bbox or b.bbox, None,
                      f"fields.party.select.{role}_name", a.model)


def _address(role: str, a: Assigned) -> FieldValue | None:
    b = a.block
    if not b.postal_code:
        return None  # a name without an address (the writer's letterhead alone)
    return FieldValue(f"{role}_address", b.address(), a.confidence, b.page, b.bbox, None,
                      f"fields.party.select.{role}_address", a.model)


def _legal_form(role: str, a: Assigned) -> FieldValue | None:
    b = a.block
    if not (b.name and b.legal_form):
        return None
    return FieldValue(f"{role}_legal_form", b.legal_form, a.confidence, b.page,
                      b.legal_form_bbox or b.name_bbox or b.bbox, b.legal_form_span,
                      f"fields.party.select.{role}_legal_form", a.model)


SELECTORS = {"name": _name, "address": _address, "legal_form": _legal_form}
"""Per part of a party, the FieldValue it makes of the assigned block (its own box and span)."""


SELLER_NAME_FIELD = field_spec(
    "seller_name", "party", "the seller's name", bt="BT-27", match="name", scored=True,
    subject="seller", predicate=SCHEMA + "name", datatype=XSD + "string", xml=True)
SELLER_ADDRESS_FIELD = field_spec(
    "seller_address", "party", "the seller's postal address", bt="BG-5", match="address",
    scored=True, subject="node", xml=True)
SELLER_LEGAL_FORM_FIELD = field_spec(
    "seller_legal_form", "code", "the legal form in the seller's name", subject="seller",
    predicate=COSY + "legalForm", datatype=XSD + "string")
BUYER_NAME_FIELD = field_spec(
    "buyer_name", "party", "the buyer's name", bt="BT-44", match="name", scored=True,
    subject="buyer", predicate=SCHEMA + "name", datatype=XSD + "string", xml=True)
BUYER_ADDRESS_FIELD = field_spec(
    "buyer_address", "party", "the buyer's postal address", bt="BG-8", match="address", scored=True,
    subject="node", xml=True)
BUYER_LEGAL_FORM_FIELD = field_spec(
    "buyer_legal_form", "code", "the legal form in the buyer's name", subject="buyer",
    predicate=COSY + "legalForm", datatype=XSD + "string")


@step("fields.party.select.{variant}", scope="document", requires=["doc.party.assignment"],
      provides=["doc.field.{variant}"], variants={
          "seller_name": {"role": "seller", "part": "name"},
          "seller_address": {"role": "seller", "part": "address"},
          "seller_legal_form": {"role": "seller", "part": "legal_form"},
          "buyer_name": {"role": "buyer", "part": "name"},
          "buyer_address": {"role": "buyer", "part": "address"},
          "buyer_legal_form": {"role": "buyer", "part": "legal_form"},
      })
def select_party_field(doc_party_assignment: dict[str, Assigned], *, role: str,
                       part: str) -> dict[str, FieldValue]:
    """The {role}'s {part} from its assigned block."""
    a = doc_party_assignment.get(role)
    value = SELECTORS[part](role, a) if a is not None else None
    return {value.name: value} if value is not None else {}
