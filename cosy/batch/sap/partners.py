"""Business partners from the tenant's graph: organisations that issue documents to the own
company are suppliers, those it bills are customers; one partner per resolved entity.

Each attribute (name, address, VAT ID, tax number, phone, e-mail, bank account) is chosen by
evidence (:mod:`cosy.batch.sap.evidence`); every variant not chosen, and every VAT ID that fails
its check digits, is a conflict listing the documents behind it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cosy.batch.sap.evidence import Variant, conflict, variants
from cosy.batch.sap.graph import Stated, TenantGraph
from cosy.batch.sap.mapping import Mapping
from cosy.batch.sap.structures import CUSTOMER, SUPPLIER, MigrationObject
from cosy.batch.sap.values import Record, Value, chosen, mapped
from cosy.domain import stable_id
from cosy.identifiers import iban_is_valid, normalize_identifier, vat_id_is_valid
from cosy.steps.graph.build import fold

ROLE_OBJECTS = {"supplier": SUPPLIER, "customer": CUSTOMER}
NAME_LEN = 40


class OwnCompanyError(ValueError):
    """The mapping names no own company, or none that the graph knows."""


@dataclass
class Partner:
    entity: str
    role: str  # supplier | customer
    docs: set[str]  # documents between it and the own company in this role
    key: str = ""  # LIFNR / KUNNR
    name: str = ""
    records: dict[str, list[Record]] = field(default_factory=dict)  # structure -> rows
    conflicts: list[dict[str, Any]] = field(default_factory=list)


def own_company(g: TenantGraph, m: Mapping) -> set[str]:
    """Organisation entities that are the tenant's own company (by VAT ID or folded name)."""
    if not m.configured:
        raise OwnCompanyError("the mapping names no own company: add [company] vat_ids = [...] "
                              "or names = [...]" + _candidates(g))
    own = set()
    for org, values in g.org_values.items():
        vats = {normalize_identifier(s.value) for s in values.get("vat_id", [])}
        names = {fold(s.value) for s in values.get("name", [])} | {fold(g.org_labels.get(org,
                                                                                         ""))}
        if vats & m.own_vat_ids or names & m.own_names:
            own.add(org)
    if not own:
        raise OwnCompanyError("no organisation of the tenant matches the own company of the "
                              "mapping" + _candidates(g))
    return own


def _candidates(g: TenantGraph) -> str:
    """The organisations named in most documents: the own company is usually the first."""
    seen: Counter[str] = Counter()
    for d in g.docs.values():
        seen.update(x for x in (d.provider, d.customer) if x)
    top = [f"{g.org_labels.get(o, o)} ({n} documents)" for o, n in seen.most_common(3)]
    return f"; the organisations in most documents: {', '.join(top)}" if top else ""


def find_partners(g: TenantGraph, own: set[str]) -> list[Partner]:
    """Suppliers (they issue to the own company) and customers (it bills them)."""
    docs: dict[tuple[str, str], set[str]] = {}
    for d in g.docs.values():
        if d.customer in own and d.provider and d.provider not in own:
            docs.setdefault(("supplier", d.provider), set()).add(d.id)
        if d.provider in own and d.customer and d.customer not in own:
            docs.setdefault(("customer", d.customer), set()).add(d.id)
    return [Partner(org, role, ds) for (role, org), ds in sorted(docs.items())]


def build(g: TenantGraph, m: Mapping, partners: list[Partner]) -> None:
    """Give each partner its key and fill its structures' rows and conflicts."""
    for role in ("supplier", "customer"):
        mine = sorted((p for p in partners if p.role == role),
                      key=lambda p: (fold(g.org_labels.get(p.entity, "")), p.entity))
        for n, p in enumerate(mine):
            p.key = (f"{m.prefix[role]}{m.number_start + n}" if m.number_start else
                     f"{m.prefix[role]}{stable_id(p.entity, size=9).upper()}")
            _fill(g, m, p, ROLE_OBJECTS[role])


