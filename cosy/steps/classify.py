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
DOC_TYPE_MODEL = "doc_type@1.0"
MIN_CHARS = 20  # a page with less text says nothing about language or type


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


def _predict(ctx: StepContext, ref: str, texts: list[str],
             weights: list[float]) -> Prediction:  # fmt: skip
    spec = ctx.resources.model(ref)
    if not texts:
        return Prediction(None, 0.0, spec.ref)
    probs = run_classifier(spec, ctx.resources.session(ref), featurize(texts, spec.features))
    dist = aggregate(probs, np.asarray(weights))
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


@step("classify.doc_type", scope="document", requires=["page.text"], provides=["doc.doc_type"],
      model=DOC_TYPE_MODEL)
def doc_type(page_text: list[str], ctx: StepContext) -> Prediction:
    """The document type (invoice, credit note, order, ..., letter) from the whole text."""
    text = document_text(page_text)
    texts = [text] if len(text.strip()) >= MIN_CHARS else []
    return _predict(ctx, DOC_TYPE_MODEL, texts, [1.0] * len(texts))
