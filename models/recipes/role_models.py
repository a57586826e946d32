"""Recipes for the date and amount role models (``fields.dates.role``, ``fields.amounts.role``).

Samples are the pipeline's own candidates: each generated document is read as the pipeline reads
it (text layer → ``text.normalize`` → ``layout.lines``), ``fields.dates.candidates.*`` and
``fields.amounts.candidates.*`` run on every page, and each mention is labelled by the truth box its
centre falls into (``truth.boxes[field]``, ± 2 pt), else ``other``. Features:
:func:`cosy.steps.fields.mention_roles.role_features` with each family's own features
(the code the steps run). Model: gradient-boosted
trees (scikit-learn ``HistGradientBoostingClassifier``, fixed seed, no early stopping) exported
with skl2onnx as a float-vector graph, ``zipmap`` off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cosy.corpus import generate_document
from cosy.inference.registry import run_classifier, spec_from_entry
from cosy.steps.fields.amounts.features import AMOUNT_ROLES, amount_features
from cosy.steps.fields.dates.features import DATE_ROLES, date_features
from cosy.steps.fields.mention_roles import role_spec
from models.recipes.corpus import (
    DevDocument,
    DevRows,
    NamedRecipe,
    Split,
    check_disjoint,
    dev_corpora,
    dev_documents,
    map_documents,
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
    write_card,
)

BOX_MARGIN = 2.0
TRAIN = Split(3_000_000, 3000)
HELDOUT = Split(9_200_000, 1000)


@dataclass(frozen=True)
class RoleRecipe(NamedRecipe):
    ref: str
    kind: str  # "date" | "amount"
    task: str
    labels: tuple[str, ...]
    train: Split = TRAIN
    heldout: Split = HELDOUT
    max_iter: int = 200

    @property
    def spec(self) -> dict[str, Any]:
        return role_spec(self.kind)

    def features(self, mentions: Any, lines: Any, geometry: Any, page: int,
                 pages: int) -> np.ndarray:
        """The feature rows the family's role step computes (the code the step runs)."""
        make = date_features if self.kind == "date" else amount_features
        return make(mentions, lines, geometry, page, pages, self.spec)


DATE = RoleRecipe("date_role@1.0", "date", "role of a date mention on a page: issue, due, "
                  "delivery date or other", DATE_ROLES)
AMOUNT = RoleRecipe("amount_role@1.0", "amount", "role of an amount mention on a page: net, tax, "
                    "gross total or other", AMOUNT_ROLES)
RECIPES = (DATE, AMOUNT)


def _in_box(bbox: tuple[float, float, float, float], box: list[float]) -> bool:
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return (box[0] - BOX_MARGIN <= cx <= box[2] + BOX_MARGIN
            and box[1] - BOX_MARGIN <= cy <= box[3] + BOX_MARGIN)


def read_pages(pdf: bytes, words: Sequence[list[Any]]) -> list[dict[str, Any]]:
    """Per page (``words``: each page's, as the pipeline reads them): lines, geometry and the
    date and amount candidates, as the pipeline makes them."""
    from models.recipes.corpus import read_page

    out = []
    for n, page in enumerate(words, 1):
        found = read_page(("page.lines", "page.geometry", "page.date.context",
                           "page.amount.context"), pdf, n, page)
        out.append({"page": n, "lines": found["page.lines"], "geometry": found["page.geometry"],
                    "date": found["page.date.context"], "amount": found["page.amount.context"]})
    return out


def label_of(m: Any, boxes: dict[str, Any], labels: tuple[str, ...]) -> str:
    for role in labels[:-1]:
        box = boxes.get(role)
        if box and box["page"] == m.page and _in_box(m.bbox, box["bbox"]):
            return role
    return "other"


def doc_rows(spec_: tuple[int, str, str]) -> dict[str, Any]:
    """One generated document's feature rows and labels for both recipes."""
    from models.recipes.corpus import page_words

    seed, doc_type, language = spec_
    pdf, truth = generate_document(seed, doc_type=doc_type, language=language)
    out: dict[str, Any] = {}
    pages = read_pages(pdf, [page_words(pdf, n) for n in range(1, truth["pages"] + 1)])
    for r in RECIPES:
        xs, ys = [], []
        for p in pages:
            ms = p[r.kind]
            if not ms:
                continue
            xs.append(r.features(ms, p["lines"], p["geometry"], p["page"], len(pages)))
            ys += [label_of(m, truth["boxes"], r.labels) for m in ms]
        out[r.kind] = (np.concatenate(xs) if xs else np.zeros((0, r.spec["dim"]), np.float32),
                       ys)
    return out


def collect(split: Split, workers: int | None = None) -> dict[str, tuple[np.ndarray, list[str]]]:
    docs = map_documents(doc_rows, [s[:3] for s in split.specs()], workers)
    out = {}
    for r in RECIPES:
        out[r.kind] = (np.concatenate([d[r.kind][0] for d in docs]),
                       [y for d in docs for y in d[r.kind][1]])
    return out


