"""Document numbers: the value that a number label (Rechnungsnummer, Invoice No., ...) introduces."""

from __future__ import annotations

import re

from cosy.domain import Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import label_before, span_bbox

NUMBER_LABEL = re.compile(
    r"(?P<label>(?:Rechnungs|Gutschrifts|Beleg|Dokumenten|Auftrags|Bestell|Angebots|Liefer"
    r"schein|Invoice|Credit\s?note|Order|Quote|Document|Facture|Avoir|Commande)"
    r"[\s-]*(?:nummer|nr\.?|no\.?|number|num(?:éro)?\.?|n°|#)"
    r"|(?:Rechnung|Gutschrift|Invoice|Facture|Avoir|Bestellung|Angebot|Order)(?:\s*\(\d+\))?"
    r"(?:\s*(?:Nr\.?|No\.?|Nummer|N°|#))?)"
    r"\s*[:.]?\s*(?P<number>[A-Z0-9][A-Z0-9/_.-]*\d[A-Z0-9/_-]*)",
    re.IGNORECASE,
)
KIND_OF_LABEL = (
    (re.compile(r"auftrag|bestell|order|commande", re.I), "order_number"),
    (re.compile(r"kunden|customer|client", re.I), "customer_number"),
)


@step("fields.doc_number.candidates", scope="page", requires=["page.lines", "page_no"],
      provides=["page.number_mentions"])
def number_candidates(page_lines: list[Line], page_no: int) -> list[Mention]:
    """Numbers behind a document-number label, or alone in the cell or line below the label."""
    out = []
    for i, line in enumerate(page_lines):
        for m in NUMBER_LABEL.finditer(line.text):
            start, end = m.span("number")
            value = m["number"].rstrip(".")
            if not re.search(r"\d", value) or re.fullmatch(r"\d{1,2}", value):
                continue
            out.append(Mention(
                kind="doc_number", raw=m["number"], value=value, page=page_no,
                bbox=span_bbox(line, start, end), span=(line.start + start, line.start + end),
                step="fields.doc_number.candidates",
                label=m["label"] or label_before(page_lines, i, start),
            ))
    return out
