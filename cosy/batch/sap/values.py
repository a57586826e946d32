"""An exported cell: its value, the statements it was chosen from, and a note on how."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cosy.batch.sap.evidence import Variant
from cosy.batch.sap.graph import Stated


@dataclass
class Value:
    value: Any  # str, datetime.date or decimal.Decimal; "" or None for nothing
    stated: list[Stated] = field(default_factory=list)
    note: str = ""


Record = dict[str, Value]
"""One row of a structure: technical field name -> value."""


def chosen(v: Variant | None, total: int, show: Any = None) -> Value:
    """The chosen variant as a cell, its statements as provenance."""
    if v is None:
        return Value("")
    return Value(v.value if show is None else show, v.stated, v.why(total))


def mapped(value: Any, key: str) -> Value:
    """A value the mapping file gives (not found in any document)."""
    return Value(value, [], f"mapping: {key}" if value != "" else f"mapping: {key} not set")


def sap_text(value: Any) -> str:
    """A value as SAP holds it (dates YYYYMMDD): what a field's length limits."""
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    return cell_text(value)


def cell_text(value: Any) -> str:
    """A value as CSV and provenance sheets show it (dates ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def check(structure: str, row: int, name: str, length: int | None, mandatory: bool,
          text: str) -> dict[str, Any] | None:
    """A violation of a field's length or importance, or None (values are never cut)."""
    if not text and mandatory:
        kind, message = "mandatory_missing", "a mandatory field without a value"
    elif length is not None and len(text) > length:
        kind, message = "too_long", f"{len(text)} characters, the field holds {length}"
    else:
        return None
    out = {"structure": structure, "row": row, "field": name, "kind": kind, "message": message}
    if text:
        out["value"] = text
    return out
