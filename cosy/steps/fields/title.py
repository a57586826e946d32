"""Title: what the document calls itself (Rechnung, Purchase Order, Devis ...), read from page 1.

The title decides two things no label can: which printed number is the document's own (an
order's "Bestellnummer" is its number, an invoice's is a reference), and who wrote it: the
letterhead of an order is the buyer's, of every other business document the seller's. The
largest title-like text in the upper part of page 1 wins, as a reader would see it.
"""

from __future__ import annotations

import re

from cosy.domain import Line
from cosy.engine.step import step
from cosy.steps.fields.common import cells

KIND_WORDS: tuple[tuple[str, str], ...] = (
    # (kind, pattern); more specific kinds first ("Auftragsbestätigung" before "Auftrag")
    ("order_confirmation", r"auftragsbest[äa]tigung|bestellbest[äa]tigung|"
                           r"(?:sales\s)?order\sconfirmation|confirmation\sde\scommande|"
                           r"accus[ée]\sde\sr[ée]ception(?:\sde\scommande)?"),
    # invoices of a kind (UNTDID 1001: 389 self-billed, 384 corrected, 751 invoice information)
    ("self_billed_invoice", r"gutschrift\snach\s§\s?14(?:\sabs\.?\s?2)?(?:\sustg)?|"
                            r"gutschrift\s\(selbst\sausgestellte\srechnung\)|"
                            r"abrechnungsgutschrift|gutschrift\sim\sgutschriftsverfahren|"
                            r"self[\s-]bill(?:ing|ed)\s(?:invoice|statement)|"
                            r"(?:facture\s(?:d'|en\s))?autofacturation|facture\sautofactur[ée]e"),
    ("corrected_invoice", r"rechnungskorrektur|korrekturrechnung|rechnung\s\(korrektur\)|"
                          r"corrected\sinvoice|invoice\scorrection|corrective\sinvoice|"
                          r"facture\s(?:rectificative|corrig[ée]e)"),
    ("invoice_information", r"buchungshilfe(?:\s[-–]\skeine\srechnung)?|"
                            r"rechnungsinformation(?:en)?|invoice\sinformation(?:\ssheet)?|"
                            r"booking\said(?:\s[-–]\snot\san\sinvoice)?|"
                            r"information\sde\sfacturation|aide\s[àa]\sla\scomptabilisation|"
                            r"relev[ée]\sd'information(?:\s[-–]\spas\sune\sfacture)?"),
    ("credit_note", r"gutschrift|credit\snote|avoir|note\sde\scr[ée]dit"),
    ("payment_reminder", r"(?:\d\.\s?)?mahnung|zahlungserinnerung|payment\sreminder|reminder|"
                         r"overdue\snotice|relance|rappel\sde\spaiement"),
    ("delivery_note", r"lieferschein|delivery\snote|packing\sslip|bon\sde\slivraison"),
    ("quote", r"angebot|kostenvoranschlag|quotation|quote|estimate|devis|offre"),
    ("order", r"bestellung|auftrag|purchase\sorder|order|bon\sde\scommande|commande"),
    ("contract", r"\w*vertrag|(?:\w+\s)?agreement|contrat(?:\sde\s[\w\s]+)?"),
    ("invoice", r"(?:tax\s|pro[\s-]?forma\s|commercial\s)?invoice|"
                r"\w*rechnung(?:\s(?:des|der)\s\w+)?|facture|bill"),
)
TYPE_CODE = r"(?:\s\(\d{3}\))?"
"""An UNTDID 1001 type code after the title word, as e-invoice viewers print it: (380)."""
TITLE = re.compile(
    r"^(?:" + "|".join(f"(?P<{k}>{p})" for k, p in KIND_WORDS) + r")" + TYPE_CODE +
    r"(?:\s*(?:nr|no|n°|nº|#|number|nummer|num[ée]ro)(?!\w).*|\s+[A-Z0-9][\w/.-]*\d.*)?$",
    re.IGNORECASE,
)
ISSUER_IS_BUYER = frozenset({"order", "self_billed_invoice"})
"""Document kinds written by the buyer: their letterhead, sender line and footer are the buyer's
(a self-billed invoice is issued by the buyer on the seller's behalf)."""
RULE_KIND = {"self_billed_invoice": "credit_note", "corrected_invoice": "invoice",
             "invoice_information": "invoice"}
"""Kinds whose number labels read like another's ('Gutschrift-Nr.' on a self-billed invoice)."""


def title_kind(text: str) -> str | None:
    """The kind a title names ('Rechnung Nr. 42' -> invoice), or None when it is no title."""
    m = TITLE.match(text.strip())
    if m is None:
        return None
    return next(k for k, _ in KIND_WORDS if m[k])


@step("fields.title.candidates", scope="page",
      requires=["page.lines", "page_no", "page.geometry", "page.fonts"],
      provides=["page.title_candidates"])
def title_candidates(page_lines: list[Line], page_no: int, page_geometry: dict[str, float],
                     page_fonts: dict[str, float]) -> list[tuple[float, str, str]]:
    """(score, kind, text) of title-like cells in the upper 60 % of page 1, biggest type first."""
    if page_no != 1:
        return []
    limit = 0.6 * (page_geometry["height"] or 842.0)
    body = page_fonts["body"]
    out: list[tuple[float, str, str]] = []
    for line in page_lines:
        if line.words[0].top > limit:
            break
        row = cells(line)
        for k, cell in enumerate(row[:2]):
            kind = title_kind(cell.text)
            if kind is None or cell.text.endswith(":") \
                    or (k + 1 < len(row) and row[k + 1].text.startswith(":")):
                continue  # a label ("Bestellung : B123"), not a title
            words = [w for w in line.words if cell.x0 - 0.5 <= w.x0 <= cell.x1 + 0.5]
            size = max((w.size for w in words), default=0.0)
            bold = any(w.bold for w in words)
            if size < 1.15 * body and not (bold and len(row) == 1):
                continue  # body text that happens to start with a title word
            out.append((size + (1.0 if bold else 0.0), kind, cell.text))
    return sorted(out, key=lambda t: -t[0])


@step("fields.title.select", scope="document", requires=["page.title_candidates"],
      provides=["doc.title_kind"])
def select_title(page_title_candidates: list[list[tuple[float, str, str]]]) -> str | None:
    """The kind of document its title names (invoice, order, quote ...), None without a title."""
    found = [c for page in page_title_candidates for c in page]
    return max(found, key=lambda c: c[0])[1] if found else None
