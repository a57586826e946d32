"""What a document of a family says: parties, numbers, dates, items, totals, extras.

Like :func:`cosy.corpus.generator.build_doc` for the classic family, content is decided before
any drawing, from one random stream, and the truth is read from it. The family declaration
(:mod:`cosy.corpus.families`) decides who issues and who receives, which catalogue the items come
from, whether prices include VAT (shops, hotels, marketplaces), what is already paid and which
labelled values that are no truth field are printed beside the fields (policy, meter, room ...).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from cosy.corpus.data import (
    CATALOGS,
    COUNTRY_OF_LOCALE,
    CURRENCY_OF_COUNTRY,
    INSURANCE_TAX,
    TAX_RATES,
    WITH_PRICES,
    Doc,
    Item,
    Party,
    _digits,
    doc_number,
    faker_for,
    make_bank,
    make_company,
    make_items,
    make_person,
    tax_groups,
)
from cosy.corpus.families import Family
from cosy.corpus.fmt import money

EU = {"DE", "AT", "FR", "NL", "BE", "IT", "ES", "LU", "IE"}
_FOREIGN = ["de_DE", "de_AT", "fr_FR", "en_GB", "nl_NL", "en_US", "en_IE", "fr_BE"]
_SYLLABLES = ["vo", "lta", "ne", "ra", "ki", "mo", "tek", "ly", "sa", "fin", "ox", "da", "zen",
              "ar", "ca", "lo", "vi", "ta", "no", "qu"]  # fmt: skip
_BRAND_TAILS = ["", "", "", "24", " Pro", " Direct", " Cloud", " Energie", " mobil", " Home",
                " Digital", " & Co", " Group", " One", " Shop"]  # fmt: skip


def make_brand(rng: random.Random, legal: str) -> str:
    """A trading name printed as a logo: an invented word, or the legal name's first word."""
    if rng.random() < 0.35:
        first = legal.split()[0].strip(",.&")
        if len(first) > 2:
            return first.upper() if rng.random() < 0.5 else first + rng.choice(_BRAND_TAILS)
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    word = word.capitalize() + rng.choice(_BRAND_TAILS)
    return word.upper() if rng.random() < 0.3 else word


def _number(rng: random.Random, doc_type: str, language: str, year: int, month: int) -> str:
    """Document numbers of many shapes; classic's shapes plus those of shops and SaaS tools."""
    shape = rng.randrange(10)
    if doc_type == "receipt":
        return rng.choice([str(rng.randint(1000, 999999)),
                           f"{rng.randint(1, 99):02d}-{rng.randint(1000, 99999)}",
                           f"{rng.randint(1000, 9999)}/{rng.randint(100, 999)}",
                           f"R{rng.randint(100000, 9999999)}"])  # fmt: skip
    if shape < 5:
        return doc_number(doc_type, language, year, rng)
    if shape == 5:
        return f"{rng.randint(1000, 99999)}"
    if shape == 6:
        letters = "".join(rng.choice("ABCDEF0123456789") for _ in range(8))
        return f"{letters}-{rng.randint(1, 99):04d}"
    if shape == 7:
        return f"{year}{month:02d}-{rng.randint(1, 9999):04d}"
    if shape == 8:
        return f"{year}/{month:02d}/{rng.randint(1, 999):03d}"
    return f"{rng.choice(['INV', 'RE', 'F', 'FA', 'IN', 'SI'])}{rng.randint(10**6, 10**8 - 1)}"


def _party(rng: random.Random, kind: str, locale: str, language: str) -> Party | None:
    if kind == "none":
        return None
    if kind == "person" or (kind == "mixed" and rng.random() < 0.4):
        return make_person(locale, rng)
    return make_company(locale, language, rng, with_bank=False)


