"""Generate business documents with exact ground truth.

``generate_document`` makes one PDF in memory; ``generate_corpus`` writes many plus a
``truth.jsonl`` in the shape of the real development set (``../shared/corpus/real``), extended with
``boxes`` (where each field value is printed), ``regions`` (each layout block drawn: its class,
page and box; see ``Pen.region``), ``layout``, ``scanned``, ``pages`` and the
``entities``/``relations`` the knowledge graph should end up with. Everything is a function of the
seed: the same seed gives byte-identical PDFs and truth.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from tqdm import tqdm

from cosy.corpus.content import build_family_doc
from cosy.corpus.data import (
    CATALOG,
    COUNTRY_OF_LOCALE,
    CURRENCY_OF_COUNTRY,
    DOC_TYPE_WEIGHTS,
    DOC_TYPES,
    INVOICE_LIKE,
    ISSUED_BY_BUYER,
    LANGUAGES,
    WITH_ITEMS,
    WITH_PRICES,
    Doc,
    Party,
    doc_number,
    make_company,
    make_items,
    make_person,
    tax_groups,
)
from cosy.corpus.families import CLASSIC, FAMILIES, Family, check_families, choose_family
from cosy.corpus.fmt import (
    date_style,
    format_date,
    money,
    number_style,
    varied_date_style,
    varied_number_style,
)
from cosy.corpus.layouts import LAYOUTS, Renderer, jitter
from cosy.corpus.lexicon import family_table
from cosy.corpus.pen import Pen
from cosy.corpus.receipts import ReceiptRenderer
from cosy.corpus.scan import scan_pdf
from cosy.corpus.sheets import LOOKS, SheetRenderer
from cosy.corpus.texts import TEXTS, Words
from cosy.identifiers import normalize_identifier

__all__ = ["DOC_TYPES", "FAMILIES", "LANGUAGES", "LAYOUTS", "LOOKS", "generate_corpus",
           "generate_document"]

EU = {"DE", "AT", "FR", "NL", "BE", "IT", "ES", "LU"}
LANGUAGE_WEIGHTS = {"de": 50, "en": 40, "fr": 10}
ISSUER_LOCALES = {
    "de": (["de_DE", "de_AT", "de_CH"], [80, 12, 8]),
    "en": (["en_GB", "en_US", "de_DE"], [40, 25, 35]),
    "fr": (["fr_FR"], [1]),
}
FOREIGN_LOCALES = ["de_DE", "de_AT", "fr_FR", "en_GB", "nl_NL", "en_US"]

# Fields of the real truth file, in its order; extras follow.
TRUTH_FIELDS = [
    "seller_name", "seller_address", "buyer_name", "buyer_address", "invoice_number",
    "issue_date", "due_date", "delivery_date", "currency", "total_net", "total_tax",
    "total_gross", "amount_due", "seller_vat_id", "seller_tax_number", "buyer_vat_id", "iban",
    "bic", "debtor_iban", "buyer_reference", "order_reference",
]  # fmt: skip
EXTRA_FIELDS = [
    "customer_number", "supplier_number", "invoice_reference", "valid_until", "start_date",
    "monthly_fee", "contact_person", "director", "bank_name", "seller_register", "prepaid_amount",
    "dunning_fee", "tax_category",
]  # fmt: skip
# Printed only sometimes: their truth value is null when the layout left them out.
_IF_PRINTED = {
    "due_date", "delivery_date", "seller_vat_id", "seller_tax_number", "buyer_vat_id", "iban",
    "bic", "buyer_reference", "order_reference", "customer_number", "supplier_number",
    "invoice_reference", "valid_until", "start_date", "monthly_fee", "contact_person",
    "director", "bank_name", "seller_register", "prepaid_amount", "dunning_fee", "debtor_iban",
}  # fmt: skip


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _random_date(rng: random.Random) -> dt.date:
    start = dt.date(2019, 1, 1)
    return start + dt.timedelta(days=rng.randrange(7 * 365))


def _item_count(rng: random.Random, doc_type: str) -> int:
    if doc_type == "credit_note":
        return rng.randint(1, 3)
    r = rng.random()
    if r < 0.6:
        return rng.randint(1, 5)
    if r < 0.87:
        return rng.randint(6, 14)
    return rng.randint(15, 45)


def build_doc(rng: random.Random, doc_type: str, language: str, w: Words) -> Doc:
    """Decide the content of one document (parties, numbers, dates, items, amounts)."""
    locales, weights = ISSUER_LOCALES[language]
    issuer_locale = rng.choices(locales, weights=weights)[0]
    issuer = make_company(issuer_locale, language, rng)
    issuer_cc = COUNTRY_OF_LOCALE[issuer_locale]
    if rng.random() < 0.75:
        rec_locale = issuer_locale
    else:
        rec_locale = rng.choice([x for x in FOREIGN_LOCALES if x != issuer_locale])
    b2c = doc_type in ("invoice", "quotation", "payment_reminder", "letter", "delivery_note") and (
        rng.random() < 0.15
    )
    recipient: Party = (
        make_person(rec_locale, rng)
        if b2c
        else make_company(rec_locale, language, rng, with_bank=False)
    )
    rec_cc = COUNTRY_OF_LOCALE[rec_locale]
    currency = CURRENCY_OF_COUNTRY[issuer_cc]
    if currency != "EUR" and rng.random() < 0.15:
        currency = "EUR"
    elif currency == "EUR" and rng.random() < 0.04:
        currency = rng.choice(["USD", "GBP", "CHF"])
    issue = _random_date(rng)
    year = issue.year
    doc = Doc(
        doc_type=doc_type,
        language=language,
        currency=currency,
        issuer=issuer,
        recipient=recipient,
        number=doc_number(doc_type, language, year, rng) if doc_type != "letter" else None,
        issue_date=issue,
        payment_days=rng.choice([7, 10, 14, 14, 14, 30, 30, 60]),
    )
    if rng.random() < 0.7 and doc_type not in ("contract", "letter"):
        doc.customer_number = rng.choice(
            [str(rng.randint(10000, 999999)), f"KD-{rng.randint(1000, 99999)}",
             f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"]
        )  # fmt: skip
    if doc_type in ("order_confirmation", "delivery_note") or (
        doc_type in INVOICE_LIKE | {"credit_note"} and rng.random() < 0.4
    ):
        doc.order_reference = doc_number("order", language, year, rng)
    if doc_type in ("invoice", "corrected_invoice") and rng.random() < 0.15:
        # a collective invoice: several orders and delivery notes, no single order reference
        doc.order_reference = None
        doc.orders = [doc_number("order", language, year, rng) for _ in range(rng.randint(2, 4))]
        doc.delivery_notes = [doc_number("delivery_note", language, year, rng)
                              for _ in range(rng.randint(len(doc.orders), len(doc.orders) + 2))]
    if doc_type in INVOICE_LIKE | {"order", "credit_note"} and rng.random() < 0.25:
        doc.buyer_reference = rng.choice(
            [f"{rng.randint(1, 16):02d}{rng.randint(100, 999)}000-{rng.randint(10000, 99999)}"
             f"-{rng.randint(10, 99)}", f"{rng.choice('ABCDEFGHKMNPRSTW')}{rng.randint(100, 9999)}",
             "/".join(x[:2].upper() for x in recipient.name.split()[:2])]
        )  # fmt: skip
    if doc_type in INVOICE_LIKE:
        doc.delivery_date = issue - dt.timedelta(days=rng.randint(0, 14))
        if doc_type != "invoice_information":  # a booking aid requests no payment
            doc.due_date = issue + dt.timedelta(days=doc.payment_days)
        if doc_type == "corrected_invoice":
            doc.invoice_reference = doc_number("invoice", language, year, rng)
            doc.invoice_reference_date = issue - dt.timedelta(days=rng.randint(3, 60))
    elif doc_type == "order":
        doc.delivery_date = issue + dt.timedelta(days=rng.randint(5, 30))
    elif doc_type == "order_confirmation":
        doc.delivery_date = issue + dt.timedelta(days=rng.randint(2, 21))
    elif doc_type == "delivery_note":
        doc.delivery_date = issue
    elif doc_type == "quotation":
        doc.valid_until = issue + dt.timedelta(days=rng.choice([14, 30, 30, 60]))
    elif doc_type == "credit_note":
        doc.invoice_reference = doc_number("invoice", language, year, rng)
        doc.invoice_reference_date = issue - dt.timedelta(days=rng.randint(5, 40))
    if doc_type in WITH_ITEMS:
        cross_eu = issuer_cc in EU and rec_cc in EU and issuer_cc != rec_cc
        doc.reverse_charge = (
            cross_eu and recipient.is_company and doc_type in WITH_PRICES and rng.random() < 0.7
        )
        seller_cc = issuer_cc if doc_type not in ISSUED_BY_BUYER else rec_cc
        count = _item_count(rng, doc_type)
        doc.items = make_items(language, seller_cc, count, rng, doc_type in WITH_PRICES, {})
        if doc_type in WITH_PRICES:
            doc.tax_groups = tax_groups(doc.items, doc.reverse_charge)
            doc.total_net = money(sum((it.total for it in doc.items), Decimal(0)))
            doc.total_tax = money(sum((g[2] for g in doc.tax_groups), Decimal(0)))
            doc.total_gross = doc.total_net + doc.total_tax
            doc.amount_due = doc.total_gross
            if doc_type == "invoice" and rng.random() < 0.08:
                doc.prepaid = money(doc.total_gross * Decimal("0.3"))
                doc.amount_due = doc.total_gross - doc.prepaid
    if doc_type == "payment_reminder":
        doc.invoice_reference = doc_number("invoice", language, year, rng)
        doc.invoice_reference_date = issue - dt.timedelta(days=rng.randint(30, 75))
        doc.total_gross = money(rng.uniform(40, 8000))
        doc.fee = rng.choice([None, Decimal("5.00"), Decimal("10.00"), Decimal("2.50")])
        doc.amount_due = doc.total_gross + (doc.fee or Decimal(0))
        doc.due_date = issue + dt.timedelta(days=rng.choice([7, 10, 14]))
    if doc_type == "contract":
        nxt = issue + dt.timedelta(days=rng.randint(1, 60))
        doc.start_date = dt.date(nxt.year, nxt.month, 1)
        doc.monthly_fee = money(rng.choice([99, 149, 250, 480, 750, 1200, 2400]) + rng.choice(
            [0, 0, 0.5, 0.9]))  # fmt: skip
        doc.service = rng.choice(CATALOG)[{"de": 0, "en": 1, "fr": 2}[language]]
    if doc_type == "letter":
        doc.start_date = issue + dt.timedelta(days=rng.randint(7, 60))
        doc.body_keys = rng.sample(range(len(w.variant_list("letter.body"))), k=rng.randint(2, 3))
    return doc


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _amount(x: Decimal | None) -> float | None:
    return float(x) if x is not None else None


_GROSS = {"unit_price_net": "unit_price_gross", "line_total_net": "line_total_gross"}


def _printed(pen: Pen, *signs: str) -> bool:
    """Whether any of ``signs`` is printed on the pages (as a token of the drawn text)."""
    tokens = {tok for page in pen.pages for op in page if op[0] == "text"
              for tok in op[3].replace(":", " ").split()}  # fmt: skip
    joined = " ".join(op[3] for page in pen.pages for op in page if op[0] == "text")
    return any(s in tokens or (len(s) > 1 and s in joined) or
               any(t.startswith(s) or t.endswith(s) for t in tokens) for s in signs)  # fmt: skip


def build_truth(doc: Doc, pen: Pen, layout: str, scanned: bool, family: str = CLASSIC,
                currency_sign: str | None = None) -> dict[str, Any]:
    """The truth record: field values as the document states them, where they are printed."""
    seller, buyer = doc.seller, doc.buyer
    marks = pen.primary
    no_buyer = buyer is None
    issuer_role = "buyer" if doc.doc_type in ISSUED_BY_BUYER else "seller"
    bank = doc.issuer.bank
    values: dict[str, Any] = {
        "seller_name": seller.name,
        "seller_address": seller.address.to_truth(),
        "buyer_name": None if no_buyer else buyer.name,
        "buyer_address": None if no_buyer else buyer.address.to_truth(),
        "invoice_number": doc.number,
        "issue_date": _date(doc.issue_date),
        "due_date": _date(doc.due_date),
        "delivery_date": _date(doc.delivery_date),
        "currency": doc.currency if doc.doc_type in WITH_PRICES | {"payment_reminder",
                                                                   "contract", "receipt"} else None,
        "total_net": _amount(doc.total_net),
        "total_tax": _amount(doc.total_tax),
        "total_gross": _amount(doc.total_gross),
        "amount_due": _amount(doc.amount_due),
        "seller_vat_id": normalize_identifier(seller.vat_id) if seller.vat_id else None,
        "seller_tax_number": seller.tax_number,
        "buyer_vat_id": normalize_identifier(buyer.vat_id) if buyer and buyer.vat_id else None,
        "iban": bank.iban if bank else None,
        "bic": bank.bic if bank else None,
        "debtor_iban": None if doc.debtor_masked else doc.debtor_iban,
        "buyer_reference": doc.buyer_reference,
        "order_reference": doc.order_reference,
        "customer_number": doc.customer_number if issuer_role == "seller" else None,
        "supplier_number": doc.customer_number if issuer_role == "buyer" else None,
        "invoice_reference": doc.invoice_reference,
        "valid_until": _date(doc.valid_until),
        "start_date": _date(doc.start_date),
        "monthly_fee": _amount(doc.monthly_fee),
        "prepaid_amount": _amount(doc.prepaid),
        "dunning_fee": _amount(doc.fee),
        "tax_category": _tax_category(doc, pen),
        "contact_person": doc.issuer.contact,
        "director": doc.issuer.director,
        "bank_name": bank.name if bank else None,
        "seller_register": seller.register,
    }
    fields: dict[str, Any] = {}
    for name in TRUTH_FIELDS + EXTRA_FIELDS:
        v = values[name]
        if name in _IF_PRINTED and name not in marks:
            v = None
        fields[name] = v
    visible = {k: (k in marks) for k, v in fields.items() if v is not None}
    if fields["currency"] is not None:
        # printed with every amount, as symbol or code (classic); a family's page is searched
        visible["currency"] = currency_sign is None or "currency" in marks or \
            _printed(pen, currency_sign, doc.currency)  # fmt: skip
    if fields["tax_category"] is not None:
        visible["tax_category"] = True  # printed as its rates or its sentence, never marked
    priced = doc.doc_type in WITH_PRICES
    items = [it.to_truth(priced and not doc.gross_prices) for it in doc.items]
    if doc.gross_prices:  # prices include VAT: no net price is printed, the rate is
        for item, it in zip(items, doc.items, strict=True):
            item["tax_rate"] = float(it.tax_rate)
    item_boxes = [
        {_GROSS.get(k, k) if doc.gross_prices else k: m.to_json()
         for k, m in pen.item_marks.get(i, {}).items()} for i in range(len(items))
    ]  # fmt: skip
    entities, relations = _graph(doc, fields, marks, issuer_role)
    return {
        "file": "",
        "family": family,
        "language": doc.language,
        "doc_type": doc.doc_type,
        "layout": layout,
        "scanned": scanned,
        "pages": len(pen.pages),
        "fields": fields,
        "line_items": items,
        "tax_breakdown": _tax_breakdown(doc, fields["tax_category"]),
        "visible_in_text": visible,
        "boxes": {k: m.to_json() for k, m in marks.items()},
        "labels": {k: m.to_json() for k, m in pen.labels.items() if k in visible},
        "line_item_boxes": item_boxes,
        "regions": pen.regions_json(),
        "entities": entities,
        "relations": relations,
    }


_INTRA_COMMUNITY = ("Innergemeinschaftliche Lieferung", "Intra-Community supply",
                    "Livraison intracommunautaire")
"""Words of the reverse-charge sentences that state an intra-community supply (K), not AE."""


def _tax_category(doc: Doc, pen: Pen) -> str | None:
    """UNTDID 5305 code of the printed totals: K or AE by the zero-rate sentence the page
    prints (read back from the pen, which drew a variant at random), S where every printed
    rate charges VAT; None where no totals are printed."""
    if not doc.tax_groups or doc.total_net is None or doc.tax_kind != "vat":
        return None
    if not doc.reverse_charge:
        return "S" if all(rate > 0 for rate, _, _ in doc.tax_groups) else None
    printed = " ".join(" ".join(op[3] for page in pen.pages for op in page
                                if op[0] == "text").split())
    sentence = next((v for v in TEXTS[doc.language]["reverse_charge"]
                     if " ".join(v.split()) in printed), None)
    if sentence is None:
        return None
    return "K" if any(k in sentence for k in _INTRA_COMMUNITY) else "AE"


def _tax_breakdown(doc: Doc, category: str | None) -> list[dict[str, Any]] | None:
    """The printed VAT breakdown, one row per rate (rate, base, tax, category)."""
    if not doc.tax_groups or doc.total_net is None or doc.tax_kind != "vat":
        return None
    return [{"rate": float(rate), "base": _amount(base), "tax": _amount(tax),
             "category": category} for rate, base, tax in doc.tax_groups]


def _graph(doc: Doc, fields: dict[str, Any], marks: dict[str, Any],
           issuer_role: str) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:  # fmt: skip
    """Entities and relations the document states (only what is printed)."""
    ents: list[dict[str, Any]] = [
        {"id": "document", "type": "Document", "doc_type": doc.doc_type,
         "number": doc.number, "issue_date": _date(doc.issue_date)}
    ]  # fmt: skip
    rels: list[dict[str, str]] = []
    for role, party in (("seller", doc.seller), ("buyer", doc.buyer)):
        if party is None:
            continue
        ents.append({"id": role, "type": "Organization" if party.is_company else "Person",
                     "label": party.name})  # fmt: skip
        rels.append({"s": "document", "p": role, "o": role})
        ents.append({"id": f"{role}_address", "type": "PostalAddress", "label":
                     f"{party.address.street}, {party.address.city_line()}",
                     **party.address.to_truth()})  # fmt: skip
        rels.append({"s": role, "p": "has_address", "o": f"{role}_address"})
        if party.vat_id and f"{role}_vat_id" in marks:
            v = normalize_identifier(party.vat_id)
            ents.append({"id": f"{role}_vat_id", "type": "TaxID", "scheme": "vat", "label": v})
            rels.append({"s": role, "p": "has_vat_id", "o": f"{role}_vat_id"})
        if party.tax_number and f"{role}_tax_number" in marks:
            ents.append({"id": f"{role}_tax_number", "type": "TaxID", "scheme": "national",
                         "label": party.tax_number})  # fmt: skip
            rels.append({"s": role, "p": "has_tax_number", "o": f"{role}_tax_number"})
        bank = party.bank
        if bank and bank.iban and ("iban" in marks or f"{role}_iban" in marks) \
                and role == issuer_role:  # fmt: skip
            ents.append({"id": f"{role}_bank_account", "type": "BankAccount", "label": bank.iban,
                         "iban": bank.iban, "bic": bank.bic, "bank_name": bank.name})  # fmt: skip
            rels.append({"s": role, "p": "has_iban", "o": f"{role}_bank_account"})
        if role == issuer_role:
            if party.contact and "contact_person" in marks:
                ents.append({"id": f"{role}_contact", "type": "Person", "label": party.contact})
                rels.append({"s": role, "p": "has_contact", "o": f"{role}_contact"})
            if party.director and "director" in marks:
                ents.append({"id": f"{role}_director", "type": "Person", "label": party.director})
                rels.append({"s": role, "p": "has_director", "o": f"{role}_director"})
    return ents, rels


def generate_document(
    seed: int,
    doc_type: str | None = None,
    layout: str | None = None,
    language: str | None = None,
    scanned: bool = False,
    family: str | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """One document as PDF bytes plus its truth record (``file`` names it by seed).

    ``family`` picks the document family (:data:`FAMILIES`); without it, a classic ``layout``
    means the classic family, a family look means its family, and otherwise the family is drawn
    by weight among those that make ``doc_type`` in ``language``."""
    if doc_type is not None and doc_type not in DOC_TYPES:
        raise ValueError(f"unknown doc_type {doc_type!r}; known: {', '.join(DOC_TYPES)}")
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    if layout is not None and layout not in LAYOUTS and layout not in LOOKS:
        known = ", ".join([*sorted(LAYOUTS), *LOOKS])
        raise ValueError(f"unknown layout {layout!r}; known: {known}")
    if family is None:
        if layout in LAYOUTS:
            family = CLASSIC
        elif layout is not None:
            family = next(f.name for f in FAMILIES.values() if layout in f.looks)
        else:
            family = choose_family(seed, list(FAMILIES), doc_type, language)
    fam = FAMILIES[check_families([family])[0]]
    if fam.name == CLASSIC:
        if doc_type == "receipt":
            raise ValueError("the classic family makes no receipts")
        pdf, truth = _classic_document(seed, doc_type, layout, language, scanned)
    else:
        pdf, truth = _family_document(seed, fam, doc_type, layout, language, scanned)
    return pdf, truth


def _classic_document(seed: int, doc_type: str | None, layout: str | None, language: str | None,
                      scanned: bool) -> tuple[bytes, dict[str, Any]]:  # fmt: skip
    """The generator as it was before the families: same random stream, same bytes."""
    rng = random.Random(seed)
    doc_type = doc_type or _weighted(rng, DOC_TYPE_WEIGHTS)
    language = language or _weighted(rng, LANGUAGE_WEIGHTS)
    layout = layout or rng.choice(sorted(LAYOUTS))
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r} is no classic layout")
    words = Words(language, rng)
    doc = build_doc(rng, doc_type, language, words)
    country = doc.issuer.address.country
    ns = number_style(language, country, rng)
    ds = date_style(language, country, rng)
    if doc_type == "letter":
        subject = words("letter.subject")
        when = doc.start_date or doc.issue_date
        if subject == words.variant_list("letter.subject")[0]:  # "your enquiry of": the past
            when = doc.issue_date - dt.timedelta(days=rng.randint(2, 20))
        doc.subject = subject.format(date=format_date(when, ds, language))
    style = jitter(LAYOUTS[layout], rng)
    pen = Renderer(doc, style, words, ns, ds, rng).render()
    head = words(f"title.{doc_type}") if doc_type != "letter" else doc.subject
    title = f"{head} {doc.number or ''}"
    pdf = pen.emit(title=title.strip(), author=doc.issuer.name)
    truth = build_truth(doc, pen, layout, scanned)
    truth["seed"] = seed
    truth["file"] = f"docs/gen_{seed}.pdf"
    if scanned:
        pdf, info = scan_pdf(pdf, random.Random(rng.getrandbits(64)))
        truth["scan"] = info
    return pdf, truth


def _family_document(seed: int, fam: Family, doc_type: str | None, layout: str | None,
                     language: str | None, scanned: bool) -> tuple[bytes, dict[str, Any]]:
    """A document of one of the new families, drawn in one of its looks."""
    rng = random.Random(seed)
    doc_type = doc_type or _weighted(rng, dict(fam.doc_types))
    if doc_type not in fam.doc_types:
        raise ValueError(f"family {fam.name!r} makes no {doc_type}; it makes "
                         f"{', '.join(fam.doc_types)}")
    language = language or _weighted(rng, dict(fam.languages))
    if language not in fam.languages:
        raise ValueError(f"family {fam.name!r} writes no {language!r}; it writes "
                         f"{', '.join(fam.languages)}")
    layout = layout or rng.choice(list(fam.looks))
    if layout not in fam.looks:
        raise ValueError(f"family {fam.name!r} has no look {layout!r}; it has "
                         f"{', '.join(fam.looks)}")
    words = Words(language, rng, family_table(fam.name, language))
    doc = build_family_doc(rng, fam, doc_type, language)
    country = doc.issuer.address.country
    ns = varied_number_style(language, country, doc.currency, rng)
    ds = varied_date_style(language, country, rng, erp=fam.erp)
    style = jitter(LOOKS[layout], rng)
    renderer = ReceiptRenderer if layout.startswith("thermal") else SheetRenderer
    pen = renderer(doc, style, words, ns, ds, rng).render()
    title = f"{words(f'title.{doc_type}')} {doc.number or ''}"
    pdf = pen.emit(title=title.strip(), author=doc.issuer.name)
    truth = build_truth(doc, pen, layout, scanned, fam.name, ns.symbol)
    truth["seed"] = seed
    truth["file"] = f"docs/gen_{seed}.pdf"
    if scanned:
        photo = rng.random() < fam.photo
        pdf, info = scan_pdf(pdf, random.Random(rng.getrandbits(64)),
                             mode="photo" if photo else "office",
                             thermal=layout.startswith("thermal"))  # fmt: skip
        truth["scan"] = info
    return pdf, truth


def generate_corpus(
    out: Path,
    n: int,
    seed: int,
    scanned_ratio: float = 0.0,
    doc_types: Sequence[str] | None = None,
    progress: bool = False,
    families: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Write ``n`` documents to ``out/docs`` and their truth to ``out/truth.jsonl``.

    ``families`` restricts the mix (default: every family by its weight); ``["classic"]``
    writes exactly the documents this function wrote before the families existed."""
    out = Path(out)
    docs_dir = out / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    allowed = check_families(families)
    types = list(doc_types) if doc_types else None
    for t in types or []:
        if t not in DOC_TYPES:
            raise ValueError(f"unknown doc_type {t!r}; known: {', '.join(DOC_TYPES)}")
    master = random.Random(seed)
    records: list[dict[str, Any]] = []
    for i in tqdm(range(n), disable=not progress, desc="documents", unit="doc"):
        doc_seed = master.getrandbits(48)
        doc_type = master.choice(types) if types else _weighted(master, DOC_TYPE_WEIGHTS)
        scanned = master.random() < scanned_ratio
        family = choose_family(doc_seed, allowed, doc_type if types else None)
        asked = doc_type if types or family == CLASSIC else None
        pdf, truth = generate_document(doc_seed, doc_type=asked, scanned=scanned, family=family)
        doc_type = truth["doc_type"]
        name = f"{i:05d}_{doc_type}_{truth['language']}{'_scan' if scanned else ''}.pdf"
        (docs_dir / name).write_bytes(pdf)
        truth["file"] = f"docs/{name}"
        records.append(truth)
    with (out / "truth.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return records
