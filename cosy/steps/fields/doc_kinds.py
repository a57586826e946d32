"""Kinds of document a title names (Rechnung, Purchase Order, Devis ...) and who writes each.

Shared by the families that read a document's kind: the title steps decide it; the number,
party, identifier and contact families read who wrote the document (an order's letterhead is
the buyer's) and which number labels mean the document's own number.
"""

from __future__ import annotations

import re

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
    ("receipt", r"(?:sales\s|cash\s|payment\s)?receipt|kassenbon|kassenbeleg|quittung|"
                r"re[çc]u(?:\sde\spaiement)?|ticket\sde\scaisse"),
    ("invoice", r"(?:tax\s|pro[\s-]?forma\s|commercial\s)?invoice|"
                r"\w*rechnung(?:\s(?:des|der)\s\w+)?|facture|faktura|bill"),
)
MODEL_KINDS: tuple[str, ...] = (
    "order_confirmation", "self_billed_invoice", "corrected_invoice", "invoice_information",
    "credit_note", "payment_reminder", "delivery_note", "quote", "order", "contract", "invoice")
"""The kinds the trained role models read as one-hot features, in their training order: a kind
added to ``KIND_WORDS`` later (receipt) reads as no title until the models are retrained."""
TYPE_CODE = r"(?:\s\(\d{3}\))?"
"""An UNTDID 1001 type code after the title word, as e-invoice viewers print it: (380)."""
TITLE = re.compile(
    r"^(?:" + "|".join(f"(?P<{k}>{p})" for k, p in KIND_WORDS) + r")" + TYPE_CODE +
    r"(?:\s*(?:(?:nr|no|n°|nº|number|nummer|num[ée]ro)(?!\w)|#).*|\s+[A-Z0-9][\w/.-]*\d.*)?$",
    re.IGNORECASE,
)
ISSUER_IS_BUYER = frozenset({"order", "self_billed_invoice"})
"""Document kinds written by the buyer: their letterhead, sender line and footer are the buyer's
(a self-billed invoice is issued by the buyer on the seller's behalf)."""
RULE_KIND = {"self_billed_invoice": "credit_note", "corrected_invoice": "invoice",
             "receipt": "invoice",
             "invoice_information": "invoice"}
"""Kinds whose number labels read like another's ('Gutschrift-Nr.' on a self-billed invoice)."""


def title_kind(text: str) -> str | None:
    """The kind a title names ('Rechnung Nr. 42' -> invoice), or None when it is no title."""
    m = TITLE.match(text.strip())
    if m is None:
        return None
    return next(k for k, _ in KIND_WORDS if m[k])
