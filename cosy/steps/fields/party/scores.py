"""How well a block fits the seller or the buyer, as a reader would judge it.

The writer of a document prints their block as letterhead, sender line or footer; the addressee
stands in the address window or under a heading naming the role. The ``party_role`` model reads
these scores as features and ``fields.party.assign`` decides with them.
"""

from __future__ import annotations

from cosy.steps.fields.party.model import PartyBlock
from cosy.steps.fields.party_words import LEGAL_FORM

NARROW_TEXT = 340.0
"""Points: text narrower than this (a receipt, a till slip) is no letter and has no window."""


def in_window(b: PartyBlock) -> bool:
    """The address window of a letter: left half, between a tenth and two fifths down page 1
    of a page whose text is as wide as a letter's."""
    return b.page == 1 and b.x < 0.5 and 0.1 < b.y < 0.4 and b.text_width >= NARROW_TEXT


def issuer_score(b: PartyBlock, own: str, other: str) -> float | None:
    """How well a block fits the writer of the document (letterhead, sender line, footer)."""
    if b.hint in (other, "other"):
        return None
    score = {own: 10.0, "sender": 5.0}.get(b.hint or "", 1.0 if in_window(b) else 4.0)
    return score + _name_score(b)


def recipient_score(b: PartyBlock, own: str, other: str) -> float | None:
    """How well a block fits the addressee (the address window, or a heading naming the role)."""
    if b.hint in (other, "other", "sender"):
        return None
    score = 10.0 if b.hint == own else 6.0 if in_window(b) else 3.0
    return score + (_name_score(b) if b.name else -3.0)


def seller_score(b: PartyBlock, issuer_is_buyer: bool = False) -> float | None:
    if issuer_is_buyer:
        return recipient_score(b, "seller", "buyer")
    return issuer_score(b, "seller", "buyer")


def buyer_score(b: PartyBlock, issuer_is_buyer: bool = False) -> float | None:
    if issuer_is_buyer:
        return issuer_score(b, "buyer", "seller")
    return recipient_score(b, "buyer", "seller")


def _name_score(b: PartyBlock) -> float:
    if not b.name:
        return -3.0
    return (1.5 if LEGAL_FORM.search(b.name) else 0.0) - (2.0 if b.page > 1 else 0.0)
