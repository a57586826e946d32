"""How two values of a field are compared: by what kind of value the field holds.

The same comparison decides whether the e-invoice XML agrees with the page (``fields.merge``)
and whether a prediction counts as the truth (``cosy eval``): names after case and punctuation
folding (legal forms stay significant), identifiers without spaces, amounts within half a cent,
dates exactly, addresses by postcode and city, currency codes case-blind.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Match = Literal["identifier", "code", "date", "amount", "name", "address"]

NAMES = {"seller_name", "buyer_name", "contact_person", "director", "bank_name"}
ADDRESSES = {"seller_address", "buyer_address"}
AMOUNTS = {"total_net", "total_tax", "total_gross", "amount_due", "monthly_fee", "prepaid_amount",
           "dunning_fee"}
DATES = {"issue_date", "due_date", "delivery_date", "valid_until", "start_date"}


def match_of(field: str) -> Match:
    """How values of ``field`` are compared."""
    if field in AMOUNTS:
        return "amount"
    if field in DATES:
        return "date"
    if field in ADDRESSES:
        return "address"
    if field in NAMES:
        return "name"
    if field == "currency":
        return "code"
    return "identifier"


def fold_text(text: str) -> str:
    """Case and punctuation folded, spaces collapsed: 'LIEFERANT GMBH.' == 'Lieferant GmbH'."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def as_decimal(value: Any) -> Decimal | None:
    """A value as a Decimal, None when it is no number."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _postcode(address: dict[str, Any]) -> str:
    """Postcode from either spelling: DESIGN's ``postal_code`` or the truth's ``postcode``."""
    code = address.get("postcode") or address.get("postal_code") or ""
    return re.sub(r"\s+", "", str(code)).upper()


def same_value(match: Match, expected: Any, got: Any) -> bool:
    """Whether ``got`` is the same value as ``expected`` for a field compared by ``match``."""
    if expected is None or got is None:
        return expected is None and got is None
    if match == "amount":
        e, g = as_decimal(expected), as_decimal(got)
        return e is not None and g is not None and abs(e - g) <= Decimal("0.005")
    if match == "date":
        return str(expected) == str(got)
    if match == "address":
        if not isinstance(expected, dict) or not isinstance(got, dict):
            return False
        return (_postcode(expected) == _postcode(got)
                and fold_text(expected.get("city", "")) == fold_text(got.get("city", "")))
    if match == "name":
        return fold_text(expected) == fold_text(got)
    if match == "code":
        return str(expected).strip().upper() == str(got).strip().upper()
    return re.sub(r"\s+", "", str(expected)) == re.sub(r"\s+", "", str(got))


def values_match(field: str, expected: Any, got: Any) -> bool:
    """Whether a predicted value counts as the truth value for ``field``."""
    return same_value(match_of(field), expected, got)
