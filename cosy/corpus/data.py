"""Fake but consistent content for one document: parties, bank accounts, line items, amounts.

Content is decided here, before any drawing, so that the ground truth is the source and the PDF
is a rendering of it (never the other way round). Every random choice comes from one
``random.Random`` (plus a Faker seeded from it), so a seed fixes the document.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from faker import Faker

from cosy.corpus.fmt import money
from cosy.identifiers import make_iban, make_vat_id

DOC_TYPES: tuple[str, ...] = (
    "invoice",
    "corrected_invoice",
    "self_billed_invoice",
    "invoice_information",
    "credit_note",
    "order",
    "order_confirmation",
    "delivery_note",
    "quotation",
    "payment_reminder",
    "contract",
    "letter",
    "receipt",
)
"""Document types; the names of the real development set's truth where both have the type
(``quotation``, not ``quote``). ``corrected_invoice`` (UNTDID 1001 code 384),
``self_billed_invoice`` (389: issued by the buyer, "Gutschrift" in the sense of § 14 Abs. 2 UStG)
and ``invoice_information`` (751: a booking aid, no payment request) are invoices of a kind.
``receipt`` is a till or payment receipt: the seller's proof of a sale already paid, usually
without a buyer."""
DOC_TYPE_ALIASES: dict[str, str] = {"quote": "quotation"}
"""Older names of a type (truth files written before the label set was unified)."""
DOC_TYPE_WEIGHTS: dict[str, int] = {  # the classic family's mix (no receipts)
    "invoice": 40, "corrected_invoice": 4, "self_billed_invoice": 4, "invoice_information": 3,
    "credit_note": 8, "order": 8, "order_confirmation": 7, "delivery_note": 8,
    "quotation": 8, "payment_reminder": 8, "contract": 6, "letter": 7,
}  # fmt: skip
INVOICE_LIKE = {"invoice", "corrected_invoice", "self_billed_invoice", "invoice_information"}
"""Types with the content of an invoice (items, totals, delivery date)."""
ISSUED_BY_BUYER = {"order", "self_billed_invoice"}
"""Types whose letterhead is the buyer's: the seller is the addressee."""
WITH_PRICES = INVOICE_LIKE | {"credit_note", "order", "order_confirmation", "quotation"}
WITH_ITEMS = WITH_PRICES | {"delivery_note"}
LANGUAGES: tuple[str, ...] = ("de", "en", "fr")

# --- text hygiene --------------------------------------------------------------------------------


def winansi(s: str) -> str:
    """Keep ``s`` printable with the standard PDF fonts (cp1252); transliterate the rest."""
    try:
        s.encode("cp1252")
        return s
    except UnicodeEncodeError:
        out = []
        for ch in s:
            try:
                ch.encode("cp1252")
                out.append(ch)
            except UnicodeEncodeError:
                base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
                out.append(base)
        return "".join(out)


def _clean(s: str) -> str:
    return winansi(re.sub(r"\s+", " ", s.replace("\n", " ")).strip())


# --- model ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Address:
    street: str
    postcode: str
    city: str
    country: str  # ISO 3166 alpha-2
    state: str | None = None

    def city_line(self) -> str:
        """The postcode/city line as the country writes it."""
        if self.country == "US":
            return f"{self.city}, {self.state} {self.postcode}"
        if self.country in ("GB", "IE"):
            return f"{self.city} {self.postcode}"
        if self.country == "AU":
            return f"{self.city} {self.state} {self.postcode}"
        if self.country == "IN":
            return f"{self.city} - {self.postcode}"
        if self.country == "SG":
            return f"{self.city} {self.postcode}"
        return f"{self.postcode} {self.city}"

    def to_truth(self) -> dict[str, str]:
        return {
            "street": self.street,
            "postcode": self.postcode,
            "city": self.city,
            "country": self.country,
        }


@dataclass(slots=True)
class Bank:
    name: str
    iban: str | None
    bic: str | None
    account: str | None = None  # US: account and routing number instead of an IBAN
    routing: str | None = None


@dataclass(slots=True)
class Party:
    name: str
    address: Address
    is_company: bool = True
    vat_id: str | None = None
    tax_number: str | None = None
    register: str | None = None  # "HRB 12345"
    court_city: str | None = None
    director: str | None = None
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    bank: Bank | None = None
    contact: str | None = None
    locale: str = "de_DE"
    brand: str | None = None  # a trading name printed as a logo, besides the legal name


@dataclass(slots=True)
class Item:
    line_id: str
    description: str
    seller_item_id: str | None
    quantity: Decimal
    unit: str  # UN/ECE rec 20 code, as in the real truth
    unit_label: str
    unit_price: Decimal
    tax_rate: Decimal
    total: Decimal

    def to_truth(self, with_prices: bool) -> dict[str, object]:
        return {
            "line_id": self.line_id,
            "description": self.description,
            "seller_item_id": self.seller_item_id,
            "quantity": float(self.quantity),
            "unit": self.unit,
            "unit_price_net": float(self.unit_price) if with_prices else None,
            "tax_rate": float(self.tax_rate) if with_prices else None,
            "line_total_net": float(self.total) if with_prices else None,
        }


