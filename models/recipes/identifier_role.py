"""Recipe for the identifier_role classifier (the ``fields.ids.role.<kind>`` steps).

Samples are the pipeline's own identifier mentions: each generated document is read as the
pipeline reads it (text layer -> ``text.normalize`` -> ``layout.lines``), the families' stages run
up to their context (the pipeline's own steps: ``corpus.read_page``), and each mention is
labelled from the generator's truth: the box its centre falls into (``iban``, ``seller_iban`` and
``seller_*`` -> seller; ``buyer_iban``, ``debtor_iban`` and ``buyer_*`` -> buyer), else a box
text with the same value (an ID printed twice), else ``other``. A register number the generator
prints in the footer of a document the buyer wrote (order, self-billed invoice) is the buyer's:
the footer always carries the writer's register, and the truth only names the seller's.
Two documented augmentations widen what the generator prints. The generator names no third
party's identifiers, so ``other`` comes from one line naming a third party and its identifier (a
delivery address's VAT ID, a general partner's register entry, a tax adviser's number, an
escrow account) set into page 1 of every third document. And it prints the writer's IDs only in
the footer, where real invoices often repeat them in the letterhead or a payment sentence: on
another third of the documents one of the writer's printed identifiers is repeated, labelled,
in page 1's letterhead or body, with the role of the original.
Model: gradient-boosted trees, exported with skl2onnx like the date and amount role models.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cosy.corpus import generate_document
from cosy.identifiers import normalize_identifier
from cosy.inference.registry import run_classifier, spec_from_entry
from cosy.steps.fields.ids.features import IDENTIFIER_ROLES, ROLE_KINDS, identifier_features
from cosy.steps.fields.ids.features import identifier_spec as _spec
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
from models.recipes.role_models import _in_box

TRAIN = Split(3_100_000, 2000)
HELDOUT = Split(9_300_000, 600)
CONTEXTS = tuple(f"page.{kind}.context" for kind in ROLE_KINDS)
"""What the model reads: the context steps' mentions of each kind it decides."""
BUYER_WRITES = ("order", "self_billed_invoice")
BOX_ROLES = {
    "iban": {"iban": "seller", "seller_iban": "seller", "buyer_iban": "buyer",
             "debtor_iban": "buyer"},
    "vat_id": {"seller_vat_id": "seller", "buyer_vat_id": "buyer"},
    "tax_number": {"seller_tax_number": "seller", "buyer_tax_number": "buyer"},
    "register_number": {"seller_register": "seller", "buyer_register": "buyer"},
}
"""Per identifier kind: the generator's box names and whose identifier each one is."""


@dataclass(frozen=True)
class IdentifierRecipe(NamedRecipe):
    ref: str
    task: str
    labels: tuple[str, ...]
    train: Split = TRAIN
    heldout: Split = HELDOUT
    max_iter: int = 150

    @property
    def spec(self) -> dict[str, Any]:
        return _spec()


IDENTIFIER_ROLE = IdentifierRecipe(
    "identifier_role@1.0", "whose identifier a mention is (IBAN, VAT ID, tax number, register "
    "number): the seller's, the buyer's or other", IDENTIFIER_ROLES)
RECIPES = (IDENTIFIER_ROLE,)


def label_of(c: Any, truth: dict[str, Any]) -> str:
    """seller / buyer / other for one mention context, from the truth's boxes (see module doc)."""
    m, boxes = c.mention, truth["boxes"]
    roles = BOX_ROLES[m.kind]
    for name, role in roles.items():
        box = boxes.get(name)
        if box and box["page"] == m.page and _in_box(m.bbox, box["bbox"]):
            return role
    for name, role in roles.items():
        box = boxes.get(name)
        if box and normalize_identifier(box.get("text", "")) == normalize_identifier(m.value):
            return role
    if m.kind == "register_number" and truth["doc_type"] in BUYER_WRITES:
        return "buyer"
    return "other"


