"""How a document is paid: the UNTDID 4461 payment means codes and the words that name them.

EN 16931 (BT-81) and the e-invoice XML code the payment means with UNTDID 4461; an SAP migration
maps that code to a house payment method. Documents print it in words ('per SEPA-Lastschrift',
'by bank transfer', 'par virement'), as a code ('Zahlungstyp (codiert): 58'), or as a short value
behind a label ('Zahlungsart: Bar'). This module holds the code list, the lexicons per language
and the sentence cues the payment means family (:mod:`payment_means`) reads: an offer ('if you
grant us a mandate') or a refund ('erstatten wir per Scheck') is not how this document is paid,
and a transfer or a direct debit is told by the account it speaks of.
"""

from __future__ import annotations

import re

CODES: dict[str, str] = {
    "1": "Instrument not defined", "2": "ACH credit", "3": "ACH debit",
    "9": "National or regional clearing", "10": "In cash", "20": "Cheque",
    "21": "Banker's draft", "23": "Bank cheque", "25": "Certified cheque",
    "30": "Credit transfer", "31": "Debit transfer", "42": "Payment to bank account",
    "44": "Accepted bill of exchange", "48": "Bank card", "49": "Direct debit",
    "50": "Payment by postgiro", "54": "Credit card", "55": "Debit card", "56": "Bankgiro",
    "57": "Standing agreement", "58": "SEPA credit transfer", "59": "SEPA direct debit",
    "68": "Online payment service", "93": "Reference giro", "97": "Clearing between partners",
    "ZZZ": "Mutually defined",
}  # fmt: skip
"""UNTDID 4461 payment means codes (the part of the list invoices use) and their names."""

TRANSFER = frozenset({"30", "42", "58"})
"""Codes by which the payer sends money to the payee's account."""
DIRECT_DEBIT = frozenset({"3", "31", "49", "59"})
"""Codes by which the payee draws the money from the payer's account."""
SPECIFIC = {"42": ("30", "58"), "30": ("58",), "49": ("59",), "48": ("54", "55")}
"""A generic code and the more specific codes of its kind: a document that says 'Überweisung'
in one place and 'SEPA-Überweisung' in another pays by SEPA credit transfer."""

