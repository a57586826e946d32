"""The mapping file: what only the customer knows (docs/sap.md has a commented example).

Which organisation is the tenant's own company (so that the others become suppliers and
customers), its company code, the BP grouping and roles, number ranges, reconciliation and
offsetting accounts, payment terms and tax codes, tax number categories, the open-item window,
and constant values for template fields COSY cannot know. Every key has a default except the
own company, without which there is no telling suppliers from customers.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cosy.identifiers import normalize_identifier
from cosy.steps.graph.build import fold


class MappingError(ValueError):
    """The mapping file is missing, unreadable or says something impossible."""


@dataclass
class Mapping:
    own_vat_ids: set[str] = field(default_factory=set)
    own_names: set[str] = field(default_factory=set)  # folded
    home_country: str = ""  # of addresses that print no country (domestic mail)
    company_code: str = "1010"
    grouping: dict[str, str] = field(default_factory=lambda: {"supplier": "BP02",
                                                               "customer": "BP02"})
    roles: dict[str, list[str]] = field(default_factory=lambda: {
        "supplier": ["FLVN00", "FLVN01"], "customer": ["FLCU00", "FLCU01"]})
    prefix: dict[str, str] = field(default_factory=lambda: {"supplier": "S", "customer": "C"})
    number_start: int = 0  # 0: stable keys from the entity; N: consecutive numbers from N
    reconciliation: dict[str, str] = field(default_factory=lambda: {"supplier": "",
                                                                     "customer": ""})
    offsetting_account: str = ""
    document_type: dict[str, str] = field(default_factory=lambda: {"supplier": "KR",
                                                                    "customer": "DR"})
    payment_terms: dict[int, str] = field(default_factory=dict)  # days -> ZTERM
    tax_codes: dict[str, str] = field(default_factory=dict)  # "input.19" -> MWSKZ
    vat_category: str = "{country}0"
    tax_number_category: dict[str, str] = field(default_factory=lambda: {"DE": "DE1"})
    since: dt.date | None = None
    cutoff: dt.date | None = None
    posting_date: dt.date | None = None
    paid: set[str] = field(default_factory=set)  # invoice numbers known to be paid
    constants: dict[str, dict[str, str]] = field(default_factory=dict)  # structure -> field
    csv_delimiter: str = ","

    @property
    def configured(self) -> bool:
        return bool(self.own_vat_ids or self.own_names)

    def payment_term(self, days: int | None) -> str:
        return self.payment_terms.get(days, "") if days is not None else ""

    def tax_code(self, direction: str, rate: Decimal | None, category: str | None) -> str:
        """MWSKZ for one VAT rate ("input.19") or category ("input.AE"), else empty."""
        keys = []
        if rate is not None:
            keys.append(f"{direction}.{rate.normalize():f}")
        if category:
            keys.append(f"{direction}.{category}")
        return next((self.tax_codes[k] for k in keys if k in self.tax_codes), "")


def load_mapping(path: Path | None) -> Mapping:
    """The mapping at ``path`` (defaults where it is silent), or the defaults alone."""
    m = Mapping()
    if path is None:
        return m
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: no such mapping file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise MappingError(f"{path}: not a readable TOML file ({err})") from None
    try:
        _apply(m, raw)
    except (TypeError, ValueError, InvalidOperation, AttributeError) as err:
        raise MappingError(f"{path}: {err}") from None
    return m


def _apply(m: Mapping, raw: dict[str, Any]) -> None:
    company = raw.get("company", {})
    m.own_vat_ids = {normalize_identifier(v) for v in company.get("vat_ids", [])}
    m.own_names = {fold(n) for n in company.get("names", [])}
    if company.get("name"):
        m.own_names.add(fold(company["name"]))
    m.home_country = str(company.get("country", "")).upper()
    m.company_code = str(company.get("company_code", m.company_code))
    bp = raw.get("business_partner", {})
    for role in ("supplier", "customer"):
        m.grouping[role] = str(bp.get(f"{role}_grouping", m.grouping[role]))
        m.roles[role] = [str(r) for r in bp.get(f"{role}_roles", m.roles[role])]
        m.prefix[role] = str(bp.get(f"{role}_prefix", m.prefix[role]))
    m.number_start = int(bp.get("number_start", 0))
    accounts = raw.get("accounts", {})
    for role in ("supplier", "customer"):
        m.reconciliation[role] = str(accounts.get(f"{role}_reconciliation", ""))
    m.offsetting_account = str(accounts.get("offsetting", ""))
    m.payment_terms = {int(days): str(key) for days, key in raw.get("payment_terms", {}).items()}
    m.tax_codes = {str(k): str(v) for k, v in raw.get("tax_codes", {}).items()}
    cats = raw.get("tax_categories", {})
    m.vat_category = str(cats.get("vat_id", m.vat_category))
    m.tax_number_category = {str(k).upper(): str(v) for k, v in
                             cats.get("tax_number", m.tax_number_category).items()}
    items = raw.get("open_items", {})
    m.since, m.cutoff, m.posting_date = (_date(items.get(k)) for k in ("since", "cutoff",
                                                                       "posting_date"))
    for role in ("supplier", "customer"):
        m.document_type[role] = str(items.get(f"{role}_document_type", m.document_type[role]))
    m.paid = {str(n) for n in items.get("paid", [])}
    m.constants = {str(s): {str(f): str(v) for f, v in fields.items()}
                   for s, fields in raw.get("fields", {}).items()}
    m.csv_delimiter = str(raw.get("output", {}).get("csv_delimiter", m.csv_delimiter))
    if len(m.csv_delimiter) != 1:
        raise ValueError("output.csv_delimiter must be one character")


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
