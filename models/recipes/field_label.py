"""Recipe for the label classifier (``fields.labels.link``, ``field_label@1.0``).

A sample is a short text as the pipeline reads it on a page: a label the generator printed for
a field (its truth ``labels``: 'Rechnungs-Nr.:', 'Inv. Date', 'GST Reg. No.', several synonyms
per field and language, inline, stacked, in tables) with that field as class, or any other cell
of the page (values, descriptions, addresses, labels of fields COSY does not read) as ``none``.
A third of the samples get the slips OCR makes (a letter misread as a neighbour, one dropped,
two words run together), so that a scanned 'Involce No.' still reads as a document number.
Features: :func:`cosy.inference.label_features.label_features` (the code the step runs).
Model: multinomial logistic regression (scikit-learn, sparse training input) exported with
skl2onnx; the linear model keeps its probabilities close to calibrated, which the step uses as
the linked value's confidence.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cosy.corpus import generate_document
from cosy.inference.label_features import label_spec, label_vector
from models.recipes.corpus import NamedRecipe, Split, check_disjoint, map_documents
from models.recipes.export import ONNX_OPSET, classifier_onnx, heldout_latency, measuring_session
from models.recipes.report import (
    classification_metrics,
    dev_unmeasured,
    entry_stub,
    file_entry,
    latency_table,
    machine,
    metrics_table,
    write_card,
)

TRAIN = Split(4_100_000, 900)
HELDOUT = Split(9_600_000, 300)
NONE = "none"
LABEL_FIELDS: tuple[str, ...] = (
    # in priority order: a label printed once for two fields ('Total' for the gross total and
    # the amount due) is a sample of the first
    "invoice_number", "issue_date", "due_date", "delivery_date", "total_gross", "total_net",
    "total_tax", "amount_due", "prepaid_amount", "customer_number", "order_reference",
    "invoice_reference", "buyer_reference", "seller_vat_id", "seller_tax_number", "iban", "bic",
    "currency", "seller_name", "buyer_name", "contact_person", "director",
)
NEGATIVES_PER_PAGE = 30
NOISE_SHARE = 0.33
OCR_SLIPS = {"i": "l1", "l": "i1", "o": "0", "0": "o", "e": "c", "c": "e", "n": "m", "m": "n",
             "u": "v", "a": "o", "s": "5", "5": "s", "1": "l", "b": "h", "h": "b"}


@dataclass(frozen=True)
class FieldLabelRecipe(NamedRecipe):
    ref: str = "field_label@1.0"
    task: str = ("which field a printed label names (invoice number, issue date, VAT ID, "
                 "gross total ...), or none: the text left of or above a value")
    labels: tuple[str, ...] = (*LABEL_FIELDS, NONE)
    train: Split = TRAIN
    heldout: Split = HELDOUT
    c: float = 4.0

    @property
    def spec(self) -> dict[str, Any]:
        return label_spec()


RECIPE = FieldLabelRecipe()
RECIPES = (RECIPE,)


def ocr_slip(text: str, rng: random.Random) -> str:
    """The text with one slip OCR makes: a letter misread, dropped, or a space lost."""
    if len(text) < 3:
        return text
    kind = rng.random()
    if kind < 0.6:
        spots = [i for i, ch in enumerate(text) if ch.lower() in OCR_SLIPS]
        if spots:
            i = rng.choice(spots)
            return text[:i] + rng.choice(OCR_SLIPS[text[i].lower()]) + text[i + 1:]
    if kind < 0.85:
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1:]
    return text.replace(" ", "", 1)


def _overlaps(a: tuple[float, ...], b: list[float], margin: float = 1.0) -> bool:
    return a[0] < b[2] + margin and b[0] < a[2] + margin and a[1] < b[3] + margin \
        and b[1] < a[3] + margin


def doc_samples(spec_: tuple[int, str, str, bool]) -> tuple[list[str], list[str]]:
    """One generated document's label samples (text, class) and page cells as ``none``."""
    from cosy.steps import layout, parse, text
    from cosy.steps.fields.common import cells

    seed, doc_type, language, _scanned = spec_
    pdf, truth = generate_document(seed, doc_type=doc_type, language=language)
    rng = random.Random(seed)
    texts, ys = [], []
    boxes: dict[tuple[int, tuple[float, ...]], str] = {}
    for field in LABEL_FIELDS:
        found = truth.get("labels", {}).get(field)
        if found and found.get("text"):
            key = (found["page"], tuple(round(v, 1) for v in found["bbox"]))
            if key not in boxes:
                boxes[key] = field
                texts.append(found["text"])
                ys.append(field)
    for n in range(1, truth["pages"] + 1):
        words = text.normalized_words(parse.words(parse.open_page(pdf, n)))
        others = [c.text for line in layout.lines(words) for c in cells(line)
                  if not any(page == n and _overlaps(c.bbox, list(box))
                             for page, box in boxes)]
        rng.shuffle(others)
        for t in others[:NEGATIVES_PER_PAGE]:
            texts.append(t)
            ys.append(NONE)
    texts = [ocr_slip(t, rng) if rng.random() < NOISE_SHARE else t for t in texts]
    return texts, ys


def collect(split: Split, workers: int | None = None) -> tuple[list[str], list[str]]:
    docs = map_documents(doc_samples, split.specs(), workers)
    return [t for d in docs for t in d[0]], [y for d in docs for y in d[1]]


def features(texts: list[str], dim: int) -> Any:
    """Texts as a sparse matrix for training (the vectors are mostly zeros)."""
    from scipy.sparse import csr_matrix

    return csr_matrix(np.stack([label_vector(t, dim) for t in texts]))


