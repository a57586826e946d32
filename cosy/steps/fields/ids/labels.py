"""Identifier labels and page zones: what every identifier family's context stage reads.

One spaCy PhraseMatcher per language finds the labels that introduce identifiers ('USt-IdNr.',
'VAT Reg. No.', 'N° TVA intracom.', 'Bankverbindung', 'Company No.'), each with the kind it
introduces; a page is matched against every language, because a German invoice may print an
English label. The zones step says where each line stands (letterhead, body, footer): the
writer's identifiers live in letterhead and footer, the addressee's in the body.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cosy.domain import Line, PageGeometry
from cosy.engine.step import StepContext, step
from cosy.steps.fields.ids.common import (
    LEXICON,
    IdContext,
    LabelHit,
    LineZone,
    build_contexts,
    page_zones,
)
from cosy.steps.nlp import lexicon_matcher, may_match


@cache
def _blank(lang: str) -> Any:
    import spacy

    return spacy.blank(lang)


def find_labels(lines: list[Line], lang: str, nlp: Any = None) -> list[LabelHit]:
    """Every label of ``lang``'s lexicon on the page's lines, longest match per position."""
    nlp = nlp if nlp is not None else _blank(lang)
    matcher = lexicon_matcher(nlp, f"identifier.{lang}", LEXICON[lang])
    out: list[LabelHit] = []
    for i, line in enumerate(lines):
        doc = nlp.make_doc(line.text)
        taken: list[tuple[int, int]] = []
        for match_id, s, e in sorted(matcher(doc), key=lambda m: -(doc[m[1]:m[2]].end_char
                                                                  - doc[m[1]:m[2]].start_char)):
            span = doc[s:e]
            a, b = span.start_char, span.end_char
            if any(a < y and x < b for x, y in taken):
                continue  # 'VAT Reg. No.' wins over 'VAT'
            taken.append((a, b))
            out.append(LabelHit(i, a, b, nlp.vocab.strings[match_id], span.text, lang))
    return sorted(out, key=lambda h: (h.line, h.start))


@step("fields.ids.labels.de", scope="page", requires=["page.lines"],
      provides=["page.identifier.labels.de"])
def labels_de(page_lines: list[Line], ctx: StepContext) -> list[LabelHit]:
    """German identifier labels (USt-IdNr., Steuernummer, Registergericht, Bankverbindung)."""
    return find_labels(page_lines, "de", ctx.resources.nlp("de"))


@step("fields.ids.labels.en", scope="page", requires=["page.lines"],
      provides=["page.identifier.labels.en"])
def labels_en(page_lines: list[Line], ctx: StepContext) -> list[LabelHit]:
    """English identifier labels (VAT Reg. No., Tax ID, Company No., Sort Code)."""
    return find_labels(page_lines, "en", ctx.resources.nlp("en"))


FRENCH_OWN = tuple(p for kind, phrases in LEXICON["fr"].items() for p in phrases
                   if p not in LEXICON["de"].get(kind, ()) + LEXICON["en"].get(kind, ()))
"""French labels that German and English do not share (IBAN, BIC and SWIFT they do)."""


@step("fields.ids.labels.fr", scope="page", requires=["page.lines"],
      provides=["page.identifier.labels.fr"])
def labels_fr(page_lines: list[Line], ctx: StepContext) -> list[LabelHit]:
    """French identifier labels (N° TVA intracom., SIRET, RCS, Domiciliation).

    Only on pages where a label of French's own may stand: loading spaCy's French tokenizer
    takes ~3 s (a 1.4 MB regular expression), more than a whole page, and the labels French
    shares with German and English are found by their matchers (:func:`merge_labels` keeps one).
    """
    if not may_match([line.text for line in page_lines], FRENCH_OWN):
        return []
    return find_labels(page_lines, "fr", ctx.resources.nlp("fr"))


LABEL_ARTIFACTS = ["page.identifier.labels.de", "page.identifier.labels.en",
                   "page.identifier.labels.fr"]
"""What a context step requires to see every language's labels."""


def merge_labels(*per_language: list[LabelHit]) -> list[LabelHit]:
    """All languages' hits of a page; where two overlap, the longer label stands."""
    out: list[LabelHit] = []
    for hit in sorted((h for hits in per_language for h in hits),
                      key=lambda h: (h.line, -(h.end - h.start))):
        if not any(o.line == hit.line and hit.start < o.end and o.start < hit.end for o in out):
            out.append(hit)
    return sorted(out, key=lambda h: (h.line, h.start))


@step("fields.ids.zones", scope="page", requires=["page.lines", "page.geometry"],
      provides=["page.identifier.zones"])
def identifier_zones(page_lines: list[Line], page_geometry: PageGeometry) -> list[LineZone]:
    """Each line's zone (letterhead, body, footer), relative top and relative font size."""
    return page_zones(page_lines, page_geometry)


@step("fields.ids.context.{kind}", scope="page",
      requires=["page.{kind}.validated", "page.lines", "page.geometry", "page.identifier.zones",
                *LABEL_ARTIFACTS],
      provides=["page.{kind}.context"], variants={
          "iban": {"kind": "iban", "noun": "IBAN (Käufer-IBAN, Lastschrift)"},
          "vat_id": {"kind": "vat_id", "noun": "VAT ID ('Ihre USt-IdNr.')"},
          "tax_number": {"kind": "tax_number", "noun": "tax number"},
          "register_number": {"kind": "register_number", "noun": "register number"},
          "creditor_id": {"kind": "creditor_id", "noun": "creditor identifier"},
      })
def identifier_context(page_lines: list[Line], page_geometry: PageGeometry,
                       page_identifier_zones: list[LineZone], *, kind: str, noun: str,
                       **parts: Any) -> list[IdContext]:
    """Label, party it names, zone and neighbours of each {noun}.

    The family's validated mentions read with every language's labels and the page's zones.
    """
    hits: list[LabelHit] = merge_labels(*(parts[a.replace(".", "_")] for a in LABEL_ARTIFACTS))
    return build_contexts(parts[f"page_{kind}_validated"], page_lines, page_identifier_zones,
                          hits, page_geometry.width)