@dataclass(slots=True)
class Doc:
    """Everything a document says; the layout decides only how it looks."""

    doc_type: str
    language: str
    currency: str
    issuer: Party  # letterhead: the seller, except for orders (the buyer writes those)
    recipient: Party | None  # address window; None on a receipt without a buyer
    number: str | None
    issue_date: dt.date
    due_date: dt.date | None = None
    delivery_date: dt.date | None = None
    valid_until: dt.date | None = None
    start_date: dt.date | None = None
    customer_number: str | None = None
    order_reference: str | None = None
    buyer_reference: str | None = None
    invoice_reference: str | None = None
    invoice_reference_date: dt.date | None = None
    orders: list[str] = field(default_factory=list)  # a collective invoice: several orders ...
    delivery_notes: list[str] = field(default_factory=list)  # ... and their delivery notes
    payment_days: int = 14
    items: list[Item] = field(default_factory=list)
    tax_groups: list[tuple[Decimal, Decimal, Decimal]] = field(default_factory=list)
    total_net: Decimal | None = None
    total_tax: Decimal | None = None
    total_gross: Decimal | None = None
    prepaid: Decimal | None = None
    fee: Decimal | None = None
    amount_due: Decimal | None = None
    reverse_charge: bool = False
    monthly_fee: Decimal | None = None
    service: str | None = None
    subject: str | None = None
    body_keys: list[int] = field(default_factory=list)
    # --- the families' content (classic documents leave these empty) ---
    family: str = "classic"
    extras: list[tuple[str, str]] = field(default_factory=list)  # (lexicon key, printed value)
    ship_to: Party | None = None
    gross_prices: bool = False  # item prices include VAT (shops, hotels, marketplaces)
    tax_kind: str = "vat"  # vat | insurance
    installments: bool = False  # ``prepaid`` are advance payments (a utility bill)
    paid_by: str | None = None  # lexicon key of the payment method: pay.card | pay.cash
    tendered: Decimal | None = None
    change: Decimal | None = None
    time: str | None = None  # the till's time of day on a receipt
    cashier: str | None = None
    debtor_iban: str | None = None  # the buyer's account a direct debit is drawn from
    debtor_masked: bool = True  # printed masked (then it is no truth value)

    @property
    def seller(self) -> Party:
        if self.doc_type in ISSUED_BY_BUYER:
            assert self.recipient is not None, "a document issued by the buyer names the seller"
            return self.recipient
        return self.issuer

    @property
    def buyer(self) -> Party | None:
        return self.issuer if self.doc_type in ISSUED_BY_BUYER else self.recipient


# --- locales -------------------------------------------------------------------------------------

COUNTRY_OF_LOCALE = {
    "de_DE": "DE", "de_AT": "AT", "de_CH": "CH", "en_GB": "GB", "en_US": "US", "fr_FR": "FR",
    "nl_NL": "NL", "en_IN": "IN", "en_SG": "SG", "en_AU": "AU", "en_IE": "IE", "fr_BE": "BE",
}  # fmt: skip

CURRENCY_OF_COUNTRY = {"DE": "EUR", "AT": "EUR", "FR": "EUR", "NL": "EUR", "GB": "GBP",
                       "US": "USD", "CH": "CHF", "IN": "INR", "SG": "SGD", "AU": "AUD",
                       "IE": "EUR", "BE": "EUR"}  # fmt: skip

_FAKER_LOCALE = {"en_SG": "en_GB"}
"""Faker has no Singapore locale: names come from en_GB, the address is drawn here."""

TAX_RATES: dict[str, tuple[Decimal, ...]] = {
    "DE": (Decimal(19), Decimal(7)),
    "AT": (Decimal(20), Decimal(10)),
    "CH": (Decimal("8.1"), Decimal("2.6")),
    "FR": (Decimal(20), Decimal(10), Decimal("5.5")),
    "GB": (Decimal(20), Decimal(5)),
    "NL": (Decimal(21), Decimal(9)),
    "US": (Decimal("8.25"), Decimal(6), Decimal("7.5")),
    "IN": (Decimal(18), Decimal(12), Decimal(5)),
    "SG": (Decimal(9),),
    "AU": (Decimal(10),),
    "IE": (Decimal(23), Decimal("13.5")),
    "BE": (Decimal(21), Decimal(6)),
}
INSURANCE_TAX: dict[str, Decimal] = {"DE": Decimal(19), "AT": Decimal(11), "GB": Decimal(12),
                                     "IE": Decimal(3), "FR": Decimal(9), "BE": Decimal("9.25")}
"""Insurance premium tax rates: premiums carry this tax instead of VAT."""


@cache
def _faker(locale: str) -> Faker:
    return Faker(_FAKER_LOCALE.get(locale, locale))


def faker_for(locale: str, rng: random.Random) -> Faker:
    """A cached Faker re-seeded from ``rng``: building Fakers is slow, seeding is cheap."""
    fk = _faker(locale)
    fk.seed_instance(rng.getrandbits(32))
    return fk


# --- parties -------------------------------------------------------------------------------------

