"""The recipes measure every development set the same way and report each apart.

The sets themselves (``../shared/corpus/{real,wild}``) are not needed: a tiny set in their truth
format is written here from generated documents (text layer, so no OCR), and the committed
date_role model is measured on it as the recipe measures it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cosy.corpus import generate_document
from cosy.evaluation_sets import WILD_HELD_OUT, EvalSet
from models.recipes import corpus, role_models
from models.recipes.corpus import dev_corpora, dev_documents
from models.recipes.export import measuring_session
from models.recipes.report import dev_entry, dev_metrics, dev_sections

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
SEEDS = (9_200_001, 9_200_002)  # the role recipes' held-out range: never trained on


def _truth_file(root: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    root.mkdir(parents=True)
    truth = root / "truth.jsonl"
    truth.write_text("".join(json.dumps(r) + "\n" for r in rows or []), encoding="utf-8")
    return truth


def test_dev_corpora_lists_real_and_wild_where_present(tmp_path: Path) -> None:
    assert dev_corpora(tmp_path) == ()
    _truth_file(tmp_path / "wild")
    assert [s.name for s in dev_corpora(tmp_path)] == ["wild"]
    _truth_file(tmp_path / "real")
    sets = dev_corpora(tmp_path)
    assert [s.name for s in sets] == ["real", "wild"]  # not the real set's scanned copies
    assert all(s.docs is None for s in sets)
    assert sets[1].held_out == WILD_HELD_OUT and sets[0].held_out == ()


@pytest.fixture(scope="module")
def tiny_set(tmp_path_factory: pytest.TempPathFactory) -> EvalSet:
    """Two generated invoices in the development sets' truth format, from two source families;
    the second's due date equals its issue date, which makes those mentions ambiguous."""
    root = tmp_path_factory.mktemp("dev") / "wild"
    (root / "docs").mkdir(parents=True)
    rows = []
    for k, seed in enumerate(SEEDS):
        pdf, truth = generate_document(seed, doc_type="invoice", language="de", family="classic")
        (root / "docs" / f"{seed}.pdf").write_bytes(pdf)
        fields = dict(truth["fields"])
        if k == 1:
            fields["due_date"] = fields["issue_date"]
        rows.append({"file": f"docs/{seed}.pdf", "source": {"locator": f"family{k}/x@1"},
                     "doc_type": "invoice", "language": "de", "fields": fields})
    truth_path = root / "truth.jsonl"
    truth_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return EvalSet("wild", truth_path, None, "two generated invoices", held_out=("family1/x",))


def test_a_role_model_is_measured_per_set_with_the_held_out_families_apart(
        tiny_set: EvalSet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(corpus._RUN, "workers", 1)
    docs = dev_documents(tiny_set)
    assert [d.family for d in docs] == ["family0/x", "family1/x"]
    recipe = role_models.DATE
    rows, _ = role_models.dev_rows(recipe, docs)
    # the same rule on every set: equal to one truth date -> that role, to several -> left out
    assert rows.skipped >= 1
    labelled = {(d.file, y) for d, y in zip(rows.docs, rows.labels, strict=True)}
    assert (docs[0].file, "issue_date") in labelled and (docs[0].file, "due_date") in labelled
    assert not {(docs[1].file, "issue_date"), (docs[1].file, "due_date")} & labelled

    session = measuring_session((MODELS_DIR / "date_role.onnx").read_bytes())
    m = role_models.evaluate_dev(recipe, session, tiny_set)
    assert m["n"] == len(rows.labels) > 0 and m["skipped"] == rows.skipped
    assert set(m["per_class"]) == set(rows.labels)  # macro-F1 over the classes present
    assert m["accuracy"] > 0.8  # held-out generated documents: the model knows them
    held = m["held_out"]
    assert held["documents"] == 1 and held["n"] == sum(d is docs[1] for d in rows.docs)
    assert m["top1"]["issue_date"] == (2, 2)  # the most probable issue date is the truth's

    card = dev_sections([(tiny_set, m)], "mentions", "Labelled by value.")
    assert "### wild: two generated invoices" in card and f"{m['n']} mentions" in card
    assert "Families kept out of tuning (family1/x)" in card
    entry = dev_entry([(tiny_set, m)])
    assert entry == {"wild": {"n": m["n"], "accuracy": round(m["accuracy"], 4),
                              "macro_f1": round(m["macro_f1"], 4),
                              "held_out": {"n": held["n"], "accuracy": round(held["accuracy"], 4)}}}


def test_no_answer_counts_wrong_and_only_present_classes_count(tiny_set: EvalSet) -> None:
    class Doc:
        def __init__(self, file: str, family: str) -> None:
            self.file, self.family = file, family

    docs = [Doc("a.pdf", "family0/x"), Doc("b.pdf", "family1/x"), Doc("c.pdf", "family1/x")]
    m = dev_metrics(tiny_set, ["invoice", "receipt", "receipt"], ["invoice", None, "receipt"],
                    ("invoice", "credit_note", "receipt"), docs)
    assert m["n"] == 3 and m["accuracy"] == pytest.approx(2 / 3)
    assert set(m["per_class"]) == {"invoice", "receipt"}
    assert m["held_out"] == {"documents": 2, "n": 2, "accuracy": 0.5}
    assert dev_metrics(tiny_set, [], [], ("invoice",), []) == {"n": 0}


def test_no_development_set_is_said_in_the_card() -> None:
    assert "None was present at this build." in dev_sections([], "mentions", "Labelled.")
