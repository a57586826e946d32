"""Amounts: the totals triple and the amount due (``fields.amounts.*``).

Sources per locale -> normalise -> validate -> context -> total words per language (cues)
and the ``amount_role`` model -> select (net + tax = gross checks all three totals).
"""
