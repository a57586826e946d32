"""Money amounts in German (1.234,56) and English (1,234.56) notation, and the document totals.

Each amount gets a role (net, tax, gross) from its label, or from its column header when it sits
in a table row. Selection then looks for the triple whose net plus tax equals gross: a sum that
checks out confirms all three, which labels alone cannot.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import product

from cosy.domain import FieldValue, Line, Mention
from cosy.engine.step import step
from cosy.steps.fields.common import Candidate, find_mentions, flatten

CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "CHF": "CHF", "EUR": "EUR", "USD": "USD",
                  "GBP": "GBP", "Fr.": "CHF"}
AMOUNT = re.compile(
    r"(?<![\w.,/-])(?P<sign>-)?\s?(?:[€$£]\s?)?(?P<amount>\d{1,3}(?:(?P<g>[.,' ])\d{3})*"
    r"(?P<d>[.,])\d{2}|\d+(?P<d2>[.,])\d{2})(?![\d.,]?\d)(?!\s?%)"
)


def parse_amount(text: str) -> Decimal | None:
    """The value of an amount written with either decimal mark, thousands groups optional."""
    text = text.replace(" ", "").replace("'", "")
    if len(text) >= 3 and text[-3] in ".,":
        whole, frac = text[:-3], text[-2:]
        whole = whole.replace(".", "").replace(",", "")
        try:
            return Decimal(f"{whole}.{frac}")
        except InvalidOperation:
            return None
    return None


def _normalize(m: re.Match[str]) -> str | None:
    g, d = m["g"], m["d"]
    if g and g == d:  # 1.234.56 is not an amount
        return None
    value = parse_amount(m["amount"])
    if value is None:
        return None
    if m["sign"]:
        value = -value
    return f"{value:.2f}"


@step("fields.amount.candidates", scope="page",
      requires=["page.lines", "page_no", "page.geometry"], provides=["page.amount_mentions"])
def amount_candidates(page_lines: list[Line], page_no: int,
                      page_geometry: dict[str, float]) -> list[Mention]:
    """Every amount with two decimals on the page, normalised to a dot decimal string.

    A lone labelled amount on its line ('Sales Tax 8.25%  $870.14') owes nothing to a column
    header above it: that header belongs to the item table, not to the totals.
    """
    found: list[Candidate] = list(find_mentions(
        page_lines, page_no, AMOUNT, "amount", "fields.amount.candidates", _normalize,
        page_geometry["height"]))
    per_line: dict[int, int] = {}
    for m in found:
        per_line[m.line] = per_line.get(m.line, 0) + 1
    for m in found:
        if per_line[m.line] == 1 and m.label and classify_total(m.label):
            m.header = ""
    return found


# --- roles ---------------------------------------------------------------------------------------

NOT_A_TOTAL = re.compile(
    r"preis|price|prix|rabatt|discount|remise|skonto|escompte|anzahlung|prepaid|paid|acompte|"
    r"zuschl|abschl|allowance|charge|steuersatz|\bsatz|\brate\b|taux|leergut|deposit|menge|quantity|qty|"
    r"quantité|kurs|exchange|einzel|unit", re.I)
NET_STRONG = re.compile(
    r"netto|\bnet\b|(?:ohne|without|sans|hors)\s*(?:ust|mwst|steuer|vat|tax|tva)|excl|exkl|w/o|"
    r"hors tax|\bht\b", re.I)
LINES_TOTAL = re.compile(
    r"amount of lines|lines? total|total (?:of )?lines|summe (?:der )?positionen|positionssumme|"
    r"warenwert", re.I)
GROSS_STRONG = re.compile(
    r"brutto|gross|incl|inkl|\bttc\b|grand total|gesamtbetrag|rechnungsbetrag|invoice total|"
    r"total amount|gesamtsumme|summe gesamt|endbetrag|montant total|^total\W*$|^gesamt\W*$|"
    r"^summe\W*$|^total (?:€|eur)\W*$", re.I)
TAX = re.compile(r"steuer|mwst|\bust\b|ust\.|\bvat\b|\btax|\btva\b|taxe", re.I)
GROSS_WEAK = re.compile(
    r"zahlbetrag|zu zahlen|amount due|total due|due payable|balance due|payable|à payer|"
    r"a payer|to pay|fällig|rechnungssumme", re.I)
GROSS_NAMED = re.compile(
    r"^(?:total\s[a-zé]+|[\w-]+\s(?:total|summe)|\w+(?:summe|betrag|wert))\W*$", re.I)
"""'Order Total', 'Total Credit', 'Angebotssumme', 'Bestellwert': the total of what the document
is, once net, tax and subtotal wordings are ruled out."""
NOT_GROSS_NAMED = re.compile(r"sub|zwischen|position|line|netto|\bnet\b|carried|übertrag|report",
                             re.I)
NET_WEAK = re.compile(
    r"subtotal|sub-total|zwischensumme|warenwert|positionssumme|summe positionen|line total|"
    r"basisbetrag|\bbase\b|\bbasis\b|total\b", re.I)


def classify_total(text: str) -> tuple[str, float] | None:
    """The total a label names and how sure the wording is: ('total_net', 3.0), ..."""
    text = text.strip()[-60:]
    if not text or NOT_A_TOTAL.search(text):
        return None
    if NET_STRONG.search(text):
        return "total_net", 3.0
    if LINES_TOTAL.search(text):
        return "total_net", 1.5
    if GROSS_STRONG.search(text):
        return "total_gross", 3.0
    if TAX.search(text):
        return "total_tax", 3.0
    if GROSS_NAMED.search(text) and not NOT_GROSS_NAMED.search(text):
        return "total_gross", 2.5
    if GROSS_WEAK.search(text):
        return "total_gross", 2.0
    if NET_WEAK.search(text):
        return "total_net", 1.5
    return None


def amount_role(m: Mention) -> tuple[str, float] | None:
    """Role of an amount: its own label, or in a table row (or unlabelled) its column header."""
    header = getattr(m, "header", "") or ""
    by_label = classify_total(m.label or "") if m.label else None
    by_header = classify_total(header) if header else None
    rate_row = bool(re.search(r"\d\s?%", m.label or ""))  # "19% MwSt.:" labels a row of rates
    if (getattr(m, "in_row", False) or rate_row) and by_header:
        return by_header[0], by_header[1] - 0.5
    if by_label:
        return by_label
    if by_header and not m.label:
        return by_header[0], by_header[1] - 1.0
    return None


ROLES = ("total_net", "total_tax", "total_gross")


FALLBACK_MIN = 0.5
"""The role model's probability an amount needs to stand for a total that no label names."""
VETO_MAX = 0.02
"""Below this probability of the role its wording names, an amount's label counts a quarter:
'Zahlbetrag' of a reminder is the claim with the fee, the model knows the invoice total."""
SUM_CHECK = 0.9
"""Share of the remaining doubt a triple that adds up (net + tax = gross) removes."""


