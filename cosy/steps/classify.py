"""Classify: the document's language and type, by the ONNX models of the registry.

Both are document steps that read every page's text and run one batch through their model (one
``session.run`` per document, not one per page). Each step pins the model version it was written
for; a registry with another version refuses the step instead of silently changing results.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    best = int(np.argmax(dist))
    return Prediction(spec.labels[best], float(dist[best]), spec.ref)


@step("classify.language", scope="document", requires=["page.text"], provides=["doc.language"],
      model=LANGUAGE_MODEL)
def language(page_text: list[str], ctx: StepContext) -> Prediction:
    """The document's language (de/en/fr): pages classified in one batch, then length-weighted."""
    texts = [t for t in page_text if len(t.strip()) >= MIN_CHARS]
    return _predict(ctx, LANGUAGE_MODEL, texts, [float(len(t)) for t in texts])


def document_text(page_text: list[str]) -> str:
    """All pages' text in order: the unit the document-type model was trained on."""
    return "\n".join(page_text)


@step("classify.doc_type", scope="document", requires=["page.text", "doc.title_kind"],
      provides=["doc.doc_type"], model=DOC_TYPE_MODEL)
def doc_type(page_text: list[str], doc_title_kind: str | None, ctx: StepContext) -> Prediction:
    """The document type (invoice, corrected/self-billed invoice, invoice information, credit
    note, order, ..., letter): the model on the whole text, combined with the type the title
    names (``fields.title.select``) by :func:`with_title`."""
    text = document_text(page_text)
    texts = [text] if len(text.strip()) >= MIN_CHARS else []
    return _predict(ctx, DOC_TYPE_MODEL, texts, [1.0] * len(texts), doc_title_kind)