_TRADES = {
    "de": ["Haustechnik", "Elektro", "Metallbau", "Software", "Logistik", "Druckerei",
           "Gebäudereinigung", "Bürobedarf", "Maschinenbau", "Consulting", "IT-Service",
           "Holzbau", "Medientechnik", "Sanitär", "Verpackungen", "Feinkost"],
    "en": ["Engineering", "Software", "Logistics", "Print", "Facilities", "Office Supplies",
           "Consulting", "IT Services", "Manufacturing", "Packaging", "Media", "Electrical"],
    "fr": ["Bâtiment", "Informatique", "Logistique", "Imprimerie", "Conseil", "Emballages",
           "Électricité", "Services"],
}  # fmt: skip
_LEGAL = {
    "DE": ["GmbH", "GmbH", "GmbH", "AG", "GmbH & Co. KG", "KG", "e.K.", "UG (haftungsbeschränkt)"],
    "AT": ["GmbH", "GmbH", "AG", "KG", "OG"],
    "CH": ["AG", "GmbH", "AG", "SA"],
    "GB": ["Ltd", "Ltd", "Limited", "PLC", "LLP"],
    "US": ["Inc.", "LLC", "Corp.", "Inc."],
    "FR": ["SARL", "SAS", "SA", "EURL"],
    "NL": ["B.V.", "B.V.", "N.V."],
    "IN": ["Pvt. Ltd.", "Private Limited", "LLP", "Pvt Ltd"],
    "SG": ["Pte. Ltd.", "Pte Ltd", "Pte. Ltd."],
    "AU": ["Pty Ltd", "Pty. Ltd.", "Pty Limited"],
    "IE": ["Ltd", "Limited", "DAC", "Teoranta"],
    "BE": ["SA", "SRL", "SPRL", "BV"],
}  # fmt: skip
_BANKS = {
    "DE": [("Commerzbank", "COBA"), ("Deutsche Bank", "DEUT"), ("Sparkasse {city}", "SPKA"),
           ("Volksbank {city} eG", "GENO"), ("Postbank", "PBNK"), ("HypoVereinsbank", "HYVE"),
           ("DKB Deutsche Kreditbank", "BYLA"), ("GLS Bank", "GENO")],
    "AT": [("Erste Bank", "GIBA"), ("Raiffeisenbank {city}", "RZOO"), ("Bank Austria", "BKAU")],
    "CH": [("UBS Switzerland AG", "UBSW"), ("PostFinance", "POFI"),
           ("Zürcher Kantonalbank", "ZKBK")],
    "GB": [("Barclays Bank", "BARC"), ("HSBC UK", "HBUK"), ("Lloyds Bank", "LOYD"),
           ("NatWest", "NWBK")],
    "US": [("JPMorgan Chase Bank", "CHAS"), ("Bank of America", "BOFA"), ("Wells Fargo", "WFBI")],
    "FR": [("BNP Paribas", "BNPA"), ("Société Générale", "SOGE"), ("Crédit Agricole", "AGRI"),
           ("LCL", "CRLY")],
    "NL": [("ABN AMRO", "ABNA"), ("ING Bank", "INGB"), ("Rabobank", "RABO")],
    "IN": [("HDFC Bank", "HDFC"), ("ICICI Bank", "ICIC"), ("State Bank of India", "SBIN"),
           ("Axis Bank", "UTIB")],
    "SG": [("DBS Bank", "DBSS"), ("OCBC Bank", "OCBC"), ("UOB", "UOVB")],
    "AU": [("Commonwealth Bank", "CTBA"), ("Westpac", "WPAC"), ("ANZ", "ANZB"), ("NAB", "NATA")],
    "IE": [("Bank of Ireland", "BOFI"), ("AIB", "AIBK"), ("PTSB", "IPBS")],
    "BE": [("BNP Paribas Fortis", "GEBA"), ("KBC", "KRED"), ("Belfius", "GKCC"), ("ING Belgique",
                                                                                  "BBRU")],
}  # fmt: skip
_BBAN_LEN = {"DE": 18, "AT": 16, "CH": 17, "FR": 23, "NL": 14, "GB": 18, "IE": 18, "BE": 12}


def _digits(rng: random.Random, k: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(k))


def make_bank(country: str, city: str, rng: random.Random) -> Bank:
    """A bank account whose IBAN and BIC pass the checks in :mod:`cosy.identifiers`."""
    name, code = rng.choice(_BANKS[country])
    name = name.format(city=city)
    loc = rng.choice(["FF", "MM", "HH", "BE", "2X", "33", "22", "PP", "M1", "DD"])
    bic_country = country
    bic = code + bic_country + loc + rng.choice(["", "", "XXX", _digits(rng, 3)])
    if country == "US":
        return Bank(name, None, bic, account=_digits(rng, rng.choice([9, 10, 12])),
                    routing="0" + _digits(rng, 8))  # fmt: skip
    if country in ("IN", "SG", "AU"):  # no IBAN: account number plus IFSC / branch / BSB code
        routing = {"IN": f"{code}0{_digits(rng, 6)}", "SG": _digits(rng, 3),
                   "AU": f"{_digits(rng, 3)}-{_digits(rng, 3)}"}[country]
        return Bank(name, None, bic, account=_digits(rng, rng.choice([9, 10, 12])),
                    routing=routing)
    if country in ("GB", "NL", "IE"):
        bban = code + _digits(rng, _BBAN_LEN[country] - 4)
    elif country == "CH":
        bban = _digits(rng, 17)
    else:
        bban = _digits(rng, _BBAN_LEN[country])
    return Bank(name, make_iban(country, bban), bic)


def _company_name(fk: Faker, lang: str, country: str, rng: random.Random) -> str:
    legal = rng.choice(_LEGAL[country])
    r = rng.random()
    if r < 0.4:
        return f"{fk.last_name()} {rng.choice(_TRADES[lang])} {legal}"
    if r < 0.6:
        return f"{fk.last_name()} & {fk.last_name()} {legal}"
    if r < 0.75:
        word = rng.choice(_TRADES[lang])
        return f"{fk.city()} {word} {legal}"
    name = fk.company()
    if country not in ("GB", "US") and not any(x in name for x in _LEGAL[country]):
        name = f"{name} {legal}"
    return name


