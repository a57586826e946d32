"""Recipe for ``token_ner``: BIO tags (ORG, PER, ADDRESS) of every spaCy token of a page.

Samples are the pipeline's own tokens: each generated document is read as the pipeline reads it
(text layer → ``text.normalize`` → ``layout.lines``), then ``nlp.tokens``, ``nlp.sentences`` and
the label lexicons (``nlp.labels.*``) run with ``spacy.blank(language)``, and
:func:`cosy.steps.ner.token_features` makes the rows (the code the ``ner.features`` step runs).
Labels come from the generator's truth: the printed text of seller_name/buyer_name (ORG),
contact_person/director (PER) and the lines of seller_address/buyer_address (ADDRESS: the street,
the postcode-and-city line), taken from ``truth["boxes"]`` and ``truth["fields"]`` and tagged at
every place the page prints them (the truth boxes hold only the first occurrence; a letterhead
name repeated in the footer is the same entity). Model: multinomial logistic regression on the
hashed binary features (scikit-learn, lbfgs), exported with skl2onnx, ``zipmap`` off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cosy.corpus import generate_document
from cosy.inference.registry import run_classifier, spec_from_entry
from cosy.steps.ner import FEATURES, TAGS, decode, feature_indices, token_features
from cosy.steps.nlp import Token
from models.recipes.corpus import NamedRecipe, Split, check_disjoint, map_documents
from models.recipes.export import (
    ONNX_OPSET,
    batch_latency,
    classifier_onnx,
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
    percentiles_ms,
    write_card,
)

TRAIN = Split(3_400_000, 1500)
HELDOUT = Split(9_600_000, 500)
PARTS = re.compile(r"\n|\s+[·|•]\s+")
"""Where a printed address splits into parts: lines, and the bullets of a one-line address."""
ENTITY_FIELDS = {"seller_name": "ORG", "buyer_name": "ORG", "contact_person": "PER",
                 "director": "PER", "seller_address": "ADDRESS", "buyer_address": "ADDRESS"}


@dataclass(frozen=True)
class NerRecipe(NamedRecipe):
    ref: str = "token_ner@1.0"
    task: str = ("BIO tag of a spaCy token of a page: organisation, person or postal-address "
                 "span (ORG, PER, ADDRESS), else O")
    labels: tuple[str, ...] = TAGS
    train: Split = TRAIN
    heldout: Split = HELDOUT
    c: float = 4.0
    max_iter: int = 300


RECIPE = NerRecipe()
RECIPES = (RECIPE,)
UNMEASURED = ("their truth gives each document's field values, not a tag per token (no boxes, "
              "no printed form of each name and address line), so no token-level label can be "
              "derived.")

_NLP: dict[str, Any] = {}


def blank(lang: str) -> Any:
    """The pipeline's spaCy setup (``Resources.nlp``): a blank pipeline with the sentencizer."""
    if lang not in _NLP:
        import spacy

        nlp = spacy.blank(lang if lang in ("de", "en", "fr") else "en")
        nlp.add_pipe("sentencizer")
        _NLP[lang] = nlp
    return _NLP[lang]


def entity_texts(truth: dict[str, Any]) -> list[tuple[str, str]]:
    """(type, printed text) of every truth entity, one per address line, longest first (ties
    by type and text: a set's order changes with PYTHONHASHSEED, and where two entities of one
    length overlap on a page, the first one tagged wins)."""
    out: set[tuple[str, str]] = set()
    for name, kind in ENTITY_FIELDS.items():
        box = truth["boxes"].get(name)
        value = truth["fields"].get(name)
        texts = PARTS.split(box["text"]) if box else []
        if not texts and isinstance(value, str):
            texts = [value]
        out.update((kind, " ".join(t.split())) for t in texts if t.strip())
    return sorted(out, key=lambda kt: (-len(kt[1]), kt))


def gold_tags(nlp: Any, toks: list[Token], truth: dict[str, Any]) -> list[str]:
    """BIO tags of the page's tokens: every place a truth entity's tokens stand in one line."""
    tags = ["O"] * len(toks)
    words = [t.text for t in toks]
    for kind, text in entity_texts(truth):
        pattern = [t.text for t in nlp.tokenizer(text) if not t.is_space]
        n = len(pattern)
        if not n:
            continue
        for i in range(len(words) - n + 1):
            if words[i:i + n] == pattern and toks[i].line == toks[i + n - 1].line \
                    and all(tag == "O" for tag in tags[i:i + n]):
                tags[i] = f"B-{kind}"
                for k in range(i + 1, i + n):
                    tags[k] = f"I-{kind}"
    return tags


