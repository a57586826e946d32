"""The document generator: realistic business PDFs with exact ground truth.

Used by ``make run`` (sample documents), tests, model training and benchmarks. Nothing here is
copied from real documents; content comes from Faker and small catalogues, wording from
:mod:`cosy.corpus.texts` and :mod:`cosy.corpus.lexicon`, layout from the document families
(:mod:`cosy.corpus.families`: the classic layouts of :mod:`cosy.corpus.layouts` and the looks of
:mod:`cosy.corpus.sheets` and :mod:`cosy.corpus.receipts`). See docs/generator.md.
"""

from cosy.corpus.data import DOC_TYPES, LANGUAGES
from cosy.corpus.families import FAMILIES
from cosy.corpus.generator import generate_corpus, generate_document
from cosy.corpus.layouts import LAYOUTS
from cosy.corpus.sheets import LOOKS

__all__ = ["DOC_TYPES", "FAMILIES", "LANGUAGES", "LAYOUTS", "LOOKS", "generate_corpus",
           "generate_document"]