def _address(fk: Faker, country: str) -> Address:
    if country == "US":
        return Address(_clean(fk.street_address()), fk.zipcode(), _clean(fk.city()), "US",
                       fk.state_abbr())  # fmt: skip
    if country == "AU":
        return Address(_clean(fk.street_address()), fk.postcode(), _clean(fk.city()), "AU",
                       fk.state_abbr())  # fmt: skip
    if country == "SG":
        n = fk.random_int(1, 999)
        unit = f"#{fk.random_int(1, 25):02d}-{fk.random_int(1, 99):02d} " \
            if fk.random_int(0, 1) else ""  # fmt: skip
        street = f"{n} {fk.last_name()} {fk.random_element(['Road', 'Street', 'Avenue', 'Drive'])}"
        return Address(_clean(unit + street), f"{fk.random_int(10000, 829999):06d}", "Singapore",
                       "SG")  # fmt: skip
    if country == "IE":
        code = f"{fk.random_element(['D02', 'D04', 'D08', 'T12', 'H91', 'V94', 'A96'])} " \
            f"{fk.bothify('?###', letters='ACDEFHKNPRTVWXY')}"  # fmt: skip
        return Address(_clean(fk.street_address()), code, _clean(fk.city()), "IE")
    return Address(_clean(fk.street_address()), _clean(fk.postcode()), _clean(fk.city()), country)


def _gstin(rng: random.Random) -> str:
    """An Indian GST number: state code, the PAN, entity number, 'Z', a check character."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    pan = "".join(rng.choice(letters) for _ in range(3)) + rng.choice("CFP") + \
        rng.choice(letters) + _digits(rng, 4) + rng.choice(letters)  # fmt: skip
    return f"{rng.randint(1, 37):02d}{pan}{rng.randint(1, 9)}Z{rng.choice(letters + '0123456789')}"


def _abn(rng: random.Random) -> str:
    """An Australian Business Number that passes the ABN checksum, printed '12 345 678 901'."""
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    while True:
        d = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(10)]
        if sum(w * (x - (1 if i == 0 else 0)) for i, (w, x) in
               enumerate(zip(weights, d, strict=True))) % 89 == 0:  # fmt: skip
            s = "".join(map(str, d))
            return f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"


def _tax_ids(country: str, rng: random.Random) -> tuple[str | None, str | None, str | None]:
    """(VAT-like ID, tax number, register) for the countries beyond classic's."""
    if country == "IN":
        gstin = _gstin(rng)
        cin = f"CIN U{_digits(rng, 5)}KA{rng.randint(2005, 2022)}PTC{_digits(rng, 6)}"
        return gstin, gstin[2:12], cin
    if country == "SG":
        uen = f"{rng.randint(1995, 2023)}{_digits(rng, 5)}{rng.choice('CDEGHKMNRWZ')}"
        gst = rng.choice([uen, f"M{rng.randint(2, 9)}-{_digits(rng, 7)}-{rng.randint(0, 9)}"])
        return gst, None, f"UEN {uen}"
    if country == "AU":
        return _abn(rng), None, f"ACN {_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 3)}"
    if country == "IE":
        return make_vat_id("IE", rng), None, f"CRO {_digits(rng, 6)}"
    if country == "BE":
        vat = make_vat_id("BE", rng)
        court = rng.choice(["Bruxelles", "Liège", "Namur"])
        return vat, None, f"RPM {court} {vat[2:6]}.{vat[6:9]}.{vat[9:]}"
    raise ValueError(country)


def _tax_number(country: str, rng: random.Random) -> str | None:
    if country == "DE":
        return rng.choice([f"{_digits(rng, 2)}/{_digits(rng, 3)}/{_digits(rng, 5)}",
                           f"{_digits(rng, 3)}/{_digits(rng, 3)}/{_digits(rng, 5)}"])  # fmt: skip
    if country == "AT":
        return f"{_digits(rng, 2)} {_digits(rng, 3)}/{_digits(rng, 4)}"
    if country == "FR":
        s = rng.choice("123456789") + _digits(rng, 13)
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"
    if country == "US":
        return f"{_digits(rng, 2)}-{_digits(rng, 7)}"
    return None


def make_company(locale: str, lang: str, rng: random.Random, with_bank: bool = True) -> Party:
    """A company with letterhead data: address, contact, register, tax IDs, bank account."""
    country = COUNTRY_OF_LOCALE[locale]
    fk = faker_for(locale, rng)
    name = _clean(_company_name(fk, lang, country, rng))
    address = _address(fk, country)
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", name.split()[0].lower())
                  .encode("ascii", "ignore").decode()).strip("-") or "firma"  # fmt: skip
    tld = {"DE": "de", "AT": "at", "CH": "ch", "GB": "co.uk", "US": "com", "FR": "fr",
           "NL": "nl", "IN": "in", "SG": "com.sg", "AU": "com.au", "IE": "ie",
           "BE": "be"}[country]  # fmt: skip
    if country in ("IN", "SG", "AU", "IE", "BE"):
        vat, tax_number, register = _tax_ids(country, rng)
        return Party(name=name, address=address, vat_id=vat, tax_number=tax_number,
                     register=register, court_city=address.city, director=_clean(fk.name()),
                     phone=_clean(fk.phone_number()),
                     email=f"{rng.choice(['accounts', 'billing', 'info', 'sales'])}@{slug}.{tld}",
                     web=f"www.{slug}.{tld}",
                     bank=make_bank(country, address.city, rng) if with_bank else None,
                     contact=_clean(f"{fk.first_name()} {fk.last_name()}"), locale=locale)
    vat = make_vat_id(country, rng) if country != "US" else None
    if country == "CH":
        vat = f"CHE-{vat[3:6]}.{vat[6:9]}.{vat[9:12]} MWST"
    register = None
    if country in ("DE", "AT"):
        register = rng.choice(["HRB", "HRB", "HRA"]) + f" {rng.randint(1000, 99999)}"
        if country == "AT":
            register = f"FN {rng.randint(10000, 599999)}{rng.choice('abdfgkmpstvwxyz')}"
    elif country == "GB":
        register = f"Company No. {_digits(rng, 8)}"
    elif country == "FR":
        register = f"RCS {address.city} B {_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 3)}"
    return Party(
        name=name,
        address=address,
        vat_id=vat,
        tax_number=_tax_number(country, rng) if rng.random() < 0.8 else None,
        register=register,
        court_city=address.city,
        director=_clean(fk.name()),
        phone=_clean(fk.phone_number()),
        email=f"{rng.choice(['info', 'buchhaltung', 'office', 'kontakt', 'sales', 'billing'])}"
        f"@{slug}.{tld}",
        web=f"www.{slug}.{tld}",
        bank=make_bank(country, address.city, rng) if with_bank else None,
        contact=_clean(f"{fk.first_name()} {fk.last_name()}"),
        locale=locale,
    )


