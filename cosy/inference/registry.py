"""The model registry (``models/registry.json``): which ONNX files COSY runs, pinned by sha256.

Each entry names a model, its version, file, sha256, declared inputs and outputs, labels and
task. Loading verifies every file's digest first: a file that differs from what the registry
pins (a tampered, truncated or stale model) refuses to start with an error naming the file,
instead of quietly extracting with a different model than the one whose card we measured.

Models trained here live next to the registry; the OCR models ship inside the ``rapidocr``
wheel (``"package": "rapidocr"``) and are pinned the same way.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REGISTRY_FILE = "registry.json"


class ModelError(RuntimeError):
    """A model is missing, does not match its pinned sha256, or does not match its declaration."""


@dataclass(frozen=True)
class TensorSpec:
    name: str
    type: str  # onnx element type as onnxruntime names it, e.g. "tensor(float)"
    shape: tuple[int | str | None, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TensorSpec:
        return cls(data["name"], data["type"], tuple(data["shape"]))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "shape": list(self.shape)}


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry, with ``path`` resolved to the file on this machine."""

    name: str
    version: str
    task: str
    file: str
    sha256: str
    path: Path
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    labels: tuple[str, ...] = ()
    features: dict[str, Any] = field(default_factory=dict)
    runtime: str = "onnxruntime"  # or "rapidocr": the OCR engine owns the session
    package: str | None = None

    @property
    def ref(self) -> str:
        """``name@version``, what steps record as their model."""
        return f"{self.name}@{self.version}"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_dir(package: str) -> Path:
    """Where an installed package lives (its bundled model files are resolved against it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"package {package!r}, which ships registered models, is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def read_registry(models_dir: Path) -> dict[str, ModelSpec]:
    """Parse the registry (no file checks); paths resolve against ``models_dir`` or a package."""
    reg_path = models_dir / REGISTRY_FILE
    try:
        data = json.loads(reg_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"model registry {reg_path} is missing") from None
    return {e["name"]: spec_from_entry(e, models_dir) for e in data["models"]}


def spec_from_entry(entry: dict[str, Any], models_dir: Path) -> ModelSpec:
    """One registry entry as a :class:`ModelSpec` (its file resolved, not yet verified)."""
    base = package_dir(entry["package"]) if entry.get("package") else models_dir
    return ModelSpec(
        name=entry["name"], version=str(entry["version"]), task=entry["task"],
        file=entry["file"], sha256=entry["sha256"], path=base / entry["file"],
        inputs=tuple(TensorSpec.from_json(t) for t in entry["inputs"]),
        outputs=tuple(TensorSpec.from_json(t) for t in entry["outputs"]),
        labels=tuple(entry.get("labels", ())), features=dict(entry.get("features", {})),
        runtime=entry.get("runtime", "onnxruntime"), package=entry.get("package"),
    )


def verify(spec: ModelSpec) -> None:
    """Refuse a model whose file is missing or whose bytes differ from the pinned sha256."""
    _check_digest(spec, sha256_file(_existing(spec)))


def _existing(spec: ModelSpec) -> Path:
    if not spec.path.is_file():
        raise ModelError(f"model {spec.name!r}: file {spec.path} is missing")
    return spec.path


def _check_digest(spec: ModelSpec, digest: str) -> None:
    if digest != spec.sha256:
        raise ModelError(
            f"model {spec.name!r}: file {spec.path} has sha256 {digest}, the registry pins "
            f"{spec.sha256}; refusing to start (rebuild with `make models` or restore the file)"
        )


def create_session(spec: ModelSpec, threads: int, spin: bool = True,
                   fixed_shapes: bool = True) -> Any:
    """An onnxruntime session pinned to ``threads`` intra-op threads, checked against its spec.

    The file is read once, verified against the pinned digest and handed to onnxruntime as
    bytes, so the session runs exactly the bytes that were checked. Without ``spin``, idle
    intra-op threads sleep instead of spinning: a session given more threads than it will
    have cores (two OCR pages at once) then shares them instead of burning them. Without
    ``fixed_shapes`` (OCR: every page's input has its own size), no memory pattern is planned
    per input shape: the arena would keep one for every page size it has seen (a worker grew
    past 2 GB over the development sets); the arena stays, as its reuse of memory between runs
    is what keeps a worker's OCR fast (without it, 1.5x slower).
    """
    import onnxruntime as ort

    data = _existing(spec).read_bytes()
    _check_digest(spec, hashlib.sha256(data).hexdigest())
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    if not spin:
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.enable_mem_pattern = fixed_shapes
    if not fixed_shapes:
        _exact_arena(ort)
        opts.add_session_config_entry("session.use_env_allocators", "1")
    session = ort.InferenceSession(data, sess_options=opts, providers=["CPUExecutionProvider"])
    check_signature(spec, session)
    return session


_ARENA_LOCK = threading.Lock()
_arena_registered = False


def _exact_arena(ort: Any) -> None:
    """Register, once per process, the CPU arena that sessions of varying input sizes share,
    grown to the next power of two (onnxruntime's default strategy). Grown by exactly what a
    run asks for (kSameAsRequested), it split into a region per new input size: over the real
    scans and the wild set one process's OCR reached 2.0 GB (past a worker's 95 % of 2048 MB:
    make eval lost three documents) where doubling regions, reused by later pages, stay under
    1.0 GB; a fresh process's first whole page (the wild 1979 scan) adds 0.53 GB, not 0.65."""
    global _arena_registered
    with _ARENA_LOCK:
        if _arena_registered:
            return
        next_power_of_two = 0  # onnxruntime's ArenaExtendStrategy::kNextPowerOfTwo
        cfg = ort.OrtArenaCfg(0, next_power_of_two, -1, -1)  # no cap, default chunk sizes
        info = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0,
                                 ort.OrtMemType.DEFAULT)
        ort.create_and_register_allocator(info, cfg)
        _arena_registered = True


