"""The token_ner model and the ner steps: BIO decoding, the model's contract, entities found."""

from __future__ import annotations

import pytest

from cosy.config import Settings
from cosy.corpus import generate_document
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.engine.step import StepContext
from cosy.inference.resources import Resources
from cosy.ingest import inspect_document
from cosy.steps import layout, parse, text
from cosy.steps.ner import (
    FEATURES,
    NER_MODEL,
    TAGS,
    decode,
    entity_mentions,
    ner_features,
    ner_tags,
    shape,
)
from cosy.steps.nlp import Token, label_hits, match_labels, sentences, tokens

# Held-out seeds of models/recipes/token_ner.py (HELDOUT = Split(9_600_000, 500)): never trained.
HELDOUT_SEEDS = (9_600_001, 9_600_004, 9_600_010)


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources(Settings(onnx_threads=1))


def _tok(line: int) -> Token:
    return Token("x", line, 0, 0, 1, (0.0, 0.0, 1.0, 1.0), True)


def test_decode_joins_bio_runs_and_never_crosses_a_line() -> None:
    toks = [_tok(0), _tok(0), _tok(0), _tok(1), _tok(1), _tok(1)]
    tags = [("B-PER", 0.9), ("I-PER", 0.7), ("O", 1.0), ("I-ORG", 0.6), ("I-ORG", 0.8),
            ("I-ORG", 1.0)]
    assert [(k, a, b) for k, a, b, _ in decode(toks, tags)] == [("PER", 0, 2), ("ORG", 3, 6)]
    assert decode(toks, tags)[0][3] == pytest.approx(0.8)
    split = [("B-ADDRESS", 1.0), ("I-ADDRESS", 1.0), ("I-ADDRESS", 1.0), ("I-ADDRESS", 1.0),
             ("O", 1.0), ("O", 1.0)]
    assert [(k, a, b) for k, a, b, _ in decode(toks, split)] == [("ADDRESS", 0, 3),
                                                                ("ADDRESS", 3, 4)]


def test_shapes_cap_runs_of_a_class() -> None:
    assert shape("Müller") == "Xxxx"
    assert shape("80333") == "ddd"
    assert shape("GmbH") == "XxxX"


def test_the_model_declares_its_inputs_outputs_and_labels(resources: Resources) -> None:
    spec = resources.model(NER_MODEL)
    assert spec.labels == TAGS
    assert spec.features["dim"] == FEATURES["dim"]
    assert spec.inputs[0].shape == (None, FEATURES["dim"])
    assert spec.outputs[1].shape == (None, len(TAGS))
    assert resources.session(NER_MODEL) is resources.session("token_ner")


def _page_entities(resources: Resources, seed: int) -> tuple[dict, list]:
    pdf, truth = generate_document(seed, family="classic")
    page = parse.open_page(pdf, 1)
    lines = layout.lines(text.normalize_words(parse.words(page)))
    ctx = StepContext("d", "t", 1, resources.settings, resources)
    lang = truth["language"]
    toks = tokens(lines, lang, ctx)
    hits = label_hits(lines, toks, *(match_labels(resources.nlp(lang), toks, x)
                                     for x in ("de", "en", "fr", "xx")))
    x = ner_features(toks, sentences(lines, toks, lang, ctx), hits, lines, parse.geometry(page))
    return truth, entity_mentions(toks, ner_tags(x, ctx), lines, 1)


@pytest.mark.parametrize("seed", HELDOUT_SEEDS)
def test_the_model_finds_the_parties_and_people_of_held_out_pages(resources: Resources,
                                                                 seed: int) -> None:
    truth, found = _page_entities(resources, seed)
    got = {(m.kind, m.value) for m in found}
    boxes = {k: b for k, b in truth["boxes"].items() if b["page"] == 1}
    for name, kind in (("seller_name", "ORG"), ("buyer_name", "ORG"),
                       ("contact_person", "PER"), ("director", "PER")):
        if name in boxes:
            assert (kind, " ".join(boxes[name]["text"].split())) in got, (name, sorted(got))
    for m in found:
        assert m.model == NER_MODEL and 0.0 < m.confidence <= 1.0 and m.bbox[0] < m.bbox[2]


def test_the_pipeline_extracts_contact_fields_of_a_held_out_document() -> None:
    pdf, truth = generate_document(HELDOUT_SEEDS[1], family="classic")
    info = inspect_document(pdf, "c.pdf", "t", max_bytes=10**7, max_pages=50)
    result = SyncExecutor(Settings()).run(load_pipeline(), pdf, info).outputs["doc.result"]
    fields = {k: v["value"] for k, v in result["fields"].items()}
    assert fields["contact_person"] == truth["fields"]["contact_person"]
    assert fields["director"] == truth["fields"]["director"]
    assert fields["seller_email"].endswith(fields["seller_website"].removeprefix("www."))
    assert fields["seller_phone"].startswith("+")
