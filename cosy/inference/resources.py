"""Per-process resources: loaded once, shared by every step that runs in the process.

A Dask worker loads them at start through :class:`ResourcePlugin`, so the first document pays no
load cost; in-process runs (``sync`` executor, tests) load them lazily on first use. Thread counts
are pinned to what the worker was given so that two workers on two cores do not oversubscribe.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from cosy.config import Settings, get_settings

THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class Resources:
    """Lazily loaded, process-wide: spaCy pipelines by language."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._nlp: dict[str, Any] = {}

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
        for lang in ("de", "en"):
            self.nlp(lang)


_resources: Resources | None = None
_resources_lock = threading.Lock()


def get_resources(settings: Settings | None = None) -> Resources:
    global _resources
    if _resources is None:
        with _resources_lock:
            if _resources is None:
                _resources = Resources(settings or get_settings())
    return _resources


class ResourcePlugin(WorkerPlugin):
    """Loads COSY's resources when a Dask worker starts (and registers the steps)."""

    name = "cosy-resources"

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def setup(self, worker: Any) -> None:
        for var in THREAD_ENV:
            os.environ.setdefault(var, str(self.threads))
        import cosy.steps  # noqa: F401  (registers steps in the worker process)

        get_resources().warm()
