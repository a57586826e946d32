"""Field specs: what each field of the result is, declared once, next to the step that selects it.

A spec says what kind of value a field holds, the predicate and datatype of the triple the graph
writes for it, its EN 16931 business term where there is one, where the e-invoice XML carries it,
and how a value is compared: the same comparison decides whether the XML agrees with the page
(``fields.merge``) and whether a prediction counts as the truth (``cosy eval``). Names after case
and punctuation folding (legal forms stay significant), identifiers without spaces, amounts
within half a cent, dates exactly, addresses by postcode and city, currency codes case-blind.

Merge, XML readers, graph literals, evaluation and ``cosy pipeline describe`` read the registry,
so a new field is one module (its select step and its spec) plus its test.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Kind = Literal["identifier", "date", "amount", "party", "code", "number", "text"]
Match = Literal["identifier", "code", "date", "amount", "name", "address"]

Subject = Literal["document", "seller", "buyer", "node"]
XmlPath = tuple[str, ...]
"""Local element names from the XML's root element down to the value."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of the result (DESIGN §8 and the fields we added)."""

    name: str
    kind: Kind
    doc: str  # what the field is, one line
    match: Match = "identifier"  # how two values are compared (XML merge, scoring)
    predicate: str | None = None  # the literal's predicate in the graph
    datatype: str | None = None  # the literal's datatype (xsd:...)
    subject: Subject = "document"  # whose literal it is; "node": the graph makes a node of it
    bt: str | None = None  # EN 16931 business term ("BT-1")
    scored: bool = False  # cosy eval scores it wherever a truth file has it
    truth: str | None = None  # its name in truth files when that differs
    xml: bool = False  # the e-invoice XML carries it (read by the XML readers' own code)
    cii: XmlPath | None = None  # where a CII invoice carries it, read by its kind
    ubl: XmlPath | None = None  # where a UBL invoice carries it
    module: str = ""  # the module that declares it

    @property
    def from_xml(self) -> bool:
        """Whether ``fields.merge`` joins the XML's value into the page's."""
        return self.xml or self.cii is not None or self.ubl is not None

    @property
    def truth_name(self) -> str:
        return self.truth or self.name


class FieldRegistry:
    """All declared fields by name; a field is declared once."""

    def __init__(self) -> None:
        self._specs: dict[str, FieldSpec] = {}

    def add(self, spec: FieldSpec) -> FieldSpec:
        known = self._specs.get(spec.name)
        if known is not None and known != spec:
            raise ValueError(f"field {spec.name!r} is declared twice ({known.module}, "
                             f"{spec.module})")
        self._specs[spec.name] = spec
        return spec

    def get(self, name: str) -> FieldSpec | None:
        return self._specs.get(name)

    def __iter__(self) -> Iterator[FieldSpec]:
        return iter(sorted(self._specs.values(), key=lambda s: s.name))

    def __contains__(self, name: str) -> bool:
        return name in self._specs

    def __len__(self) -> int:
        return len(self._specs)


FIELDS = FieldRegistry()
"""COSY's fields, filled by the step modules that declare them (a pipeline profile loads them)."""


def field_spec(name: str, kind: Kind, doc: str, **spec: Any) -> FieldSpec:
    """Declare a field (in the module of the step that selects it); returns its spec.

    ``match`` defaults to the kind's comparison: dates exactly, amounts within half a cent,
    everything else as an identifier.
    """
    spec.setdefault("match", {"date": "date", "amount": "amount"}.get(kind, "identifier"))
    module = sys._getframe(1).f_globals.get("__name__", "")
    return FIELDS.add(FieldSpec(name=name, kind=kind, doc=doc, module=module, **spec))


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