def make_person(locale: str, rng: random.Random) -> Party:
    """A private customer (B2C): name and address only."""
    country = COUNTRY_OF_LOCALE[locale]
    fk = faker_for(locale, rng)
    return Party(name=_clean(f"{fk.first_name()} {fk.last_name()}"), address=_address(fk, country),
                 is_company=False, locale=locale)  # fmt: skip


# --- items ---------------------------------------------------------------------------------------

# (de, en, fr, unit code, low price, high price)
CATALOG: list[tuple[str, str, str, str, float, float]] = [
    ("Beratungsleistung", "Consulting services", "Prestation de conseil", "HUR", 80, 180),
    ("Softwareentwicklung", "Software development", "Développement logiciel", "HUR", 70, 150),
    ("Projektmanagement", "Project management", "Gestion de projet", "HUR", 75, 140),
    ("Installation vor Ort", "On-site installation", "Installation sur site", "HUR", 55, 110),
    ("Anfahrtspauschale", "Call-out charge", "Frais de déplacement", "LS", 25, 95),
    ("Wartungsvertrag Server, monatlich", "Server maintenance, monthly",
     "Maintenance serveur, mensuelle", "MON", 90, 900),
    ("Webhosting Business-Paket", "Business web hosting package", "Hébergement web Pro", "MON",
     9, 60),
    ("Kopierpapier A4, 80 g/m², 500 Blatt", "Copier paper A4, 80 gsm, 500 sheets",
     "Papier A4 80 g, ramette de 500", "PK", 3.5, 7.9),
    ("Toner schwarz, kompatibel", "Black toner cartridge, compatible", "Toner noir compatible",
     "H87", 25, 120),
    ("Laptop 14 Zoll, 16 GB RAM, 512 GB SSD", "14-inch laptop, 16 GB RAM, 512 GB SSD",
     "Ordinateur portable 14 pouces", "H87", 650, 1800),
    ("Monitor 27 Zoll", "27-inch monitor", "Écran 27 pouces", "H87", 160, 520),
    ("USB-C Dockingstation", "USB-C docking station", "Station d'accueil USB-C", "H87", 90, 260),
    ("Netzwerkkabel Cat. 6, 5 m", "Cat 6 network cable, 5 m", "Câble réseau Cat. 6, 5 m", "H87",
     3, 12),
    ("Bürostuhl ergonomisch", "Ergonomic office chair", "Chaise de bureau ergonomique", "H87",
     180, 650),
    ("Schreibtisch höhenverstellbar", "Height-adjustable desk", "Bureau réglable en hauteur",
     "H87", 350, 1200),
    ("Kupferrohr 15 mm", "Copper pipe 15 mm", "Tube cuivre 15 mm", "MTR", 6, 15),
    ("Elektroinstallation Material", "Electrical installation material", "Matériel électrique",
     "LS", 40, 600),
    ("Fliesen 30x60 cm", "Floor tiles 30x60 cm", "Carrelage 30x60 cm", "MTK", 18, 75),
    ("Gebäudereinigung Büroflächen", "Office cleaning", "Nettoyage des bureaux", "MTK", 1.2, 4.5),
    ("Fensterreinigung", "Window cleaning", "Nettoyage des vitres", "LS", 80, 450),
    ("Transport und Lieferung", "Delivery and freight", "Transport et livraison", "LS", 15, 250),
    ("Palette Europalette", "Euro pallet", "Palette Europe", "H87", 12, 28),
    ("Heizöl", "Heating oil", "Fioul domestique", "LTR", 0.9, 1.4),
    ("Diesel", "Diesel fuel", "Gazole", "LTR", 1.4, 1.9),
    ("Kaffeebohnen Espresso, 1 kg", "Espresso coffee beans, 1 kg", "Café en grains, 1 kg",
     "KGM", 14, 32),
    ("Mineralwasser 12 x 1,0 l", "Mineral water 12 x 1.0 l", "Eau minérale 12 x 1,0 l", "C62",
     4, 9),
    ("Schulung Mitarbeiter, Tagessatz", "Staff training, day rate", "Formation, tarif journalier",
     "DAY", 650, 1500),
    ("Lizenz Office-Paket, 1 Jahr", "Office suite licence, 1 year", "Licence bureautique 1 an",
     "H87", 69, 290),
    ("Druck Flyer DIN A5, 1.000 Stück", "Flyer printing A5, 1,000 copies",
     "Impression flyers A5, 1 000 ex.", "SET", 45, 190),
    ("Visitenkarten 250 Stück", "Business cards, 250", "Cartes de visite, 250 ex.", "SET", 19, 59),
    ("Reparatur Heizungsanlage", "Heating system repair", "Réparation chauffage", "HUR", 48, 95),
    ("Ersatzteil Pumpe", "Replacement pump part", "Pièce de rechange pompe", "H87", 35, 420),
    ("Schrauben Edelstahl M6, 100 Stück", "Stainless screws M6, pack of 100",
     "Vis inox M6, boîte de 100", "PK", 6, 19),
    ("Arbeitszeit Geselle", "Labour, journeyman", "Main d'oeuvre compagnon", "HUR", 45, 75),
    ("Entsorgung Altmaterial", "Waste disposal", "Évacuation des déchets", "LS", 30, 180),
    ("Miete Büroräume", "Office rent", "Loyer bureaux", "MON", 800, 4500),
    ("Nebenkostenvorauszahlung", "Service charge advance", "Provision sur charges", "MON",
     120, 650),
    ("Hosting Cloud-Server", "Cloud server hosting", "Hébergement serveur cloud", "MON", 30, 480),
    ("Übersetzung Deutsch-Englisch", "Translation German-English", "Traduction allemand-anglais",
     "C62", 0.12, 0.25),
    ("Fotoproduktion", "Photo production", "Production photo", "DAY", 450, 1400),
]  # fmt: skip

