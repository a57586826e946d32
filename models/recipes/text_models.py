"""Recipes for the text classifiers: document type and language.

Features: :func:`cosy.inference.features.featurize` (hashed word n-grams, float32), the same code
the pipeline runs. Model: multinomial logistic regression (lbfgs, deterministic), exported with
skl2onnx as a float-vector graph (no string ops), ``zipmap`` off so ``probabilities`` is a plain
tensor in label order. What is measured on the held-out split is the exported ONNX model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cosy.corpus import DOC_TYPES, LANGUAGES
from cosy.corpus import LAYOUTS as LAYOUT_NAMES
from cosy.evaluation import canonical_doc_type
from cosy.evaluation_sets import EvalSet
from cosy.inference.features import feature_spec, featurize
from cosy.inference.registry import run_classifier, spec_from_entry
from cosy.steps.classify import (
    DOC_TYPE_MODEL,
    LANGUAGE_MODEL,
    MIN_CHARS,
    PRIOR,
    TITLE_WEIGHT,
    aggregate,
    document_text,
    with_title,
)
from models.recipes.corpus import (
    DevDocument,
    NamedRecipe,
    Sample,
    Split,
    check_disjoint,
    dev_corpora,
    dev_documents,
    page_title,
    samples,
    words_text,
)
from models.recipes.export import (
    ONNX_OPSET,
    classifier_onnx,
    heldout_latency,
    measuring_session,
)
from models.recipes.report import (
    DevResults,
    classification_metrics,
    dev_metrics,
    dev_sections,
    entry_stub,
    file_entry,
    latency_table,
    machine,
    metrics_table,
    percentiles_ms,
    write_card,
)

SCANNED = Split(9_500_000, 18, scanned=True, language="de")  # OCR card set, also read here


@dataclass(frozen=True)
class TextRecipe(NamedRecipe):
    ref: str  # name@version, as the step pins it
    task: str
    labels: tuple[str, ...]
    unit: str  # "document": one sample per document; "page": one per page with text
    dim: int
    train: Split
    heldout: Split
    c: float = 10.0


DOC_TYPE = TextRecipe(
    DOC_TYPE_MODEL, "document type from the text of all pages", tuple(DOC_TYPES), "document",
    dim=1 << 14, train=Split(1_000_000, 3600), heldout=Split(9_000_000, 1200))
LANGUAGE = TextRecipe(
    LANGUAGE_MODEL, "language (de/en/fr) of a page's text; the step aggregates pages",
    tuple(LANGUAGES), "page", dim=1 << 12, train=Split(2_000_000, 900),
    heldout=Split(9_100_000, 450))
RECIPES = (DOC_TYPE, LANGUAGE)


def examples(recipe: TextRecipe, docs: list[Sample]) -> tuple[list[str], list[str]]:
    """(texts, labels) of a recipe's unit: whole documents, or every page with text."""
    if recipe.unit == "document":
        return [document_text(list(d.pages)) for d in docs], [d.doc_type for d in docs]
    pairs = [(p, d.language) for d in docs for p in d.pages if len(p.strip()) >= MIN_CHARS]
    return [p for p, _ in pairs], [y for _, y in pairs]


def train(recipe: TextRecipe, texts: list[str], labels: list[str]) -> Any:
    from sklearn.linear_model import LogisticRegression

    x = featurize(texts, feature_spec(recipe.dim))
    y = np.array([recipe.labels.index(lab) for lab in labels])
    return LogisticRegression(C=recipe.c, max_iter=3000, tol=1e-6).fit(x, y)



def predict(recipe: TextRecipe, session: Any, texts: list[str],
            titles: list[str | None] | None = None) -> list[str]:
    """Labels by the model; with ``titles``, combined with the title's evidence as the
    ``classify.doc_type`` step does (:func:`cosy.steps.classify.with_title`)."""
    spec = spec_from_entry(_stub(recipe, session), Path("."))
    probs = run_classifier(spec, session, featurize(texts, feature_spec(recipe.dim)))
    if titles is not None:
        probs = np.stack([with_title(p, recipe.labels, t) for p, t in zip(probs, titles,
                                                                          strict=True)])
    return [recipe.labels[i] for i in probs.argmax(axis=1)]


