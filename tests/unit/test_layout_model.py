"""The block_class model: registered, declares its inputs and outputs, and classifies the blocks
of held-out generated documents (never trained on) as the generator drew them."""

from __future__ import annotations

import pytest

from cosy.config import Settings
from cosy.corpus import generate_document
from cosy.engine.step import StepContext
from cosy.inference.resources import Resources
from cosy.steps.layout_classes import BLOCK_CLASS_MODEL, segment_class
from cosy.steps.layout_features import BLOCK_CLASSES, block_class_spec
from models.recipes.block_class import HELDOUT, analyse_page


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources(Settings(onnx_threads=1))


def test_block_class_is_registered_with_its_signature(resources: Resources) -> None:
    spec = resources.model(BLOCK_CLASS_MODEL)
    assert tuple(spec.labels) == BLOCK_CLASSES
    assert spec.features == block_class_spec()
    assert spec.inputs[0].shape == (None, spec.features["dim"])
    assert spec.outputs[1].shape == (None, len(BLOCK_CLASSES))
    assert spec.path.stat().st_size < 20 * 1024 * 1024
    session = resources.session(BLOCK_CLASS_MODEL)
    assert [t.name for t in session.get_inputs()] == [t.name for t in spec.inputs]


def _class_at(resources: Resources, seed: int, doc_type: str) -> tuple[dict, object]:
    pdf, truth = generate_document(seed, doc_type=doc_type, language="de", family="classic")
    spec = resources.model(BLOCK_CLASS_MODEL)
    page = analyse_page(pdf, 1, truth["pages"], spec.features)
    ctx = StepContext("doc", "t", 1, resources.settings, resources)
    probs = segment_class(page["x"], ctx)
    assert probs.shape == (len(page["segments"]), len(BLOCK_CLASSES))

    def of_field(field: str) -> str:
        box = truth["boxes"][field]["bbox"]
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        for i, s in enumerate(page["segments"]):
            x0, y0, x1, y1 = s.bbox
            if x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1:
                return BLOCK_CLASSES[int(probs[i].argmax())]
        raise AssertionError(f"no segment holds {field}")

    return truth, of_field


@pytest.mark.parametrize("offset", [0, 10])
def test_fields_sit_in_blocks_of_their_class(resources: Resources, offset: int) -> None:
    truth, of_field = _class_at(resources, HELDOUT.start + offset, "invoice")
    assert of_field("buyer_name") == "address"
    assert of_field("total_gross") == "totals"
    if truth["boxes"].get("iban", {}).get("page") == 1:
        assert of_field("iban") == "footer"
    assert of_field("issue_date") in ("meta", "title")
