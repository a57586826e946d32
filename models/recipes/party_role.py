"""Recipe for the party-role classifier (``fields.party.role``): seller, buyer or other.

Samples are the pipeline's own party blocks: each generated document is read as the pipeline
reads it (text layer → ``text.normalize`` → ``layout.lines``), the party families' page stages
run (the pipeline's own steps: ``corpus.read_page``) and page 1's title kind is read as
``fields.title`` reads it. A block is labelled by value: its postcode and city are the truth's
seller address (``seller``), the buyer's (``buyer``), or neither (``other``: a delivery
address, a payee, a bank, another party); where seller and buyer share postcode and city the
truth box the block overlaps decides. Features:
:func:`cosy.steps.fields.party.features.party_features` (the code the step runs). Model:
gradient-boosted trees exported with skl2onnx as in :mod:`models.recipes.role_models`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cosy.corpus import generate_document
from cosy.domain import PageGeometry
from cosy.fieldspec import same_value
from cosy.inference.registry import run_classifier, spec_from_entry
from cosy.steps.fields.party.features import PARTY_ROLES, party_features, party_spec
from cosy.steps.fields.party.select import FALLBACK_MIN
from models.recipes.corpus import (
    DevDocument,
    DevRows,
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

TRAIN = Split(3_200_000, 2000)
HELDOUT = Split(9_400_000, 600)


class PartyRecipe:
    ref = "party_role@1.0"
    name = "party_role"
    version = "1.0"
    task = ("role of a party block (address block with its name) on a page: seller, buyer or "
            "other (delivery address, payee, bank, another party)")
    labels = PARTY_ROLES
    train = TRAIN
    heldout = HELDOUT
    max_iter = 150


RECIPE = PartyRecipe()
RECIPES = (RECIPE,)


OTHER_HEADINGS = {
    # headings of a third party's block: delivery, payee, consignee ...; the last ones name
    # no role the heading rules know, so only the model's hashed words can read them
    "de": ("Lieferanschrift:", "Abweichender Warenempfänger:", "Lieferadresse", "Versandadresse:",
           "Zahlungsempfänger:", "Leistungsort:", "Lieferort:", "Werk / Baustelle:"),
    "en": ("Ship to:", "Delivery address:", "Shipping address", "Payee:", "Remit to:",
           "Consignee:", "Place of delivery:", "Site address:"),
    "fr": ("Adresse de livraison :", "Livraison à :", "Lieu de livraison :",
           "Adresse d'expédition :", "Lieu d'exécution :", "Chantier :"),
}
LOCALE = {"de": "de_DE", "en": "en_GB", "fr": "fr_FR"}
THIRD_PARTY_SHARE = 0.6
"""Share of training documents that get a third party's block: the generator prints none, and
without them the ``other`` class would have a handful of samples."""


def third_party_words(seed: int, language: str, words: list[Any],
                      geometry: PageGeometry) -> list[Any]:
    """A third party's block (heading, name, street, city line) on free space of page 1, in the
    left or the right column, as words; none when the seed draws none or no space is free."""
    import random

    from cosy.corpus.data import make_company, make_person
    from cosy.domain import Word

    rng = random.Random(seed * 7919 + 17)
    if rng.random() > THIRD_PARTY_SHARE:
        return []
    party = make_company(LOCALE[language], language, rng, with_bank=False) \
        if rng.random() < 0.7 else make_person(LOCALE[language], rng)
    a = party.address
    rows = [rng.choice(OTHER_HEADINGS[language]), party.name, a.street]
    rows += [a.city, a.postcode] if a.country == "GB" else [a.city_line()]
    size, step_ = 9.0, 11.5
    width, height = geometry.width, geometry.height
    x0 = rng.choice((55.0, 70.0, 300.0, 330.0, 360.0))
    right = x0 + max(0.5 * size * len(r) for r in rows) + 8
    need = len(rows) * step_ + 12
    tops = list(np.arange(0.12 * height, 0.8 * height - need, 6.0))
    rng.shuffle(tops)
    for top in tops:
        if any(w.x1 > x0 - 8 and w.x0 < right and w.top < top + need and w.bottom > top - 12
               for w in words):
            continue
        out = []
        for k, row in enumerate(rows):
            x, y = x0, top + k * step_
            for token in row.split():
                w = 0.5 * size * len(token)
                out.append(Word(token, x, y, min(x + w, width - 10), y + size, size, k == 0))
                x += w + 2.5
        return out
    return []


def read_blocks(pdf: bytes, pages: Sequence[list[Any]], third: tuple[int, str] | None = None,
                ) -> tuple[list[Any], np.ndarray, str | None]:
    """All blocks of a document (``pages``: each page's words, as the pipeline reads them) as
    the pipeline makes them, their features and the title kind (``third``: seed and language of
    a third party's block added to page 1)."""
    from cosy.steps import parse
    from models.recipes.corpus import page_title, read_page

    blocks, contexts, title = [], [], None
    for n, words in enumerate(pages, 1):
        if n == 1:
            title = page_title(pdf, words)
            if third is not None:
                words = words + third_party_words(*third, words,
                                                  parse.geometry(parse.open_page(pdf, n)))
        found = read_page(("page.party_block.valid", "page.party_block.context"), pdf, n, words)
        blocks += found["page.party_block.valid"]
        contexts += found["page.party_block.context"]
    return blocks, party_features(blocks, contexts, title, len(pages)), title


def _overlaps(bbox: Any, box: dict[str, Any] | None, page: int) -> bool:
    if not box or box["page"] != page:
        return False
    b = box["bbox"]
    return min(bbox[2], b[2]) > max(bbox[0], b[0]) and min(bbox[3], b[3]) > max(bbox[1], b[1])


def value_roles(block: Any, fields: dict[str, Any]) -> list[str]:
    """The parties (seller, buyer) whose truth address has the block's postcode and city."""
    got = {"postal_code": block.postal_code, "city": block.city}
    return [r for r in ("seller", "buyer") if fields.get(f"{r}_address")
            and same_value("address", fields[f"{r}_address"], got)]


def label_of(block: Any, truth: dict[str, Any]) -> str:
    """seller / buyer when the block's postcode and city are that party's, else other; where
    both parties share them, the generator's box the block overlaps."""
    boxes = truth.get("boxes", {})
    roles = value_roles(block, truth["fields"])
    if len(roles) == 2:
        roles = [r for r in roles if _overlaps(block.bbox, boxes.get(f"{r}_address"), block.page)
                 or _overlaps(block.bbox, boxes.get(f"{r}_name"), block.page)] or roles[:1]
    return roles[0] if roles else "other"


def doc_rows(spec_: tuple[int, str, str]) -> tuple[np.ndarray, list[str]]:
    from models.recipes.corpus import page_words

    seed, doc_type, language = spec_
    pdf, truth = generate_document(seed, doc_type=doc_type, language=language)
    words = [page_words(pdf, n) for n in range(1, truth["pages"] + 1)]
    blocks, x, _ = read_blocks(pdf, words, (seed, language))
    return x, [label_of(b, truth) for b in blocks]


def collect(split: Split, workers: int | None = None) -> tuple[np.ndarray, list[str]]:
    docs = map_documents(doc_rows, [s[:3] for s in split.specs()], workers, chunksize=16)
    dim = party_spec()["dim"]
    x = np.concatenate([d[0] for d in docs if len(d[0])] or [np.zeros((0, dim), np.float32)])
    return x, [y for d in docs for y in d[1]]


def dev_rows(docs: Sequence[DevDocument]) -> DevRows:
    """Blocks of a development set labelled by value (:class:`DevRows`): the party whose truth
    address has the block's postcode and city, none: ``other``, both: left out (their truth has
    no boxes to decide)."""
    rows = DevRows()
    for d in docs:
        blocks, x, _ = read_blocks(d.pdf, d.words)
        for row, block in zip(x, blocks, strict=True):
            rows.add(row, value_roles(block, d.truth["fields"]), d)
    return rows


def train(x: np.ndarray, y: list[str]) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    yi = np.array([PARTY_ROLES.index(v) for v in y])
    return HistGradientBoostingClassifier(
        max_iter=RECIPE.max_iter, learning_rate=0.1, max_leaf_nodes=15, early_stopping=False,
        l2_regularization=1.0, class_weight="balanced", random_state=0).fit(x, yi)



def _stub(session: Any) -> dict[str, Any]:
    return entry_stub(RECIPE, session, party_spec())


def predict(session: Any, x: np.ndarray) -> list[str]:
    spec = spec_from_entry(_stub(session), Path("."))
    probs = run_classifier(spec, session, x.astype(np.float32))
    return [PARTY_ROLES[i] for i in probs.argmax(axis=1)]


def build_all(out_dir: Path, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Train, export, evaluate and describe ``party_role``; return its registry entry."""

    from models.recipes.role_models import HELDOUT as ROLE_HELDOUT
    from models.recipes.text_models import RECIPES as TEXT_RECIPES
    from models.recipes.text_models import SCANNED

    if names is not None and RECIPE.name not in names:
        return []
    check_disjoint([("train", TRAIN), ("heldout", HELDOUT), ("scanned", SCANNED),
                    ("role heldout", ROLE_HELDOUT),
                    *((f"{t.name} heldout", t.heldout) for t in TEXT_RECIPES)])
    x, y = collect(TRAIN)
    hx, hy = collect(HELDOUT)
    clf = train(x, y)
    blob = classifier_onnx(clf, RECIPE, party_spec()["dim"])
    (out_dir / f"{RECIPE.name}.onnx").write_bytes(blob)
    session = measuring_session(blob)
    held = classification_metrics(hy, predict(session, hx), PARTY_ROLES)
    measured = []
    for dev_set in dev_corpora():
        rows = dev_rows(dev_documents(dev_set))
        pred = predict(session, rows.x(party_spec()["dim"])) if rows.labels else []
        m = dev_metrics(dev_set, rows.labels, pred, PARTY_ROLES, rows.docs)
        measured.append((dev_set, m | {"skipped": rows.skipped}))
    lat = heldout_latency(session, hx)
    entry = file_entry(_stub(session), blob, RECIPE, held, measured)
    write_card(out_dir / "cards" / f"{RECIPE.name}.md", card(entry, len(y), held, measured, lat,
                                                             _counts(y)))
    return [entry]


def _counts(y: list[str]) -> str:
    return ", ".join(f"{lab} {y.count(lab)}" for lab in PARTY_ROLES)


def card(entry: dict[str, Any], n_train: int, held: dict[str, Any], measured: DevResults,
         lat: dict[str, Any], counts: str) -> str:
    spec = party_spec()
    labelling = """Every block the party stages find, labelled by value as the generated ones:
postcode and city equal to the truth's seller or buyer address, else `other`; a block equal to
both is left out (no boxes to decide). Receipts name no buyer."""

    def more(m: dict[str, Any]) -> str:
        return f"Left out (both parties' postcode and city): {m['skipped']} blocks."

    return f"""
# Model card: {RECIPE.ref}

- **Task**: {RECIPE.task}. Labels: {", ".join(PARTY_ROLES)}. Run by the document step
  `fields.party.role` on all of a document's party blocks in one batch;
  `fields.party.assign` keeps the heading-and-position rules' choice of seller and buyer block,
  takes the model's probability for the role as the confidence of seller/buyer name, address
  and legal form, and falls back to the model's most probable block (probability ≥
  {FALLBACK_MIN:g}) where no rule admits any block for a role. On the real development set
  (below) the model is weaker than the rules, so it does not override them.
- **File**: `models/{entry['file']}`, {entry['size_bytes'] / 1024:.0f} KiB,
  sha256 `{entry['sha256']}` (pinned in `models/registry.json`).
- **Model**: gradient-boosted trees (scikit-learn `HistGradientBoostingClassifier`,
  {RECIPE.max_iter} iterations, 15 leaves, learning rate 0.1, l2 1.0, balanced class weights,
  no early stopping, random_state 0) exported with skl2onnx (opset {ONNX_OPSET['']}, ai.onnx.ml
  {ONNX_OPSET['ai.onnx.ml']}), no ZipMap. Input `features` float32 [N, {spec['dim']}]; outputs
  `label` int64 [N] and `probabilities` float32 [N, 3] in label order.
- **Features** (`party_features` in `cosy/steps/fields/party/features.py`, shared by recipe and
  step): words of the block's heading hashed (crc32) into {spec['hash_dim']} buckets; position
  (relative x/y, page, address window, rank from top and left, size, topmost, lower half), the
  heading rule's reading (seller, buyer, other, sender line, none), one-line or stacked, name /
  legal form / person / street / country present, how often its postcode and name recur in the
  document, the position rules' seller and buyer scores, and the title kind (one-hot, plus
  "written by the buyer": order, self-billed invoice).
- **Data**: documents from `cosy.corpus.generate_document` (text layer, document type and
  language cycled), read as the pipeline reads them; every block of the party stages is one
  sample, labelled by value (see the recipe). The generator prints no third party, so on
  {THIRD_PARTY_SHARE:.0%} of the documents (drawn per seed) the recipe adds one to free space of
  page 1 (left or right column, anywhere between a tenth and four fifths down) before the party
  stages run: a heading (Lieferanschrift, Ship to, Adresse
  de livraison, Zahlungsempfänger, Remit to, and some no heading rule knows: Leistungsort, Place
  of delivery, Chantier ...), a generated company or person, street and city line.
  Training: seeds {TRAIN.start}–{TRAIN.start + TRAIN.count - 1} ({TRAIN.count} documents,
  {n_train} blocks: {counts}). Held out, never trained on:
  seeds {HELDOUT.start}–{HELDOUT.start + HELDOUT.count - 1}
  ({HELDOUT.count} documents, {held['n']} blocks).
- **Recipe**: `python -m models.recipes.build --only party_role`
  (`models/recipes/party_role.py`); deterministic (fixed seeds, single-threaded).

## Held-out metrics ({held['n']} blocks)

Accuracy **{held['accuracy']:.4f}**, macro-F1 **{held['macro_f1']:.4f}**.

{metrics_table(held)}

{dev_sections(measured, "blocks", labelling, more)}
## Latency ({machine()}, 1 intra-op thread)

{latency_table(lat)}

Measured while other work shared the machine's cores; p99 includes that noise.

## Limits

Trained only on generated documents (born-digital pages). Labels by value make a repeated
address (the seller's letterhead and footer) the seller's everywhere it stands, which is what
the role means; a delivery address equal to the buyer's is the buyer's. The model only sees
blocks the party stages find: a party printed without postcode and city is never classified.
"""
