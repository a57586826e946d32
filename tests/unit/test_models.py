"""The model registry and the classifiers: files verified, signatures as declared, predictions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from cosy.config import Settings
from cosy.corpus import DOC_TYPES, LANGUAGES, generate_document
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.engine.step import StepContext
from cosy.inference.features import featurize, hashed_text, tokens
from cosy.inference.registry import ModelError, create_session, read_registry
from cosy.inference.resources import Resources
from cosy.ingest import inspect_document
from cosy.steps import classify, layout, parse, text

MODELS_DIR = Settings().models_dir
# Seeds from the held-out ranges of the recipes (models/recipes/text_models.py): never trained on.
DOC_TYPE_SEEDS = range(9_000_000, 9_000_012)
LANGUAGE_SEEDS = range(9_100_000, 9_100_003)


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources(Settings(onnx_threads=1))


def _ctx(resources: Resources) -> StepContext:
    return StepContext("doc", "t", None, resources.settings, resources)


def _page_texts(pdf: bytes, pages: int) -> list[str]:
    return [layout.text(layout.lines(text.normalize_words(parse.words(parse.open_page(pdf, n)))))
            for n in range(1, pages + 1)]


def test_every_registered_model_loads_with_the_declared_signature(resources: Resources) -> None:
    assert {"doc_type", "language", "ocr_det", "ocr_rec"} <= set(resources.models)
    for spec in resources.models.values():
        session = create_session(spec, threads=1)  # checks inputs/outputs against the registry
        assert [(t.name, t.type) for t in session.get_inputs()] == \
            [(t.name, t.type) for t in spec.inputs]
        assert [(t.name, t.type) for t in session.get_outputs()] == \
            [(t.name, t.type) for t in spec.outputs]
    for name in ("doc_type", "language"):
        spec = resources.model(name)
        assert spec.inputs[0].shape == (None, spec.features["dim"])
        assert spec.outputs[1].shape == (None, len(spec.labels))
        assert resources.session(name) is resources.session(f"{name}@{spec.version}")


def test_model_sizes_stay_within_budget() -> None:
    trained = [s for s in read_registry(MODELS_DIR).values() if s.package is None]
    sizes = [s.path.stat().st_size for s in trained]
    assert all(size < 20 * 2**20 for size in sizes)
    assert sum(sizes) < 60 * 2**20


@pytest.mark.parametrize("seed", DOC_TYPE_SEEDS)
def test_doc_type_on_held_out_documents(resources: Resources, seed: int) -> None:
    i = seed - DOC_TYPE_SEEDS.start
    expected = DOC_TYPES[i]
    pdf, truth = generate_document(seed, doc_type=expected, language=LANGUAGES[i % 3])
    pred = classify.doc_type(page_text=_page_texts(pdf, truth["pages"]), doc_title_kind=None,
                             ctx=_ctx(resources))
    assert pred.label == expected
    assert pred.model == classify.DOC_TYPE_MODEL and 0.5 < pred.confidence <= 1.0


@pytest.mark.parametrize("seed", LANGUAGE_SEEDS)
def test_language_on_held_out_documents(resources: Resources, seed: int) -> None:
    expected = LANGUAGES[seed - LANGUAGE_SEEDS.start]
    pdf, truth = generate_document(seed, language=expected)
    pred = classify.language(page_text=_page_texts(pdf, truth["pages"]), ctx=_ctx(resources))
    assert (pred.label, pred.model) == (expected, classify.LANGUAGE_MODEL)


def test_no_text_gives_no_label(resources: Resources) -> None:
    pred = classify.language(page_text=["", "  "], ctx=_ctx(resources))
    assert pred.label is None and pred.confidence == 0.0


def test_pipeline_result_carries_type_and_language() -> None:
    pdf, _ = generate_document(9_000_005, doc_type="quotation", language="en")
    info = inspect_document(pdf, "q.pdf", "t", max_bytes=10**7, max_pages=50)
    pipeline = load_pipeline()
    assert {"classify.doc_type", "classify.language", "ocr.words", "layout.text"} <= \
        {s.name for s in pipeline.steps}
    assert {classify.DOC_TYPE_MODEL, classify.LANGUAGE_MODEL} <= set(pipeline.models)
    doc = SyncExecutor(Settings()).run(pipeline, pdf, info).outputs["doc.result"]["document"]
    assert (doc["doc_type"], doc["language"]) == ("quotation", "en")


def test_title_evidence_combines_with_the_model() -> None:
    labels = ("invoice", "credit_note", "quotation")
    probs = np.array([0.7, 0.25, 0.05])
    assert classify.with_title(probs, labels, "credit_note").argmax() == 1  # title decides
    assert classify.with_title(probs, labels, None) is probs
    assert classify.with_title(probs, labels, "contract") is probs  # not a label: no evidence
    sure = np.array([0.97, 0.02, 0.01])
    assert classify.with_title(sure, labels, "credit_note").argmax() == 0  # a sure model wins
    assert abs(float(classify.with_title(probs, labels, "quote").sum()) - 1.0) < 1e-9


def _copy_models(tmp_path: Path) -> Path:
    shutil.copy(MODELS_DIR / "registry.json", tmp_path / "registry.json")
    for spec in read_registry(MODELS_DIR).values():
        if spec.package is None:
            shutil.copy(spec.path, tmp_path / spec.file)
    return tmp_path


def test_a_tampered_model_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    models = _copy_models(tmp_path)
    target = models / "language.onnx"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    res = Resources(Settings(models_dir=models))
    with pytest.raises(ModelError, match=r"language\.onnx.*sha256"):
        res.warm()
    with pytest.raises(ModelError, match=r"language\.onnx"):
        Resources(Settings(models_dir=models)).session("language")
    assert Resources(Settings(models_dir=models)).session("doc_type") is not None


def test_a_missing_registry_or_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="registry"):
        _ = Resources(Settings(models_dir=tmp_path)).models
    models = _copy_models(tmp_path)
    (models / "doc_type.onnx").unlink()
    with pytest.raises(ModelError, match=r"doc_type\.onnx is missing"):
        Resources(Settings(models_dir=models)).warm()


def test_a_step_pinned_to_another_version_is_refused(resources: Resources, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"expects model doc_type@0\.1"):
        resources.model("doc_type@0.1")
    with pytest.raises(ModelError, match="not in the registry"):
        resources.model("party_role")
    models = _copy_models(tmp_path)
    registry = json.loads((models / "registry.json").read_text())
    for entry in registry["models"]:
        if entry["name"] == "language":
            entry["outputs"][0]["name"] = "renamed"
    (models / "registry.json").write_text(json.dumps(registry))
    with pytest.raises(ModelError, match="outputs"):
        Resources(Settings(models_dir=models)).session("language")


def test_features_keep_umlauts_and_are_stable() -> None:
    assert tokens("Größe: 12 Stück, Straße 1234567") == ["größe", "00", "stück", "straße"]
    vec = hashed_text("Rechnung Nr. 1\nGesamtbetrag", 1 << 10)
    assert vec.dtype == np.float32 and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-5
    spec = {"kind": "hashed_text", "dim": 1 << 10, "version": "1"}
    assert np.array_equal(featurize(["Rechnung Nr. 1\nGesamtbetrag"], spec)[0], vec)
    with pytest.raises(ValueError, match="unsupported feature spec"):
        featurize(["x"], {"kind": "tfidf", "dim": 8, "version": "1"})