def doc_rows(spec: tuple[int, str, str, bool]) -> list[tuple[list[list[int]], list[str]]]:
    """Per page of one generated document: each token's feature buckets and its gold tag."""
    from cosy.steps import layout, parse
    from cosy.steps.nlp import match_labels, resolve_hits, split_sentences, tokenize_lines
    from models.recipes.corpus import page_words

    seed, doc_type, language, _ = spec
    pdf, truth = generate_document(seed, doc_type=doc_type, language=language)
    nlp = blank(truth["language"])
    pages = []
    for n in range(1, truth["pages"] + 1):
        lines = layout.lines(page_words(pdf, n))
        geometry = parse.geometry(parse.open_page(pdf, n))
        toks = tokenize_lines(nlp, lines)
        if not toks:
            continue
        sents = split_sentences(nlp, lines, toks)
        hits = resolve_hits(lines, toks, *(match_labels(nlp, toks, lex)
                                           for lex in ("de", "en", "fr", "xx")))
        rows = feature_indices(token_features(toks, sents, hits, lines, geometry))
        page_truth = {**truth, "boxes": {k: b for k, b in truth["boxes"].items()
                                         if b["page"] == n}}
        pages.append((rows, gold_tags(nlp, toks, page_truth)))
    return pages


def collect(split: Split, workers: int | None = None) -> list[tuple[list[list[int]], list[str]]]:
    """Every page of a split (seed order), read in parallel."""
    docs = map_documents(doc_rows, split.specs(), workers)
    return [page for d in docs for page in d]


def sparse(pages: list[tuple[list[list[int]], list[str]]]) -> tuple[Any, list[str]]:
    from scipy.sparse import csr_matrix

    rows = [r for p in pages for r in p[0]]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    x = csr_matrix((np.ones(len(indices), np.float32), indices, indptr),
                   shape=(len(rows), FEATURES["dim"]))
    return x, [y for p in pages for y in p[1]]


def train(recipe: NerRecipe, x: Any, y: list[str]) -> Any:
    from sklearn.linear_model import LogisticRegression

    yi = np.array([recipe.labels.index(v) for v in y])
    return LogisticRegression(C=recipe.c, max_iter=recipe.max_iter, tol=1e-4).fit(x, yi)



def _dense(rows: list[list[int]]) -> np.ndarray:
    x = np.zeros((len(rows), FEATURES["dim"]), dtype=np.float32)
    for r, idx in enumerate(rows):
        x[r, idx] = 1.0
    return x


