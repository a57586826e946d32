"""Golden test of `cosy export sap`: a tenant built from generated invoices between fixed
parties (one supplier changed its bank account, one moved), exported cell by cell, with the
conflict report and a filled Migration Cockpit template."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cosy.cli import main
from cosy.config import Settings, get_settings
from cosy.engine.dispatcher import Dispatcher
from cosy.engine.executor import SyncExecutor
from cosy.engine.profiles import load_pipeline
from cosy.identifiers import make_vat_id
from cosy.jobs import submit_document
from cosy.store import open_store
from tests.sap_docs import company, invoice
from tests.sap_template import HEADER_ROWS, template

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
OFFICE = "{urn:schemas-microsoft-com:office:office}"
TENANT = "acme"

_r = random.Random(4)
OWN = company("Nordlicht Handel GmbH", "Große Elbstraße 145", "22767", "Hamburg",
              make_vat_id("DE", _r), "200400600012345678", "COBADEHHXXX")
BRENNER = company("Brenner Metallbau GmbH", "Industriestraße 7", "44137", "Dortmund",
                  make_vat_id("DE", _r), "440100460987654321", "PBNKDEFF440",
                  tax_number="315/5820/1234", phone="+49 231 4477810",
                  email="info@brenner-metallbau.de")
BRENNER_NEW_BANK = company("Brenner Metallbau GmbH", "Industriestraße 7", "44137", "Dortmund",
                           BRENNER.vat_id, "440400370555666777", "COBADEFFXXX",
                           tax_number="315/5820/1234", phone="+49 231 4477810",
                           email="info@brenner-metallbau.de")
KESSLER_OLD = company("Kessler Software AG", "Leopoldstraße 28", "80802", "München",
                      make_vat_id("DE", _r), "700202700111222333", "HYVEDEMMXXX",
                      phone="089 3306 5500")
KESSLER_MOVED = company("Kessler Software AG", "Arnulfstraße 60", "80335", "München",
                        KESSLER_OLD.vat_id, "700202700111222333", "HYVEDEMMXXX",
                        phone="089 3306 5500")
HOTEL = company("Hafenblick Hotel GmbH", "Am Sandtorkai 3", "20457", "Hamburg",
                make_vat_id("DE", _r), "200505501234567890", "HASPDEHHXXX")
WEBER = company("Weber Logistik KG", "Hafenweg 19", "28197", "Bremen", make_vat_id("DE", _r),
                "290500000111000222", "BRLADE22XXX")
INVOICES = [  # (seed, issuer, recipient, issue date)
    (1, BRENNER, OWN, dt.date(2024, 3, 4)), (2, BRENNER, OWN, dt.date(2024, 5, 6)),
    (3, BRENNER_NEW_BANK, OWN, dt.date(2024, 9, 2)),
    (4, KESSLER_OLD, OWN, dt.date(2024, 2, 1)), (5, KESSLER_MOVED, OWN, dt.date(2024, 8, 1)),
    (6, OWN, HOTEL, dt.date(2024, 6, 3)), (7, OWN, HOTEL, dt.date(2024, 10, 7)),
    (8, OWN, WEBER, dt.date(2024, 7, 15)),
    (9, BRENNER, OWN, dt.date(2023, 11, 20)),  # before the open-item window
]
MAPPING = f"""
[company]
names = ["Nordlicht Handel GmbH"]
vat_ids = ["{OWN.vat_id}"]
country = "DE"
company_code = "1010"
[business_partner]
number_start = 100000
[accounts]
supplier_reconciliation = "160000"
customer_reconciliation = "120000"
offsetting = "399999"
[payment_terms]
7 = "Z007"
10 = "Z010"
14 = "Z014"
30 = "Z030"
60 = "Z060"
[tax_codes]
"input.19" = "V1"
"input.7" = "V2"
"output.19" = "A1"
"output.7" = "A2"
[open_items]
since = 2024-01-01
cutoff = 2024-12-31
posting_date = 2024-12-31
[fields.S_SUPPL_GEN]
KTOKK = "LIEF"
"""


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The tenant's store after its invoices ran as durable jobs; the truth of each invoice."""
    root = tmp_path_factory.mktemp("sap")
    settings = Settings(store=str(root / "store"), dask_scheduler="sync", job_lease_s=30,
                        dispatcher_poll_s=0.05)
    store = open_store(settings.store)
    truths = {}
    for seed, issuer, recipient, issued in INVOICES:
        pdf, truth = invoice(seed, issuer, recipient, issued)
        name = f"inv{seed}.pdf"
        submit_document(store, pdf, name, TENANT, settings)
        truths[name] = truth
    Dispatcher(store, SyncExecutor(settings), load_pipeline(settings.pipeline), settings).drain()
    failed = store.count_jobs(TENANT).get("failed", 0)
    store.close()
    assert failed == 0
    (root / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    return {"root": root, "store": settings.store, "truth": truths}


def export(tenant: dict[str, Any], out: Path, *extra: str,
           monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("COSY_STORE", tenant["store"])
    get_settings.cache_clear()
    try:
        return main(["export", "sap", "--tenant", TENANT, "--out", str(out), "--mapping",
                     str(tenant["root"] / "mapping.toml"), *extra])
    finally:
        get_settings.cache_clear()


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def exported(tenant: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    with pytest.MonkeyPatch.context() as mp:
        assert export(tenant, out, monkeypatch=mp) == 0
    return out


def general(pk: str, key: str, party: Any, search: str, street: str,
            number: str) -> dict[str, str]:
    """A general-data row as the party's documents print it (domestic: country DE)."""
    a = party.address
    return {pk: key, "BU_GROUP": "BP02", "NAME1": party.name, "NAME2": "", "SORT1": search,
            "STREET": street, "HOUSE_NUM1": number, "POST_CODE1": a.postcode, "CITY1": a.city,
            "COUNTRY": "DE", "REGION": "", "LANGU": "DE", "TEL_NUMBER": "", "SMTP_ADDR": ""}


def test_suppliers_cell_by_cell(exported: Path) -> None:
    s = exported / "csv" / "supplier"
    assert rows(s / "S_SUPPL_GEN.csv") == [
        {**general("LIFNR", "S100000", BRENNER, "BRENNER METALLBAU", "Industriestraße", "7"),
         "TEL_NUMBER": "+492314477810", "SMTP_ADDR": "info@brenner-metallbau.de",
         "KTOKK": "LIEF"},
        {**general("LIFNR", "S100001", KESSLER_MOVED, "KESSLER SOFTWARE", "Arnulfstraße", "60"),
         "TEL_NUMBER": "+498933065500", "KTOKK": "LIEF"},
    ]
    assert rows(s / "S_ROLES.csv") == [{"LIFNR": k, "BP_ROLE": r} for k in ("S100000", "S100001")
                                       for r in ("FLVN00", "FLVN01")]
    assert rows(s / "S_SUPPL_TAXNUMBERS.csv") == [
        {"LIFNR": "S100000", "TAXTYPE": "DE0", "TAXNUM": BRENNER.vat_id},
        {"LIFNR": "S100000", "TAXTYPE": "DE1", "TAXNUM": "315/5820/1234"},
        {"LIFNR": "S100001", "TAXTYPE": "DE0", "TAXNUM": KESSLER_OLD.vat_id},
    ]
    brenner_iban = BRENNER.bank.iban  # 3 of 4 documents (the newest names another account)
    assert rows(s / "S_SUPP_BANK.csv") == [
        {"LIFNR": "S100000", "BKVID": "0001", "BANKS": "DE", "BANKL": "44010046",
         "BANKN": "0987654321", "IBAN": brenner_iban, "SWIFT": "PBNKDEFF440",
         "KOINH": "Brenner Metallbau GmbH"},
        {"LIFNR": "S100001", "BKVID": "0001", "BANKS": "DE", "BANKL": "70020270",
         "BANKN": "0111222333", "IBAN": KESSLER_OLD.bank.iban, "SWIFT": "HYVEDEMMXXX",
         "KOINH": "Kessler Software AG"},
    ]
    assert rows(s / "S_SUPPL_COMPANY.csv") == [
        {"LIFNR": "S100000", "BUKRS": "1010", "AKONT": "160000", "ZTERM": _zterm(BRENNER)},
        {"LIFNR": "S100001", "BUKRS": "1010", "AKONT": "160000",
         "ZTERM": _zterm(KESSLER_OLD)},
    ]


def _zterm(party: Any) -> str:
    """The key of the payment days most of a supplier's invoices grant (the newest invoice
    breaks a tie), as the generator drew them."""
    from tests.sap_docs import _content

    days = {when: _content(seed).payment_days for seed, issuer, _, when in INVOICES
            if issuer.vat_id == party.vat_id}
    count = Counter(days.values())
    best = max(count, key=lambda d: (count[d], max(w for w, x in days.items() if x == d)))
    return {7: "Z007", 10: "Z010", 14: "Z014", 30: "Z030", 60: "Z060"}[best]


def test_customers_cell_by_cell(exported: Path) -> None:
    c = exported / "csv" / "customer"
    assert rows(c / "S_CUST_GEN.csv") == [
        general("KUNNR", "C100000", HOTEL, "HAFENBLICK HOTEL", "Am Sandtorkai", "3"),
        general("KUNNR", "C100001", WEBER, "WEBER LOGISTIK", "Hafenweg", "19"),
    ]
    assert rows(c / "S_CUST_TAXNUMBERS.csv") == []  # domestic invoices print no buyer VAT ID
    assert rows(c / "S_CUST_BANK_DATA.csv") == []  # and no account of the customer
    assert [r["KUNNR"] for r in rows(c / "S_ROLES.csv")] == ["C100000"] * 2 + ["C100001"] * 2


def test_open_items_one_line_per_invoice(exported: Path, tenant: dict[str, Any]) -> None:
    truth = tenant["truth"]

    def item(name: str, partner: str, key: str, tax: str) -> dict[str, str]:
        f = truth[name]["fields"]
        issued = f["issue_date"]
        due = dt.date.fromisoformat(f["due_date"]) - dt.date.fromisoformat(issued)
        return {"BUKRS": "1010", "XBLNR": f["invoice_number"], key: partner,
                "HKONT": "399999", "BLART": "KR" if key == "LIFNR" else "DR",
                "BLDAT": issued, "BUDAT": "2024-12-31", "WAERS": "EUR",
                "WRBTR": f"{Decimal(str(f['amount_due'])):.2f}", "MWSKZ": tax,
                "ZTERM": {7: "Z007", 10: "Z010", 14: "Z014", 30: "Z030", 60: "Z060"}[due.days],
                "ZFBDT": issued}

    def tax(name: str, direction: str) -> str:
        rates = {r["rate"] for r in truth[name]["tax_breakdown"]}
        codes = {"input": {19.0: "V1", 7.0: "V2"}, "output": {19.0: "A1", 7.0: "A2"}}
        return codes[direction][rates.pop()] if len(rates) == 1 else ""

    bsik = [{k: v for k, v in r.items() if k != "SGTXT"}
            for r in rows(exported / "csv" / "ap_open_items" / "S_BSIK.csv")]
    expected = [item(f"inv{n}.pdf", p, "LIFNR", tax(f"inv{n}.pdf", "input"))
                for n, p in ((1, "S100000"), (2, "S100000"), (3, "S100000"), (4, "S100001"),
                             (5, "S100001"))]
    assert bsik == expected  # inv9.pdf is older than open_items.since
    bsid = [{k: v for k, v in r.items() if k != "SGTXT"}
            for r in rows(exported / "csv" / "ar_open_items" / "S_BSID.csv")]
    assert bsid == [item(f"inv{n}.pdf", p, "KUNNR", tax(f"inv{n}.pdf", "output"))
                    for n, p in ((6, "C100000"), (7, "C100000"), (8, "C100001"))]
    left = json.loads((exported / "export.json").read_text())["open_items_left_out"]
    assert [(x["file"], x["reason"]) for x in left] == [
        ("inv9.pdf", "issued before 2024-01-01 (mapping: open_items.since)")]


def test_conflict_report_lists_the_documents_behind_each_variant(exported: Path) -> None:
    conflicts = json.loads((exported / "conflicts.json").read_text())
    by = {(c["partner"], c["attribute"]): c for c in conflicts}
    assert set(by) == {("S100000", "iban"), ("S100001", "address")}
    iban = by["S100000", "iban"]
    assert iban["chosen"] == BRENNER.bank.iban
    assert [(v["value"], sorted(e["file"] for e in v["evidence"])) for v in iban["variants"]] == [
        (BRENNER.bank.iban, ["inv1.pdf", "inv2.pdf", "inv9.pdf"]),
        (BRENNER_NEW_BANK.bank.iban, ["inv3.pdf"])]
    assert iban["why"] == "3 of 4 documents, newest 2024-05-06"
    moved = by["S100001", "address"]  # one document each: the newest decides
    assert moved["chosen"] == {"street": "Arnulfstraße 60", "postal_code": "80335",
                               "city": "München", "country": ""}
    assert [[e["file"] for e in v["evidence"]] for v in moved["variants"]] == [["inv5.pdf"],
                                                                              ["inv4.pdf"]]
    lines = rows(exported / "conflicts.csv")
    assert len(lines) == 4 and {ln["attribute"] for ln in lines} == {"iban", "address"}


def test_every_cell_has_its_provenance(exported: Path) -> None:
    prov = rows(exported / "provenance.csv")
    iban = next(p for p in prov if p["structure"] == "S_SUPP_BANK" and p["field"] == "IBAN"
                and p["key"] == "S100000")
    assert sorted(iban["files"].split(" | ")) == ["inv1.pdf", "inv2.pdf", "inv9.pdf"]
    assert iban["note"] == "3 of 4 documents, newest 2024-05-06" and iban["pages"]
    grouping = next(p for p in prov if p["field"] == "BU_GROUP" and p["key"] == "S100000")
    assert grouping["note"] == "mapping: business_partner.supplier_grouping"
    docs = rows(exported / "documents.csv")
    assert {d["file"] for d in docs} == {f"inv{n}.pdf" for n in range(1, 10)}
    from openpyxl import load_workbook

    wb = load_workbook(exported / "xlsx" / "supplier.xlsx")
    assert wb.sheetnames == ["S_SUPPL_GEN", "S_ROLES", "S_SUPPL_TAXNUMBERS", "S_SUPP_BANK",
                             "S_SUPPL_COMPANY", "Provenance"]
    assert [c.value for c in wb["S_SUPPL_GEN"][2]][:3] == ["S100000", "BP02",
                                                          "Brenner Metallbau GmbH"]


SUPPLIER_SHEETS = [
    ("General Data", "S_SUPPL_GEN", True, [
        ("LIFNR", "Supplier", True, "Text", 10), ("BU_GROUP", "Grouping", True, "Text", 4),
        ("KTOKK", "Account Group", True, "Text", 4),
        ("NAME1", "Name of Organization 1", True, "Text", 20),  # short: a length violation
        ("SORT1", "Search Term 1", True, "Text", 20), ("STREET", "Street", False, "Text", 60),
        ("HOUSE_NUM1", "House Number", False, "Text", 10),
        ("POST_CODE1", "Postal Code", False, "Text", 10), ("CITY1", "City", False, "Text", 40),
        ("COUNTRY", "Country", True, "Text", 3), ("LANGU", "Language Key", True, "Text", 2)]),
    ("Role", "S_ROLES", True, [("LIFNR", "Supplier", True, "Text", 10),
                               ("BP_ROLE", "BP Role", True, "Text", 6)]),
    ("Tax Numbers", "S_SUPPL_TAXNUMBERS", False, [
        ("LIFNR", "Supplier", True, "Text", 10),
        ("TAXTYPE", "Tax Number Category", True, "Text", 4),
        ("TAXNUM", "Tax Number", True, "Text", 20)]),
    ("Bank Details", "S_SUPP_BANK", False, [
        ("LIFNR", "Supplier", True, "Text", 10), ("BANKS", "Bank Country", True, "Text", 3),
        ("IBAN", "IBAN", False, "Text", 34), ("SWIFT", "SWIFT/BIC", False, "Text", 11)]),
    ("Purchasing Data", "S_SUPPL_PURCHASING", False, [
        ("LIFNR", "Supplier", True, "Text", 10),
        ("EKORG", "Purchasing Organization", True, "Text", 4)]),
]


def test_filled_template_keeps_everything_and_adds_rows_where_the_cockpit_reads(
        tenant: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "Source data for Supplier.xml"
    source.write_text(template("Supplier", SUPPLIER_SHEETS), encoding="utf-8")
    out = tmp_path / "out"
    assert export(tenant, out, "--template", str(source), monkeypatch=monkeypatch) == 0
    filled = (out / "templates" / source.name).read_text(encoding="utf-8")
    assert filled.startswith('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>')
    before, after = ET.fromstring(source.read_bytes()), ET.fromstring(filled.encode("utf-8"))
    for tag in (f"{OFFICE}DocumentProperties", f"{OFFICE}CustomDocumentProperties"):
        assert ET.tostring(after.find(tag)) == ET.tostring(before.find(tag))
    assert ET.tostring(after.find(f"{SS}Styles")) == ET.tostring(before.find(f"{SS}Styles"))
    names = [ws.get(f"{SS}Name") for ws in before.iter(f"{SS}Worksheet")]
    assert [ws.get(f"{SS}Name") for ws in after.iter(f"{SS}Worksheet")] == names
    sheets = {ws.get(f"{SS}Name"): ws for ws in after.iter(f"{SS}Worksheet")}
    for ws_before in before.iter(f"{SS}Worksheet"):
        name = ws_before.get(f"{SS}Name")
        old_rows = ws_before.find(f"{SS}Table").findall(f"{SS}Row")
        new_rows = sheets[name].find(f"{SS}Table").findall(f"{SS}Row")
        assert [ET.tostring(r) for r in new_rows[:len(old_rows)]] == [
            ET.tostring(r) for r in old_rows]  # headers, hidden rows 4-6 and all
    general = sheets["General Data"].find(f"{SS}Table")
    assert [r.get(f"{SS}Hidden") for r in general.findall(f"{SS}Row")[:HEADER_ROWS]] == [
        None, None, None, "1", "1", "1", None, None]
    assert general.get(f"{SS}ExpandedRowCount") == str(HEADER_ROWS + 2)
    assert _data(general) == [
        ["S100000", "BP02", "LIEF", "Brenner Metallbau GmbH", "BRENNER METALLBAU",
         "Industriestraße", "7", "44137", "Dortmund", "DE", "DE"],
        ["S100001", "BP02", "LIEF", "Kessler Software AG", "KESSLER SOFTWARE", "Arnulfstraße",
         "60", "80335", "München", "DE", "DE"]]
    assert _data(sheets["Bank Details"].find(f"{SS}Table")) == [
        ["S100000", "DE", BRENNER.bank.iban, "PBNKDEFF440"],
        ["S100001", "DE", KESSLER_OLD.bank.iban, "HYVEDEMMXXX"]]
    assert _data(sheets["Purchasing Data"].find(f"{SS}Table")) == []
    violations = json.loads((out / "export.json").read_text())["violations"]
    assert [(v["sheet"], v["row"], v["field"], v["kind"], v.get("value")) for v in violations] == [
        ("General Data", 9, "NAME1", "too_long", "Brenner Metallbau GmbH")]  # not cut


def _data(table: ET.Element) -> list[list[str]]:
    """Cell texts of the rows below the header rows, placed by their ss:Index columns."""
    out = []
    for row in table.findall(f"{SS}Row")[HEADER_ROWS:]:
        cells: dict[int, str] = {}
        c = 0
        for cell in row.findall(f"{SS}Cell"):
            c = int(cell.get(f"{SS}Index", c + 1))
            cells[c] = cell.find(f"{SS}Data").text or ""
        out.append([cells.get(k, "") for k in range(1, max(cells, default=0) + 1)])
    return out


def test_clear_errors_before_anything_is_written(tenant: dict[str, Any], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("COSY_STORE", tenant["store"])
    get_settings.cache_clear()
    mapping = tmp_path / "m.toml"

    def run(*args: str) -> tuple[int, str]:
        code = main(["export", "sap", "--out", str(tmp_path / "out"), *args])
        return code, capsys.readouterr().err

    mapping.write_text('[company]\ncompany_code = "1010"\n')
    code, err = run("--tenant", TENANT, "--mapping", str(mapping))
    assert code == 1 and err.count("\n") == 1
    assert "names no own company" in err and "Nordlicht Handel GmbH (9 documents)" in err
    mapping.write_text('[company]\nnames = ["Somebody Else GmbH"]\n')
    code, err = run("--tenant", TENANT, "--mapping", str(mapping))
    assert code == 1 and "no organisation of the tenant matches the own company" in err
    code, err = run("--tenant", "nobody", "--mapping", str(mapping))
    assert code == 1 and "tenant 'nobody' has no processed documents" in err
    other = tmp_path / "Source data for Material.xml"
    other.write_text(template("Product", [("Basic Data", "S_MARA", True,
                                           [("MATNR", "Product", True, "Text", 40)])]))
    code, err = run("--tenant", TENANT, "--template", str(other))
    assert code == 1 and "are none that COSY fills" in err and "S_MARA" in err
    assert not (tmp_path / "out").exists()
    get_settings.cache_clear()
