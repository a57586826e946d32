"""Per-process resources: loaded once, shared by every step that runs in the process.

A Dask worker loads them at start through :class:`cosy.inference.plugin.ResourcePlugin`, so
the first document pays no load cost; in-process runs (``sync`` executor, tests) load them
lazily on first use. Thread counts are pinned to what the worker was given so that two workers
on two cores do not oversubscribe: each ONNX session gets ``settings.onnx_threads`` intra-op
threads and one inter-op thread.

Models come from the registry (``models/registry.json``). :meth:`Resources.warm` (the worker
plugin) verifies every registered file's sha256 before loading any, so a tampered or stale model
refuses to start and the worker never joins the cluster; in-process runs verify each file when
its session is made, so a bad file is never run either.
"""

from __future__ import annotations

import threading
from typing import Any

from cosy.config import Settings, get_settings
from cosy.inference.registry import (
    ModelError,
    ModelSpec,
    create_ocr_engine,
    create_session,
    read_registry,
    verify,
)


class Resources:
    """Lazily loaded, process-wide: spaCy pipelines, the model registry, ONNX sessions, OCR."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._nlp: dict[str, Any] = {}
        self._models: dict[str, ModelSpec] | None = None
        self._sessions: dict[str, Any] = {}
        self._ocr: Any = None

    @property
    def models(self) -> dict[str, ModelSpec]:
        """The registry's models by name (each file is verified when its session is made)."""
        if self._models is None:
            with self._lock:
                if self._models is None:
                    self._models = read_registry(self.settings.models_dir)
        return self._models

    def model(self, ref: str) -> ModelSpec:
        """A model's registry entry by ``name`` or ``name@version`` (steps pin their version)."""
        name, _, version = ref.partition("@")
        spec = self.models.get(name)
        if spec is None:
            raise ModelError(f"model {name!r} is not in the registry "
                             f"({self.settings.models_dir}/registry.json)")
        if version and version != spec.version:
            raise ModelError(f"a step expects model {ref}, the registry has {spec.ref}")
        return spec

    def session(self, ref: str) -> Any:
        """The process's one onnxruntime session for a model (``name`` or ``name@version``)."""
        spec = self.model(ref)
        if spec.runtime != "onnxruntime":
            raise ModelError(f"model {spec.name!r} runs inside {spec.runtime}, not as a session")
        if spec.name not in self._sessions:
            with self._lock:
                if spec.name not in self._sessions:
                    self._sessions[spec.name] = create_session(spec, self.settings.onnx_threads)
        return self._sessions[spec.name]

    def table(self, ref: str) -> Any:
        """A registered JSON table (runtime ``table``), verified by sha256 and loaded once."""
        import json

        spec = self.model(ref)
        if spec.runtime != "table":
            raise ModelError(f"model {spec.name!r} is no table ({spec.runtime})")
        if spec.name not in self._sessions:
            with self._lock:
                if spec.name not in self._sessions:
                    verify(spec)
                    self._sessions[spec.name] = json.loads(spec.path.read_text(encoding="utf-8"))
        return self._sessions[spec.name]

    def ocr(self, det: str = "ocr_det", rec: str = "ocr_rec") -> Any:
        """The RapidOCR engine on the registered detection and recognition models (refs)."""
        det_spec, rec_spec = self.model(det), self.model(rec)
        if self._ocr is None:
            with self._lock:
                if self._ocr is None:
                    self._ocr = create_ocr_engine(det_spec, rec_spec, self.settings.ocr_threads,
                                                  self.settings.ocr_det_max_side)
        return self._ocr

    def nlp(self, lang: str) -> Any:
        """A spaCy pipeline for tokens and sentences (rule-based: no model download)."""
        lang = lang if lang in ("de", "en", "fr") else "xx"
        if lang not in self._nlp:
            with self._lock:
                if lang not in self._nlp:
                    import spacy

                    nlp = spacy.blank(lang)
                    nlp.add_pipe("sentencizer")
                    self._nlp[lang] = nlp
        return self._nlp[lang]

    def warm(self) -> None:
        """Load everything a document may need, so that no document pays for a first load."""
        for lang in ("de", "en", "fr"):
            self.nlp(lang)
        for spec in self.models.values():
            verify(spec)  # every file, before any is used: one bad file refuses the worker
        for spec in self.models.values():
            if spec.runtime == "onnxruntime":
                self.session(spec.name)
        warm_ocr(self.ocr())


def warm_ocr(engine: Any) -> None:
    """Run OCR once on a drawn word: RapidOCR loads its sessions on first use.

    Square and 736 px, the detector's minimum side: a smaller or flatter image would be scaled
    up to that side and cost more.
    """
    import numpy as np
    from PIL import Image, ImageDraw

    img = Image.new("L", (736, 736), 255)
    ImageDraw.Draw(img).text((40, 340), "Rechnung 42", fill=0, font_size=40)
    engine(np.asarray(img))


_resources: Resources | None = None
_resources_lock = threading.Lock()


def get_resources(settings: Settings | None = None) -> Resources:
    global _resources
    if _resources is None:
        with _resources_lock:
            if _resources is None:
                _resources = Resources(settings or get_settings())
    return _resources
