"""Choosing one value from what many documents state, and saying what was not chosen.

Statements are grouped into variants by a key (a folded name, a normalised IBAN, an address's
postcode, city and street); variants rank by how many documents state them, then how many of
those are e-invoice XML (machine-made, not read off a page), then the newest document, then the
mean confidence. More than one variant is a conflict for a person to decide: the report lists
every variant with the documents behind it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cosy.batch.sap.graph import Stated, TenantGraph


@dataclass
class Variant:
    key: str
    value: Any  # the spelling stated most often (newest first on a tie)
    stated: list[Stated] = field(default_factory=list)
    newest: str = ""  # issue date of the newest document stating it
    valid: bool = True  # False: fails its check (a VAT ID's check digits)

    @property
    def docs(self) -> list[str]:
        return sorted({s.doc for s in self.stated})

    @property
    def xml_docs(self) -> int:
        return len({s.doc for s in self.stated if s.source == "xml"})

    @property
    def confidence(self) -> float:
        return sum(s.confidence for s in self.stated) / len(self.stated) if self.stated else 0.0

    def why(self, total: int) -> str:
        n = len(self.docs)
        return (f"{n} of {total} document{'s' if total != 1 else ''}"
                + (f", {self.xml_docs} from e-invoice XML" if self.xml_docs else "")
                + (f", newest {self.newest}" if self.newest else ""))


def variants(stated: Iterable[Stated], g: TenantGraph, key: Callable[[str], str],
             show: Callable[[str], Any] = lambda v: v) -> list[Variant]:
    """Statements grouped by ``key`` of their value, best first."""
    groups: dict[str, list[Stated]] = {}
    for s in stated:
        k = key(s.value)
        if k:
            groups.setdefault(k, []).append(s)
    out = []
    for k, group in groups.items():
        newest = max((_issued(g, s.doc) for s in group), default="")
        spellings = Counter(s.value for s in group)
        best = max(spellings, key=lambda v: (spellings[v], max(
            _issued(g, s.doc) for s in group if s.value == v), v))
        out.append(Variant(k, show(best), group, newest))
    return rank(out)


def rank(vs: list[Variant]) -> list[Variant]:
    return sorted(vs, key=lambda v: (not v.valid, -len(v.docs), -v.xml_docs,
                                     _neg(v.newest), -v.confidence, v.key))


def _neg(date: str) -> tuple[int, ...]:
    """Newest first in an ascending sort."""
    return tuple(-ord(c) for c in date)


def _issued(g: TenantGraph, doc: str) -> str:
    d = g.docs.get(doc)
    return d.issued if d else ""


def conflict(attribute: str, vs: list[Variant], g: TenantGraph, chosen: Variant | None,
             kind: str = "variants") -> dict[str, Any]:
    """A conflict record: every variant with the documents (file, page, date) behind it."""
    total = len({d for v in vs for d in v.docs})
    return {
        "attribute": attribute, "kind": kind,
        "chosen": chosen.value if chosen else None,
        "why": chosen.why(total) if chosen else "no valid variant: nothing exported",
        "variants": [{
            "value": v.value, "valid": v.valid, "documents": len(v.docs), "newest": v.newest,
            "evidence": [{"doc": s.doc, "file": g.docs[s.doc].file if s.doc in g.docs else "",
                          "page": s.page, "issued": _issued(g, s.doc), "source": s.source}
                         for s in sorted(v.stated, key=lambda s: (s.doc, s.page or 0))],
        } for v in vs],
    }