THIRD_PARTIES = (
    ("Lieferanschrift: {name}, USt-IdNr. {vat}", "vat_id"),
    ("Ship to: {name}, VAT No. {vat}", "vat_id"),
    ("Adresse de livraison : {name}, N° TVA {vat}", "vat_id"),
    ("Persönlich haftende Gesellschafterin: {name}, Amtsgericht {city} HRB {reg}", "register"),
    ("Komplementärin: {name}, Sitz {city}, Registergericht {city} HRB {reg}", "register"),
    ("Steuerberater: {name}, Steuernummer {tax}", "tax_number"),
    ("Tax adviser: {name}, Tax No. {tax}", "tax_number"),
    ("Treuhandkonto des Notars {name}: IBAN {iban}", "iban"),
    ("Escrow agent {name}, account IBAN {iban}", "iban"),
    ("Agent commercial : {name}, N° TVA {vat}", "vat_id"),
)
"""Third parties an invoice may name with an identifier (the ``other`` class's samples)."""


def third_party_line(seed: int, lines: list[Any], height: float) -> Any:
    """One line naming a third party and its identifier, placed in a free band of the page."""
    import random

    from cosy.corpus.data import make_bank, make_company
    from cosy.identifiers import format_iban

    rng = random.Random(seed)
    template, _ = rng.choice(THIRD_PARTIES)
    party = make_company(rng.choice(["de_DE", "de_AT", "fr_FR", "en_GB"]), "de", rng)
    bank = make_bank("DE", party.address.city, rng)
    text = template.format(
        name=party.name, vat=party.vat_id or "DE123456788", city=party.address.city,
        reg=rng.randint(1000, 99999), iban=format_iban(bank.iban or ""),
        tax=f"{rng.randint(10, 999)}/{rng.randint(100, 999)}/{rng.randint(10000, 99999)}")
    tops = sorted(ln.words[0].top for ln in lines)
    gaps = [(b - a, a) for a, b in itertools.pairwise(tops) if b - a > 24]
    top = max(gaps)[1] + 11 if gaps and rng.random() < 0.7 else height * rng.uniform(0.5, 0.95)
    return placed_line(text, top)


REPEATS = {
    "vat_id": ("USt-IdNr.: {v}", "VAT No.: {v}", "N° TVA : {v}", "USt-ID {v}", "VAT Reg. No. {v}"),
    "tax_number": ("Steuernummer: {v}", "St.-Nr. {v}", "Tax No.: {v}", "N° SIRET {v}"),
    "iban": ("IBAN: {v}", "Bitte überweisen Sie den Betrag auf unser Konto IBAN {v}",
             "Please pay to our account IBAN {v}", "Paiement par virement sur IBAN {v}"),
    "register_number": ("Handelsregister: {v}", "{v}", "Registered: {v}"),
}
"""How a writer repeats its identifiers in the letterhead or body (the second augmentation)."""


def writer_repeat_line(seed: int, lines: list[Any], truth: dict[str, Any],
                       height: float) -> tuple[Any, str] | None:
    """One of the writer's printed identifiers repeated with a label near the top or in the
    body, and its role; None when the document prints none on page 1."""
    import random

    rng = random.Random(seed)
    kinds = {"vat_id": "vat_id", "tax_number": "tax_number", "iban": "iban",
             "register": "register_number"}
    boxes = [(name, box) for name, box in sorted(truth["boxes"].items())
             if box.get("page") == 1 and box.get("text")
             and any(k in name for k in kinds) and not name.endswith("_bic")]
    if not boxes:
        return None
    name, box = rng.choice(boxes)
    kind = next(v for k, v in kinds.items() if k in name)
    role = BOX_ROLES[kind].get(name)
    if role is None:
        return None
    text = rng.choice(REPEATS[kind]).format(v=box["text"])
    top = height * (rng.uniform(0.04, 0.2) if rng.random() < 0.6 else rng.uniform(0.3, 0.75))
    return placed_line(text, top, rng.uniform(40.0, 320.0)), role