def truth_values(recipe: RoleRecipe, fields: dict[str, Any]) -> dict[str, str]:
    """The truth's value of each role it names, in the form a mention's value is compared in."""
    return {role: str(v) if recipe.kind == "date" else f"{float(v):.2f}"
            for role in recipe.labels[:-1] if (v := fields.get(role)) is not None}


def dev_rows(recipe: RoleRecipe, docs: Sequence[DevDocument]) -> tuple[DevRows, list[Any]]:
    """Mentions of a development set labelled by value (:class:`DevRows`: a mention whose value
    equals exactly one of the truth's role fields gets that role, one equal to none is
    ``other``, one equal to several, delivery = issue date or net = gross, is left out); and
    per document its mentions' features and values and the truth's role values (for
    :func:`top1_dev`)."""
    rows, per_doc = DevRows(), []
    for d in docs:
        want = truth_values(recipe, d.truth["fields"])
        doc_x, doc_values = [], []
        for p in read_pages(d.pdf, d.words):
            ms = p[recipe.kind]
            if not ms:
                continue
            x = recipe.features(ms, p["lines"], p["geometry"], p["page"], d.pages)
            doc_x.append(x)
            for row, m in zip(x, ms, strict=True):
                value = m.value if recipe.kind == "date" else f"{abs(float(m.value)):.2f}"
                doc_values.append(value)
                rows.add(row, [r for r, v in want.items() if v == value], d)
        if doc_x:
            per_doc.append((np.concatenate(doc_x), doc_values, want))
    return rows, per_doc


def top1_dev(recipe: RoleRecipe, session: Any, docs: list[Any]) -> dict[str, tuple[int, int]]:
    """Per role: (documents whose truth has it, documents whose most probable mention for the
    role carries the truth's value): what a selection by the model alone would get right."""
    spec = spec_from_entry(_stub(recipe, session), Path("."))
    out = {r: [0, 0] for r in recipe.labels[:-1]}
    for x, values, want in docs:
        probs = run_classifier(spec, session, x.astype(np.float32))
        for k, role in enumerate(recipe.labels[:-1]):
            if role in want:
                out[role][0] += 1
                out[role][1] += values[int(np.argmax(probs[:, k]))] == want[role]
    return {r: (n, ok) for r, (n, ok) in out.items()}


def train(recipe: RoleRecipe, x: np.ndarray, y: list[str]) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    yi = np.array([recipe.labels.index(v) for v in y])
    return HistGradientBoostingClassifier(
        max_iter=recipe.max_iter, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False,
        l2_regularization=1.0, random_state=0).fit(x, yi)




def predict(recipe: RoleRecipe, session: Any, x: np.ndarray) -> list[str]:
    spec = spec_from_entry(_stub(recipe, session), Path("."))
    probs = run_classifier(spec, session, x.astype(np.float32))
    return [recipe.labels[i] for i in probs.argmax(axis=1)]


