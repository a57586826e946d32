"""Training and held-out samples from the document generator, read the way the pipeline reads.

Every sample is a function of its seed: document type and language cycle through all classes so
that each split is balanced, and the text is what the pipeline's own steps produce (parse →
normalise → lines → text), so a model sees at training time exactly what it sees in production.
Splits are disjoint seed ranges fixed per model in the recipes; a held-out range is never
trained on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

from cosy.corpus import DOC_TYPES, LANGUAGES, generate_document
from cosy.domain import Word
from cosy.steps import layout, ocr, parse, text
from models.recipes.environment import single_thread

T = TypeVar("T")
REAL_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real"
"""The real development set beside the checkout (``../shared/corpus/real``): reported in the
cards where present, never trained on."""


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
    if ocr.scan_check(raw, parse.images(page, parse.geometry(page)))["ocr"]:
        raw = ocr.read_page(_ocr_engine(), pdf, page_no)
    return text.normalized_words(raw)


def words_text(words: list[Word]) -> str:
    return layout.page_text(layout.lines(words))


def page_title(pdf: bytes, words: list[Word]) -> str | None:
    """The kind of document page 1's title names, as ``fields.title.*`` read it."""
    from cosy.steps.fields.title import select_title, title_candidates

    geometry = parse.geometry(parse.open_page(pdf, 1))
    return select_title([title_candidates(layout.lines(words), 1, geometry, text.fonts(words))])


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
