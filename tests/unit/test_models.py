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
    return [layout.text(layout.lines(text.normalized_words(parse.words(parse.open_page(pdf, n)))))
            for n in range(1, pages + 1)]


def test_every_registered_model_loads_with_the_declared_signature(resources: Resources) -> None:
    assert {"doc_type", "language", "ocr_det", "ocr_rec"} <= set(resources.models)
    for spec in resources.models.values():
        if spec.runtime == "table":  # the calibration table: JSON, read by Resources.table
            assert isinstance(resources.table(spec.ref), dict)
            continue
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
    pdf, truth = generate_document(seed, doc_type=expected, language=LANGUAGES[i % 3],
                                   family="classic")
    pred = classify.type_model(_page_texts(pdf, truth["pages"]), None, _ctx(resources))
    assert pred.label == expected
    assert pred.model == classify.DOC_TYPE_MODEL and 0.5 < pred.confidence <= 1.0


@pytest.mark.parametrize("seed", LANGUAGE_SEEDS)
def test_language_on_held_out_documents(resources: Resources, seed: int) -> None:
    expected = LANGUAGES[seed - LANGUAGE_SEEDS.start]
    pdf, truth = generate_document(seed, language=expected, family="classic")
    pred = classify.language(page_text=_page_texts(pdf, truth["pages"]), ctx=_ctx(resources))
    assert (pred.label, pred.model) == (expected, classify.LANGUAGE_MODEL)


def test_no_text_gives_no_label(resources: Resources) -> None:
    pred = classify.language(page_text=["", "  "], ctx=_ctx(resources))
    assert pred.label is None and pred.confidence == 0.0


def test_pipeline_result_carries_type_and_language() -> None:
    pdf, _ = generate_document(9_000_005, doc_type="quotation", language="en",
                               family="classic")
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
        resources.model("no_such_model")
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


# --- role models (date_role, amount_role) --------------------------------------------------------

# Seeds from the role recipes' held-out range (models/recipes/role_models.py): never trained on.
ROLE_SEEDS = range(9_200_000, 9_200_006)


def _role_page(pdf: bytes, page_no: int) -> tuple[list, dict[str, float]]:
    lines = layout.lines(text.normalized_words(parse.words(parse.open_page(pdf, page_no))))
    return lines, parse.geometry(parse.open_page(pdf, page_no))


def test_role_models_load_with_declared_inputs_and_outputs(resources: Resources) -> None:
    from cosy.steps.fields.amounts.features import AMOUNT_ROLES
    from cosy.steps.fields.dates.features import DATE_ROLES
    from cosy.steps.fields.mention_roles import role_spec

    for name, labels, kind in (("date_role", DATE_ROLES, "date"),
                               ("amount_role", AMOUNT_ROLES, "amount")):
        spec = resources.model(f"{name}@1.0")
        assert spec.labels == labels and spec.features == role_spec(kind)
        assert [t.name for t in spec.inputs] == ["features"]
        assert spec.inputs[0].shape == (None, spec.features["dim"])
        assert [t.name for t in spec.outputs] == ["label", "probabilities"]
        assert spec.outputs[1].shape == (None, len(labels))
        session = resources.session(name)
        x = np.zeros((3, spec.features["dim"]), dtype=np.float32)
        probs = session.run(["probabilities"], {"features": x})[0]
        assert probs.shape == (3, len(labels)) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize("seed", ROLE_SEEDS)
def test_role_models_on_held_out_documents(resources: Resources, seed: int) -> None:
    """Every date and amount printed in a truth box of its role is predicted that role."""
    from cosy.ingest import DocumentInfo
    from cosy.steps.fields.amounts.role import amount_role
    from cosy.steps.fields.dates.role import date_role
    from models.recipes.role_models import label_of
    from tests.stages import amount_context, date_context

    pdf, truth = generate_document(seed, doc_type="invoice", language=LANGUAGES[seed % 3],
                                   family="classic")
    info = DocumentInfo("d", "t", "d.pdf", len(pdf), truth["pages"])
    checked = 0
    for page_no in range(1, truth["pages"] + 1):
        lines, geometry = _role_page(pdf, page_no)
        ctx = StepContext("d", "t", page_no, resources.settings, resources)
        for kind, cands, role_step, labels in (
                ("date", date_context, date_role, roles_labels("date")),
                ("amount", amount_context, amount_role, roles_labels("amount"))):
            mentions = cands(lines, page_no, geometry)
            probs = role_step(mentions, lines, geometry, page_no, info, ctx)
            assert len(probs) == len(mentions)
            for m, p in zip(mentions, probs, strict=True):
                assert abs(sum(p.values()) - 1.0) < 1e-3
                want = label_of(m, truth["boxes"], labels)
                if want != "other":
                    assert max(p, key=p.get) == want, (kind, m.raw, m.label, p)
                    checked += 1
    assert checked >= 4  # issue date and the three totals at least


