"""Document families: who issues a document, what it holds and which looks it comes in.

A family is a declaration, not a code path: its document types and languages with their weights,
the countries its issuers come from, the item catalogue, who the buyer is (a firm, a private
person, nobody on a receipt), what else it prints (a billing period, a policy or meter number, a
room and the stay), whether it is already paid, and the looks (:data:`cosy.corpus.sheets.LOOKS`)
it is drawn in. ``classic`` is the generator as it was before the families: its 22 layouts,
weights and wording are unchanged, so ``families=["classic"]`` reproduces those documents byte for
byte. The default mix draws every family by its ``weight``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

CLASSIC = "classic"

Weights = Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Family:
    """The declaration of one family of documents."""

    name: str
    summary: str
    weight: int  # share in the default mix
    doc_types: Weights
    languages: Weights
    issuers: Mapping[str, Sequence[tuple[str, int]]]  # language -> (Faker locale, weight)
    looks: Sequence[str] = ()
    catalog: str = "general"
    buyer: str = "company"  # company | person | mixed | none
    items: tuple[int, int] = (1, 6)
    brand: float = 0.0  # share printed under a brand (logo text) besides the legal name
    extras: Sequence[str] = ()  # labelled values that are no field: period, policy, meter ...
    paid: float = 0.0  # share already paid (amount paid = total, nothing due)
    installments: bool = False  # advance payments deducted from the total (utility bills)
    tax: str = "vat"  # vat | insurance (insurance premium tax, no VAT)
    photo: float = 0.35  # share of the scanned documents that look photographed
    foreign_buyer: float = 0.2  # share of buyers from another country
    erp: bool = False  # ERP date formats (03-DEC-26) and upper-case labels
    fields: Mapping[str, float] = field(default_factory=dict)  # field -> share printed


_EN_WORLD = (("en_US", 30), ("en_GB", 25), ("en_IN", 15), ("en_SG", 10), ("en_AU", 10),
             ("en_IE", 10))  # fmt: skip
_DE = (("de_DE", 80), ("de_AT", 12), ("de_CH", 8))
_FR = (("fr_FR", 85), ("fr_BE", 15))

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in [
        Family(CLASSIC, "the generator before the families: 22 DIN-style layouts, 12 types", 24,
               {}, {}, {}),
        Family("de_sme", "German SME invoices in the styles of common accounting packages", 13,
               {"invoice": 60, "credit_note": 8, "quotation": 8, "order_confirmation": 6,
                "delivery_note": 6, "payment_reminder": 6, "corrected_invoice": 3},
               {"de": 90, "en": 10}, {"de": _DE, "en": (("de_DE", 1),)},
               looks=("sme_window", "sme_sidebar", "sme_footer_only", "sme_logo_text",
                      "sme_table_meta", "sme_right_seller"),
               buyer="mixed", brand=0.3,
               fields={"customer_number": 0.7, "order_reference": 0.3, "delivery_date": 0.8,
                       "due_date": 0.6, "contact_person": 0.4}),
        Family("insurance", "insurance premium invoices (policy, period of cover, premium tax)", 5,
               {"invoice": 100}, {"de": 60, "en": 20, "fr": 20},
               {"de": _DE[:2], "en": (("en_GB", 60), ("en_IE", 40)), "fr": _FR},
               looks=("insurer_letter", "insurer_table"), catalog="insurance", buyer="mixed",
               items=(1, 3), brand=0.5, extras=("policy", "cover"), tax="insurance",
               fields={"customer_number": 0.6, "due_date": 0.9}),
        Family("utility", "electricity, gas and water bills (meter, period, instalments)", 6,
               {"invoice": 100}, {"de": 50, "en": 30, "fr": 20},
               {"de": _DE[:2], "en": (("en_GB", 70), ("en_IE", 30)), "fr": _FR},
               looks=("bill_summary", "bill_band"), catalog="utility", buyer="mixed",
               items=(2, 5), brand=0.7, extras=("contract_account", "meter", "period"),
               installments=True, fields={"customer_number": 0.9, "due_date": 0.8}),
        Family("telecom", "mobile, landline and broadband bills", 6,
               {"invoice": 100}, {"de": 50, "en": 35, "fr": 15},
               {"de": _DE[:2], "en": (("en_GB", 50), ("en_US", 30), ("en_IE", 20)), "fr": _FR},
               looks=("bill_summary", "bill_band", "saas_modern"), catalog="telecom",
               buyer="mixed", items=(2, 7), brand=0.8, extras=("phone_no", "period"),
               fields={"customer_number": 0.9, "due_date": 0.7}),
        Family("saas", "hosting and SaaS invoices and receipts from US/UK/IN/SG/AU/IE issuers", 10,
               {"invoice": 80, "receipt": 20}, {"en": 90, "de": 10},
               {"en": _EN_WORLD, "de": (("de_DE", 1),)},
               looks=("saas_modern", "saas_minimal", "saas_split", "saas_letter"),
               catalog="saas", buyer="company", items=(1, 5), brand=0.5, extras=("period",),
               paid=0.45, foreign_buyer=0.4,
               fields={"customer_number": 0.5, "due_date": 0.7, "order_reference": 0.15}),
        Family("marketplace", "marketplace orders invoiced for a seller (sold by, ship to)", 7,
               {"invoice": 90, "credit_note": 10}, {"de": 40, "en": 45, "fr": 15},
               {"de": _DE[:2], "en": (("en_GB", 40), ("en_IN", 35), ("en_US", 25)), "fr": _FR},
               looks=("market_invoice", "market_compact"), catalog="retail", buyer="person",
               items=(1, 4), brand=1.0, paid=0.9,
               fields={"order_reference": 1.0, "delivery_date": 0.6}),
        Family("hotel", "hotel folios: stay, room, nights, city tax, paid by card", 5,
               {"invoice": 100}, {"de": 45, "en": 35, "fr": 20},
               {"de": _DE, "en": (("en_GB", 40), ("en_US", 30), ("en_SG", 15), ("en_AU", 15)),
                "fr": _FR},
               looks=("hotel_folio", "hotel_classic"), catalog="hotel", buyer="mixed",
               items=(2, 6), brand=0.8, extras=("room", "arrival", "departure", "folio"),
               paid=0.6, foreign_buyer=0.5, fields={"customer_number": 0.2}),
        Family("receipt", "till receipts: narrow thermal paper, shop at the top, no buyer", 12,
               {"receipt": 100}, {"de": 45, "en": 40, "fr": 15},
               {"de": _DE, "en": (("en_GB", 35), ("en_US", 35), ("en_SG", 10), ("en_AU", 10),
                                  ("en_IN", 10)), "fr": _FR},
               looks=("thermal_mono", "thermal_sans", "thermal_wide"), catalog="shop",
               buyer="none", items=(1, 12), brand=0.5, paid=1.0, photo=0.7),
        Family("fr_facture", "French factures (SIRET, TVA intracom., mentions légales)", 6,
               {"invoice": 75, "credit_note": 10, "quotation": 15}, {"fr": 100}, {"fr": _FR},
               looks=("fr_classique", "fr_moderne", "fr_tableau"), buyer="mixed", brand=0.3,
               fields={"customer_number": 0.6, "due_date": 0.8, "delivery_date": 0.5,
                       "order_reference": 0.3}),
        Family("erp", "ERP print-outs: dense header tables, upper-case labels", 6,
               {"invoice": 55, "order": 15, "order_confirmation": 10, "delivery_note": 10,
                "credit_note": 10},
               {"de": 50, "en": 40, "fr": 10},
               {"de": _DE, "en": (("en_US", 40), ("en_GB", 40), ("en_IN", 20)), "fr": _FR},
               looks=("erp_caps", "erp_grid"), buyer="company", items=(2, 14), erp=True,
               fields={"customer_number": 0.95, "order_reference": 0.7, "due_date": 0.8,
                       "delivery_date": 0.6}),
    ]
}


def family_names() -> list[str]:
    return list(FAMILIES)


def check_families(names: Sequence[str] | None) -> list[str]:
    """The families asked for, checked; ``None`` or empty means all (the default mix)."""
    if not names:
        return family_names()
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown famil{'y' if len(unknown) == 1 else 'ies'} "
                         f"{', '.join(map(repr, unknown))}; known: {', '.join(FAMILIES)}")
    return list(dict.fromkeys(names))


def makes(family: Family, doc_type: str | None, language: str | None) -> bool:
    """Whether ``family`` draws documents of ``doc_type`` in ``language`` (None: any)."""
    if family.name == CLASSIC:
        return doc_type != "receipt"
    return (doc_type is None or doc_type in family.doc_types) and \
        (language is None or language in family.languages)


def choose_family(seed: int, allowed: Sequence[str], doc_type: str | None = None,
                  language: str | None = None) -> str:
    """The family of document ``seed``: drawn by weight among ``allowed`` families that make
    ``doc_type`` in ``language``, from a random stream of its own so that the document's own
    stream (and so a classic document) is the same whichever family mix is asked for."""
    fams = [FAMILIES[n] for n in allowed if makes(FAMILIES[n], doc_type, language)]
    if not fams:
        raise ValueError(f"no family among {', '.join(allowed)} makes "
                         f"{doc_type or 'documents'} in {language or 'any language'}")
    rng = random.Random(f"cosy.corpus.family/{seed}")
    return rng.choices([f.name for f in fams], weights=[f.weight for f in fams])[0]
