"""Classify: the document's language and type, by the ONNX models of the registry.

Both are document steps that read every page's text and run one batch through their model (one
``session.run`` per document, not one per page). Each step pins the model version it was written
for; a registry with another version refuses the step instead of silently changing results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from cosy.engine.step import StepContext, step
from cosy.inference.features import featurize
from cosy.inference.registry import run_classifier

LANGUAGE_MODEL = "language@1.0"
DOC_TYPE_MODEL = "doc_type@2.0"
MIN_CHARS = 20  # a page with less text says nothing about language or type
TITLE_WEIGHT = 10.0
"""Likelihood ratio of a title naming a type: the model's probability of the type the title
names is multiplied by this, then the distribution renormalised (naive-Bayes combination of two
pieces of evidence). A model sure of another type (p > 0.91 against 0.01) still wins."""
TITLE_TYPES = {"quote": "quotation"}
"""Title kinds (``fields.title``) named differently from the document types."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """A classifier's answer for a document: label (None when there was no text), confidence."""

    label: str | None
    confidence: float
    model: str
    runner_up: str | None = None  # the model's second answer (an unsure model's may be right)

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "confidence": round(self.confidence, 4), "model": self.model}


def aggregate(probs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per-page class probabilities to one document distribution, weighted by text length.

    Long pages carry more evidence than a page holding only a total and a footer.
    """
    weights = np.asarray(weights, dtype=np.float64)
    return (probs * weights[:, None]).sum(axis=0) / max(float(weights.sum()), 1e-9)


def with_title(probs: np.ndarray, labels: tuple[str, ...] | list[str],
               title: str | None) -> np.ndarray:
    """A document's type distribution combined with the type its title names (if any)."""
    kind = TITLE_TYPES.get(title, title) if title else None
    if kind not in labels:
        return probs
    out = np.asarray(probs, dtype=np.float64).copy()
    out[list(labels).index(kind)] *= TITLE_WEIGHT
    return out / max(float(out.sum()), 1e-12)


def _predict(ctx: StepContext, ref: str, texts: list[str], weights: list[float],
             title: str | None = None) -> Prediction:  # fmt: skip
    spec = ctx.resources.model(ref)
    if not texts:
        return Prediction(None, 0.0, spec.ref)
    probs = run_classifier(spec, ctx.resources.session(ref), featurize(texts, spec.features))
    dist = with_title(aggregate(probs, np.asarray(weights)), spec.labels, title)
    ranked = [spec.labels[i] for i in np.argsort(-dist, kind="stable")]
    return Prediction(ranked[0], float(dist.max()), spec.ref,
                      ranked[1] if len(ranked) > 1 else None)


@step("classify.language", scope="document", requires=["page.text"], provides=["doc.language"],
      model=LANGUAGE_MODEL)
def language(page_text: list[str], ctx: StepContext) -> Prediction:
    """The document's language (de/en/fr): pages classified in one batch, then length-weighted."""
    texts = [t for t in page_text if len(t.strip()) >= MIN_CHARS]
    return _predict(ctx, LANGUAGE_MODEL, texts, [float(len(t)) for t in texts])


def document_text(page_text: list[str]) -> str:
    """All pages' text in order: the unit the document-type model was trained on."""
    return "\n".join(page_text)


AMOUNT = r"\s*[:#]?\s*(?:rm|\$|€|eur|usd|£)?\s*-?\d+[.,]\d{2}"
RECEIPT_CUES: dict[str, re.Pattern[str]] = {
    # money handed over and given back at a till, with its amount
    "tender": re.compile(r"\b(?:change(?:\s+due)?|cash(?:\s+tendered)?|tendered|rendu|"
                         r"esp[eè]ces|r[üu]ckgeld|wechselgeld|gegeben|bar|pay[ée])" + AMOUNT, re.I),
    # who served at which till or table
    "till": re.compile(r"\b(?:cashier|kassierer(?:in)?|caissi[eè]re?|bediener(?:in)?|"
                       r"servi\s+par)\b|\bpos\s*(?:no|nr|#|:)|\btable\s*[:#]?\s*\w*\d|"
                       r"\bpax\b|\bguest\s+check\b|\bkasse\s*(?:nr\.?\s*)?\d|\bsur\s+place\b|"
                       r"\bà\s+emporter\b|\b(?:eat|dine)[\s-]in\b|\btake[\s-]?away\b|"
                       r"\baußer\s+haus\b", re.I),
    # a card paid at a terminal
    "card": re.compile(r"\b(?:visa|mastercard|amex|maestro|girocard)\b.*\d|"
                       r"\b(?:auth(?:orization)?\.?|approval)\s+code\b|\bcontactless\b|"
                       r"\bkontaktlos\b|\bcarte\s+bancaire\b", re.I),
}
"""Signs of a sale at a till, each a kind of evidence: a receipt shows at least two kinds."""
RECEIPT_TITLES = frozenset({None, "invoice", "receipt"})
"""Titles a till slip may carry ('TAX INVOICE' is printed on receipts in GST countries)."""
MODEL_MIN = 0.8
"""Below this probability and without a title the model's answer is too weak to stand against
the prior: most business documents are invoices, so COSY answers 'invoice'."""
PRIOR = "invoice"
PAYMENT_ASKED = ("due_date", "iban", "payment_terms")
"""Fields that ask for a payment yet to come: a receipt (paid at the till) has none of them."""


def receipt_evidence(text: str) -> frozenset[str]:
    """The kinds of till evidence a document's text shows (``RECEIPT_CUES``)."""
    return frozenset(kind for kind, cue in RECEIPT_CUES.items() if cue.search(text))


@step("classify.receipt_cues", scope="document", requires=["page.text"],
      provides=["doc.receipt_cues"])
def receipt_cues(page_text: list[str]) -> list[str]:
    """The kinds of evidence of a sale at a till: money tendered and change, a cashier or a
    table, a card paid at a terminal."""
    return sorted(receipt_evidence(document_text(page_text)))


def type_model(page_text: list[str], title: str | None, ctx: StepContext) -> Prediction:
    """The type model's answer on the whole text, combined with the title's kind."""
    text = document_text(page_text)
    texts = [text] if len(text.strip()) >= MIN_CHARS else []
    return _predict(ctx, DOC_TYPE_MODEL, texts, [1.0] * len(texts), title)


def decide_type(model: Prediction, title: str | None, cues: list[str], has_buyer: bool,
                label_kinds: list[str] | None = None, asks_payment: bool = True) -> Prediction:
    """The document type from the model (already combined with the title), the title, the
    kinds that labels at the top name, and the till evidence.

    A document that names no buyer is a receipt, whatever its title says of invoices, where it
    shows two kinds of till evidence, or one and asks for no payment (no due date, no account
    to pay into), or a label at its top calls it a receipt. An untitled document keeps the
    model's type where the model is sure, the kind a label at the top names where the model
    ranks it first or second, and is otherwise an invoice (the prior)."""
    kinds = {TITLE_TYPES.get(k, k) for k in label_kinds or ()}
    if not has_buyer and title in RECEIPT_TITLES and (
            len(cues) >= 2 or (cues and not asks_payment) or "receipt" in kinds):
        return Prediction("receipt", min(0.95, 0.6 + 0.15 * len(cues)), "rules")
    if title is None and model.label is not None and model.confidence < MODEL_MIN:
        if model.label in kinds:
            return Prediction(model.label, max(model.confidence, 0.6), model.model)
        if model.runner_up is not None and model.runner_up in kinds:
            return Prediction(model.runner_up, 0.6, model.model)
        return Prediction(PRIOR, 0.5, "rules")
    return model


@step("classify.doc_type", scope="document",
      requires=["page.text", "doc.title_kind", "doc.receipt_cues", "doc.party.assignment",
                "page.title_label_kinds", "doc.fields.merged"],
      provides=["doc.doc_type"], model=DOC_TYPE_MODEL)
def doc_type(page_text: list[str], doc_title_kind: str | None, doc_receipt_cues: list[str],
             doc_party_assignment: dict[str, Any], page_title_label_kinds: list[list[str]],
             doc_fields_merged: dict[str, Any], ctx: StepContext) -> Prediction:
    """The document type (invoice, corrected/self-billed invoice, invoice information, credit
    note, order, ..., letter, receipt): the model on the whole text, combined with the type the
    title names (``fields.title.select``) by :func:`with_title`, then :func:`decide_type`."""
    model = type_model(page_text, doc_title_kind, ctx)
    asks = any(name in doc_fields_merged for name in PAYMENT_ASKED)
    return decide_type(model, doc_title_kind, doc_receipt_cues, "buyer" in doc_party_assignment,
                       [k for page in page_title_label_kinds for k in page], asks)
