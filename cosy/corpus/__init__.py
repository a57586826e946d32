"""The document generator: realistic business PDFs with exact ground truth.

Used by ``make run`` (sample documents), tests, model training and benchmarks. Nothing here is
copied from real documents; content comes from Faker and small catalogues, layout from
:mod:`cosy.corpus.layouts`.
"""

from cosy.corpus.data import DOC_TYPES, LANGUAGES
from cosy.corpus.generator import generate_corpus, generate_document
from cosy.corpus.layouts import LAYOUTS

__all__ = ["DOC_TYPES", "LANGUAGES", "LAYOUTS", "generate_corpus", "generate_document"]
