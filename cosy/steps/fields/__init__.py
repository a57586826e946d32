"""Field families, one subpackage each; step names are ``fields.<family>.<stage>[.<variant>]``.

A family goes candidates -> normalise -> validate -> context -> role -> select. Families never
import each other: what several of them read (cells and labels, hits, title kinds, party
words, currency tokens, the page's country conventions, label words as OCR misreads them)
lives in the modules of this package. Nothing here imports the families; the pipeline
profile names the packages whose modules register steps (``cosy.engine.profiles``).
"""