def titles_of(docs: list[Sample]) -> list[str | None]:
    return [d.title for d in docs]



def document_languages(session: Any, docs: list[Sample]) -> list[str | None]:
    """Document-level language as the step computes it (pages in one batch, length-weighted);
    None, as the step answers, for a document without a page of text."""
    spec = spec_from_entry(_stub(LANGUAGE, session), Path("."))
    out: list[str | None] = []
    for d in docs:
        texts = [p for p in d.pages if len(p.strip()) >= MIN_CHARS]
        if not texts:
            out.append(None)
            continue
        probs = run_classifier(spec, session, featurize(texts, spec.features))
        out.append(LANGUAGE.labels[int(np.argmax(aggregate(probs, np.array(
            [float(len(t)) for t in texts]))))])
    return out


def document_types(session: Any, docs: list[Sample], titled: bool = True) -> list[str | None]:
    """Document type as ``classify.doc_type`` asks the model (the whole text, combined with the
    title unless ``titled`` is false); None for a document with too little text."""
    texts, _ = examples(DOC_TYPE, docs)
    keep = [i for i, t in enumerate(texts) if len(t.strip()) >= MIN_CHARS]
    got = predict(DOC_TYPE, session, [texts[i] for i in keep],
                  [docs[i].title for i in keep] if titled else None) if keep else []
    out: list[str | None] = [None] * len(docs)
    for i, label in zip(keep, got, strict=True):
        out[i] = label
    return out


DevSamples = list[tuple[EvalSet, tuple[DevDocument, ...], list[Sample]]]


def dev_samples() -> DevSamples:
    """Each development set present (:func:`dev_corpora`), its documents and their samples:
    the text of every page and page 1's title kind as the pipeline reads them, labelled with the
    set's own truth (types by the generator's names, ``quote`` -> ``quotation``)."""
    out = []
    for dev_set in dev_corpora():
        docs = dev_documents(dev_set)
        out.append((dev_set, docs, [
            Sample(0, str(canonical_doc_type(d.truth["doc_type"])), d.truth["language"],
                   tuple(words_text(w) for w in d.words), {"file": d.file},
                   page_title(d.pdf, d.words[0])) for d in docs]))
    return out


def evaluate_dev(recipe: TextRecipe, session: Any, dev_set: EvalSet,
                 docs: tuple[DevDocument, ...], dev: list[Sample]) -> dict[str, Any]:
    """Document-level metrics on one development set, its misclassified documents, and for the
    document type the model alone and the constant answer 'invoice' beside them."""
    if recipe is LANGUAGE:
        truth, pred = [d.language for d in dev], document_languages(session, dev)
    else:
        truth, pred = [d.doc_type for d in dev], document_types(session, dev)
    m = dev_metrics(dev_set, truth, pred, recipe.labels, docs)
    if recipe is DOC_TYPE and m["n"]:
        alone = document_types(session, dev, titled=False)
        m["model_only"] = sum(t == p for t, p in zip(truth, alone, strict=True)) / len(truth)
        m["prior"] = truth.count(PRIOR) / len(truth)
    m["errors"] = [(d.file, t, p) for d, t, p in zip(docs, truth, pred, strict=True) if t != p]
    return m


def latency(recipe: TextRecipe, session: Any, texts: list[str]) -> dict[str, Any]:
    """p50/p99 ms of the ONNX model at batch 1 and 64, and of computing features per text."""
    lat = heldout_latency(session, featurize(texts[:64], feature_spec(recipe.dim)))
    feat = percentiles_ms(lambda: featurize(texts[:1], feature_spec(recipe.dim)), runs=200)
    return {**lat, "features1": feat}


