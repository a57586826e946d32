"""Field families: each goes candidates -> normalise -> validate -> context -> role -> select."""

from cosy.steps.fields import (  # noqa: F401
    amounts,
    currency,
    dates,
    identifiers,
    numbers,
    party,
    roles,
    select,
    title,
)