def placed_line(text: str, top: float, x: float = 56.0) -> Any:
    """A line of 8 pt words at ``top`` (its offset in the page text is past every real line)."""
    from cosy.domain import Line, Word

    words = []
    for token in text.split():
        width = 4.4 * len(token)
        words.append(Word(token, x, top, x + width, top + 8.0, 8.0))
        x += width + 2.5
    return Line(tuple(words), " ".join(w.text for w in words), 10**7)


def doc_rows(spec_: tuple[int, str, str]) -> tuple[np.ndarray, list[str], list[str]]:
    """One generated document's feature rows, labels and mention kinds."""
    from cosy.steps import layout, parse
    from models.recipes.corpus import page_title, page_words, read_page

    seed, doc_type, language = spec_
    pdf, truth = generate_document(seed, doc_type=doc_type, language=language)
    pages = truth["pages"]
    xs, ys, kinds = [], [], []
    title = None
    for n in range(1, pages + 1):
        words = page_words(pdf, n)
        if n == 1:
            title = page_title(pdf, words)
        lines = layout.lines(words)
        geometry = parse.geometry(parse.open_page(pdf, n))
        extra, extra_role = None, "other"
        height = geometry.height
        if n == 1 and seed % 3 == 0 and lines:
            extra = third_party_line(seed, lines, height)
        elif n == 1 and seed % 3 == 1 and lines:
            extra, extra_role = writer_repeat_line(seed, lines, truth, height) or (None, "")
        if extra is not None:
            lines = sorted([*lines, extra], key=lambda ln: ln.words[0].top)
        found = read_page(CONTEXTS, pdf, n, words, **{"page.lines": lines})
        contexts = [c for kind in ROLE_KINDS for c in found[f"page.{kind}.context"]]
        if not contexts:
            continue
        xs.append(identifier_features(contexts, title, n, pages, _spec()))
        ys += [extra_role if extra is not None and lines[c.mention.line] is extra
               else label_of(c, truth) for c in contexts]
        kinds += [c.mention.kind for c in contexts]
    x = np.concatenate(xs) if xs else np.zeros((0, _spec()["dim"]), np.float32)
    return x, ys, kinds


def collect(split: Split, workers: int | None = None) -> tuple[np.ndarray, list[str], list[str]]:
    docs = map_documents(doc_rows, [s[:3] for s in split.specs()], workers)
    return (np.concatenate([d[0] for d in docs]), [y for d in docs for y in d[1]],
            [k for d in docs for k in d[2]])


TRUTH_ROLES = {"iban": {"iban": "seller", "debtor_iban": "buyer"},
               "vat_id": {"seller_vat_id": "seller", "buyer_vat_id": "buyer"},
               "tax_number": {"seller_tax_number": "seller"}}
"""The development sets' truth fields per identifier kind: a mention with one of their values
has its role."""


def dev_rows(docs: Sequence[DevDocument]) -> DevRows:
    """Mentions of a development set labelled by value (:class:`DevRows`): one whose value is
    exactly one truth field's (:data:`TRUTH_ROLES`) gets that field's party; one matching none
    (the truth does not say whose an unlisted identifier is) or several is left out. Features
    as for the generated documents: all of a page's mentions in one batch."""
    from models.recipes.corpus import page_title, read_page

    rows = DevRows(unlisted=None)
    for d in docs:
        fields = d.truth["fields"]
        title = page_title(d.pdf, d.words[0])
        for n, words in enumerate(d.words, 1):
            found = read_page(CONTEXTS, d.pdf, n, words)
            contexts = [c for kind in ROLE_KINDS for c in found[f"page.{kind}.context"]]
            if not contexts:
                continue
            x = identifier_features(contexts, title, n, d.pages, _spec())
            for row, c in zip(x, contexts, strict=True):
                names = TRUTH_ROLES.get(c.mention.kind, {})
                rows.add(row, sorted({role for f, role in names.items() if fields.get(f) and
                                      normalize_identifier(str(fields[f])) == c.value}), d)
    return rows