def build(recipe: TextRecipe, out_dir: Path, scanned: list[Sample],
          dev: DevSamples) -> dict[str, Any]:
    """Train, export, evaluate and describe one model; return its registry entry."""

    check_disjoint([("train", recipe.train), ("heldout", recipe.heldout), ("scanned", SCANNED)])
    train_docs, held_docs = samples(recipe.train), samples(recipe.heldout)
    x_text, y = examples(recipe, train_docs)
    clf = train(recipe, x_text, y)
    data = classifier_onnx(clf, recipe, recipe.dim)
    path = out_dir / f"{recipe.name}.onnx"
    path.write_bytes(data)
    session = measuring_session(data)
    doc_level = recipe.unit == "document"
    h_text, h_y = examples(recipe, held_docs)
    held = classification_metrics(
        h_y, predict(recipe, session, h_text, titles_of(held_docs) if doc_level else None),
        recipe.labels)
    s_text, s_y = examples(recipe, scanned)
    present = tuple(lab for lab in recipe.labels if lab in s_y)
    scan = classification_metrics(
        s_y, predict(recipe, session, s_text, titles_of(scanned) if doc_level else None),
        present)
    extra: dict[str, Any] = {}
    if doc_level:
        extra["model_only"] = classification_metrics(h_y, predict(recipe, session, h_text),
                                                     recipe.labels)
    if recipe is LANGUAGE:
        extra["documents"] = classification_metrics(
            [d.language for d in held_docs], document_languages(session, held_docs),
            recipe.labels)
    measured = [(s, evaluate_dev(recipe, session, s, docs, d)) for s, docs, d in dev]
    lat = latency(recipe, session, h_text)
    entry = file_entry(_stub(recipe, session), data, recipe, held, measured)
    write_card(out_dir / "cards" / f"{recipe.name}.md",
               card(recipe, entry, len(x_text), held, scan, extra, lat, measured))
    return entry


def dev_part(recipe: TextRecipe, measured: DevResults) -> str:
    """The card's development-set sections: per set, what ``classify`` answers per document."""
    what = ("the type `classify.doc_type` asks the model for (the whole text combined with the "
            "title, as under held-out metrics)" if recipe is DOC_TYPE else
            "the document's language as `classify.language` computes it (pages aggregated)")
    receipt = "; `receipt` occurs in the wild set only" if recipe is DOC_TYPE else ""
    labelling = f"""Per document, {what}, against the set's own truth (`{recipe.name}`{receipt}).
Image-only pages are read by OCR as the pipeline reads them. Small, skewed sets: they show where
generated training data falls short of real wording, not rates to quote; nothing was tuned on
them."""

    def more(m: dict[str, Any]) -> str:
        errors = "\n".join(f"- `{f}`: expected {t}, predicted {p or 'nothing (no text)'}"
                           for f, t, p in m["errors"])
        alone = ""
        if "model_only" in m:
            alone = (f"The model alone (no title): accuracy {m['model_only']:.4f}; always "
                     f"answering '{PRIOR}' would score {m['prior']:.4f}. ")
        return f"{alone}Misclassified:\n\n{errors or '- none'}"

    return dev_sections(measured, "documents", labelling, more)