def _field(name: str, m: Mention, confidence: float, value: str | None = None,
           model: str | None = None) -> FieldValue:
    return FieldValue(name, m.value if value is None else value, round(confidence, 4), m.page,
                      m.bbox, m.span, "fields.amount.select", model or m.model)


def select_totals(mentions: list[Mention], top_k: int = 8,
                  probs: list[dict[str, float]] | None = None,
                  model: str | None = None) -> dict[str, FieldValue]:
    """Net, tax and gross total: the best-labelled triple, preferring one that adds up.

    Totals stand at the end of a document, so a later candidate of equal wording wins; a triple
    with net + tax == gross outranks any wording. A field without a candidate stays absent.

    With the role model's probabilities (``probs``, one dict per mention, ``fields.amount.role``)
    a total's confidence is the model's probability of its role (raised by :data:`SUM_CHECK` of
    the remaining doubt when the triple adds up), and a total no label names is looked for
    among the amounts the model gives that role with at least :data:`FALLBACK_MIN` (scored
    below a clear label, 2 x the probability), and a label the model all but rules out
    (:data:`VETO_MAX`) loses most of its weight.
    """
    n = len(mentions)
    scores = probs if probs is not None and len(probs) == n else None
    ref = model if scores is not None else None
    index = {id(m): i for i, m in enumerate(mentions)}
    scored: dict[str, list[tuple[float, Mention]]] = {r: [] for r in ROLES}
    for i, m in enumerate(mentions):
        role = amount_role(m)
        if role:
            strength = role[1]
            if scores is not None and scores[i].get(role[0], 1.0) < VETO_MAX:
                strength *= 0.25  # the model is sure the wording misleads here
            scored[role[0]].append((strength + i / max(n, 1), m))
        if scores is not None:
            for r in ROLES:
                if (not role or role[0] != r) and scores[i].get(r, 0.0) >= FALLBACK_MIN:
                    scored[r].append((2.0 * scores[i][r] + i / max(n, 1), m))
    best: dict[str, list[tuple[float, Mention | None]]] = {
        r: [*sorted(scored[r], key=lambda s: -s[0])[:top_k], (0.0, None)] for r in ROLES}
    top: tuple[float, tuple[Mention | None, ...], bool] = (-1.0, (None, None, None), False)
    for (sn, mn), (st, mt), (sg, mg) in product(*(best[r] for r in ROLES)):
        score, consistent = sn + st + sg, False
        if mn and mt and mg:
            net, tax, gross = (Decimal(x.value) for x in (mn, mt, mg))
            if abs(net + tax - gross) < Decimal("0.01") and (gross != 0 or net == 0):
                score += 6.0
                consistent = True
            elif abs(gross) < abs(net):
                continue
        if score > top[0]:
            top = (score, (mn, mt, mg), consistent)
    out: dict[str, FieldValue] = {}
    for role, m in zip(ROLES, top[1], strict=True):
        if m is None:
            continue
        if scores is None:
            confidence = 0.97 if top[2] else 0.7
        else:
            confidence = scores[index[id(m)]].get(role, 0.0)
            if top[2]:
                confidence += (1.0 - confidence) * SUM_CHECK
        out[role] = _field(role, m, confidence, model=ref)
    return out