def entity_metrics(gold: list[list[str]], pred: list[list[str]]) -> dict[str, Any]:
    """Exact-span entity precision/recall/F1 per type (pages decoded by ``ner.entities``'s
    :func:`decode`; a span must match in type, start and end)."""
    from cosy.steps.nlp import Token as T

    out: dict[str, Any] = {}
    counts = {k: [0, 0, 0] for k in ("ORG", "PER", "ADDRESS")}  # tp, fp, fn
    for g, p in zip(gold, pred, strict=True):
        toks = [T("", 0, 0, 0, 0, (0, 0, 0, 0), False)] * len(g)  # one line: spans from tags
        gs = {(k, a, b) for k, a, b, _ in decode(toks, [(t, 1.0) for t in g])}
        ps = {(k, a, b) for k, a, b, _ in decode(toks, [(t, 1.0) for t in p])}
        for k in counts:
            gk, pk = {s for s in gs if s[0] == k}, {s for s in ps if s[0] == k}
            counts[k][0] += len(gk & pk)
            counts[k][1] += len(pk - gk)
            counts[k][2] += len(gk - pk)
    for k, (tp, fp, fn) in counts.items():
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[k] = {"precision": prec, "recall": rec,
                  "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0, "support": tp + fn}
    return out


def build(recipe: NerRecipe, out_dir: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Train, export, evaluate and describe the token NER model; return its registry entry."""

    from models.recipes.text_models import RECIPES as TEXT_RECIPES
    from models.recipes.text_models import SCANNED

    check_disjoint([("train", recipe.train), ("heldout", recipe.heldout), ("scanned", SCANNED),
                    *((f"{t.name} heldout", t.heldout) for t in TEXT_RECIPES)])
    x, y = sparse(data["train"])
    clf = train(recipe, x, y)
    blob = classifier_onnx(clf, recipe, FEATURES["dim"])
    (out_dir / f"{recipe.name}.onnx").write_bytes(blob)
    session = measuring_session(blob)
    spec = spec_from_entry(entry_stub(recipe, session, FEATURES), Path("."))
    gold, pred = [], []
    for rows, tags in data["heldout"]:
        probs = run_classifier(spec, session, _dense(rows))
        gold.append(tags)
        pred.append([recipe.labels[k] for k in probs.argmax(axis=1)])
    held = classification_metrics([t for g in gold for t in g], [t for p in pred for t in p],
                                  recipe.labels)
    entities = entity_metrics(gold, pred)
    rows = data["heldout"][0][0]
    one = _dense(rows[:1])
    many = _dense((rows * 64)[:64])
    page = _dense(max((p[0] for p in data["heldout"]), key=len))
    name = session.get_inputs()[0].name
    lat = {**batch_latency(session, one, many),
           "page": percentiles_ms(lambda: session.run(None, {name: page}), runs=30),
           "page_tokens": len(page)}
    entry = file_entry(entry_stub(recipe, session, FEATURES), blob, recipe, held)
    entry["heldout"]["entity_f1"] = {k: round(v["f1"], 4) for k, v in entities.items()}
    write_card(out_dir / "cards" / f"{recipe.name}.md",
               card(recipe, entry, len(y), len(data["train"]), len(data["heldout"]), held,
                    entities, lat))
    return entry


def card(recipe: NerRecipe, entry: dict[str, Any], n_train: int, train_pages: int,
         held_pages: int, held: dict[str, Any], entities: dict[str, Any],
         lat: dict[str, Any]) -> str:
    tr, ho = recipe.train, recipe.heldout
    ent_rows = "\n".join(f"| {k} | {v['precision']:.4f} | {v['recall']:.4f} | {v['f1']:.4f} "
                         f"| {v['support']} |" for k, v in entities.items())
    return f"""
# Model card: {recipe.ref}

- **Task**: {recipe.task}. Labels: {", ".join(recipe.labels)}. Run by the page step `ner.tags`
  on all of a page's tokens in one batch; `ner.entities` decodes the tags into ORG, PER and
  ADDRESS mentions with boxes, which the person families (`fields.contact.*.contact_person`,
  `fields.contact.*.director`) read.
- **File**: `models/{entry['file']}`, {entry['size_bytes'] / 1024:.0f} KiB,
  sha256 `{entry['sha256']}` (pinned in `models/registry.json`).
- **Model**: multinomial logistic regression (scikit-learn `LogisticRegression`, lbfgs,
  C={recipe.c}, {recipe.max_iter} iterations at most) exported with skl2onnx (opset
  {ONNX_OPSET['']}, ai.onnx.ml {ONNX_OPSET['ai.onnx.ml']}), no ZipMap. Input `features` float32
  [N, {FEATURES['dim']}] (binary); outputs `label` int64 [N] and `probabilities` float32
  [N, {len(recipe.labels)}] in label order.
- **Features** (`token_features` in `cosy/steps/ner.py`, shared by recipe and step), each
  hashed (crc32) into {FEATURES['hash_dim']} binary buckets: the token (lower-cased), its
  3-letter prefix and suffix, its shape (Xxxx, ddd), length; the words and shapes of a window of
  two tokens either side within the line and the two bigrams; cell start, position in the line,
  tokens in the line, the line's first word, the first words of the lines above and below,
  whether the line holds a postcode or an '@'; the label (`nlp.labels.*` category: contact,
  director, phone ...) the token stands in, the one before it on its line or on the line above,
  and that label with the token's shape; sentence start and length (`nlp.sentences`); page
  position (tenths of the height, quarters of the width), font size relative to the page's
  median, bold, and those with the shape.
- **Data**: documents from `cosy.corpus.generate_document` (text layer, document type and
  language cycled), read as the pipeline reads them; every token of every page is one sample.
  Gold tags: the printed text of the truth's seller_name, buyer_name (ORG), contact_person,
  director (PER), and each line of seller_address, buyer_address (ADDRESS: street; postcode and
  city), tagged wherever its tokens stand within one line (the truth boxes mark the first
  occurrence only). Training: seeds {tr.start}–{tr.start + tr.count - 1} ({tr.count} documents,
  {train_pages} pages, {n_train} tokens). Held out, never trained on: seeds
  {ho.start}–{ho.start + ho.count - 1} ({ho.count} documents, {held_pages} pages,
  {held['n']} tokens).
- **Recipe**: `python -m models.recipes.build --only token_ner`
  (`models/recipes/token_ner.py`); deterministic (fixed seeds, single-threaded).

## Held-out metrics ({held['n']} tokens)

Token accuracy **{held['accuracy']:.4f}**, token macro-F1 (7 tags) **{held['macro_f1']:.4f}**.

{metrics_table(held)}

Entity level (exact span and type; spans decoded from the tags by `decode` of `cosy/steps/ner.py`,
which in production also ends a span at a cell boundary):

| type | precision | recall | F1 | entities |
|---|---:|---:|---:|---:|
{ent_rows}

{dev_unmeasured(UNMEASURED)}
## Latency ({machine()}, 1 intra-op thread)

{latency_table(lat)}
| ONNX model, one page ({lat['page_tokens']} tokens) | {lat['page'][0]:.3f} | {lat['page'][1]:.3f} |

Measured while other work shared the machine's cores; p99 includes that noise.

## Limits

Trained only on generated, born-digital pages: names and addresses the generator prints
(Faker names of de/en/fr locales, its letterheads, footers and address windows). A person who is
a party (a buyer without a company) is tagged ORG, as the truth calls it a party name.
"""


def build_all(out_dir: Path, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Build the token NER model (the only recipe of this module)."""
    if names is not None and RECIPE.name not in names:
        return []
    data = {"train": collect(RECIPE.train), "heldout": collect(RECIPE.heldout)}
    return [build(RECIPE, out_dir, data)]