def card(recipe: TextRecipe, entry: dict[str, Any], n_train: int, held: dict[str, Any],
         scan: dict[str, Any], extra: dict[str, Any], lat: dict[str, Any],
         measured: DevResults) -> str:
    unit = "documents" if recipe.unit == "document" else "pages"

    def pages(n: int) -> str:
        return "" if recipe.unit == "document" else f", {n} pages with text"

    tr, ho = recipe.train, recipe.heldout
    combined = ""
    if "model_only" in extra:
        mo = extra["model_only"]
        combined = f"""
Metrics are of what `classify.doc_type` answers: the model's distribution combined with the
type the title names (`fields.title.select`; `with_title` in `cosy/steps/classify.py`): the
probability of the titled type is multiplied by {TITLE_WEIGHT:g} (a likelihood ratio) and the
distribution renormalised, so a clear title decides between close types (Gutschrift/Avoir vs.
invoice) while a confident model overrules a misleading title. The model alone: accuracy
{mo['accuracy']:.4f}, macro-F1 {mo['macro_f1']:.4f}.
"""
    doc_level = ""
    if "documents" in extra:
        d = extra["documents"]
        doc_level = (f"\nDocument level (pages aggregated as `classify.language` does, "
                     f"{d['n']} documents): accuracy {d['accuracy']:.4f}, macro-F1 "
                     f"{d['macro_f1']:.4f}.\n")
    return f"""
# Model card: {recipe.ref}

- **Task**: {recipe.task}. Labels: {", ".join(recipe.labels)}.
- **File**: `models/{entry['file']}`, {entry['size_bytes'] / 1024:.0f} KiB,
  sha256 `{entry['sha256']}` (pinned in `models/registry.json`).
- **Model**: multinomial logistic regression (scikit-learn, lbfgs, C={recipe.c}) exported with
  skl2onnx (opset {ONNX_OPSET['']}, ai.onnx.ml {ONNX_OPSET['ai.onnx.ml']}), no ZipMap.
  Input `features` float32 [N, {recipe.dim}]; outputs `label` int64 [N] (index into the labels)
  and `probabilities` float32 [N, {len(recipe.labels)}].
- **Features** (`cosy/inference/features.py`, shared by training and the pipeline): word
  unigrams and bigrams of the page text (lower-cased, digits folded to 0, long numbers dropped),
  plus the words of the first 12 lines in their own namespace (titles and header labels),
  hashed (crc32) into {recipe.dim} buckets, log(1+count), L2-normalised.
- **Data**: documents from `cosy.corpus.generate_document`, document type and language cycled so
  that every split is balanced, layouts drawn by seed. The text is what the pipeline reads
  (`parse.words` → `text.normalize` → `layout.lines` → `layout.text`).
  Training: seeds {tr.start}–{tr.start + tr.count - 1} ({tr.count} documents{pages(n_train)}).
  Held out, never trained on: seeds {ho.start}–{ho.start + ho.count - 1}
  ({ho.count} documents{pages(held['n'])}).
- **Recipe**: `python -m models.recipes.build` (`models/recipes/text_models.py`); deterministic:
  fixed seeds, single-threaded BLAS, the same ONNX bytes on every build.

## Held-out metrics ({held['n']} {unit})

Accuracy **{held['accuracy']:.4f}**, macro-F1 **{held['macro_f1']:.4f}**.
{combined}{doc_level}
{metrics_table(held)}

## Scanned German documents (OCR text, not trained on)

Seeds {SCANNED.start}–{SCANNED.start + SCANNED.count - 1}, image-only PDFs read by `ocr.words`
({scan['n']} {unit}): accuracy {scan['accuracy']:.4f}, macro-F1 over the classes present
{scan['macro_f1']:.4f}. A small set (OCR costs seconds per page); it shows the model survives
OCR noise, not a precise rate.

{dev_part(recipe, measured)}
## Latency ({machine()}, 1 intra-op thread)

{latency_table(lat)}
| features of one text (Python) | {lat['features1'][0]:.3f} | {lat['features1'][1]:.3f} |

Measured while other work shared the machine's cores; p99 includes that noise.

## Limits

Trained only on generated documents ({len(LAYOUT_NAMES)} layouts, DE/EN/FR); real documents
with unseen wording may need more data. A document with less than {MIN_CHARS} characters of
text gets no label (`None`).
"""


def _stub(recipe: Any, session: Any) -> dict[str, Any]:
    return entry_stub(recipe, session, feature_spec(recipe.dim))
