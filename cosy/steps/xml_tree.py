"""Reading invoice XML by local element names, so that every namespace variant reads the same."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from cosy.fieldspec import FieldSpec

CII_DOCUMENT = ("ExchangedDocument",)
CII_TRADE = ("SupplyChainTradeTransaction",)
CII_AGREEMENT = (*CII_TRADE, "ApplicableHeaderTradeAgreement")
CII_DELIVERY = (*CII_TRADE, "ApplicableHeaderTradeDelivery")
CII_SETTLEMENT = (*CII_TRADE, "ApplicableHeaderTradeSettlement")
CII_SUMS = (*CII_SETTLEMENT, "SpecifiedTradeSettlementHeaderMonetarySummation")
CII_MEANS = (*CII_SETTLEMENT, "SpecifiedTradeSettlementPaymentMeans")
CII_TERMS = (*CII_SETTLEMENT, "SpecifiedTradePaymentTerms")
"""Where a CII invoice keeps its header parts, from the root (field specs name their paths)."""
UBL_SUMS = ("LegalMonetaryTotal",)
UBL_MEANS = ("PaymentMeans",)


def local(tag: str) -> str:
    """'{urn:...}Name' -> 'Name'."""
    return tag.rsplit("}", 1)[-1]


def child(node: ET.Element | None, *path: str) -> ET.Element | None:
    """The first descendant along ``path`` of local names (direct children at each step)."""
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if local(c.tag) == name), None)
    return node


def children(node: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if node is None else [c for c in node if local(c.tag) == name]


def text(node: ET.Element | None, *path: str) -> str | None:
    found = child(node, *path)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def amount(node: ET.Element | None, *path: str) -> str | None:
    raw = text(node, *path)
    try:
        return f"{Decimal(raw):.2f}" if raw is not None else None
    except InvalidOperation:
        return None


def quantity(node: ET.Element | None) -> str | None:
    """A quantity element's value without trailing zeros ('20.0000' -> '20')."""
    if node is None or not node.text:
        return None
    try:
        return format(Decimal(node.text.strip()).normalize(), "f")
    except InvalidOperation:
        return None


def nonzero(value: str | None) -> str | None:
    """An amount only where it says something: a prepaid amount of 0.00 is no prepayment."""
    return value if value is not None and Decimal(value) != 0 else None


def one_category(codes: Iterable[str | None]) -> str | None:
    """The document's VAT category (UNTDID 5305) when all its tax subtotals share one."""
    found = {c for c in codes if c}
    return found.pop() if len(found) == 1 else None


def spec_values(root: ET.Element, specs: Iterable[FieldSpec], syntax: str,
                read_date: Callable[..., str | None]) -> dict[str, Any]:
    """The fields whose spec names where ``syntax`` (CII or UBL) carries them, each read by its
    kind: a date by the syntax's ``read_date``, an amount to two decimals, else the text."""
    out: dict[str, Any] = {}
    for spec in specs:
        path = spec.cii if syntax == "CII" else spec.ubl
        if path is None:
            continue
        if spec.kind == "date":
            out[spec.name] = read_date(root, *path)
        elif spec.kind == "amount":
            out[spec.name] = amount(root, *path)
        else:
            out[spec.name] = text(root, *path)
    return out