# The families' catalogues: (de, en, fr, unit code, low price, high price, reduced VAT rate).
CATALOGS: dict[str, list[tuple[str, str, str, str, float, float, bool]]] = {
    "insurance": [
        ("Kfz-Haftpflichtversicherung", "Motor third-party liability", "Responsabilité civile auto",
         "LS", 180, 900, False),
        ("Betriebshaftpflichtversicherung", "Public liability insurance",
         "Responsabilité civile professionnelle", "LS", 250, 2400, False),
        ("Inhaltsversicherung Büro", "Office contents insurance", "Multirisque bureaux", "LS",
         120, 1500, False),
        ("Gebäudeversicherung", "Buildings insurance", "Assurance immeuble", "LS", 300, 3200,
         False),
        ("Rechtsschutzversicherung", "Legal expenses insurance", "Protection juridique", "LS",
         90, 700, False),
        ("Cyber-Versicherung", "Cyber insurance", "Assurance cyber-risques", "LS", 400, 4000,
         False),
        ("Transportversicherung", "Goods in transit insurance", "Assurance transport", "LS", 150,
         1800, False),
    ],
    "utility": [
        ("Arbeitspreis Strom", "Electricity unit charge", "Consommation électricité", "KWH",
         0.24, 0.42, False),
        ("Grundpreis", "Standing charge", "Abonnement", "MON", 8, 18, False),
        ("Messstellenbetrieb", "Metering charge", "Frais de comptage", "MON", 1.5, 4, False),
        ("Arbeitspreis Erdgas", "Gas unit charge", "Consommation gaz", "KWH", 0.08, 0.16, False),
        ("Wasserverbrauch", "Water supply charge", "Consommation d'eau", "MTQ", 1.8, 3.6, True),
        ("Abwassergebühr", "Wastewater charge", "Assainissement", "MTQ", 1.5, 3.2, True),
    ],
    "telecom": [
        ("Grundgebühr Mobilfunktarif", "Monthly plan charge", "Forfait mensuel", "MON", 9.99,
         59.99, False),
        ("Datenpaket 10 GB", "Data add-on 10 GB", "Option data 10 Go", "MON", 4.99, 14.99, False),
        ("Verbindungen ins Ausland", "International calls", "Appels vers l'international", "MIN",
         0.09, 0.49, False),
        ("Roaming EU", "Roaming charges", "Frais d'itinérance", "LS", 1.5, 25, False),
        ("Rate Smartphone", "Device instalment", "Échéance terminal", "MON", 15, 45, False),
        ("Internet-Anschluss 100 Mbit/s", "Broadband 100 Mb", "Box internet fibre", "MON",
         29.99, 59.99, False),
        ("Router-Miete", "Router rental", "Location de la box", "MON", 2.99, 6.99, False),
        ("SMS ins Ausland", "International SMS", "SMS internationaux", "C62", 0.09, 0.29, False),
    ],
    "saas": [
        ("Cloud-Server, 2 vCPU / 4 GB", "Cloud server, 2 vCPU / 4 GB RAM",
         "Serveur cloud, 2 vCPU / 4 Go", "MON", 4.5, 48, False),
        ("Managed Hosting Business", "Managed hosting, Business plan",
         "Hébergement infogéré Business", "MON", 19, 149, False),
        ("Domain .com, 1 Jahr", "Domain registration .com, 1 year", "Nom de domaine .com, 1 an",
         "ANN", 9, 19, False),
        ("SSL-Zertifikat", "SSL certificate", "Certificat SSL", "ANN", 19, 199, False),
        ("Team-Plan, je Nutzer", "Team plan, per seat", "Offre Équipe, par utilisateur", "MON",
         6, 39, False),
        ("Zusätzlicher Speicher 100 GB", "Additional storage 100 GB", "Stockage supplémentaire "
         "100 Go", "MON", 1.99, 9.99, False),
        ("Support-Plan Business", "Business support plan", "Support Business", "MON", 49, 499,
         False),
        ("Pro-Abonnement", "Pro subscription", "Abonnement Pro", "MON", 12, 99, False),
        ("Backup-Speicher", "Backup space", "Espace de sauvegarde", "MON", 3, 25, False),
    ],
    "retail": [
        ("Bluetooth-Kopfhörer", "Bluetooth headphones", "Casque Bluetooth", "H87", 19, 249,
         False),
        ("USB-C Ladekabel 2 m", "USB-C charging cable 2 m", "Câble de charge USB-C 2 m", "H87",
         5, 19, False),
        ("Kaffeemaschine", "Coffee maker", "Cafetière", "H87", 39, 299, False),
        ("Laufschuhe", "Running shoes", "Chaussures de course", "H87", 49, 179, False),
        ("Fachbuch Datenbanken", "Book: Database Design", "Livre : Bases de données", "H87", 19,
         59, True),
        ("Smartphone-Hülle", "Phone case", "Coque de téléphone", "H87", 7, 29, False),
        ("Rucksack 20 l", "Backpack 20 l", "Sac à dos 20 l", "H87", 25, 119, False),
        ("Tischlampe LED", "LED desk lamp", "Lampe de bureau LED", "H87", 15, 89, False),
        ("Versandkosten", "Shipping", "Frais de port", "LS", 2.99, 9.99, False),
    ],
    "hotel": [
        ("Übernachtung Doppelzimmer", "Accommodation, double room", "Nuitée chambre double",
         "DAY", 79, 260, True),
        ("Übernachtung Einzelzimmer", "Accommodation, single room", "Nuitée chambre simple",
         "DAY", 65, 190, True),
        ("Frühstück", "Breakfast", "Petit-déjeuner", "C62", 12, 28, False),
        ("Parkplatz", "Parking", "Parking", "DAY", 8, 25, False),
        ("Minibar", "Minibar", "Minibar", "LS", 4, 38, False),
        ("Restaurant", "Restaurant", "Restaurant", "LS", 18, 120, False),
        ("Wäscheservice", "Laundry service", "Blanchisserie", "LS", 9, 45, False),
    ],
    "shop": [
        ("Vollmilch 3,5 % 1 l", "Whole milk 1 l", "Lait entier 1 l", "C62", 0.99, 1.69, True),
        ("Vollkornbrot 500 g", "Wholemeal bread", "Pain complet", "C62", 1.49, 3.99, True),
        ("Bananen", "Bananas", "Bananes", "KGM", 1.19, 2.49, True),
        ("Kaffee gemahlen 500 g", "Ground coffee 500 g", "Café moulu 500 g", "C62", 4.49, 9.99,
         True),
        ("Mineralwasser 1,5 l", "Mineral water 1.5 l", "Eau minérale 1,5 l", "C62", 0.39, 0.99,
         True),
        ("Spülmittel", "Washing-up liquid", "Liquide vaisselle", "C62", 0.95, 2.95, False),
        ("Batterien AA 4er", "AA batteries, 4 pack", "Piles AA x4", "C62", 2.99, 7.99, False),
        ("Croissant", "Croissant", "Croissant", "C62", 0.8, 1.9, True),
        ("Cappuccino", "Cappuccino", "Cappuccino", "C62", 2.5, 4.9, False),
        ("Schreibblock A4", "A4 notepad", "Bloc-notes A4", "C62", 1.29, 4.99, False),
        ("Schrauben 4x40, 100 Stk", "Wood screws 4x40, 100", "Vis 4x40, boîte de 100", "PK",
         2.49, 6.99, False),
        ("Tomaten", "Tomatoes", "Tomates", "KGM", 1.99, 4.49, True),
        ("Käse Gouda", "Gouda cheese", "Fromage gouda", "C62", 1.99, 4.99, True),
        ("Tankfüllung Super E10", "Unleaded petrol", "Sans plomb 95", "LTR", 1.55, 1.95, False),
    ],
}  # fmt: skip