def _gross_groups(items: list[Item]) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, net base, tax) per rate when the prices include VAT: the tax is taken out."""
    groups: dict[Decimal, Decimal] = {}
    for it in items:
        groups[it.tax_rate] = groups.get(it.tax_rate, Decimal(0)) + it.total
    out = []
    for rate, gross in sorted(groups.items(), reverse=True):
        tax = money(gross * rate / (100 + rate))
        out.append((rate, money(gross - tax), tax))
    return out


def build_family_doc(rng: random.Random, fam: Family, doc_type: str, language: str) -> Doc:
    """Decide the content of one document of family ``fam``."""
    locales = fam.issuers[language]
    issuer_locale = rng.choices([x for x, _ in locales], weights=[w for _, w in locales])[0]
    issuer = make_company(issuer_locale, language, rng)
    cc = COUNTRY_OF_LOCALE[issuer_locale]
    if rng.random() < fam.brand:
        issuer.brand = make_brand(rng, issuer.name)
    rec_locale = issuer_locale
    if rng.random() < fam.foreign_buyer:
        rec_locale = rng.choice([x for x in _FOREIGN if x != issuer_locale])
    buyer_kind = "company" if doc_type in ("order", "order_confirmation") else fam.buyer
    if doc_type == "receipt" and fam.buyer != "none":
        buyer_kind = "company" if rng.random() < 0.7 else "none"
    recipient = _party(rng, buyer_kind, rec_locale, language)
    currency = CURRENCY_OF_COUNTRY[cc]
    if cc in ("IN", "SG", "AU") and fam.name == "saas" and rng.random() < 0.3:
        currency = "USD"
    issue = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(8 * 365))
    doc = Doc(doc_type=doc_type, language=language, currency=currency, issuer=issuer,
              recipient=recipient, number=_number(rng, doc_type, language, issue.year,
                                                  issue.month),
              issue_date=issue, payment_days=rng.choice([0, 7, 10, 14, 14, 14, 30, 30]),
              family=fam.name)  # fmt: skip
    share = fam.fields.get
    if rng.random() < share("customer_number", 0.0) and recipient is not None:
        doc.customer_number = rng.choice(
            [str(rng.randint(10000, 9999999)), f"KD{rng.randint(1000, 99999)}",
             f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}", f"C-{rng.randint(10**5, 10**6)}"]
        )  # fmt: skip
    if rng.random() < share("order_reference", 0.0):
        doc.order_reference = rng.choice([
            doc_number("order", language, issue.year, rng),
            f"{rng.randint(100, 999)}-{_digits(rng, 7)}-{_digits(rng, 7)}",
            f"PO{rng.randint(10000, 999999)}"])  # fmt: skip
    if rng.random() < share("buyer_reference", 0.05) and recipient is not None \
            and recipient.is_company:  # fmt: skip
        doc.buyer_reference = f"{rng.randint(1, 16):02d}{rng.randint(100, 999)}-{_digits(rng, 5)}"
    if doc_type in ("invoice", "corrected_invoice") and rng.random() < share("delivery_date", 0.0):
        doc.delivery_date = issue - dt.timedelta(days=rng.randint(0, 14))
    if doc_type == "delivery_note":
        doc.delivery_date = issue
    if doc_type in ("order", "order_confirmation"):
        doc.delivery_date = issue + dt.timedelta(days=rng.randint(3, 30))
    if doc_type in ("invoice", "corrected_invoice", "payment_reminder") and \
            rng.random() < share("due_date", 0.6):  # fmt: skip
        doc.payment_days = doc.payment_days or 14
        doc.due_date = issue + dt.timedelta(days=doc.payment_days)
    if doc_type == "quotation":
        doc.valid_until = issue + dt.timedelta(days=rng.choice([14, 30, 30, 60]))
    if doc_type in ("credit_note", "corrected_invoice", "payment_reminder"):
        doc.invoice_reference = doc_number("invoice", language, issue.year, rng)
        doc.invoice_reference_date = issue - dt.timedelta(days=rng.randint(5, 60))
    if fam.name in ("marketplace", "erp") and recipient is not None and rng.random() < 0.4:
        doc.ship_to = _party(rng, "mixed", rec_locale, language)  # a delivery address: no field
    _extras(rng, fam, doc, issuer_locale)
    if doc_type in WITH_PRICES | {"receipt", "delivery_note"}:
        _items_and_totals(rng, fam, doc, cc)
    if doc_type == "payment_reminder":
        doc.total_gross = money(rng.uniform(40, 8000))
        doc.fee = rng.choice([None, Decimal("5.00"), Decimal("10.00")])
        doc.amount_due = doc.total_gross + (doc.fee or Decimal(0))
        doc.due_date = issue + dt.timedelta(days=rng.choice([7, 10, 14]))
    _payment(rng, fam, doc)
    return doc


def _extras(rng: random.Random, fam: Family, doc: Doc, locale: str) -> None:
    """Labelled values that are no truth field: they sit beside the fields as distractors."""
    issue = doc.issue_date
    for kind in fam.extras:
        if kind == "period":
            start = dt.date(issue.year, issue.month, 1) - dt.timedelta(days=rng.choice([1, 31]))
            start = dt.date(start.year, start.month, 1)
            end = dt.date(issue.year, issue.month, 1) - dt.timedelta(days=1) \
                if start.month != issue.month else issue  # fmt: skip
            if fam.name == "utility":
                start = dt.date(issue.year - 1, issue.month, 1)
            doc.extras.append(("period", f"{start.isoformat()}|{end.isoformat()}"))
        elif kind == "cover":
            start = issue + dt.timedelta(days=rng.randint(1, 40))
            start = dt.date(start.year, start.month, 1)
            end = dt.date(start.year + 1, start.month, 1) - dt.timedelta(days=1)
            doc.extras.append(("cover", f"{start.isoformat()}|{end.isoformat()}"))
        elif kind == "policy":
            doc.extras.append(("policy", rng.choice(
                [f"{rng.randint(10, 99)}-{_digits(rng, 6)}-{rng.randint(1, 9)}",
                 f"KV{_digits(rng, 8)}", f"POL/{issue.year}/{_digits(rng, 5)}"])))  # fmt: skip
        elif kind == "meter":
            doc.extras.append(("meter", rng.choice(
                [f"1ESY{_digits(rng, 7)}", _digits(rng, 11), f"Z{_digits(rng, 8)}"])))
        elif kind == "contract_account":
            doc.extras.append(("contract_account", _digits(rng, rng.choice([9, 10, 12]))))
        elif kind == "phone_no":
            fk = faker_for(locale, rng)
            doc.extras.append(("phone_no", fk.phone_number()))
        elif kind == "room":
            doc.extras.append(("room", str(rng.randint(101, 719))))
        elif kind == "arrival":
            nights = rng.randint(1, 6)
            departure = issue
            doc.extras.append(("arrival", (departure - dt.timedelta(days=nights)).isoformat()))
            doc.extras.append(("departure", departure.isoformat()))
        elif kind == "folio":
            doc.extras.append(("folio", _digits(rng, rng.choice([6, 8]))))


def _nights(doc: Doc) -> int:
    dates = dict(doc.extras)
    if "arrival" not in dates:
        return 1
    return (dt.date.fromisoformat(dates["departure"]) -
            dt.date.fromisoformat(dates["arrival"])).days  # fmt: skip


def _items_and_totals(rng: random.Random, fam: Family, doc: Doc, cc: str) -> None:
    priced = doc.doc_type != "delivery_note"
    catalog = CATALOGS.get(fam.catalog)
    rates: tuple[Decimal, ...] | None = None
    if fam.tax == "insurance":
        rates = (INSURANCE_TAX.get(cc, Decimal(19)),)
        doc.tax_kind = "insurance"
    lo, hi = fam.items
    count = rng.randint(lo, hi) if doc.doc_type != "credit_note" else rng.randint(1, 2)
    doc.items = make_items(doc.language, cc, count, rng, priced, {}, catalog, rates)
    if fam.name == "hotel":  # the room is charged per night of the stay
        nights = Decimal(_nights(doc))
        for it in doc.items:
            if it.unit == "DAY":
                it.quantity = nights
                it.total = money(nights * it.unit_price)
            if it.unit == "DAY" and any(w in it.description.lower()
                                        for w in ("room", "zimmer", "chambre", "nuitée")):
                it.unit_label = {"de": "Nacht", "en": "night", "fr": "nuit"}[doc.language]
    if not priced:
        return
    doc.gross_prices = cc != "US" and (fam.name in ("receipt", "hotel", "marketplace") or (
        doc.doc_type == "receipt" and fam.name != "saas"))
    recipient = doc.recipient
    cross_eu = recipient is not None and recipient.is_company and cc in EU and \
        recipient.address.country in EU and recipient.address.country != cc  # fmt: skip
    doc.reverse_charge = cross_eu and not doc.gross_prices and fam.tax == "vat" and \
        rng.random() < 0.6  # fmt: skip
    if doc.gross_prices:
        doc.tax_groups = _gross_groups(doc.items)
        doc.total_gross = money(sum((it.total for it in doc.items), Decimal(0)))
        doc.total_tax = money(sum((g[2] for g in doc.tax_groups), Decimal(0)))
        doc.total_net = doc.total_gross - doc.total_tax
    else:
        doc.tax_groups = tax_groups(doc.items, doc.reverse_charge)
        doc.total_net = money(sum((it.total for it in doc.items), Decimal(0)))
        doc.total_tax = money(sum((g[2] for g in doc.tax_groups), Decimal(0)))
        doc.total_gross = doc.total_net + doc.total_tax
    doc.amount_due = doc.total_gross
    if cc not in TAX_RATES:  # pragma: no cover - every family country has rates
        raise ValueError(cc)


def _payment(rng: random.Random, fam: Family, doc: Doc) -> None:
    """Paid in full, paid by instalments, or due; and how (card, cash, direct debit)."""
    if doc.total_gross is None or doc.doc_type not in ("invoice", "receipt"):
        return
    if doc.doc_type == "receipt" or rng.random() < fam.paid:
        doc.paid_by = rng.choice(["pay.card", "pay.card", "pay.cash"])
        if doc.doc_type == "receipt":
            doc.amount_due = None  # a till receipt states what was paid, nothing is due
            doc.time = f"{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}"
            doc.cashier = rng.choice([str(rng.randint(1, 12)), faker_for(
                doc.issuer.locale, rng).first_name()])  # fmt: skip
            if doc.paid_by == "pay.cash":
                step = Decimal(rng.choice([5, 10, 20, 50]))
                doc.tendered = (doc.total_gross // step + 1) * step
                doc.change = doc.tendered - doc.total_gross
        else:
            doc.prepaid = doc.total_gross
            doc.amount_due = Decimal("0.00")
            doc.due_date = None
        return
    if fam.installments:
        doc.installments = True
        doc.prepaid = money(doc.total_gross * Decimal(str(round(rng.uniform(0.55, 0.95), 2))))
        doc.amount_due = doc.total_gross - doc.prepaid
    recipient = doc.recipient
    if doc.due_date and recipient is not None and fam.name in ("utility", "telecom", "insurance") \
            and rng.random() < 0.6:  # fmt: skip
        country = recipient.address.country
        if country in ("DE", "AT", "FR", "BE", "IE", "NL", "GB"):
            doc.debtor_iban = make_bank(country, recipient.address.city, rng).iban
            doc.debtor_masked = rng.random() < 0.7
