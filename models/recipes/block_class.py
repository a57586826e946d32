"""Recipe for the block classifier (``layout.segment_class``, ``block_class@1.0``).

Samples are the pipeline's own line segments: each generated document is read as the pipeline
reads it (text layer → ``text.normalize`` → ``layout.lines`` → the layout steps), and each
segment is labelled by the generator's ``truth.regions`` (every block the renderer drew, with
its class and box): a word takes the class of the smallest region its centre falls in (± 2 pt),
a segment the class most of its characters have; a segment with less than half its characters
in a region is left out. Features: :func:`cosy.steps.layout_features.segment_features` (the code
the step runs). Model: a small multi-layer perceptron (scikit-learn, one hidden layer) exported
with skl2onnx: on ~100k rows of 572 features it trains in a fraction of the time boosted trees
with ten classes take, which keeps the recipe inside its time budget on two cores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cosy.corpus import generate_document
from cosy.steps.layout_features import BLOCK_CLASSES, block_class_spec
from models.recipes.corpus import NamedRecipe, Split, check_disjoint, map_documents
from models.recipes.export import (
    ONNX_OPSET,
    classifier_onnx,
    heldout_latency,
    measuring_session,
)
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

TRAIN = Split(3_300_000, 1500)
HELDOUT = Split(9_500_000, 500)
BOX_MARGIN = 2.0
MIN_LABELLED = 0.5  # share of a segment's characters that must lie in a truth region


@dataclass(frozen=True)
class BlockClassRecipe(NamedRecipe):
    ref: str = "block_class@1.0"
    task: str = ("class of a line segment (and, by vote, of its block): letterhead, address, "
                 "meta, title, table_header, table_row, totals, payment, footer, body")
    labels: tuple[str, ...] = BLOCK_CLASSES
    train: Split = TRAIN
    heldout: Split = HELDOUT
    hidden: int = 64
    epochs: int = 12

    @property
    def spec(self) -> dict[str, Any]:
        return block_class_spec()


RECIPE = BlockClassRecipe()
RECIPES = (RECIPE,)
UNMEASURED = ("their truth gives each document's field values, no block boxes or classes, so "
              "no segment-level label can be derived.")


def analyse_page(pdf: bytes, page_no: int, pages: int, spec: dict[str, Any]) -> dict[str, Any]:
    """One page through the layout steps as the pipeline runs them; its segments and features."""
    from cosy.steps import layout, layout_blocks, layout_features, layout_regions, parse, text

    pdf_page = parse.open_page(pdf, page_no)
    geometry = parse.geometry(pdf_page)
    words = text.normalized_words(parse.words(pdf_page))
    lines = layout.lines(words)
    rules = layout_blocks.rulings(pdf_page)
    segs = layout_blocks.segments(lines)
    shapes = layout_features.shapes(segs)
    near = layout_blocks.neighbours(segs)
    blocks = layout_blocks.blocks(segs, rules)
    cols = layout_blocks.columns(blocks)
    order = layout_blocks.order(blocks, cols)
    regions = layout_regions.regions(blocks, cols, rules, geometry)
    x = layout_features.segment_features(segs, shapes, near, blocks, cols, order, regions,
                                         text.fonts(words), rules, lines, geometry, page_no,
                                         pages, spec)
    return {"segments": segs, "blocks": blocks, "x": x, "lines": lines}


def _contains(box: list[float], x: float, y: float) -> bool:
    return (box[0] - BOX_MARGIN <= x <= box[2] + BOX_MARGIN
            and box[1] - BOX_MARGIN <= y <= box[3] + BOX_MARGIN)


def word_class(word: Any, regions: list[dict[str, Any]]) -> str | None:
    """The class of the smallest truth region holding the word's centre."""
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    best, area = None, float("inf")
    for r in regions:
        b = r["bbox"]
        if _contains(b, cx, cy):
            a = (b[2] - b[0]) * (b[3] - b[1])
            if a < area:
                best, area = r["class"], a
    return best


def segment_label(seg: Any, regions: list[dict[str, Any]]) -> str | None:
    chars: dict[str, int] = {}
    for w in seg.words:
        cls = word_class(w, regions)
        if cls is not None:
            chars[cls] = chars.get(cls, 0) + len(w.text)
    total = sum(len(w.text) for w in seg.words)
    if not chars or sum(chars.values()) < MIN_LABELLED * total:
        return None
    return max(chars, key=chars.__getitem__)


