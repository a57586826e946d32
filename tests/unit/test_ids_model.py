"""The identifier_role model: it loads, declares its signature and reads whose IDs they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosy.corpus import generate_document
from cosy.inference.registry import create_session, read_registry, run_classifier
from cosy.steps import layout, parse
from cosy.steps.fields.ids.features import IDENTIFIER_ROLES, identifier_features
from models.recipes.corpus import page_title as title_of
from models.recipes.corpus import page_words
from tests.stages import identifier_context

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture(scope="module")
def model() -> tuple:
    spec = read_registry(MODELS)["identifier_role"]
    return spec, create_session(spec, threads=1)


def test_declares_its_signature(model: tuple) -> None:
    spec, session = model
    assert spec.labels == IDENTIFIER_ROLES
    assert spec.features["kind"] == "identifier_role"
    assert [t.name for t in session.get_inputs()] == ["features"]
    assert session.get_inputs()[0].shape[1] == spec.features["dim"]
    assert [t.name for t in spec.outputs] == ["label", "probabilities"]


@pytest.mark.parametrize(("seed", "doc_type", "layout_name", "writer"), [
    (101, "invoice", "din_classic", "seller"),
    (202, "order", "center_zebra", "buyer"),  # an order's footer is the buyer's
])
def test_footer_vat_id_belongs_to_the_writer(model: tuple, seed: int, doc_type: str,
                                             layout_name: str, writer: str) -> None:
    spec, session = model
    pdf, truth = generate_document(seed, doc_type=doc_type, layout=layout_name, language="de")
    words = page_words(pdf, 1)
    lines = layout.lines(words)
    contexts = identifier_context("vat_id", lines, parse.geometry(parse.open_page(pdf, 1)))
    footer = [c for c in contexts if c.zone == "foot"]
    assert footer, "the generated footer prints the writer's VAT ID"
    x = identifier_features(footer, title_of(pdf, words), 1, truth["pages"], spec.features)
    probs = run_classifier(spec, session, x)
    assert [spec.labels[i] for i in probs.argmax(axis=1)] == [writer] * len(footer)