def train(recipe: FieldLabelRecipe, texts: list[str], y: list[str]) -> Any:
    from sklearn.linear_model import LogisticRegression

    yi = np.array([recipe.labels.index(v) for v in y])
    clf = LogisticRegression(C=recipe.c, max_iter=300, tol=1e-4)
    return clf.fit(features(texts, recipe.spec["dim"]), yi)


def predict(recipe: FieldLabelRecipe, session: Any, x: np.ndarray) -> list[str]:
    name = session.get_inputs()[0].name
    probs = session.run([session.get_outputs()[1].name], {name: x.astype(np.float32)})[0]
    return [recipe.labels[i] for i in np.asarray(probs).argmax(axis=1)]


def check_splits(recipe: FieldLabelRecipe) -> None:
    """The training range touches no held-out range of any model, nor this model's own."""
    from models.recipes import (
        block_class,
        identifier_role,
        party_role,
        role_models,
        text_models,
        token_ner,
    )

    heldouts = [("scanned", text_models.SCANNED), ("role heldout", role_models.HELDOUT),
                ("identifier_role heldout", identifier_role.HELDOUT),
                ("party_role heldout", party_role.HELDOUT),
                ("token_ner heldout", token_ner.HELDOUT),
                ("block_class heldout", block_class.HELDOUT),
                *((f"{t.name} heldout", t.heldout) for t in text_models.RECIPES)]
    check_disjoint([("field_label train", recipe.train), ("field_label heldout", recipe.heldout)])
    for name, split in heldouts:
        check_disjoint([("field_label train", recipe.train), (name, split)])


def build(recipe: FieldLabelRecipe, out_dir: Path) -> dict[str, Any]:
    """Collect, train, export, evaluate and describe the model; return its registry entry."""
    import time

    check_splits(recipe)
    t0 = time.perf_counter()
    texts, y = collect(recipe.train)
    htexts, hy = collect(recipe.heldout)
    t_data = time.perf_counter() - t0
    clf = train(recipe, texts, y)
    t_train = time.perf_counter() - t0 - t_data
    dim = recipe.spec["dim"]
    blob = classifier_onnx(clf, recipe, dim)
    (out_dir / f"{recipe.name}.onnx").write_bytes(blob)
    session = measuring_session(blob)
    hx = np.stack([label_vector(t, dim) for t in htexts])
    held = classification_metrics(hy, predict(recipe, session, hx), recipe.labels)
    lat = heldout_latency(session, hx)
    entry = file_entry(entry_stub(recipe, session, recipe.spec), blob, recipe, held)
    write_card(out_dir / "cards" / f"{recipe.name}.md",
               card(recipe, entry, len(y), held, lat, (t_data, t_train)))
    return entry


UNMEASURED = ("their truth holds each field's value, not which printed label names it, so the "
              "model is not scored per label there; what the linked values add to the fields is "
              "measured by `make eval` (docs/evaluation.md).")

def card(recipe: FieldLabelRecipe, entry: dict[str, Any], n_train: int, held: dict[str, Any],
         lat: dict[str, Any], seconds: tuple[float, float]) -> str:
    tr, ho, spec = recipe.train, recipe.heldout, recipe.spec
    return f"""
# Model card: {recipe.ref}

- **Task**: {recipe.task}. Run by the document step `fields.labels.link` on the labels of all
  date, amount, document-number and identifier mentions of a document in one batch: where the
  families' rules select no value for a field, the mention whose label the model reads as that
  field (probability ≥ the step's threshold) is linked to it.
- **File**: `models/{entry['file']}`, {entry['size_bytes'] / 1024:.0f} KiB,
  sha256 `{entry['sha256']}` (pinned in `models/registry.json`).
- **Model**: multinomial logistic regression (scikit-learn `LogisticRegression`, lbfgs, C
  {recipe.c}, sparse input) exported with skl2onnx (opset {ONNX_OPSET['']}, ai.onnx.ml
  {ONNX_OPSET['ai.onnx.ml']}), no ZipMap. Input `features` float32 [N, {spec['dim']}];
  outputs `label` int64 [N] and `probabilities` float32 [N, {len(recipe.labels)}].
- **Features** (`cosy/inference/label_features.py`, shared by recipe and step): character 2-
  to 4-grams inside word boundaries and whole words of the case-folded label (digits as 0),
  hashed (crc32) into {spec['dim']} buckets, log-scaled, L2-normalised.
- **Data**: documents of `cosy.corpus.generate_document` (every family, document type and
  language cycled): each field label the generator printed (its truth `labels`), and up to
  {NEGATIVES_PER_PAGE} other cells per page as `none`; {NOISE_SHARE:.0%} of all texts with one
  OCR slip. Training: seeds {tr.start}–{tr.start + tr.count - 1} ({n_train} texts). Held out,
  never trained on: seeds {ho.start}–{ho.start + ho.count - 1} ({held['n']} texts).
- **Recipe**: `python -m models.recipes.build --only field_label`
  (`models/recipes/field_label.py`); deterministic (fixed seeds, single-threaded). Reading the
  documents took {seconds[0]:.0f} s, training {seconds[1]:.0f} s on this machine.

## Held-out metrics ({held['n']} texts)

Accuracy **{held['accuracy']:.4f}**, macro-F1 **{held['macro_f1']:.4f}**.

{metrics_table(held)}

{dev_unmeasured(UNMEASURED)}
## Latency ({machine()}, 1 intra-op thread)

{latency_table(lat)}

## Limits

The labels are the generator's: synonyms written for it in German, English and French. A label
in another language, or a sentence that introduces a value ('Bitte überweisen Sie bis zum'),
reads as `none` or with a low probability, and the rules decide alone.
"""


def build_all(out_dir: Path, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Build the label classifier (``names`` may only name it)."""
    return [build(r, out_dir) for r in RECIPES if names is None or r.name in names]
