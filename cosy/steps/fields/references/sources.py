"""Buyer-reference candidate sources: label lexicons per language, column headers, Leitweg-IDs.

The buyer's reference (EN 16931 BT-10: 'Ihr Zeichen', 'Your Reference', 'Réf. acheteur', for
German public buyers the Leitweg-ID) is printed after a label at the start of a cell, in the
cell after it, or below it as a column header. A German Leitweg-ID also has a shape of its own
(coarse address, optional fine address, two check digits) that a source finds without a label;
some print the coarse address in groups ('05 158 004 - 11023 - 45').
Each source reports :class:`~cosy.steps.fields.hits.Hit` records whose parts name the value and
the kind of label (``leitweg``, ``buyer``, ``your``, ``generic`` or ``shape``).
"""

from __future__ import annotations

import re

from cosy.domain import Line
from cosy.engine.step import step
from cosy.steps.fields.common import cells, header_above
from cosy.steps.fields.hits import Hit, scan

LEITWEG = re.compile(r"(?P<value>\b\d(?: ?\d){1,11}(?:\s?-\s?[A-Z0-9]{1,30})?\s?-\s?\d{2})"
                     r"(?![\w-])", re.IGNORECASE)
"""A Leitweg-ID: coarse address (2-12 digits), optional fine address (up to 30 letters or
digits), two check digits, separated by '-' (some print spaces around the hyphens)."""

LEXICON = {
    # label kind -> label words per language; a label starts a cell (line start or after a tab)
    "de": (("leitweg", r"leitwege?[\s-]?id(?:entifikator)?|leitweg-?nr\.?|leitwegnummer"),
           ("buyer", r"käuferreferenz|referenz\s+des\s+käufers|käufer[\s-]?ref\.?|"
                     r"kundenreferenz|bestellerreferenz"),
           ("your", r"ihre?\s+referenz|ihre?\s+zeichen|ihr\s+ref\.?"),
           ("generic", r"referenz")),
    "en": (("leitweg", r"leitweg[\s-]?id|routing\s+id"),
           ("buyer", r"buyer(?:'s)?[\s_-]?ref(?:erence)?\.?|customer[\s_-]?ref(?:erence)?\.?"),
           ("your", r"your[\s_-]?ref(?:erence)?\.?"),
           ("generic", r"reference|ref\.")),
    "fr": (("leitweg", r"identifiant\s+leitweg"),
           ("buyer", r"r[ée]f(?:[ée]rence|\.)?\s+(?:de\s+l'\s?)?acheteur|"
                     r"r[ée]f(?:[ée]rence|\.)?\s+client|r[ée]f[ée]rence\s+du\s+client"),
           ("your", r"votre\s+r[ée]f(?:[ée]rence|\.)?|vos\s+r[ée]f(?:[ée]rences|\.)?"),
           ("generic", r"r[ée]f[ée]rence")),
}
VALUE = r"\s*[:.]?\s*(?P<value>[^\t:]{1,60}?)\s*(?=\t|$)"
"""What follows a label: the rest of its cell, or the next cell when the label stands alone."""


def _labels(lang: str) -> re.Pattern[str]:
    alts = "|".join(f"(?P<{kind}>{words})" for kind, words in LEXICON[lang])
    return re.compile(r"(?:^|(?<=\t))(?:" + alts + r")(?![\w-])" + VALUE, re.IGNORECASE)


LABELS = {lang: _labels(lang) for lang in LEXICON}
HEADERS = {lang: re.compile(r"(?:" + "|".join(f"(?P<{kind}>{words})"
                                            for kind, words in LEXICON[lang]) + r")\s*:?$",
                            re.IGNORECASE) for lang in LEXICON}


def label_kind(hit: Hit) -> str:
    """Which kind of label introduced a hit (the named group that matched)."""
    for kind in ("leitweg", "buyer", "your", "generic", "shape"):
        if hit.part(kind):
            return kind
    return "shape"


def _scan_labels(lines: list[Line], lang: str) -> list[Hit]:
    """Label hits, without a header row read as label and value ('Ihr Zeichen<tab>Datum': a
    next cell with no digit after a label without a colon is the next column's header)."""
    out = []
    for hit in scan(lines, LABELS[lang], f"fields.references.candidates.labels.{lang}",
                    "value"):
        between = lines[hit.line].text[hit.origin + len(hit.part(label_kind(hit))):hit.start]
        if "\t" in between and ":" not in between and not re.search(r"\d", hit.part("value")):
            continue
        out.append(hit)
    return out


@step("fields.references.candidates.labels.de", scope="page", requires=["page.lines"],
      provides=["page.buyer_reference.labels_de"])
def german_reference_labels(page_lines: list[Line]) -> list[Hit]:
    """Values after a German label: 'Leitweg-ID: 991-33333TEST-33', 'Ihr Zeichen: AB/cd'."""
    return _scan_labels(page_lines, "de")


@step("fields.references.candidates.labels.en", scope="page", requires=["page.lines"],
      provides=["page.buyer_reference.labels_en"])
def english_reference_labels(page_lines: list[Line]) -> list[Hit]:
    """Values after an English label: 'Your Reference: H1100', 'Buyer_Ref: BU123'."""
    return _scan_labels(page_lines, "en")


@step("fields.references.candidates.labels.fr", scope="page", requires=["page.lines"],
      provides=["page.buyer_reference.labels_fr"])
def french_reference_labels(page_lines: list[Line]) -> list[Hit]:
    """Values after a French label: 'Votre référence : C4801', 'Réf. acheteur : MA/PE'."""
    return _scan_labels(page_lines, "fr")


@step("fields.references.candidates.leitweg", scope="page", requires=["page.lines"],
      provides=["page.buyer_reference.leitweg"])
def leitweg_shapes(page_lines: list[Line]) -> list[Hit]:
    """Anything shaped like a Leitweg-ID, labelled or not (validate keeps an unlabelled one only
    when its check digits hold)."""
    return [Hit(h.line, h.start, h.end, h.source, h.origin, h.stop, (*h.parts, ("shape", "1")),
                rank=3)  # the weakest source: a header or label over the same value wins
            for h in scan(page_lines, LEITWEG, "fields.references.candidates.leitweg",
                          "value")]


@step("fields.references.candidates.header", scope="page", requires=["page.lines"],
      provides=["page.buyer_reference.header"])
def header_references(page_lines: list[Line]) -> list[Hit]:
    """Cells below a column header that is a buyer-reference label ('Ihr Zeichen' / 'MK/ab')."""
    headed = {j for j, line in enumerate(page_lines)
              if any(p.match(c.text) for c in cells(line) for p in HEADERS.values())}
    out = []
    for i, line in enumerate(page_lines):
        if not headed & {i - 1, i - 2}:
            continue  # no such header in the two lines above: header_above could not find one
        for cell in cells(line):
            header = header_above(page_lines, i, cell.x0, cell.x1, max_lines=2)
            if not header or len(cell.text) > 60 or cell.text.endswith(":"):
                continue
            for pattern in HEADERS.values():
                m = pattern.match(header)
                if m is None:
                    continue
                kind = next(k for k, v in m.groupdict().items() if v)
                start = cell.start + line.text[cell.start:].index(cell.text)
                end = start + len(cell.text)
                out.append(Hit(i, start, end, "fields.references.candidates.header", start,
                               end, (("value", cell.text), (kind, header)), label=header,
                               rank=2))
                break
    return out


SOURCES = (german_reference_labels, english_reference_labels, french_reference_labels,
           leitweg_shapes, header_references)
