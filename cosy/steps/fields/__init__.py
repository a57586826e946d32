"""Field families: each goes candidates -> normalise -> validate -> context -> role -> select."""

from cosy.steps.fields import amounts, dates, identifiers, numbers, select  # noqa: F401