def _fill(g: TenantGraph, m: Mapping, p: Partner, obj: MigrationObject) -> None:
    values = g.org_values.get(p.entity, {})
    gen, roles, tax, bank, company = (s.name for s in obj.structures)
    pk = obj.partner_field
    key = Value(p.key, [], "COSY key of the partner (mapping: business_partner)")
    names = _choose(p, "name", variants(values.get("name", []), g, fold), g)
    p.name = names.value if names else g.org_labels.get(p.entity, "")
    name1, name2 = split_name(p.name)
    vs = variants(values.get("vat_id", []), g, normalize_identifier, normalize_identifier)
    for v in vs:
        v.valid = vat_id_is_valid(v.value)
    vat = _choose(p, "vat_id", vs, g, kind="invalid_check_digits")
    address = _address(g, m, p, vat)
    row: Record = {
        pk: key,
        "BU_GROUP": mapped(m.grouping[p.role], f"business_partner.{p.role}_grouping"),
        "NAME1": chosen(names, _total(names), name1) if names else Value(name1),
        "NAME2": Value(name2, names.stated if names else [], "the name's rest past "
                       f"{NAME_LEN} characters") if name2 else Value(""),
        "SORT1": Value(search_term(p.name, values.get("legal_form", [])),
                       names.stated if names else [], "derived from the name"),
        **address,
        "REGION": Value(""),
        "LANGU": _language(g, p),
        "TEL_NUMBER": _simple(p, "phone", values, g, lambda v: re.sub(r"\D", "", v)),
        "SMTP_ADDR": _simple(p, "email", values, g, str.casefold),
    }
    p.records[gen] = [row]
    p.records[roles] = [{pk: key, "BP_ROLE": mapped(r, f"business_partner.{p.role}_roles")}
                        for r in m.roles[p.role]]
    p.records[tax] = _tax_numbers(g, m, p, values, key, pk, row["COUNTRY"].value,
                                  (vat, _total_of(vs)))
    p.records[bank] = _bank(g, p, key, pk)
    p.records[company] = [{
        pk: key, "BUKRS": mapped(m.company_code, "company.company_code"),
        "AKONT": mapped(m.reconciliation[p.role], f"accounts.{p.role}_reconciliation"),
        "ZTERM": _payment_terms(g, m, p),
    }]


def _total(v: Variant | None) -> int:
    return len(v.docs) if v else 0


def _choose(p: Partner, attribute: str, vs: list[Variant], g: TenantGraph,
            kind: str = "variants") -> Variant | None:
    """The best valid variant; a conflict when there is more than one, or an invalid one."""
    best = next((v for v in vs if v.valid), None)
    if len(vs) > 1 or (vs and not vs[0].valid):
        c = conflict(attribute, vs, g, best, kind if any(not v.valid for v in vs) else "variants")
        if best is not None:
            c["why"] = best.why(len({d for v in vs for d in v.docs}))
        p.conflicts.append(c)
    return best


def _simple(p: Partner, attribute: str, values: dict[str, list[Stated]], g: TenantGraph,
            key: Any) -> Value:
    vs = variants(values.get(attribute, []), g, key)
    best = _choose(p, attribute, vs, g)
    return chosen(best, len({d for v in vs for d in v.docs}))


def split_name(name: str) -> tuple[str, str]:
    """NAME1 and NAME2: a name longer than a field continues in the next, cut between words."""
    if len(name) <= NAME_LEN:
        return name, ""
    cut = name.rfind(" ", 0, NAME_LEN + 1)
    cut = cut if cut > 0 else NAME_LEN
    return name[:cut].rstrip(), name[cut:].strip()


def search_term(name: str, legal_forms: list[Stated]) -> str:
    """SORT1: the name in capitals without its legal form, at most 20 characters."""
    base = name
    for form in sorted({s.value for s in legal_forms}, key=len, reverse=True):
        if form and base.casefold().endswith(form.casefold()):
            base = base[: -len(form)]
            break
    return " ".join(re.sub(r"[^\w&]+", " ", base).split()).upper()[:20].rstrip()


_LEADING_NO = re.compile(r"^(\d+\s?[a-zA-Z]?(?:\s?[-/]\s?\d+[a-zA-Z]?)?),?\s+(\D.*)$")
_TRAILING_NO = re.compile(r"^(.*?\D)\s*(\d+\s?[a-zA-Z]?(?:\s?[-/]\s?\d+\s?[a-zA-Z]?)?)$")


def split_street(street: str) -> tuple[str, str]:
    """(street, house number): 'Hauptstraße 12a' and '12 High Street' both split."""
    s = " ".join(street.split())
    if m := _TRAILING_NO.match(s):
        return m.group(1).rstrip(" ,"), m.group(2).replace(" ", "")
    if m := _LEADING_NO.match(s):
        return m.group(2), m.group(1).replace(" ", "")
    return s, ""