TERMS: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (
        (r"\bsepa[\s-]?(?:basis|firmen|b2b|core)?[\s-]?lastschrift\w*", "59"),
        (r"\bsepa[\s-]?(?:bank)?(?:ü|ue|u)berweisung\b", "58"),
        (r"\b(?:bank)?(?:ü|ue|u)berweisung\s?\(sepa\)", "58"),
        (r"\bsofortüberweisung\b|\bgiropay\b|\bpaypal\b|\bklarna\b|\b(?:apple|google|amazon)\s"
         r"pay\b", "68"),
        (r"\b(?:bank)?(?:ü|ue|u)berwei(?:sung|sen|st)\b|\b(?:ü|ue|u)berwiesen\b", "30"),
        (r"\blastschrift\w*|\bbankeinzug\b|\beinzugsermächtigung\b|\babbuchungsauftrag\b", "49"),
        (r"\bvon\sihrem\s(?:giro|bank)?konto\s(?:abgebucht|eingezogen|abbuchen|einziehen)\b",
         "49"),
        (r"\b(?:[\w]+-)?kreditkarte\b|\bvisa\b|\bmaster\s?card\b|\bamerican\sexpress\b", "54"),
        (r"\bec[\s-]karte\b|\bgirocard\b|\bdebitkarte\b|\bmaestro\b", "55"),
        (r"\bkartenzahlung\b|\bbankkarte\b", "48"),
        (r"\bbarzahlung\b|\bin\sbar\b|\bbar\s(?:bezahlt|erhalten|beglichen|gezahlt)\b", "10"),
        (r"\b(?:verrechnungs)?scheck\b", "20"),
        (r"\bdauerauftrag\b", "57"),
        (r"\bauf\s(?:unser(?:e|em)?|das\s(?:unten|oben|folgende|nachstehende)\w*)\s"
         r"(?:[\w-]+\s)?(?:bank)?konto\b", "42"),
        (r"\bmit\s(?:der|ihrer|unserer)\s(?:nächsten|folgenden|kommenden)\s(?:rechnung|"
         r"abrechnung)\s(?:verrechnet|verrechnen)\b", "97"),
    ),
    "en": (
        (r"\bsepa\s(?:core\s|b2b\s)?direct\sdebit\b", "59"),
        (r"\bsepa\s(?:credit\s|wire\s|bank\s)?transfer\b", "58"),
        (r"\bpaypal\b|\bstripe\b|\bklarna\b|\b(?:apple|google|amazon)\spay\b", "68"),
        (r"\b(?:bank|wire|credit|telegraphic)\stransfer\b|\bbacs\b|"
         r"\btransfer\s(?:the\s)?(?:\w+\s){0,2}amount\b", "30"),
        (r"\bdirect\sdebit\b|\bdebited\sfrom\syour\s(?:bank\s)?account\b", "49"),
        (r"\bcredit\scard\b|\bvisa\b|\bmaster\s?card\b|\bamerican\sexpress\b|\bamex\b", "54"),
        (r"\bdebit\scard\b|\bmaestro\b", "55"),
        (r"\bbank\scard\b|\bcard\spayment\b|\b(?:paid|pay)\sby\scard\b", "48"),
        (r"\b(?:in|by)\scash\b|\bcash\s(?:payment|on\sdelivery)\b|\bpaid\scash\b", "10"),
        (r"\bcheques?\b|\bby\scheck\b|\bcheck\s(?:payable|enclosed|no\b)", "20"),
        (r"\bstanding\sorder\b", "57"),
        (r"\b(?:to|into)\sour\s(?:bank\s)?account\b", "42"),
        (r"\b(?:offset|set\soff)\sagainst\b|\bdeducted\sfrom\syour\snext\sinvoice\b", "97"),
    ),
    "fr": (
        (r"\bprélèvement\s(?:automatique\s)?sepa\b|\bprélèvement\s(?:sepa\s)?"
         r"(?:interentreprises|b2b)\b", "59"),
        (r"\bvirement\s(?:bancaire\s)?(?:sepa|européen)\b", "58"),
        (r"\bpaypal\b", "68"),
        (r"\bvirement(?:\sbancaire)?\b", "30"),
        (r"\bprélèvement(?:\sautomatique)?\b|\bprélevé\s(?:sur|de)\svotre\scompte\b", "49"),
        (r"\bcarte\sde\scrédit\b|\bvisa\b|\bmaster\s?card\b", "54"),
        (r"\bcarte\sde\sdébit\b", "55"),
        (r"\bcarte\s(?:bancaire|bleue)\b|\bpaiement\spar\scarte\b", "48"),
        (r"\ben\sespèces\b|\bespèces\b", "10"),
        (r"\bchèques?\b", "20"),
        (r"\b(?:ordre|virement)\spermanent\b", "57"),
        (r"\bsur\snotre\scompte(?:\sbancaire)?\b", "42"),
        (r"\bcompens[ée]e?\savec\b|\bdéduit\sde\svotre\sprochaine\sfacture\b", "97"),
    ),
}
"""Per language: (pattern, code) for each way of naming a payment means in running text."""
TERM_PATTERNS = {lang: tuple((re.compile(p, re.I), code) for p, code in terms)
                 for lang, terms in TERMS.items()}

CODED = (
    re.compile(r"(?:zahlungs(?:typ|art|mittel|weise)|payment\s(?:means|method|type)|"
               r"moyen\sde\spaiement|mode\sde\s(?:paiement|règlement))\s?"
               r"(?:code\s?|\((?:codiert|coded|cod[ée])\)\s?)[:=]?\s*(?P<code>\d{1,2}|ZZZ)\b"
               r"(?!\s?(?:%|tage|days|jours))", re.I),
    re.compile(r"payment\smeans\s\((?P<code>\d{1,2}|ZZZ)\)", re.I),
)
"""A code printed as such: 'Zahlungstyp (codiert): 58', 'Payment Means (30): Credit Transfer',
'Payment method code: 31', 'Moyen de paiement (codé) : 30'."""

LABEL = re.compile(
    r"\b(?:zahlungs(?:art|weise|mittel|form)|zahlart|bezahlart|bezahlt\s(?:per|mit|durch)|"
    r"payment\s(?:method|means|type|mode)|(?:method|mode)\sof\spayment|paid\s(?:by|via|with)|"
    r"(?:mode|moyen)s?\sde\s(?:paiement|règlement)|(?:réglé|payé)\spar)\b", re.I)
"""Labels that introduce the payment means (de, en, fr): 'Zahlungsart', 'Payment Method',
'Mode de paiement'."""