UNIT_LABELS: dict[str, dict[str, list[str]]] = {
    "de": {"H87": ["Stk", "Stück", "St."], "HUR": ["Std.", "h", "Stunden"], "DAY": ["Tag", "PT"],
           "KGM": ["kg"], "MTR": ["m", "lfm"], "MTK": ["m²", "qm"], "LTR": ["l", "Liter"],
           "C62": ["Stk", "Einh."], "MON": ["Monat", "Mon."], "LS": ["psch.", "pauschal"],
           "SET": ["Set", "Satz"], "PK": ["Pkg.", "Pack"], "KWH": ["kWh"], "MTQ": ["m³", "cbm"],
           "MIN": ["Min.", "min"], "ANN": ["Jahr", "J."]},
    "en": {"H87": ["pcs", "pc", "ea"], "HUR": ["hrs", "h", "hours"], "DAY": ["days", "day"],
           "KGM": ["kg"], "MTR": ["m"], "MTK": ["m²", "sqm"], "LTR": ["l", "litres"],
           "C62": ["unit", "units"], "MON": ["month", "mo"], "LS": ["lump sum", "flat"],
           "SET": ["set"], "PK": ["pack", "pk"], "KWH": ["kWh"], "MTQ": ["m³"],
           "MIN": ["min", "mins"], "ANN": ["year", "yr"]},
    "fr": {"H87": ["pce", "u."], "HUR": ["h", "heures"], "DAY": ["jour", "j"], "KGM": ["kg"],
           "MTR": ["m", "ml"], "MTK": ["m²"], "LTR": ["l"], "C62": ["u."], "MON": ["mois"],
           "LS": ["forfait"], "SET": ["lot"], "PK": ["paquet"], "KWH": ["kWh"], "MTQ": ["m³"],
           "MIN": ["min"], "ANN": ["an"]},
}  # fmt: skip
_LANG_INDEX = {"de": 0, "en": 1, "fr": 2}