ADDRESS_KEYS = ("street", "postal_code", "city", "country")


def _address(g: TenantGraph, m: Mapping, p: Partner, vat: Variant | None) -> Record:
    """STREET, HOUSE_NUM1, POST_CODE1, CITY1, COUNTRY of the chosen address. An address that
    prints no country is in the country of the partner's VAT ID, else (a domestic letter) in
    the own company's (mapping: company.country)."""
    stated = []
    for node, link in g.org_addresses.get(p.entity, []):
        by_doc = g.address_parts.get(node, {})
        parts = by_doc.get(link.doc) or next(iter(by_doc.values()), {})
        text = "|".join(parts[k].value if k in parts else "" for k in ADDRESS_KEYS)
        stated.append(Stated(text, link.doc, link.page, link.confidence, link.source))
    vs = variants(stated, g, _address_key, lambda t: dict(zip(ADDRESS_KEYS, t.split("|"),
                                                              strict=True)))
    best = _choose(p, "address", vs, g)
    if best is None:
        return {k: Value("") for k in ("STREET", "HOUSE_NUM1", "POST_CODE1", "CITY1", "COUNTRY")}
    a, total, why = best.value, len({d for v in vs for d in v.docs}), best.why
    street, number = split_street(a["street"])
    if a["country"]:
        country = Value(a["country"], best.stated, why(total))
    elif vat is not None:
        country = Value(vat_country(vat.value), vat.stated, "no country printed: the country "
                        "of the partner's VAT ID")
    elif m.home_country:
        country = Value(m.home_country, best.stated, "no country printed and no VAT ID: a "
                        "domestic address, the own company's country (mapping: "
                        "company.country)")
    else:
        country = Value("")
    return {"STREET": Value(street, best.stated, why(total)),
            "HOUSE_NUM1": Value(number, best.stated, why(total)),
            "POST_CODE1": Value(a["postal_code"], best.stated, why(total)),
            "CITY1": Value(a["city"], best.stated, why(total)), "COUNTRY": country}


def _address_key(text: str) -> str:
    street, postcode, city, _country = text.split("|")
    return "|".join((fold(postcode), fold(city), fold(street))) if any(
        (street, postcode, city)) else ""


def most_common(g: TenantGraph, by_doc: dict[str, Any]) -> tuple[Any, int] | None:
    """The value most documents have, the newest document deciding a tie; with its count."""
    if not by_doc:
        return None
    counts = Counter(by_doc.values())
    newest = {}
    for doc, v in sorted(by_doc.items(), key=lambda kv: (g.docs[kv[0]].issued, kv[0])):
        newest[v] = g.docs[doc].issued
    best = max(counts, key=lambda v: (counts[v], newest[v], str(v)))
    return best, counts[best]


def _language(g: TenantGraph, p: Partner) -> Value:
    """The language most of the partner's documents are written in."""
    found = most_common(g, {d: g.docs[d].language for d in p.docs if g.docs[d].language})
    if found is None:
        return Value("")
    lang, n = found
    return Value(lang.upper(), [], f"language of {n} of {len(p.docs)} documents")


def vat_country(vat: str) -> str:
    """ISO country of a VAT ID (Greece prints EL, Switzerland CHE)."""
    cc = vat[:2]
    return {"EL": "GR"}.get(cc, cc)


def _tax_numbers(g: TenantGraph, m: Mapping, p: Partner, values: dict[str, list[Stated]],
                 key: Value, pk: str, country: str,
                 vat_total: tuple[Variant | None, int]) -> list[Record]:
    rows = []
    vat, total = vat_total
    if vat is not None:
        category = m.vat_category.format(country=vat_country(vat.value))
        rows.append({pk: key, "TAXTYPE": Value(category, [], "mapping: tax_categories.vat_id"),
                     "TAXNUM": chosen(vat, total)})
    ts = variants(values.get("tax_number", []), g, lambda v: re.sub(r"\W", "", v))
    tax = _choose(p, "tax_number", ts, g)
    category = m.tax_number_category.get(country, "")
    if tax is not None and category:
        rows.append({pk: key, "TAXTYPE": Value(category, [], "mapping: "
                                               f"tax_categories.tax_number.{country}"),
                     "TAXNUM": chosen(tax, _total_of(ts))})
    elif tax is not None:
        p.conflicts.append({"attribute": "tax_number", "kind": "no_category",
                            "chosen": None, "variants": [], "why": f"a tax number but no "
                            f"category for country {country or '(unknown)'} in the mapping "
                            "(tax_categories.tax_number): not exported"})
    return rows