def doc_rows(spec_: tuple[int, str, str, bool]) -> tuple[np.ndarray, list[str], list[int]]:
    """One generated document's segment rows and labels (and each row's page block count)."""
    seed, doc_type, language, _scanned = spec_
    pdf, truth = generate_document(seed, doc_type=doc_type, language=language)
    xs, ys = [], []
    for n in range(1, truth["pages"] + 1):
        page = analyse_page(pdf, n, truth["pages"], RECIPE.spec)
        regions = [r for r in truth["regions"] if r["page"] == n]
        for row, seg in zip(page["x"], page["segments"], strict=True):
            label = segment_label(seg, regions)
            if label is not None:
                xs.append(row)
                ys.append(label)
    x = np.stack(xs) if xs else np.zeros((0, RECIPE.spec["dim"]), np.float32)
    return x, ys, [seed] * len(ys)


def collect(split: Split, workers: int | None = None) -> tuple[np.ndarray, list[str]]:
    docs = map_documents(doc_rows, split.specs(), workers)
    return np.concatenate([d[0] for d in docs]), [y for d in docs for y in d[1]]


def train(recipe: BlockClassRecipe, x: np.ndarray, y: list[str]) -> Any:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    yi = np.array([recipe.labels.index(v) for v in y])
    clf = MLPClassifier(hidden_layer_sizes=(recipe.hidden,), max_iter=recipe.epochs,
                        batch_size=256, learning_rate_init=1e-3, alpha=1e-4, random_state=0)
    with warnings.catch_warnings():  # a fixed number of epochs is the point, not convergence
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(x, yi)



def predict(recipe: BlockClassRecipe, session: Any, x: np.ndarray) -> list[str]:
    name = session.get_inputs()[0].name
    probs = session.run([session.get_outputs()[1].name], {name: x.astype(np.float32)})[0]
    return [recipe.labels[i] for i in np.asarray(probs).argmax(axis=1)]


def check_splits(recipe: BlockClassRecipe) -> None:
    """The training range touches no other model's ranges, the held-out range no training
    range. (Held-out ranges may share seeds: the OCR card's scanned set starts at 9_500_000;
    evaluating two models on the same unseen documents leaks nothing.)"""
    from models.recipes import identifier_role, party_role, role_models, text_models, token_ner

    trains = [("role train", role_models.TRAIN), ("identifier_role train", identifier_role.TRAIN),
              ("party_role train", party_role.TRAIN), ("token_ner train", token_ner.TRAIN),
              *((f"{t.name} train", t.train) for t in text_models.RECIPES)]
    heldouts = [("scanned", text_models.SCANNED), ("role heldout", role_models.HELDOUT),
                ("identifier_role heldout", identifier_role.HELDOUT),
                ("party_role heldout", party_role.HELDOUT),
                ("token_ner heldout", token_ner.HELDOUT),
                *((f"{t.name} heldout", t.heldout) for t in text_models.RECIPES)]
    check_disjoint([("block_class train", recipe.train), ("block_class heldout", recipe.heldout)])
    for name, split in trains + heldouts:
        check_disjoint([("block_class train", recipe.train), (name, split)])
    for name, split in trains:
        check_disjoint([("block_class heldout", recipe.heldout), (name, split)])


def build(recipe: BlockClassRecipe, out_dir: Path) -> dict[str, Any]:
    """Collect, train, export, evaluate and describe the model; return its registry entry."""
    import time

    check_splits(recipe)
    t0 = time.perf_counter()
    x, y = collect(recipe.train)
    hx, hy = collect(recipe.heldout)
    t_data = time.perf_counter() - t0
    clf = train(recipe, x, y)
    t_train = time.perf_counter() - t0 - t_data
    blob = classifier_onnx(clf, recipe, recipe.spec["dim"])
    (out_dir / f"{recipe.name}.onnx").write_bytes(blob)
    session = measuring_session(blob)
    held = classification_metrics(hy, predict(recipe, session, hx), recipe.labels)
    lat = heldout_latency(session, hx)
    entry = file_entry(entry_stub(recipe, session, recipe.spec), blob, recipe, held)
    write_card(out_dir / "cards" / f"{recipe.name}.md",
               card(recipe, entry, len(y), held, lat, (t_data, t_train)))
    return entry


