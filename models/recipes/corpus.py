"""Training and held-out samples from the document generator, read the way the pipeline reads.

Every sample is a function of its seed: document type and language cycle through all classes so
that each split is balanced, and the text is what the pipeline's own steps produce (parse →
normalise → lines → text), so a model sees at training time exactly what it sees in production.
Splits are disjoint seed ranges fixed per model in the recipes; a held-out range is never
trained on.
"""

from __future__ import annotations

import functools
import io
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from cosy.corpus import DOC_TYPES, LANGUAGES, generate_document
from cosy.domain import Word
from cosy.engine.dag import Pipeline
from cosy.engine.profiles import load_pipeline
from cosy.evaluation import family_of, load_truth
from cosy.evaluation_sets import SHARED_CORPUS, EvalSet, real_sets
from cosy.steps import layout, ocr, parse, text
from models.recipes.environment import single_thread

T = TypeVar("T")


class NamedRecipe:
    """A recipe named by its registry ref ('date_role@1.0'): name and version from the ref."""

    ref: str

    @property
    def name(self) -> str:
        return self.ref.split("@")[0]

    @property
    def version(self) -> str:
        return self.ref.split("@")[1]


@dataclass(frozen=True)
class Sample:
    """One generated document: its labels and the text of each page."""

    seed: int
    doc_type: str
    language: str
    pages: tuple[str, ...]
    truth: dict[str, Any]
    title: str | None = None  # the title kind page 1 names (``fields.title``), None without one

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