def make_items(lang: str, country: str, n: int, rng: random.Random, with_prices: bool,
               unit_choice: dict[str, str],
               catalog: list[tuple[str, str, str, str, float, float, bool]] | None = None,
               rates: tuple[Decimal, ...] | None = None) -> list[Item]:  # fmt: skip
    """``n`` line items with exact cent totals; mostly the standard tax rate, some reduced.

    A family's ``catalog`` says per entry whether it carries the reduced rate (food, books,
    water, hotel nights); ``rates`` replaces the country's VAT rates (insurance tax)."""
    rates = rates or TAX_RATES[country]
    multi_rate = rng.random() < 0.2 and len(rates) > 1
    sku_style = rng.choice(["num", "alpha", "dash", "none"])
    items: list[Item] = []
    for i in range(n):
        entry = rng.choice(catalog or CATALOG)
        desc = entry[_LANG_INDEX[lang]]
        code = entry[3]
        lo, hi = entry[4], entry[5]
        if catalog is not None and code in ("DAY", "MON", "ANN"):
            qty = Decimal(rng.randint(1, 6) if code == "DAY"
                          else rng.choice([1, 1, 1, 1, 2, 3, 12]))
        elif code in ("HUR", "DAY"):
            qty = Decimal(rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24])) + (
                Decimal("0.5") if rng.random() < 0.25 else Decimal(0)
            )
        elif code in ("MTR", "MTK", "LTR", "KGM"):
            qty = Decimal(str(round(rng.uniform(1, 400), rng.choice([0, 1, 2]))))
        elif code == "C62" and hi < 1:
            qty = Decimal(rng.randint(300, 9000))
        elif code in ("KWH", "MIN", "MTQ"):
            low, high = {"KWH": (300, 6000), "MIN": (5, 400), "MTQ": (20, 300)}[code]
            qty = Decimal(rng.randint(low, high))
        elif code == "LS" and catalog is not None:
            qty = Decimal(1)
        else:
            qty = Decimal(rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 10, 12, 20, 25, 50, 100]))
        price = money(rng.uniform(lo, hi))
        if price >= 100 and rng.random() < 0.5:
            price = money(round(float(price), -1) - (1 if rng.random() < 0.3 else 0))
        price = max(price, Decimal("0.01"))
        if len(entry) > 6:  # a family catalogue: the entry decides its rate
            rate = rates[1] if entry[6] and len(rates) > 1 else rates[0]
        else:
            rate = rates[1] if multi_rate and rng.random() < 0.35 else rates[0]
        if sku_style == "num":
            sku = _digits(rng, rng.choice([5, 6, 8]))
        elif sku_style == "alpha":
            sku = "".join(rng.choice("ABCDEFGHKLMNPRSTUVWXZ") for _ in range(2)) + _digits(rng, 4)
        elif sku_style == "dash":
            sku = f"{_digits(rng, 3)}-{_digits(rng, 3)}"
        else:
            sku = None
        unit_label = unit_choice.setdefault(code, rng.choice(UNIT_LABELS[lang][code]))
        items.append(
            Item(
                line_id=str(i + 1),
                description=desc,
                seller_item_id=sku,
                quantity=qty,
                unit=code,
                unit_label=unit_label,
                unit_price=price,
                tax_rate=rate,
                total=money(qty * price),
            )
        )
    return items


def tax_groups(items: list[Item], reverse_charge: bool) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, base, tax) per rate, tax rounded per group as EN 16931 does."""
    groups: dict[Decimal, Decimal] = {}
    for it in items:
        groups[it.tax_rate] = groups.get(it.tax_rate, Decimal(0)) + it.total
    if reverse_charge:
        base = sum(groups.values(), Decimal(0))
        return [(Decimal(0), money(base), Decimal("0.00"))]
    return [(r, money(b), money(b * r / 100)) for r, b in sorted(groups.items(), reverse=True)]


def doc_number(doc_type: str, lang: str, year: int, rng: random.Random) -> str:
    """Document numbers in the shapes seen in the wild: RE-2024-0042, 471102, INV/2024/113 …"""
    prefix = {
        "invoice": {"de": ["RE", "R", "RG"], "en": ["INV", "IN"], "fr": ["FA", "F"]},
        "credit_note": {"de": ["GS", "G"], "en": ["CN", "CR"], "fr": ["AV"]},
        "corrected_invoice": {"de": ["RK", "KR"], "en": ["CI", "INV"], "fr": ["FR", "FA"]},
        "self_billed_invoice": {"de": ["GS", "SB"], "en": ["SB", "SBI"], "fr": ["AF"]},
        "invoice_information": {"de": ["RE", "BH"], "en": ["INV", "II"], "fr": ["FA", "IF"]},
        "order": {"de": ["BE", "B"], "en": ["PO"], "fr": ["BC", "CMD"]},
        "order_confirmation": {"de": ["AB"], "en": ["SO", "OC"], "fr": ["CC"]},
        "delivery_note": {"de": ["LS", "L"], "en": ["DN", "DEL"], "fr": ["BL"]},
        "quotation": {"de": ["AN", "ANG"], "en": ["Q", "QU", "EST"], "fr": ["DV", "D"]},
        "payment_reminder": {"de": ["MA", "M"], "en": ["REM"], "fr": ["REL"]},
        "contract": {"de": ["V", "VT"], "en": ["AGR", "C"], "fr": ["CT"]},
    }[doc_type][lang]
    p = rng.choice(prefix)
    shape = rng.randrange(6)
    if shape == 0:
        return f"{p}-{year}-{rng.randint(1, 9999):04d}"
    if shape == 1:
        return f"{rng.randint(100000, 999999)}"
    if shape == 2:
        return f"{p}{year % 100:02d}{rng.randint(1, 99999):05d}"
    if shape == 3:
        return f"{p}/{year}/{rng.randint(1, 999):03d}"
    if shape == 4:
        return f"{year}-{rng.randint(1, 9999):04d}"
    return f"{p} {rng.randint(10000, 99999)}"