def check_signature(spec: ModelSpec, session: Any) -> None:
    """The session's inputs and outputs must be the ones the registry declares."""
    for kind, declared, actual in (("inputs", spec.inputs, session.get_inputs()),
                                   ("outputs", spec.outputs, session.get_outputs())):
        got = [(t.name, t.type) for t in actual]
        want = [(t.name, t.type) for t in declared]
        if got != want:
            raise ModelError(f"model {spec.name!r} ({spec.path}): {kind} are {got}, "
                             f"the registry declares {want}")


def signature(session: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A session's inputs and outputs in registry form (what recipes write)."""
    def conv(ts: Any) -> list[dict[str, Any]]:
        return [TensorSpec(t.name, t.type, tuple(d if isinstance(d, int) else None
                                                 for d in t.shape)).to_json() for t in ts]
    return conv(session.get_inputs()), conv(session.get_outputs())


def run_classifier(spec: ModelSpec, session: Any, features: Any) -> Any:
    """Class probabilities (n, len(labels)) for a batch of feature rows, in ``labels`` order."""
    import numpy as np

    if len(features) == 0:
        return np.zeros((0, len(spec.labels)), dtype=np.float32)
    probs = session.run([spec.outputs[1].name], {spec.inputs[0].name: features})[0]
    return np.asarray(probs, dtype=np.float32)


OCR_MAX_SIDE = 2000  # pixels: the detector sees the page at most this large (a 200 dpi A4 fits)


def create_ocr_engine(det: ModelSpec, rec: ModelSpec, threads: int,
                      det_max_side: int = OCR_MAX_SIDE) -> Any:
    """A RapidOCR engine on the registered (verified) detection and recognition models.

    RapidOCR runs sessions made here (:func:`create_session`, ``threads`` intra-op threads
    that do not spin, no memory pattern per page size): verified bytes, and one page in
    flight reads on every core while two share them (docs/decisions.md, M2). Model paths are
    given too, so that RapidOCR never reaches for its download URLs; the recognition model
    carries its character set, so no dictionary is fetched either. The text line orientation
    classifier is off: scans are upright, and it would cost a third model. The detector sees
    the page at most ``det_max_side`` pixels large (docs/decisions.md, M1).
    """
    from rapidocr import RapidOCR

    engine = RapidOCR(params={
        "Global.use_cls": False,
        "Global.log_level": "warning",
        "Global.max_side_len": OCR_MAX_SIDE,
        "Det.limit_type": "max",
        "Det.limit_side_len": det_max_side,
        "Det.model_path": str(det.path),
        "Rec.model_path": str(rec.path),
    })
    for section, spec in (("Det", det), ("Rec", rec)):
        node = engine.cfg[section]
        node._set_flag("allow_objects", True)  # RapidOCR takes a ready session here
        node.session = create_session(spec, threads, spin=False, fixed_shapes=False)
    return engine
