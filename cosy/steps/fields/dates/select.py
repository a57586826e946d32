"""Per-field date selection: issue date, delivery date, due date and the service period.

Each field is its own step because each reads different evidence: the issue date is the first
date a label names so (else the role model's pick, else the date at the top of the first page);
the delivery date must not be the issue date's mention; the due date must not precede the issue
date, and agrees or not with the due date the payment terms imply (issue date + payment days),
which raises or lowers its confidence but is never emitted in place of a printed date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cosy.domain import FieldValue, Mention
from cosy.engine.step import step
from cosy.fieldspec import field_spec
from cosy.kg.vocab import COSY, SCHEMA, XSD
from cosy.steps.fields.common import flatten, selected
from cosy.steps.fields.dates.cues import date_roles
from cosy.steps.fields.dates.role import DATE_ROLE_MODEL
from cosy.steps.fields.dates.stages import NOT_A_ROLE, PLACE_DATE, _tail
from cosy.steps.xml_tree import CII_DELIVERY, CII_DOCUMENT, CII_TERMS

FALLBACK_MIN = 0.5
"""The role model's probability a date needs to fill a role that no label names."""
TERMS_AGREE = 0.5
"""Share of the remaining doubt removed when a printed due date is what the terms imply."""

Probs = list[dict[str, float]]


class DateEvidence:
    """A document's dates with what the labels (cues) and the role model say of each."""

    def __init__(self, mentions: list[Mention], cues: Sequence[Sequence[str]] | None = None,
                 probs: Probs | None = None, model: str | None = None) -> None:
        self.mentions = mentions
        self.roles = [set(c) for c in cues] if cues is not None and len(cues) == len(mentions) \
            else [date_roles(m) for m in mentions]
        self.scores = probs if probs is not None and len(probs) == len(mentions) else None
        self.model = model if self.scores is not None else None

    def conf(self, role: str, i: int, default: float) -> float:
        return self.scores[i].get(role, default) if self.scores is not None else default

    def labelled(self, role: str) -> int | None:
        """The first date whose label names the role."""
        return next((i for i, r in enumerate(self.roles) if role in r), None)

    def by_model(self, role: str, used: set[int], ok: Callable[[Mention], bool] | None = None
                 ) -> int | None:
        """The unused date the model gives the role most, if at least :data:`FALLBACK_MIN`."""
        if self.scores is None:
            return None
        scores = self.scores
        best = max((i for i, m in enumerate(self.mentions)
                    if i not in used and (ok is None or ok(m))),
                   key=lambda i: scores[i].get(role, 0.0), default=None)
        return best if best is not None and scores[best].get(role, 0.0) >= FALLBACK_MIN else None

    def index_of(self, field: FieldValue | None) -> int | None:
        if field is None:
            return None
        return next((i for i, m in enumerate(self.mentions)
                     if m.page == field.page and m.span == field.span), None)

    def field(self, name: str, i: int, confidence: float, step: str) -> FieldValue:
        m = self.mentions[i]
        return FieldValue(name, m.value, round(confidence, 4), m.page, m.bbox, m.span, step,
                          self.model or m.model)


def pick_issue(ev: DateEvidence, step: str = "fields.dates.select.issue_date") -> FieldValue | None:
    """The labelled issue date; else the model's; else the first unlabelled date near the top of
    the first page or after a place ('München, den'): letters carry their date without a label;
    else the one date a document prints (a receipt's, wherever it stands), if nothing names it
    otherwise.
    """
    i = ev.labelled("issue_date")
    if i is not None:
        return ev.field("issue_date", i, ev.conf("issue_date", i, 0.85), step)
    delivery = ev.labelled("delivery_date")
    i = ev.by_model("issue_date", set() if delivery is None else {delivery})
    if i is not None:
        return ev.field("issue_date", i, ev.conf("issue_date", i, 0.5), step)
    unlabelled = [i for i, (m, r) in enumerate(zip(ev.mentions, ev.roles, strict=True)) if not r]
    top = [i for i in unlabelled if ev.mentions[i].page == 1
           and getattr(ev.mentions[i], "y", 0.0) < 0.4
           and not NOT_A_ROLE.search(_tail(ev.mentions[i].label))]
    signed = [i for i in unlabelled if PLACE_DATE.match(_tail(ev.mentions[i].label))]
    if top or signed:
        i = (top or signed)[0]
        return ev.field("issue_date", i, ev.conf("issue_date", i, 0.5), step)
    if len({m.value for m in ev.mentions}) == 1 and unlabelled \
            and not NOT_A_ROLE.search(_tail(ev.mentions[unlabelled[0]].label)):
        i = unlabelled[0]  # the only date a receipt prints is when it was issued
        return ev.field("issue_date", i, ev.conf("issue_date", i, 0.5), step)
    return None


def pick_delivery(ev: DateEvidence, issue: FieldValue | None,
                  step: str = "fields.dates.select.delivery_date") -> FieldValue | None:
    """The labelled delivery date, else the model's among the dates not taken as issue date."""
    i = ev.labelled("delivery_date")
    if i is not None:
        return ev.field("delivery_date", i, ev.conf("delivery_date", i, 0.85), step)
    used = {j for j in (ev.labelled("issue_date"), ev.index_of(issue)) if j is not None}
    i = ev.by_model("delivery_date", used)
    if i is not None:
        return ev.field("delivery_date", i, ev.conf("delivery_date", i, 0.5), step)
    return None


