"""Generated documents between fixed parties, for SAP export tests.

The corpus generator draws new parties for every document; an export needs the same supplier in
several documents (and, for conflicts, with another IBAN or address in one of them). So these
documents take the generator's own content (``build_doc``: numbers, dates, items, amounts) and
renderer, and only replace issuer and recipient with the :class:`Party` objects given here.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

from cosy.corpus.data import Address, Bank, Doc, Party
from cosy.corpus.fmt import date_style, number_style
from cosy.corpus.generator import build_doc, build_truth
from cosy.corpus.layouts import LAYOUTS, Renderer, jitter
from cosy.corpus.texts import Words
from cosy.identifiers import make_iban, normalize_identifier

REQUIRED = ("iban", "seller_vat_id", "invoice_number", "issue_date", "due_date",
            "amount_due", "seller_name", "buyer_name", "seller_address", "buyer_address")


def company(name: str, street: str, postcode: str, city: str, vat: str, iban_bban: str,
            bic: str, tax_number: str | None = None, email: str | None = None,
            phone: str | None = None) -> Party:
    return Party(name, Address(street, postcode, city, "DE"), vat_id=vat, tax_number=tax_number,
                 email=email, phone=phone,
                 bank=Bank(f"Bank {city}", make_iban("DE", iban_bban), bic), locale="de_DE")


def _content(seed: int) -> Doc:
    """An invoice's content from the generator: German, domestic, not B2C, in EUR."""
    for k in range(seed * 1000, seed * 1000 + 1000):
        rng = random.Random(k)
        doc = build_doc(rng, "invoice", "de", Words("de", rng))
        if (doc.issuer.address.country == "DE" and doc.recipient.is_company
                and doc.recipient.address.country == "DE" and doc.currency == "EUR"
                and doc.due_date is not None and doc.prepaid is None and not doc.orders
                and len(doc.items) <= 8):
            return doc
    raise AssertionError("no German domestic invoice among 1000 seeds")


def invoice(seed: int, issuer: Party, recipient: Party, issued: dt.date,
            layout: str | None = None) -> tuple[bytes, dict[str, Any]]:
    """An invoice from ``issuer`` to ``recipient``, with every field the export reads printed
    (the layout and jitter are searched from ``seed`` until the truth says so)."""
    base = _content(seed)
    doc = replace(base, issuer=issuer, recipient=recipient, issue_date=issued,
                  delivery_date=issued - dt.timedelta(days=3),
                  due_date=issued + dt.timedelta(days=base.payment_days))
    for k in range(200):
        rng = random.Random(seed * 7919 + k)
        name = layout or sorted(LAYOUTS)[(seed + k) % len(LAYOUTS)]
        words = Words("de", rng)
        ns, ds = number_style("de", "DE", rng), date_style("de", "DE", rng)
        pen = Renderer(doc, jitter(LAYOUTS[name], rng), words, ns, ds, rng).render()
        truth = build_truth(doc, pen, name, scanned=False)
        if len(pen.pages) == 1 and all(truth["fields"].get(f) for f in REQUIRED):
            truth["file"] = f"sap_{seed}.pdf"
            return pen.emit(title=f"Rechnung {doc.number}", author=issuer.name), truth
    raise AssertionError(f"no layout prints every field for seed {seed}")


def vat(v: str) -> str:
    return normalize_identifier(v)