SHORT: dict[str, str] = {
    "10": r"bar|barzahlung|in bar|cash|espèces|en espèces",
    "20": r"scheck|cheque|check|chèque",
    "30": r"überweisung|banküberweisung|(?:bank |wire |credit )?transfer|virement(?: bancaire)?",
    "48": r"karte|kartenzahlung|(?:bank )?card|carte(?: bancaire)?|cb",
    "49": r"lastschrift|bankeinzug|einzug|direct debit|prélèvement",
    "54": r"kreditkarte|credit card|visa|master ?card|amex|american express|carte de crédit",
    "55": r"ec|ec-karte|girocard|debit card|maestro|carte de débit",
    "57": r"dauerauftrag|standing order",
    "58": r"sepa|sepa[- ]überweisung|sepa (?:credit )?transfer|virement sepa",
    "59": r"sepa[- ]lastschrift|sepa direct debit|prélèvement sepa",
    "68": r"paypal|klarna|(?:apple|google|amazon) pay|stripe|sofortüberweisung|giropay",
}
"""A whole value behind a payment means label ('Zahlungsart: Bar', 'Payment method | Card'):
words too short or too common to mean a payment means anywhere else."""
SHORT_VALUES = tuple((re.compile(rf"(?:per |mit |by |via |par )?(?:{p})\.?", re.I), code)
                     for code, p in SHORT.items())

OFFER = re.compile(
    r"mandat\w*\s(?:zu\s)?erteilen|\berteilen\ssie\s(?:uns\s)?(?:\w+\s)?[\w-]*mandat|"
    r"\b(?:wenn|falls|sofern)\ssie\s(?:[\w-]+\s){0,6}?(?:wünschen|möchten|bevorzugen)\b|"
    r"\balternativ\w*|\bwürden\sdann\b|"
    r"\b(?:grant|give|sign)\s(?:us\s)?(?:an?\s|the\s)?(?:[\w-]+\s){0,2}mandate|"
    r"\bif\syou\s(?:[\w-]+\s){0,4}?(?:prefer|wish|want|would\slike)\b|\bwould\sthen\b|"
    r"\b(?:signer|retourner|remplir)\s(?:le\s|un\s)?(?:[\w-]+\s){0,2}mandat|"
    r"\bsi\svous\s(?:[\w-]+\s){0,4}?(?:souhaitez|préférez|désirez)\b|\bégalement\spossible",
    re.I)
"""A sentence that offers a means instead of stating it ('wenn Sie uns ein SEPA-Lastschrift-
mandat erteilen', 'if you grant us a mandate', 'si vous souhaitez payer par prélèvement')."""
REFUND = re.compile(r"erstatt\w*|zurücküberw\w*|\brefund\w*|\breimburs\w*|\brembours\w*", re.I)
"""A sentence about paying money back ('Gutschriften erstatten wir per Scheck'): the means of
this document only on a credit note."""
ACCOUNT = re.compile(r"konto|bankverbindung|\biban\b|\baccount\b|bank\sdetails|\bcompte\b|"
                     r"\brib\b|coordonnées\sbancaires", re.I)
"""A sentence that names the account a transfer goes to ('auf unser Konto', 'to the following
bank account', 'sur notre compte')."""
PAYER_ACCOUNT = re.compile(r"\bihr(?:em|es)?\s(?:[\w-]+\s)?konto|mandat|gläubiger|"
                           r"\byour\s(?:[\w-]+\s)?account|\bcreditor|"
                           r"\bvotre\s(?:[\w-]+\s)?compte|créancier", re.I)
"""A sentence that speaks of the payer's account or a mandate: what a direct debit draws on."""


def code_name(code: str) -> str:
    """The code list's name of a payment means code."""
    return CODES.get(code, f"UNTDID 4461 code {code}")


def short_value(text: str) -> str | None:
    """The code of a whole label value ('Bar', 'per Lastschrift', 'Card'), else None."""
    value = " ".join(text.split())
    return next((code for p, code in SHORT_VALUES if p.fullmatch(value)), None)


def offer(sentence: str) -> bool:
    """True when the sentence offers a means (a condition, a wish) rather than stating it."""
    return bool(OFFER.search(sentence))


def refund(sentence: str) -> bool:
    """True when the sentence is about paying money back."""
    return bool(REFUND.search(sentence))


def speaks_of_account(code: str, sentence: str) -> bool:
    """Whether the sentence itself shows the account the means needs: the payee's for a transfer,
    the payer's (or a mandate) for a direct debit; other means need none."""
    if code in TRANSFER:
        return bool(ACCOUNT.search(sentence))
    if code in DIRECT_DEBIT:
        return bool(PAYER_ACCOUNT.search(sentence))
    return True
