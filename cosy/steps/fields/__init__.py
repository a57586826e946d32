"""Field families: each goes candidates -> normalise -> validate -> context -> role -> select."""

from cosy.steps.fields import (  # noqa: F401
    amount_cues,
    amount_select,
    amount_sources,
    amounts,
    currency,
    date_cues,
    date_select,
    date_sources,
    dates,
    identifiers,
    number_select,
    number_sources,
    numbers,
    party,
    payment,
    roles,
    select,
    taxes,
    title,
)