def pick_due(ev: DateEvidence, issue: FieldValue | None, delivery: FieldValue | None,
             implied: str | None = None, step: str = "fields.dates.select.due_date"
             ) -> FieldValue | None:
    """The first labelled due date not before the issue date (a due date before it is another
    document's: an overdue invoice in a reminder), else the model's pick.

    ``implied`` (issue date + payment days) only weighs printed dates: a labelled one equal to it
    comes first, and its confidence rises; nothing is emitted that is not printed.
    """
    def not_before_issue(m: Mention) -> bool:
        return issue is None or m.value >= issue.value

    dues = [i for i, r in enumerate(ev.roles)
            if "due_date" in r and not_before_issue(ev.mentions[i])]
    if implied is not None:
        dues.sort(key=lambda i: ev.mentions[i].value != implied)
    i = dues[0] if dues else None
    if i is None:
        used = {j for r in ("issue_date", "delivery_date") if (j := ev.labelled(r)) is not None}
        used |= {j for f in (issue, delivery) if (j := ev.index_of(f)) is not None}
        i = ev.by_model("due_date", used, not_before_issue)
    if i is None:
        return None
    confidence = ev.conf("due_date", i, 0.85)
    if implied is not None and ev.mentions[i].value == implied:
        confidence += (1.0 - confidence) * TERMS_AGREE
    return ev.field("due_date", i, confidence, step)


def _evidence(context: list[list[Mention]], cues: list[list[list[str]]],
              roles: list[list[dict[str, float]]]) -> DateEvidence:
    return DateEvidence(flatten(context), [c for page in cues for c in page],
                        [p for page in roles for p in page], DATE_ROLE_MODEL)



EVIDENCE = ["page.date.context", "page.date.cues", "page.date.role"]


ISSUE_DATE_FIELD = field_spec(
    "issue_date", "date", "the date the document was issued", bt="BT-2", scored=True,
    predicate=SCHEMA + "dateIssued", datatype=XSD + "date", cii=(*CII_DOCUMENT, "IssueDateTime"),
    ubl=("IssueDate",))
DELIVERY_DATE_FIELD = field_spec(
    "delivery_date", "date", "when the goods or services were delivered", bt="BT-72", scored=True,
    predicate=COSY + "deliveryDate", datatype=XSD + "date",
    cii=(*CII_DELIVERY, "ActualDeliverySupplyChainEvent", "OccurrenceDateTime"),
    ubl=("Delivery", "ActualDeliveryDate"))
DUE_DATE_FIELD = field_spec(
    "due_date", "date", "when payment is due", bt="BT-9", scored=True,
    predicate=SCHEMA + "paymentDueDate", datatype=XSD + "date", cii=(*CII_TERMS, "DueDateDateTime"),
    xml=True)  # UBL: DueDate, else PaymentDueDate
PERIOD_START_FIELD = field_spec(
    "period_start", "date", "first day of the invoiced period", bt="BT-73",
    predicate=COSY + "periodStart", datatype=XSD + "date")
PERIOD_END_FIELD = field_spec(
    "period_end", "date", "last day of the invoiced period", bt="BT-74",
    predicate=COSY + "periodEnd", datatype=XSD + "date")


@step("fields.dates.select.issue_date", scope="document", requires=EVIDENCE,
      provides=["doc.field.issue_date"])
def select_issue_date(page_date_context: list[list[Mention]], page_date_cues: list[Any],
                      page_date_role: list[Any]) -> dict[str, FieldValue]:
    """The document's issue date from all pages' dates, their cues and role probabilities."""
    return selected(pick_issue(_evidence(page_date_context, page_date_cues, page_date_role)))


@step("fields.dates.select.delivery_date", scope="document",
      requires=[*EVIDENCE, "doc.field.issue_date"], provides=["doc.field.delivery_date"])
def select_delivery_date(page_date_context: list[list[Mention]], page_date_cues: list[Any],
                         page_date_role: list[Any], doc_field_issue_date: dict[str, FieldValue]
                         ) -> dict[str, FieldValue]:
    """The delivery (service) date: never the mention chosen as issue date."""
    ev = _evidence(page_date_context, page_date_cues, page_date_role)
    return selected(pick_delivery(ev, doc_field_issue_date.get("issue_date")))


@step("fields.dates.select.due_date", scope="document",
      requires=[*EVIDENCE, "doc.field.issue_date", "doc.field.delivery_date",
                "doc.payment.implied_due"],
      provides=["doc.field.due_date"])
def select_due_date(page_date_context: list[list[Mention]], page_date_cues: list[Any],
                    page_date_role: list[Any], doc_field_issue_date: dict[str, FieldValue],
                    doc_field_delivery_date: dict[str, FieldValue],
                    doc_payment_implied_due: str | None) -> dict[str, FieldValue]:
    """The printed due date, checked against the issue date and the terms' implied due date."""
    ev = _evidence(page_date_context, page_date_cues, page_date_role)
    return selected(pick_due(ev, doc_field_issue_date.get("issue_date"),
                         doc_field_delivery_date.get("delivery_date"), doc_payment_implied_due))


@step("fields.dates.select.period", scope="document",
      requires=["page.date.context", "page.date.ranges"], provides=["doc.field.period"])
def select_period(page_date_context: list[list[Mention]],
                  page_date_ranges: list[list[tuple[int, int]]]) -> dict[str, FieldValue]:
    """Start and end of the first service or billing period printed as a range of two dates."""
    for dates, ranges in zip(page_date_context, page_date_ranges, strict=True):
        for a, b in ranges:
            out = {}
            for name, m in (("period_start", dates[a]), ("period_end", dates[b])):
                out[name] = FieldValue(name, m.value, 0.8, m.page, m.bbox, m.span,
                                       "fields.dates.select.period")
            return out
    return {}