CREDIT_NOTE = re.compile(r"\bavoir\b|credit\s?note|gutschrift|note de crédit|storno", re.I)


def is_credit_note(numbers: list[Mention]) -> bool:
    """The document's title calls it a credit note (its number's label near the top of page 1)."""
    return any(m.page == 1 and getattr(m, "y", 1.0) < 0.35 and CREDIT_NOTE.search(m.label or "")
               for m in numbers)


def unsign_credit_note(totals: dict[str, FieldValue]) -> None:
    """A credit note states what is credited: its totals are positive, whatever minus it prints."""
    gross = totals.get("total_gross")
    if gross is not None and Decimal(gross.value) < 0:
        for f in totals.values():
            f.value = f"{abs(Decimal(f.value)):.2f}"


@step("fields.amount.select", scope="document",
      requires=["page.amount_mentions", "page.amount_roles", "page.number_mentions"],
      provides=["doc.field.amount"])
def select_amount_fields(page_amount_mentions: list[list[Mention]],
                         page_amount_roles: list[list[dict[str, float]]],
                         page_number_mentions: list[list[Mention]]) -> dict[str, FieldValue]:
    """Net, tax and gross totals of the document from all pages' amount candidates and the role
    model's probabilities (``fields.amount.role``)."""
    from cosy.steps.fields.roles import AMOUNT_ROLE_MODEL

    probs = [p for page in page_amount_roles for p in page]
    totals = select_totals(flatten(page_amount_mentions), probs=probs, model=AMOUNT_ROLE_MODEL)
    if is_credit_note(flatten(page_number_mentions)):
        unsign_credit_note(totals)
    return totals