def card(recipe: BlockClassRecipe, entry: dict[str, Any], n_train: int, held: dict[str, Any],
         lat: dict[str, Any], seconds: tuple[float, float]) -> str:
    tr, ho, spec = recipe.train, recipe.heldout, recipe.spec
    return f"""
# Model card: {recipe.ref}

- **Task**: {recipe.task}. Run by the page step `layout.segment_class` on all of a page's line
  segments in one batch; `layout.block_class` gives each block the class its segments vote for
  (probabilities weighted by characters); `layout.summary` publishes `page.layout` (each
  block's and line's class, region and column) for other families.
- **File**: `models/{entry['file']}`, {entry['size_bytes'] / 1024:.0f} KiB,
  sha256 `{entry['sha256']}` (pinned in `models/registry.json`).
- **Model**: a multi-layer perceptron (scikit-learn `MLPClassifier`, one hidden layer of
  {recipe.hidden} ReLU units, Adam, batch 256, learning rate 1e-3, L2 1e-4, {recipe.epochs}
  epochs, random_state 0) exported with skl2onnx (opset {ONNX_OPSET['']}, ai.onnx.ml
  {ONNX_OPSET['ai.onnx.ml']}), no ZipMap. Input `features` float32 [N, {spec['dim']}]; outputs
  `label` int64 [N] and `probabilities` float32 [N, {len(recipe.labels)}] in label order.
- **Unit**: a line segment: a `page.lines` line cut where a gap is wider than a column gutter
  (the address window and the info block beside it, a table's cells, footer columns are
  separate segments).
- **Features** (`segment_features` in `cosy/steps/layout_features.py`, shared by recipe and
  step): words (lower-cased, digits folded) of the segment, its first word, the other segments
  of its line, the lines above and below and its block's first segment, each namespace hashed
  (crc32) into {spec['hash_dim']} binary buckets; geometry (relative box, height); type size
  relative to the page's body size and largest size, bold; place in its line and its block
  (block size, lines, width, position); column (two-column band, left/right); region (header
  band, DIN 5008 address window, body, footer band); rank in reading order; rulings just above
  and below; gaps to the neighbours above and below; text shape (amount, date, percent, IBAN,
  e-mail/web, phone, postcode, currency, colon, label colon, leading digit, sentence; digit,
  upper-case and letter shares, length, words); first/last page.
- **Data**: documents from `cosy.corpus.generate_document` (text layer, document type and
  language cycled), read as the pipeline reads them. Labels from the generator's
  `truth.regions` (the renderer records the class and box of every block it draws: letterhead,
  address window and sender line, info block, title, table header, table rows, totals, payment
  terms, footer, and body text). Training: seeds {tr.start}–{tr.start + tr.count - 1}
  ({tr.count} documents, {n_train} segments). Held out, never trained on: seeds
  {ho.start}–{ho.start + ho.count - 1} ({ho.count} documents, {held['n']} segments).
- **Recipe**: `python -m models.recipes.build --only block_class`
  (`models/recipes/block_class.py`); deterministic (fixed seeds, single-threaded). Reading the
  documents took {seconds[0]:.0f} s, training {seconds[1]:.0f} s on this machine.

## Held-out metrics ({held['n']} segments)

Accuracy **{held['accuracy']:.4f}**, macro-F1 **{held['macro_f1']:.4f}**.

{metrics_table(held)}

{dev_unmeasured(UNMEASURED)}
## Latency ({machine()}, 1 intra-op thread)

{latency_table(lat)}

Measured while other work shared the machine's cores; p99 includes that noise.

## Limits

Trained only on generated, born-digital pages and the generator's layouts: real documents put
blocks in places it never draws (multi-column letterheads, tables without rules, free-text
remarks). The classes are the renderer's sections, so e.g. bank details printed in the footer
are `footer`, not `payment`; `payment` is the terms paragraph. Looked at by hand on the real
set's form-like ZUGFeRD visualisations ("Name:  Lieferant GmbH" key/value listings): key/value
rows come out `meta` as they should, but a bold title at the very top of the page is called
`letterhead` (the generator always prints its title below the address window) and bold values
`table_header` (only table headers are bold in the generator's body).
"""


def build_all(out_dir: Path, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Build the block classifier (``names`` may only name it)."""
    return [build(r, out_dir) for r in RECIPES if names is None or r.name in names]