def build(recipe: RoleRecipe, out_dir: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Train, export, evaluate and describe one role model; return its registry entry."""

    from models.recipes.text_models import RECIPES as TEXT_RECIPES
    from models.recipes.text_models import SCANNED

    # the role training range must not touch any held-out range of the other models either
    check_disjoint([("train", recipe.train), ("heldout", recipe.heldout), ("scanned", SCANNED),
                    *((f"{t.name} heldout", t.heldout) for t in TEXT_RECIPES)])
    x, y = data["train"][recipe.kind]
    hx, hy = data["heldout"][recipe.kind]
    clf = train(recipe, x, y)
    blob = classifier_onnx(clf, recipe, recipe.spec["dim"])
    (out_dir / f"{recipe.name}.onnx").write_bytes(blob)
    session = measuring_session(blob)
    held = classification_metrics(hy, predict(recipe, session, hx), recipe.labels)
    measured = [(s, evaluate_dev(recipe, session, s)) for s in dev_corpora()]
    lat = heldout_latency(session, hx)
    entry = file_entry(_stub(recipe, session), blob, recipe, held, measured)
    write_card(out_dir / "cards" / f"{recipe.name}.md",
               card(recipe, entry, len(y), held, measured, lat))
    return entry


def evaluate_dev(recipe: RoleRecipe, session: Any, dev_set: Any) -> dict[str, Any]:
    """Mention-level metrics on one development set (:func:`dev_rows`), the mentions left out,
    and per role what selection by the model alone gets right (:func:`top1_dev`)."""
    rows, per_doc = dev_rows(recipe, dev_documents(dev_set))
    pred = predict(recipe, session, rows.x(recipe.spec["dim"])) if rows.labels else []
    m = dev_metrics(dev_set, rows.labels, pred, recipe.labels, rows.docs)
    return m | {"skipped": rows.skipped, "top1": top1_dev(recipe, session, per_doc)}


def card(recipe: RoleRecipe, entry: dict[str, Any], n_train: int, held: dict[str, Any],
         measured: DevResults, lat: dict[str, Any]) -> str:
    tr, ho, spec = recipe.train, recipe.heldout, recipe.spec
    labelling = f"""Every candidate mention, labelled by value: a mention whose value equals
exactly one of the truth's {", ".join(recipe.labels[:-1])} is that role, one equal to none is
`other`, one equal to several (delivery date = issue date, net = gross) is left out. Value labels
are approximate (a total repeated in a line-item row counts as the total; a value the labeller
left out of the truth makes its mention `other`)."""

    def more(m: dict[str, Any]) -> str:
        top1 = ", ".join(f"{r} {ok}/{n}" for r, (n, ok) in m["top1"].items())
        return f"""Left out as equal to several roles: {m['skipped']} mentions.
Documents where the model's most probable mention for a role carries the truth's value (what
selection by the model alone would get; the pipeline keeps label rules first and the e-invoice
XML on top): {top1}.
The mention-level figures undercount: a total or date printed twice (totals block and payment
line, a tax row per rate) is one labelled role and one `other` by value, while the model
rightly calls both the role."""

    return f"""
# Model card: {recipe.ref}

- **Task**: {recipe.task}. Labels: {", ".join(recipe.labels)}. Run by the page step
  `fields.{recipe.kind}s.role` on all of a page's mentions in one batch;
  `fields.{recipe.kind}s.select.*` take the selected field's confidence from it and falls back to
  it where no label names a role.
- **File**: `models/{entry['file']}`, {entry['size_bytes'] / 1024:.0f} KiB,
  sha256 `{entry['sha256']}` (pinned in `models/registry.json`).
- **Model**: gradient-boosted trees (scikit-learn `HistGradientBoostingClassifier`,
  {recipe.max_iter} iterations, 31 leaves, learning rate 0.1, l2 1.0, no early stopping,
  random_state 0) exported with skl2onnx (opset {ONNX_OPSET['']}, ai.onnx.ml
  {ONNX_OPSET['ai.onnx.ml']}), no ZipMap. Input `features` float32 [N, {spec['dim']}]; outputs
  `label` int64 [N] and `probabilities` float32 [N, {len(recipe.labels)}] in label order.
- **Features** (`role_features` in `cosy/steps/fields/mention_roles.py` and each family's
  `features.py`, shared by recipe and step):
  words (lower-cased, digits folded) of the mention's label, its last label word, its column
  header, its line and the line above, each namespace hashed (crc32) into {spec['hash_dim']}
  binary buckets; relative x/y on the page, height and font size relative to the page's median,
  bold, in a table row, first/last page and page index, position among the page's mentions;
  what the rule-based role readers (`date_roles` / `amount_role`, `classify_total`) make of the
  label and header; per kind, a date's chronological rank on the page, or an amount's rank by
  value, largest on the page, sum of two other amounts, part of a sum, repeated, magnitude.
- **Data**: documents from `cosy.corpus.generate_document` (text layer, document type and
  language cycled), read as the pipeline reads them; every candidate of
  `fields.{recipe.kind}s.candidates.*` is one sample, labelled by the truth box its centre falls in
  (± {BOX_MARGIN:g} pt), else `other`. Training: seeds {tr.start}–{tr.start + tr.count - 1}
  ({tr.count} documents, {n_train} mentions). Held out, never trained on:
  seeds {ho.start}–{ho.start + ho.count - 1} ({ho.count} documents, {held['n']} mentions).
- **Recipe**: `python -m models.recipes.build` (`models/recipes/role_models.py`; only the role
  models: `--only date_role amount_role`); deterministic (fixed seeds, single-threaded).

## Held-out metrics ({held['n']} mentions)

Accuracy **{held['accuracy']:.4f}**, macro-F1 **{held['macro_f1']:.4f}**.

{metrics_table(held)}

{dev_sections(measured, "mentions", labelling, more)}
## Latency ({machine()}, 1 intra-op thread)

{latency_table(lat)}

Measured while other work shared the machine's cores; p99 includes that noise.

## Limits

Trained only on generated documents (born-digital pages); labels come from the generator's
boxes, so a role the generator never prints (e.g. a delivery date in a footer) is unseen.
"""


def build_all(out_dir: Path, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Build the role models (or those named); both share one pass over the documents."""
    data = {"train": collect(TRAIN), "heldout": collect(HELDOUT)}
    return [build(r, out_dir, data) for r in RECIPES if names is None or r.name in names]


def _stub(recipe: Any, session: Any) -> dict[str, Any]:
    return entry_stub(recipe, session, recipe.spec)