def train(recipe: IdentifierRecipe, x: np.ndarray, y: list[str]) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    yi = np.array([recipe.labels.index(v) for v in y])
    return HistGradientBoostingClassifier(
        max_iter=recipe.max_iter, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False,
        l2_regularization=1.0, class_weight="balanced", random_state=0).fit(x, yi)



def predict(recipe: IdentifierRecipe, session: Any, x: np.ndarray) -> list[str]:
    spec = spec_from_entry(entry_stub(recipe, session, recipe.spec), Path("."))
    probs = run_classifier(spec, session, x.astype(np.float32))
    return [recipe.labels[i] for i in probs.argmax(axis=1)]


def build(recipe: IdentifierRecipe, out_dir: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Train, export, evaluate and describe the model; return its registry entry."""

    from models.recipes import role_models
    from models.recipes.text_models import RECIPES as TEXT_RECIPES
    from models.recipes.text_models import SCANNED

    check_disjoint([("train", recipe.train), ("heldout", recipe.heldout), ("scanned", SCANNED),
                    ("role train", role_models.TRAIN), ("role heldout", role_models.HELDOUT),
                    *((f"{t.name} heldout", t.heldout) for t in TEXT_RECIPES)])
    x, y, _ = data["train"]
    hx, hy, hk = data["heldout"]
    clf = train(recipe, x, y)
    blob = classifier_onnx(clf, recipe, recipe.spec["dim"])
    (out_dir / f"{recipe.name}.onnx").write_bytes(blob)
    session = measuring_session(blob)
    pred = predict(recipe, session, hx)
    held = classification_metrics(hy, pred, recipe.labels)
    per_kind = {k: classification_metrics([t for t, kk in zip(hy, hk, strict=True) if kk == k],
                                          [p for p, kk in zip(pred, hk, strict=True) if kk == k],
                                          recipe.labels) for k in ROLE_KINDS if k in hk}
    measured = []
    for dev_set in dev_corpora():
        rows = dev_rows(dev_documents(dev_set))
        pred = predict(recipe, session, rows.x(recipe.spec["dim"])) if rows.labels else []
        m = dev_metrics(dev_set, rows.labels, pred, recipe.labels, rows.docs)
        measured.append((dev_set, m | {"skipped": rows.skipped}))
    lat = heldout_latency(session, hx)
    entry = file_entry(entry_stub(recipe, session, recipe.spec), blob, recipe, held, measured)
    write_card(out_dir / "cards" / f"{recipe.name}.md",
               card(recipe, entry, y, held, per_kind, measured, lat))
    return entry


def card(recipe: IdentifierRecipe, entry: dict[str, Any], y: list[str], held: dict[str, Any],
         per_kind: dict[str, dict[str, Any]], measured: DevResults,
         lat: dict[str, Any]) -> str:
    tr, ho, spec = recipe.train, recipe.heldout, recipe.spec
    counts = ", ".join(f"{lab} {y.count(lab)}" for lab in recipe.labels)
    labelling = """Every IBAN, VAT ID and tax number mention, labelled by value: a mention
whose value is exactly one truth field's (`iban`, `debtor_iban`, `seller_vat_id`,
`buyer_vat_id`, `seller_tax_number`) gets that field's party; mentions matching none (the truth
does not say whose an unlisted identifier is; it names no register number) or several are left
out."""

    def more(m: dict[str, Any]) -> str:
        return f"Left out (matching no truth field, or several): {m['skipped']} mentions."
    kinds = "\n".join(f"| {k} | {m['n']} | {m['accuracy']:.4f} | {m['macro_f1']:.4f} |"
                      for k, m in per_kind.items())
    return f"""
# Model card: {recipe.ref}

