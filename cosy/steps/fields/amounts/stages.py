"""Money amounts: normalise, validate and put in context what the locale sources found.

The sources (:mod:`cosy.steps.fields.amounts.sources`) report matches; ``fields.amounts.normalise``
resolves their overlaps and reads a signed decimal; ``fields.amounts.validate`` drops what cannot
be a money amount of a document; ``fields.amounts.context`` adds label, column header and
position; the total words of labels and headers are read per language in :mod:`amount_cues`.
Selection then looks for the triple whose net plus tax equals gross: a sum that checks out
confirms all three, which labels alone cannot.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import product
from typing import Any

from cosy.domain import FieldValue, Line, Mention, PageGeometry, union_bbox
from cosy.engine.step import step
from cosy.steps.fields.amounts.cues import LEXICONS, classify_total, rule_cues
from cosy.steps.fields.common import Candidate, with_row_labels
from cosy.steps.fields.hits import Hit, mentions, resolve_overlaps

MAX_AMOUNT = Decimal("1e9")
"""No document of ours states a billion or more: such a 'number' is an identifier."""


def parse_amount(text: str) -> Decimal | None:
    """The value of an amount written with either decimal mark, thousands groups optional."""
    text = re.sub(r"[ '’\u00a0\u202f]", "", text)
    if len(text) >= 3 and text[-3] in ".,":
        whole, frac = text[:-3], text[-2:]
        whole = whole.replace(".", "").replace(",", "")
        try:
            return Decimal(f"{whole}.{frac}")
        except InvalidOperation:
            return None
    return None


def normalise_amounts(sources: list[list[Hit]]) -> list[tuple[Hit, Decimal]]:
    """Each amount written on the page once, as a signed decimal."""
    out = []
    for hit in resolve_overlaps(*sources):
        value = parse_amount(hit.part("amount"))
        if value is not None:
            out.append((hit, -value if hit.part("sign") else value))
    return out


@step("fields.amounts.normalise", scope="page",
      requires=["page.amount.de", "page.amount.en", "page.amount.fr", "page.amount.ch",
                "page.amount.in"],
      provides=["page.amount.normalised"])
def amount_normalise(page_amount_de: list[Hit], page_amount_en: list[Hit],
                     page_amount_fr: list[Hit], page_amount_ch: list[Hit],
                     page_amount_in: list[Hit]) -> list[tuple[Hit, Decimal]]:
    """Signed decimal value of every amount the locale sources found, each amount once."""
    return normalise_amounts([page_amount_de, page_amount_en, page_amount_fr, page_amount_ch,
                              page_amount_in])


def validate_amounts(readings: list[tuple[Hit, Decimal]]) -> list[tuple[Hit, str]]:
    """Amounts a document can state: below :data:`MAX_AMOUNT`, no zero-padded whole part
    ('007,50' is a code); as two-decimal strings."""
    out = []
    for hit, value in readings:
        digits = hit.part("amount")
        if abs(value) >= MAX_AMOUNT or (len(digits) > 4 and digits[0] == "0"
                                        and digits[1].isdigit()):
            continue
        out.append((hit, f"{value:.2f}"))
    return out


@step("fields.amounts.validate", scope="page", requires=["page.amount.normalised"],
      provides=["page.amount.valid"])
def amount_validate(page_amount_normalised: list[tuple[Hit, Decimal]]) -> list[tuple[Hit, str]]:
    """The amounts that can be money amounts of the document."""
    return validate_amounts(page_amount_normalised)


@step("fields.amounts.context", scope="page",
      requires=["page.amount.valid", "page.lines", "page_no", "page.geometry"],
      provides=["page.amount.context"])
def amount_context(page_amount_valid: list[tuple[Hit, str]], page_lines: list[Line],
                   page_no: int, page_geometry: PageGeometry) -> list[Mention]:
    """Each amount with label, column header and height on the page.

    A lone labelled amount on its line ('Sales Tax 8.25%  $870.14') owes nothing to a column
    header above it: that header belongs to the item table, not to the totals.
    """
    found: list[Candidate] = list(mentions(page_lines, page_no, page_geometry.height,
                                           "amount", page_amount_valid))
    with_row_labels(found, page_lines)
    per_line: dict[int, int] = {}
    for m in found:
        per_line[m.line] = per_line.get(m.line, 0) + 1
    for m in found:
        if per_line[m.line] == 1 and m.label and classify_total(m.label):
            m.header = ""
    return list(found)


# --- roles ---------------------------------------------------------------------------------------

ROLES = ("total_net", "total_tax", "total_gross")


FALLBACK_MIN = 0.5
"""The role model's probability an amount needs to stand for a total that no label names."""
VETO_MAX = 0.02
"""Below this probability of the role its wording names, an amount's label counts a quarter:
'Zahlbetrag' of a reminder is the claim with the fee, the model knows the invoice total."""
SWAPPABLE = {"total_net": "total_gross", "total_gross": "total_net"}
SWAPPED = 0.5
"""A net total's label may stand on the gross ('TOTAL NET' of a receipt that means what is
paid, 'Subtotal' of prices with tax included): the other of the two is kept as a weak
candidate, so that only a triple that adds up makes it so."""
SUM_CHECK = 0.9
"""Share of the remaining doubt a triple that adds up (net + tax = gross) removes."""


