"""Phrases that name a VAT category, per language, and the UNTDID 5305 code each stands for.

Codes (EN 16931 BT-118/BT-151): S standard rate (reduced rates too), Z zero rated, E exempt,
AE reverse charge, K intra-community supply, G export outside the EU, O outside the scope of VAT.

German small businesses (§ 19 UStG, 'Kleinunternehmer') and French 'franchise en base' (art.
293 B CGI) charge no VAT. Their turnover is taxable but relieved, not outside the scope: XRechnung
practice and the KoSIT guidance code it E (exempt, with the legal reference as the reason), and so
do we; O is kept for supplies that are not taxable at all ('nicht steuerbar', 'hors champ').

Each pattern is one alternation with a named group per code, so one scan of a line says which
category a phrase names. A more specific phrase wins over a general one where both match on a
line ('Innergemeinschaftliche Lieferung, steuerfrei gem. § 4 Nr. 1b UStG' is K, not E; an
'intra-Community supply' under a 'reverse charge' heading is a supply of goods, K): see
:data:`PRECEDENCE`.
"""

from __future__ import annotations

import re

PRECEDENCE = ("K", "AE", "G", "O", "Z", "E", "S")
"""Which code a line names when phrases of several match: the more specific first."""

CODE = re.compile(
    r"(?:umsatzsteuer|ust|mwst|vat|tva|tax|steuer|kategorie|category|catégorie)\.?\s*"
    r"\(\s*(?P<code>S|Z|E|AE|K|G|O)\s*\)(?!\w)", re.I)
"""A category printed as its code after a tax word: 'Umsatzsteuer (K)', '19 % UST (S)'."""

LEXICON: dict[str, re.Pattern[str]] = {
    "de": re.compile(
        r"(?P<AE>steuerschuldnerschaft des leistungsempf\w*|reverse[- ]charge|"
        r"umkehr(?:ung)? der steuerschuld|§\s*13\s*b\s*(?:abs\.?\s*\d\s*)?UStG|"
        r"steuerschuld geht auf den leistungsempfänger über)|"
        r"(?P<K>(?:steuerfreie\s+)?innergemeinschaftl\w*(?!\w)(?:\s+lieferung\w*)?"
        r"(?!\w)(?!\s*(?:erwerb|USt|umsatzsteuer-?id|ident))|"
        r"§\s*4\s*Nr\.?\s*1\s*b\b|§\s*6\s*a\s*UStG)|"
        r"(?P<G>ausfuhrlieferung\w*|steuerfreie ausfuhr\w*|§\s*4\s*Nr\.?\s*1\s*a\b|"
        r"§\s*6\s*UStG|drittlandslieferung\w*)|"
        r"(?P<O>nicht (?:im inland )?(?:umsatz)?steuerbar\w*|"
        r"leistungsort (?:liegt )?im ausland)|"
        r"(?P<Z>nullsteuersatz|§\s*12\s*Abs\.?\s*3\s*UStG)|"
        r"(?P<E>kleinunternehmer\w*|§\s*19\s*(?:Abs\.?\s*1\s*)?UStG|"
        r"(?:umsatz)?steuerbefrei\w*|mehrwertsteuerbefreiung|"
        r"steuerfrei\w*(?:\s+(?:nach|gem\.?|gemäß)\s*§\s*4\s*Nr\.?\s*(?!1\s*[ab]\b)\d+\s*\w?)?|"
        r"von der umsatzsteuer befreit)",
        re.I),
    "en": re.compile(
        r"(?P<AE>reverse[- ]charge|vat to be accounted for by the (?:recipient|customer)|"
        r"customer to account for (?:the )?vat|art(?:icle|\.)?\s*196\b)|"
        r"(?P<K>intra[- ]?(?:community|eu) (?:supply|supplies|delivery|deliveries)|"
        r"art(?:icle|\.)?\s*138\b)|"
        r"(?P<G>export (?:of goods|outside the eu|delivery)|exported goods|"
        r"zero[- ]rated export\w*|art(?:icle|\.)?\s*146\b)|"
        r"(?P<O>outside the scope of vat|out of scope (?:of|for) vat|not subject to vat)|"
        r"(?P<Z>zero[- ]rated)|"
        r"(?P<E>vat[- ]exempt\w*|exempt from vat|vat exemption|small business exemption)",
        re.I),
    "fr": re.compile(
        r"(?P<AE>autoliquidation|tva due par le preneur|art(?:icle|\.)?\s*283[- ]?2\b|"
        r"art(?:icle|\.)?\s*196\b)|"
        r"(?P<K>livraisons? intracommunautaires?|art(?:icle|\.)?\s*262\s*ter\b|262\s*ter\s*I\b)|"
        r"(?P<G>exportations?(?! de données)|livraisons? à l'export\w*|"
        r"art(?:icle|\.)?\s*262\s*I\b)|"
        r"(?P<O>hors (?:du )?champ(?: d'application)?(?: de la tva)?|"
        r"non soumis\w* à la tva)|"
        r"(?P<E>tva non applicable|art(?:icle|\.)?\s*293\s*B\b|exonération|"
        r"exonérée?s?(?: de tva)?)",
        re.I),
}
"""Per language, the phrases of each category ('Steuerschuldnerschaft des Leistungsempfängers',
'Intra-Community supply', 'Livraison intracommunautaire', 'Ausfuhrlieferung', '§ 19 UStG')."""