- **Task**: {recipe.task}. Labels: {", ".join(recipe.labels)}. Run by the page steps
  `fields.ids.role.iban`, `fields.ids.role.vat_id`, `fields.ids.role.tax_number` and
  `fields.ids.role.register_number`, each on all of a page's mentions of its kind in one batch. The
  select steps (`fields.ids.select.iban`, `fields.ids.select.debtor_iban`,
  `fields.ids.select.seller_vat_id`,
  `fields.ids.select.buyer_vat_id`, `fields.ids.select.seller_tax_number`,
  `fields.ids.select.seller_register`) let what the page says decide (a party label such
  as 'Ihre USt-IdNr.', 'Kunden-USt-ID', 'Käufer-IBAN', 'Lastschrift', or the party heading a
  mention stands under, 'Verkäufer:') and otherwise take the model's probability (at least
  0.5), which becomes the field's confidence. The development-set figures below are the model
  alone; what the select steps make of it, the page's own words first, is `cosy eval`'s.
- **File**: `models/{entry['file']}`, {entry['size_bytes'] / 1024:.0f} KiB,
  sha256 `{entry['sha256']}` (pinned in `models/registry.json`).
- **Model**: gradient-boosted trees (scikit-learn `HistGradientBoostingClassifier`,
  {recipe.max_iter} iterations, 31 leaves, learning rate 0.1, l2 1.0, balanced class weights,
  no early stopping, random_state 0) exported with skl2onnx (opset {ONNX_OPSET['']}, ai.onnx.ml
  {ONNX_OPSET['ai.onnx.ml']}), no ZipMap. Input `features` float32 [N, {spec['dim']}]; outputs
  `label` int64 [N] and `probabilities` float32 [N, {len(recipe.labels)}] in label order.
- **Features** (`identifier_features` in `cosy/steps/fields/ids/features.py`, shared by recipe
  and steps): words (lower-cased, digits folded) of the mention's label (also per kind), its line
  and the line above, hashed (crc32) into {spec['hash_dim']} buckets; the identifier kind; the
  document's title kind and whether its writer is the buyer (order, self-billed invoice: the
  letterhead is the buyer's); the party its label names (seller, buyer, 'your', other), the party
  section heading above it, a debit label; the page zone (letterhead, body, footer), relative x/y,
  font size, table row, validity (confidence), position and count among the page's mentions of
  its kind, repeats of its value, first/last page.
- **Data**: documents from `cosy.corpus.generate_document` (text layer, document type and
  language cycled), read as the pipeline reads them; every IBAN, VAT ID, tax and register number
  the families validate is one sample, labelled from the truth (see the recipe's docstring).
  Training: seeds {tr.start}–{tr.start + tr.count - 1} ({tr.count} documents, {len(y)} mentions:
  {counts}). Held out, never trained on: seeds {ho.start}–{ho.start + ho.count - 1}
  ({ho.count} documents, {held['n']} mentions). Seed ranges are checked disjoint from every
  other recipe's held-out and training ranges.
- **Recipe**: `python -m models.recipes.build --only {recipe.name}`
  (`models/recipes/identifier_role.py`); deterministic (fixed seeds, single-threaded).

## Held-out metrics ({held['n']} mentions)

Accuracy **{held['accuracy']:.4f}**, macro-F1 **{held['macro_f1']:.4f}**.

{metrics_table(held)}

Per identifier kind:

| kind | mentions | accuracy | macro-F1 |
|---|---:|---:|---:|
{kinds}

{dev_sections(measured, "mentions", labelling, more)}
## Latency ({machine()}, 1 intra-op thread)

{latency_table(lat)}

Measured while other work shared the machine's cores; p99 includes that noise.

## Limits

Trained only on generated documents (born-digital pages): the generator prints identifiers in
the footer, the info block (reverse charge, self-billing) and body text; an identifier in a place
it never uses (a buyer's register number in an address block) is unseen. `other` is rare in the
generated data, so its figures rest on few mentions.
"""


def build_all(out_dir: Path, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Build the identifier role model (the one recipe of this module)."""
    data = {"train": collect(TRAIN), "heldout": collect(HELDOUT)}
    return [build(r, out_dir, data) for r in RECIPES if names is None or r.name in names]
