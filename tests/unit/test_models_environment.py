"""The environment the model bytes depend on: pinned versions, the refusal, the rebuild check."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from models.recipes import environment
from models.recipes.check import differences, measured_beside
from models.recipes.environment import OVERRIDE, enforce, installed, pins


def test_the_train_extra_pins_the_training_stack_and_it_is_installed() -> None:
    pinned = pins()
    assert {"scikit-learn", "skl2onnx", "onnx", "numpy", "scipy"} <= pinned.keys()
    assert {name: installed(name) for name in pinned} == pinned  # make test installs the pins


def test_another_version_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(OVERRIDE, raising=False)
    monkeypatch.setattr(environment, "pins", lambda: {"numpy": "1.0.0"})
    with pytest.raises(SystemExit) as refused:
        enforce([p for p in environment.problems() if "numpy" in p and "1.0.0" in p])
    message = str(refused.value.code)
    assert "refusing to build" in message and "numpy" in message and "1.0.0" in message
    assert OVERRIDE in message


def test_the_override_builds_anyway_with_a_warning(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(OVERRIDE, "1")
    enforce(["numpy 2.5.0 is installed; the registry was built with 2.4.6"])
    assert "numpy 2.5.0" in capsys.readouterr().err


def test_no_difference_no_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(OVERRIDE, raising=False)
    enforce([])


def _models(root: Path, blobs: dict[str, bytes], heldout: float = 0.9,
            dev_sets: dict | None = None) -> Path:
    root.mkdir()
    entries = [{"name": "ocr_det", "file": "models/det.onnx", "sha256": "f" * 64}]
    for name, blob in blobs.items():
        (root / f"{name}.onnx").write_bytes(blob)
        entries.append({"name": name, "file": f"{name}.onnx",
                        "sha256": hashlib.sha256(blob).hexdigest(),
                        "heldout": {"accuracy": heldout}, "dev_sets": dev_sets or {}})
    (root / "registry.json").write_text(json.dumps({"models": entries}, indent=2))
    return root


def test_the_check_names_the_files_that_differ(tmp_path: Path) -> None:
    committed = _models(tmp_path / "committed", {"language": b"abc", "doc_type": b"xyz"})
    same = _models(tmp_path / "same", {"language": b"abc", "doc_type": b"xyz"})
    other = _models(tmp_path / "other", {"language": b"abc", "doc_type": b"xyw"}, heldout=0.8)
    assert differences(committed, same) == []
    found = differences(committed, other)
    assert found[0].startswith("doc_type.onnx: sha256 ")
    assert found[1] == ("registry.json differs (doc_type: heldout, sha256; "
                        "language: heldout)")
    assert len(found) == 2


def test_development_set_figures_are_a_note_not_a_difference(tmp_path: Path) -> None:
    """They are measured on ../shared/corpus beside the checkout (absent on a bare clone)."""
    real = {"real": {"n": 35, "accuracy": 0.97, "macro_f1": 0.6}}
    committed = _models(tmp_path / "committed", {"language": b"abc"}, dev_sets=real)
    bare = _models(tmp_path / "bare", {"language": b"abc"})
    assert differences(committed, bare) == []
    assert measured_beside(committed, bare) == [
        f"language: development-set figures {real} -> {{}}"]
    other = _models(tmp_path / "other", {"language": b"abc"}, heldout=0.8)
    assert differences(committed, other) == ["registry.json differs (language: heldout)"]
