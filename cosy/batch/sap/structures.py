"""The Migration Cockpit structures COSY fills, as used when no template is given (XLSX, CSV).

Structure and field names follow the SAP S/4HANA Migration Cockpit's migration objects
"Supplier", "Customer", "FI - Accounts payable open item" and "FI - Accounts receivable open
item" (file/staging templates of S/4HANA 2020 and later); lengths are those of the ABAP
Dictionary fields behind them. docs/sap.md says where each fact comes from and which are not
confirmed by public material. With ``--template`` the customer's own template decides instead:
its Field List names the structures, fields, lengths and mandatory fields of their release.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str  # technical name, as in the template's hidden field-name row
    description: str
    length: int
    mandatory: bool = False
    kind: str = "text"  # text | date | amount


@dataclass(frozen=True)
class Structure:
    name: str
    description: str
    fields: tuple[Field, ...]
    mandatory: bool = False

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class MigrationObject:
    key: str  # file names: supplier, customer, ap_open_items, ar_open_items
    name: str  # the Migration Cockpit's object name
    partner_field: str  # LIFNR or KUNNR: the key every structure repeats
    structures: tuple[Structure, ...]

    def structure(self, name: str) -> Structure | None:
        return next((s for s in self.structures if s.name == name), None)


def _general(key: str, what: str) -> tuple[Field, ...]:
    return (
        Field(key, what, 10, True),
        Field("BU_GROUP", "Grouping", 4, True),
        Field("NAME1", "Name of Organization 1", 40, True),
        Field("NAME2", "Name of Organization 2", 40),
        Field("SORT1", "Search Term 1", 20, True),
        Field("STREET", "Street", 60),
        Field("HOUSE_NUM1", "House Number", 10),
        Field("POST_CODE1", "Postal Code", 10),
        Field("CITY1", "City", 40),
        Field("COUNTRY", "Country", 3, True),
        Field("REGION", "Region", 3),
        Field("LANGU", "Language Key", 2, True),
        Field("TEL_NUMBER", "Telephone", 30),
        Field("SMTP_ADDR", "E-Mail Address", 241),
    )


def _bank(key: str) -> tuple[Field, ...]:
    return (
        Field(key, "Business Partner", 10, True),
        Field("BKVID", "Bank Details ID", 4, True),
        Field("BANKS", "Bank Country", 3, True),
        Field("BANKL", "Bank Key", 15),
        Field("BANKN", "Bank Account", 18),
        Field("IBAN", "IBAN", 34),
        Field("SWIFT", "SWIFT/BIC", 11),
        Field("KOINH", "Account Holder", 60),
    )


def _partner(key: str, name: str, pk: str, gen: str, tax: str, bank: str, company: str,
             what: str) -> MigrationObject:
    return MigrationObject(key, name, pk, (
        Structure(gen, "General Data", _general(pk, what), True),
        Structure("S_ROLES", "Roles", (
            Field(pk, what, 10, True),
            Field("BP_ROLE", "BP Role", 6, True)), True),
        Structure(tax, "Tax Numbers", (
            Field(pk, what, 10, True),
            Field("TAXTYPE", "Tax Number Category", 4, True),
            Field("TAXNUM", "Tax Number", 20, True))),
        Structure(bank, "Bank Details", _bank(pk)),
        Structure(company, "Company Code Data", (
            Field(pk, what, 10, True),
            Field("BUKRS", "Company Code", 4, True),
            Field("AKONT", "Reconciliation Account", 10, True),
            Field("ZTERM", "Terms of Payment Key", 4))),
    ))


def _open_items(key: str, name: str, structure: str, partner: str,
                what: str) -> MigrationObject:
    return MigrationObject(key, name, partner, (Structure(structure, "Open Items", (
        Field("BUKRS", "Company Code", 4, True),
        Field("XBLNR", "Reference Document Number", 16, True),
        Field(partner, what, 10, True),
        Field("HKONT", "Offsetting Account", 10, True),
        Field("BLART", "Document Type", 2, True),
        Field("BLDAT", "Document Date", 8, True, "date"),
        Field("BUDAT", "Posting Date", 8, True, "date"),
        Field("WAERS", "Currency", 5, True),
        Field("WRBTR", "Amount in Document Currency", 23, True, "amount"),
        Field("MWSKZ", "Tax Code", 2),
        Field("ZTERM", "Terms of Payment Key", 4),
        Field("ZFBDT", "Baseline Date", 8, False, "date"),
        Field("SGTXT", "Item Text", 50),
    ), True),))


SUPPLIER = _partner("supplier", "Supplier", "LIFNR", "S_SUPPL_GEN", "S_SUPPL_TAXNUMBERS",
                    "S_SUPP_BANK", "S_SUPPL_COMPANY", "Supplier")
CUSTOMER = _partner("customer", "Customer", "KUNNR", "S_CUST_GEN", "S_CUST_TAXNUMBERS",
                    "S_CUST_BANK_DATA", "S_CUST_COMPANY", "Customer")
AP_OPEN_ITEMS = _open_items("ap_open_items", "FI - Accounts payable open item", "S_BSIK",
                            "LIFNR", "Supplier")
AR_OPEN_ITEMS = _open_items("ar_open_items", "FI - Accounts receivable open item", "S_BSID",
                            "KUNNR", "Customer")
OBJECTS = (SUPPLIER, CUSTOMER, AP_OPEN_ITEMS, AR_OPEN_ITEMS)