def roles_labels(kind: str) -> tuple[str, ...]:
    from cosy.steps.fields.amounts.features import AMOUNT_ROLES
    from cosy.steps.fields.dates.features import DATE_ROLES

    return DATE_ROLES if kind == "date" else AMOUNT_ROLES


def test_date_selection_takes_the_role_models_confidence() -> None:
    from tests.stages import date_context, select_dates
    from tests.unit.test_fields_normalize import make_lines

    rows = [["Rechnungsdatum:", "05.03.2018"], ["Ort", "01.03.2018"], ["Hinweis", "30.03.2018"]]
    found = date_context(make_lines(rows))
    probs = [{"issue_date": 0.93, "due_date": 0.02, "delivery_date": 0.03, "other": 0.02},
             {"issue_date": 0.05, "due_date": 0.05, "delivery_date": 0.81, "other": 0.09},
             {"issue_date": 0.02, "due_date": 0.40, "delivery_date": 0.08, "other": 0.50}]
    out = select_dates(found, probs)
    assert (out["issue_date"].value, out["issue_date"].confidence) == ("2018-03-05", 0.93)
    assert out["issue_date"].model == "date_role@1.0"
    # no label names a delivery date: the model's pick, with its probability
    assert (out["delivery_date"].value, out["delivery_date"].confidence) == ("2018-03-01", 0.81)
    assert "due_date" not in out  # 0.40 is below the fallback threshold
    rules_only = select_dates(found)
    assert rules_only["issue_date"].confidence == 0.85 and "delivery_date" not in rules_only


def test_amount_selection_takes_the_role_models_confidence() -> None:
    from cosy.steps.fields.amounts import stages as amounts
    from tests.stages import amount_context
    from tests.unit.test_fields_normalize import make_lines

    rows = [["Nettobetrag:", "496,00"], ["USt. Gesamt:", "75,04"], ["Gesamtbetrag:", "571,04"]]
    found = amount_context(make_lines(rows))
    probs = [{"total_net": 0.8, "total_tax": 0.1, "total_gross": 0.05, "other": 0.05},
             {"total_net": 0.0, "total_tax": 0.6, "total_gross": 0.0, "other": 0.4},
             {"total_net": 0.0, "total_tax": 0.0, "total_gross": 0.5, "other": 0.5}]
    out = amounts.select_totals(found, probs=probs, model="amount_role@1.0")
    # the triple adds up: the sum check removes 90 % of the model's remaining doubt
    assert out["total_net"].confidence == pytest.approx(0.98)
    assert out["total_tax"].confidence == pytest.approx(0.96)
    assert out["total_gross"].confidence == pytest.approx(0.95)
    assert out["total_gross"].model == "amount_role@1.0"
    # an unlabelled amount the model calls the gross total fills the missing field
    rows = [["Nettobetrag:", "100,00"], ["Betrag", "250,00"]]
    found = amount_context(make_lines(rows))
    probs = [{"total_net": 0.9, "total_tax": 0.0, "total_gross": 0.05, "other": 0.05},
             {"total_net": 0.0, "total_tax": 0.0, "total_gross": 0.7, "other": 0.3}]
    out = amounts.select_totals(found, probs=probs, model="amount_role@1.0")
    assert (out["total_gross"].value, out["total_gross"].confidence) == ("250.00", 0.7)
    assert out["total_net"].confidence == 0.9
    # a reminder: the model all but rules out the label's reading and is sure of another amount
    rows = [["offen", "480,00"], ["Zahlbetrag", "485,00"]]
    found = amount_context(make_lines(rows))
    probs = [{"total_net": 0.0, "total_tax": 0.0, "total_gross": 0.99, "other": 0.01},
             {"total_net": 0.0, "total_tax": 0.0, "total_gross": 0.005, "other": 0.995}]
    assert amounts.select_totals(found)["total_gross"].value == "485.00"  # rules alone
    out = amounts.select_totals(found, probs=probs, model="amount_role@1.0")
    assert (out["total_gross"].value, out["total_gross"].confidence) == ("480.00", 0.99)


def test_pipeline_runs_the_role_steps() -> None:
    from cosy.steps.fields.amounts.role import AMOUNT_ROLE_MODEL
    from cosy.steps.fields.dates.role import DATE_ROLE_MODEL

    pipeline = load_pipeline()
    assert {"fields.dates.role", "fields.amounts.role"} <= {s.name for s in pipeline.steps}
    assert {DATE_ROLE_MODEL, AMOUNT_ROLE_MODEL} <= set(pipeline.models)