@dataclass(frozen=True)
class Split:
    """A range of seeds: ``count`` documents from ``start``, classes cycled by index."""

    start: int
    count: int
    scanned: bool = False
    language: str | None = None  # fixed language, else cycled

    def specs(self) -> list[tuple[int, str, str, bool]]:
        """(seed, document type, language, scanned) of each document, in seed order; only the
        first ``--sample`` documents where :func:`configure` set one."""
        out = []
        for i in range(min(self.count, _RUN["sample"] or self.count)):
            doc_type = DOC_TYPES[i % len(DOC_TYPES)]
            language = self.language or LANGUAGES[(i // len(DOC_TYPES)) % len(LANGUAGES)]
            out.append((self.start + i, doc_type, language, self.scanned))
        return out

    def overlaps(self, other: Split) -> bool:
        return self.start < other.start + other.count and other.start < self.start + self.count


_RUN: dict[str, int | None] = {"sample": None, "workers": None}
"""How this build reads its documents (:func:`configure`): ``workers`` never changes a result,
``sample`` shrinks every split."""


def configure(sample: int | None = None, workers: int | None = None) -> None:
    """Read only the first ``sample`` documents of every split (a quick check of the recipes,
    not models to ship), with ``workers`` processes (default: the cores, at most 2)."""
    _RUN.update(sample=sample, workers=workers)


_ENGINE: Any = None


def _ocr_engine() -> Any:
    """One OCR engine per recipe worker process, on the registry's pinned files."""
    global _ENGINE
    if _ENGINE is None:
        from cosy.inference.registry import create_ocr_engine
        from models.recipes.ocr import ocr_specs

        det, rec = ocr_specs()
        _ENGINE = create_ocr_engine(det, rec, threads=1)
    return _ENGINE


def page_words(pdf: bytes, page_no: int) -> list[Word]:
    """A page's words as the pipeline gets them: the text layer, or OCR as ``ocr.words`` does."""
    page = parse.open_page(pdf, page_no)
    raw = parse.words(page)
    if ocr.scan_check(raw, parse.images(page))["ocr"]:
        raw, _pose = ocr.read_page(_ocr_engine(), pdf, page_no)
    return text.normalized_words(raw)


def words_text(words: list[Word]) -> str:
    return layout.page_text(layout.lines(words))


@lru_cache(maxsize=16)
def pipeline_part(outputs: tuple[str, ...], inputs: tuple[str, ...]) -> Pipeline:
    """The default pipeline's steps from ``inputs`` to ``outputs`` (``Pipeline.subset``): the
    recipes read documents with the steps the pipeline runs, in its order."""
    return load_pipeline().subset(outputs, inputs)


def read_page(outputs: tuple[str, ...], pdf: bytes, page_no: int, words: list[Word],
              **given: Any) -> dict[str, Any]:
    """``outputs`` of one page from its words (lines, size, fonts) and further given artifacts."""
    inputs = {"page.lines": layout.lines(words), "page_no": page_no,
              "page.geometry": parse.geometry(parse.open_page(pdf, page_no)),
              "page.fonts": text.fonts(words), **given}
    out = pipeline_part(outputs, tuple(sorted(inputs))).run_page(inputs)
    return {a: out[a] for a in outputs}


def page_title(pdf: bytes, words: list[Word]) -> str | None:
    """The kind of document page 1's title names, as ``fields.title.*`` read it."""
    return read_page(("doc.title_kind",), pdf, 1, words)["doc.title_kind"]


def make_sample(spec: tuple[int, str, str, bool]) -> Sample:
    """Generate one document and read its pages; OCR seconds per page land in ``truth``."""
    seed, doc_type, language, scanned = spec
    pdf, truth = generate_document(seed, doc_type=doc_type, language=language, scanned=scanned)
    pages, seconds, words = [], [], []
    for page_no in range(1, truth["pages"] + 1):
        t0 = time.perf_counter()
        page = page_words(pdf, page_no)
        seconds.append(time.perf_counter() - t0)
        words.append(page)
        pages.append(words_text(page))
    if scanned:
        truth = {**truth, "_read_seconds": seconds, "_words": words}
    return Sample(seed, doc_type, language, tuple(pages), truth, page_title(pdf, words[0]))


def map_documents(fn: Callable[[Any], T], specs: Sequence[Any], workers: int | None = None,
                  chunksize: int = 8) -> list[T]:
    """``fn`` over document specs in single-threaded worker processes (the machine's cores, at
    most 2, unless :func:`configure` says), results in the specs' order whatever the number of
    workers and the chunking: every recipe reads its generated documents this way."""
    workers = workers or _RUN["workers"] or min(2, os.cpu_count() or 1)
    if workers <= 1:
        return [fn(s) for s in specs]
    with get_context("spawn").Pool(workers, initializer=single_thread) as pool:
        return list(pool.imap(fn, specs, chunksize=chunksize))


def samples(split: Split, workers: int | None = None) -> list[Sample]:
    """Generate and read a split in parallel; the order (and so the result) is the seeds' order."""
    return map_documents(make_sample, split.specs(), workers)


def check_disjoint(splits: Iterable[tuple[str, Split]]) -> None:
    """Refuse a recipe whose training range overlaps a held-out range."""
    items = list(splits)
    for i, (a_name, a) in enumerate(items):
        for b_name, b in items[i + 1:]:
            if a.overlaps(b):
                raise ValueError(f"seed ranges {a_name} and {b_name} overlap")


def dev_corpora(root: Path = SHARED_CORPUS) -> tuple[EvalSet, ...]:
    """The real development sets beside the checkout (``../shared/corpus``: real and wild, each
    where present), as ``cosy eval`` defines them: every recipe that can label their documents
    reports each set apart in its card; none is trained or tuned on. The real set's scanned
    copies stay ``cosy eval``'s OCR check (the same documents and truth)."""
    return tuple(s for s in real_sets(root) if s.docs is None)


@dataclass(frozen=True)
class DevDocument:
    """One document of a development set: its truth, its PDF and each page's words as the
    pipeline reads them (OCR where a page is image-only)."""

    truth: dict[str, Any]
    pdf: bytes
    words: tuple[list[Word], ...]

    @property
    def file(self) -> str:
        return str(self.truth["file"])

    @property
    def family(self) -> str:
        """The source family (``source.locator``'s repository), as ``cosy eval`` reports it."""
        return family_of(self.truth)

    @property
    def pages(self) -> int:
        return len(self.words)


@dataclass
class DevRows:
    """A development set's feature rows labelled by value, by one rule for every recipe and set:
    a sample whose value is exactly one truth role's gets that role, one matching none gets
    ``unlisted`` (``None``: left out, where the truth does not say what it is), one matching
    several is left out (ambiguous); ``skipped`` counts those left out."""

    unlisted: str | None = "other"
    rows: list[np.ndarray] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    docs: list[DevDocument] = field(default_factory=list)  # the document of each row
    skipped: int = 0

    def add(self, row: np.ndarray, roles: Sequence[str], doc: DevDocument) -> None:
        label = roles[0] if len(roles) == 1 else None if roles else self.unlisted
        if label is None:
            self.skipped += 1
            return
        self.rows.append(row)
        self.labels.append(label)
        self.docs.append(doc)

    def x(self, dim: int) -> np.ndarray:
        return np.stack(self.rows) if self.rows else np.zeros((0, dim), np.float32)


def page_count(pdf: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def _document_words(path: Path) -> tuple[list[Word], ...]:
    pdf = path.read_bytes()
    return tuple(page_words(pdf, n) for n in range(1, page_count(pdf) + 1))


@functools.cache
def dev_documents(dev_set: EvalSet) -> tuple[DevDocument, ...]:
    """A development set's documents in truth order, read once per build (OCR of an image-only
    page costs seconds, and several recipes measure the same set) by the recipes' workers."""
    truths = load_truth(dev_set.truth)
    paths = [dev_set.truth.parent / t["file"] for t in truths]
    print(f"  reading the development set {dev_set.name} ({len(truths)} documents, image-only "
          "pages by OCR) ...", flush=True)
    words = map_documents(_document_words, paths, chunksize=1)
    return tuple(DevDocument(t, p.read_bytes(), w)
                 for t, p, w in zip(truths, paths, words, strict=True))