def _total_of(vs: list[Variant]) -> int:
    return len({d for v in vs for d in v.docs})


def _bank(g: TenantGraph, p: Partner, key: Value, pk: str) -> list[Record]:
    """The account the partner holds by most evidence; other accounts are conflicts."""
    stated = []
    for acct, link in g.holders.get(p.entity, []):
        for iban in g.account_values.get(acct, {}).get("iban", [])[:1]:
            stated.append(Stated(iban.value, link.doc, link.page, link.confidence, link.source))
    vs = variants(stated, g, normalize_identifier, normalize_identifier)
    for v in vs:
        v.valid = iban_is_valid(v.value)
    best = _choose(p, "iban", vs, g, kind="invalid_check_digits")
    if best is None:
        return []
    total = _total_of(vs)
    iban = best.value
    bank_key, account = bank_key_and_account(iban)
    accounts = {acct for acct, _ in g.holders.get(p.entity, [])
                if any(normalize_identifier(s.value) == iban
                       for s in g.account_values.get(acct, {}).get("iban", []))}
    bic = [s for acct in accounts for s in g.account_values[acct].get("bic", [])]
    bics = variants(bic, g, normalize_identifier, normalize_identifier)
    swift = _choose(p, "bic", bics, g)
    derived = "derived from the IBAN"
    return [{pk: key, "BKVID": Value("0001", [], "first bank details of the partner"),
             "BANKS": Value(iban[:2], best.stated, derived),
             "BANKL": Value(bank_key, best.stated, derived) if bank_key else Value(""),
             "BANKN": Value(account, best.stated, derived) if account else Value(""),
             "IBAN": chosen(best, total),
             "SWIFT": chosen(swift, _total_of(bics)),
             "KOINH": Value(p.name, best.stated, "the partner: the documents name it as the "
                            "holder of this account")}]


BBAN_PARTS = {  # country: (bank key slice, account slice) within the IBAN
    "DE": (slice(4, 12), slice(12, 22)),
    "AT": (slice(4, 9), slice(9, 20)),
    "CH": (slice(4, 9), slice(9, 21)),
    "NL": (slice(4, 8), slice(8, 18)),
    "GB": (slice(8, 14), slice(14, 22)),
}
"""Where bank key and account number sit in an IBAN (the national BBAN layouts SAP uses for
BANKL/BANKN); other countries are exported by IBAN alone, which SAP accepts."""


def bank_key_and_account(iban: str) -> tuple[str, str]:
    parts = BBAN_PARTS.get(iban[:2])
    return (iban[parts[0]], iban[parts[1]]) if parts else ("", "")


def _payment_terms(g: TenantGraph, m: Mapping, p: Partner) -> Value:
    """ZTERM for the payment days most of the partner's documents grant."""
    days: dict[str, int] = {}
    stated: dict[int, list[Stated]] = {}
    for doc in sorted(p.docs):
        n, s = payment_days(g, doc)
        if n is not None:
            days[doc] = n
            stated.setdefault(n, []).extend(s)
    found = most_common(g, days)
    if found is None:
        return Value("")
    n, count = found
    key = m.payment_term(n)
    note = (f"{n} days in {count} of {len(p.docs)} documents (mapping: payment_terms)" if key
            else f"{n} days in {count} documents, but no payment_terms key for {n} days in "
            "the mapping")
    return Value(key, stated[n], note)


def payment_days(g: TenantGraph, doc: str) -> tuple[int | None, list[Stated]]:
    """Net days to pay a document grants: due date minus issue date where both are printed
    (a "Zahlbar bis" date is unambiguous), else the days its payment terms state."""
    f = g.docs[doc].fields
    if "due_date" in f and "issue_date" in f:
        try:
            delta = (dt.date.fromisoformat(f["due_date"].value)
                     - dt.date.fromisoformat(f["issue_date"].value)).days
        except ValueError:
            delta = -1
        if delta >= 0:
            return delta, [f["due_date"], f["issue_date"]]
    if "payment_days" in f and f["payment_days"].value.isdigit():
        return int(f["payment_days"].value), [f["payment_days"]]
    return None, []