def _field(name: str, m: Mention, confidence: float, value: str | None = None,
           model: str | None = None) -> FieldValue:
    return FieldValue(name, m.value if value is None else value, round(confidence, 4), m.page,
                      m.bbox, m.span, "fields.amounts.select.totals", model or m.model)


def select_totals(mentions: list[Mention], top_k: int = 8,
                  probs: list[dict[str, float]] | None = None,
                  model: str | None = None,
                  cues: list[tuple[str, float] | None] | None = None) -> dict[str, FieldValue]:
    """Net, tax and gross total: the best-labelled triple, preferring one that adds up.

    Totals stand at the end of a document, so a later candidate of equal wording wins; a triple
    with net + tax == gross outranks any wording. A field without a candidate stays absent, and
    so does a tax that does not bridge the net and gross found (an excise tax, one rate's tax).

    With the role model's probabilities (``probs``, one dict per mention, ``fields.amounts.role``)
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
    swapped: set[tuple[str, int]] = set()
    rule = cues if cues is not None and len(cues) == n else rule_cues(mentions)
    for i, m in enumerate(mentions):
        role = rule[i]
        if role:
            strength = role[1]
            if scores is not None and scores[i].get(role[0], 1.0) < VETO_MAX:
                strength *= 0.25  # the model is sure the wording misleads here
            scored[role[0]].append((strength + i / max(n, 1), m))
            if role[0] in SWAPPABLE:
                scored[SWAPPABLE[role[0]]].append((SWAPPED + i / max(n, 1), m))
                swapped.add((SWAPPABLE[role[0]], id(m)))
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
            if adds_up(net, tax, gross) and (gross != 0 or net == 0):
                score += 6.0
                consistent = True
            elif abs(gross) < abs(net):
                continue
        if not consistent and any((r, id(x)) in swapped
                                  for r, x in zip(ROLES, (mn, mt, mg), strict=True)):
            continue  # a swapped wording counts only where the sum confirms it
        if score > top[0]:
            top = (score, (mn, mt, mg), consistent)
    out: dict[str, FieldValue] = {}
    for role, m in zip(ROLES, top[1], strict=True):
        if m is None or (role == "total_tax" and None not in top[1] and not top[2]):
            continue  # net and gross found, the tax does not bridge them: some other tax
        if scores is None:
            confidence = 0.97 if top[2] else 0.7
        else:
            confidence = scores[index[id(m)]].get(role, 0.0)
            if top[2]:
                confidence += (1.0 - confidence) * SUM_CHECK
        out[role] = _field(role, m, confidence, model=ref)
    if not out:
        total = column_total(mentions)
        if total is not None:
            confidence = COLUMN_SUM if scores is None else \
                max(COLUMN_SUM, scores[index[id(total)]].get("total_gross", 0.0))
            out["total_gross"] = _field("total_gross", total, confidence, model=ref)
    elif "total_gross" not in out and "total_net" in out and "total_tax" in out:
        gross = implied_gross(mentions, rule, top[1][0], top[1][1])
        if gross is not None:
            p = 0.0 if scores is None else scores[index[id(gross)]].get("total_gross", 0.0)
            out["total_gross"] = _field("total_gross", gross, p + (1.0 - p) * SUM_CHECK,
                                        model=ref)
    return out


BREAKDOWN_SUM = 0.9
"""Confidence of a net (and tax) total read as the sum of a breakdown's rows that adds up to the
gross total: two readings of the page agree."""


def totals_from_breakdown(totals: dict[str, FieldValue],
                          rows: list[dict[str, Any]]) -> dict[str, FieldValue]:
    """Net and tax totals as the sums of a breakdown of several rates ('A 19 % 19,61 3,73 |
    B 7 % 611,88 42,83'), where no printed net bridges the gross total: a net picked from one
    row's base is that rate's, not the document's. Only a sum that adds up to the gross
    replaces anything."""
    gross = totals.get("total_gross")
    unique = {(r["rate"], r["base"], r["tax"]): r for r in rows}
    if gross is None or len({rate for rate, _, _ in unique}) < 2:
        return totals
    net, tax = totals.get("total_net"), totals.get("total_tax")
    g = Decimal(str(gross.value))
    if net is not None and tax is not None and adds_up(Decimal(str(net.value)),
                                                       Decimal(str(tax.value)), g):
        return totals
    base_sum = sum((Decimal(b) for _, b, _ in unique), Decimal(0))
    tax_sum = sum((Decimal(t) for _, _, t in unique), Decimal(0))
    if not adds_up(base_sum, tax_sum, g):
        return totals
    page = min(r["page"] for r in unique.values())
    box = union_bbox([r["bbox"] for r in unique.values() if r["page"] == page])
    out = dict(totals)
    for name, value, printed in (("total_net", base_sum, net), ("total_tax", tax_sum, tax)):
        if printed is None or Decimal(str(printed.value)) != value:
            out[name] = FieldValue(name, f"{value:.2f}", BREAKDOWN_SUM, page, box, None,
                                   "fields.amounts.select.totals", gross.model)
    return out


CASH_ROUNDING = (Decimal("0.05"), Decimal("0.02"))
"""Cash totals rounded to 5 cents (Malaysia, Switzerland, Australia ...) are at most 2 cents
off net + tax: 31.03 + 1.65 = 32.68, paid 32.70."""


def adds_up(net: Decimal, tax: Decimal, gross: Decimal) -> bool:
    """Whether net + tax is the gross total, to the cent or rounded to a cash total."""
    diff = abs(net + tax - gross)
    step, slack = CASH_ROUNDING
    return diff < Decimal("0.01") or (diff <= slack and gross % step == 0)


COLUMN_SUM = 0.6
"""Confidence of a gross total read from arithmetic alone: the sum under a column of amounts."""


def implied_gross(mentions: list[Mention], cues: list[tuple[str, float] | None],
                  net: Mention | None, tax: Mention | None) -> Mention | None:
    """The printed net + tax ('TOT'L  RM 73.00' under 'Sub Total 68.87' and 'GST 4.13', its
    label misread): the gross total no label named, since the arithmetic does."""
    if net is None or tax is None:
        return None
    target = Decimal(net.value) + Decimal(tax.value)
    if target == 0:
        return None
    return next((m for m, cue in zip(mentions, cues, strict=True)
                 if m is not net and m is not tax and Decimal(m.value) == target
                 and (cue is None or cue[0] == "total_gross")
                 and not classify_nothing(m)), None)


def classify_nothing(m: Mention) -> bool:
    """Whether the label rules a total out ('Rabatt', 'paid', 'Change'): no total, whatever
    the arithmetic says."""
    label = m.label or ""
    return bool(label) and classify_total(label) is None and bool(NOT_A_TOTAL.search(label))


NOT_A_TOTAL = re.compile("|".join(lex["not_a_total"] for lex in LEXICONS.values()), re.I)


def column_total(mentions: list[Mention]) -> Mention | None:
    """The last amount of a page when it is the sum of the two or more amounts above it in its
    column ('Round trip airfare 292.00 / Miscellaneous cabfares 58.50 / $ 350.50'): a document
    that names no total still adds its lines up."""
    if not mentions:
        return None
    last = mentions[-1]
    above = [m for m in mentions[:-1] if m.page == last.page
             and min(m.bbox[2], last.bbox[2]) - max(m.bbox[0], last.bbox[0]) > 0]
    if len(above) < 2 or Decimal(last.value) <= 0:
        return None
    return last if sum(Decimal(m.value) for m in above) == Decimal(last.value) else None


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
