"""Pieces of the SAP export: splitting names and streets, bank keys from IBANs, the mapping
file, evidence ranking, and templates COSY must refuse with a clear reason."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cosy.batch.sap.evidence import variants
from cosy.batch.sap.graph import DocView, Stated, TenantGraph
from cosy.batch.sap.mapping import MappingError, load_mapping
from cosy.batch.sap.partners import (
    bank_key_and_account,
    search_term,
    split_name,
    split_street,
    vat_country,
)
from cosy.batch.sap.template import TemplateError, read_template
from cosy.batch.sap.values import check, sap_text
from tests.sap_template import template


@pytest.mark.parametrize(("street", "expected"), [
    ("Hauptstraße 12a", ("Hauptstraße", "12a")),
    ("Am Sandtorkai 3", ("Am Sandtorkai", "3")),
    ("Industriestr. 7 - 9", ("Industriestr.", "7-9")),
    ("12 High Street", ("High Street", "12")),
    ("768, rue de Paris", ("rue de Paris", "768")),
    ("Marktplatz", ("Marktplatz", "")),
    ("Straße des 17. Juni 135", ("Straße des 17. Juni", "135")),
])
def test_split_street(street: str, expected: tuple[str, str]) -> None:
    assert split_street(street) == expected


def test_long_names_continue_in_name2_between_words() -> None:
    name = "Internationale Spedition und Lagerhaltung Norddeutschland GmbH"
    first, rest = split_name(name)
    assert len(first) <= 40 and f"{first} {rest}" == name and not first.endswith(" ")
    assert split_name("Kurz GmbH") == ("Kurz GmbH", "")


def test_search_term_drops_the_legal_form() -> None:
    legal = [Stated("GmbH & Co. KG", "d", 1, 1.0, "page")]
    assert search_term("Müller Logistik GmbH & Co. KG", legal) == "MÜLLER LOGISTIK"
    assert search_term("A very long company name for searching", []) == "A VERY LONG COMPANY"


def test_bank_key_and_account_from_the_iban() -> None:
    assert bank_key_and_account("DE51440100460987654321") == ("44010046", "0987654321")
    assert bank_key_and_account("AT611904300234573201") == ("19043", "00234573201")
    assert bank_key_and_account("FR1420041010050500013M02606") == ("", "")  # IBAN only
    assert vat_country("EL094259216") == "GR" and vat_country("DE136695976") == "DE"


def test_mapping_defaults_and_errors(tmp_path: Path) -> None:
    m = load_mapping(None)
    assert not m.configured and m.company_code == "1010"
    assert m.roles["supplier"] == ["FLVN00", "FLVN01"]
    path = tmp_path / "m.toml"
    path.write_text('[company]\nnames = ["ACME GmbH"]\n[tax_codes]\n"input.19" = "V1"\n'
                    '"input.AE" = "V9"\n[payment_terms]\n30 = "Z030"\n')
    m = load_mapping(path)
    assert m.configured and m.payment_term(30) == "Z030" and m.payment_term(14) == ""
    assert m.tax_code("input", Decimal("19.00"), "S") == "V1"
    assert m.tax_code("input", Decimal("0"), "AE") == "V9"
    assert m.tax_code("output", Decimal("19"), None) == ""
    path.write_text("[company\n")
    with pytest.raises(MappingError, match="not a readable TOML file"):
        load_mapping(path)
    path.write_text('[open_items]\nsince = "soon"\n')
    with pytest.raises(MappingError, match="soon"):
        load_mapping(path)
    with pytest.raises(MappingError, match="no such mapping file"):
        load_mapping(tmp_path / "none.toml")


def test_variants_rank_by_documents_then_xml_then_newest() -> None:
    g = TenantGraph(docs={d: DocView(d, d) for d in "abcd"})
    for d, when in zip("abcd", ("2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01"),
                       strict=True):
        g.docs[d].fields["issue_date"] = Stated(when, d, 1, 1.0, "page")
    s = [Stated("DE02 1203 0000 0000 2020 51", "a", 1, 0.9, "page"),
         Stated("DE02120300000000202051", "b", 1, 0.9, "page"),
         Stated("DE89370400440532013000", "d", 1, 0.9, "page")]
    vs = variants(s, g, lambda v: v.replace(" ", ""))
    assert [v.key for v in vs] == ["DE02120300000000202051", "DE89370400440532013000"]
    assert vs[0].why(3) == "2 of 3 documents, newest 2022-01-01"
    tie = variants([Stated("A", "a", 1, 1.0, "page"), Stated("B", "c", 1, 1.0, "page")], g, str)
    assert [v.value for v in tie] == ["B", "A"]  # one each: the newer document wins
    xml = variants([Stated("A", "d", 1, 1.0, "page"), Stated("B", "a", 1, 1.0, "xml")], g, str)
    assert [v.value for v in xml] == ["B", "A"]  # e-invoice XML beats a newer page


def test_length_and_mandatory_checks_never_cut() -> None:
    assert check("S", 9, "NAME1", 5, True, "") == {
        "structure": "S", "row": 9, "field": "NAME1", "kind": "mandatory_missing",
        "message": "a mandatory field without a value"}
    assert check("S", 9, "NAME1", 5, True, "Brenner")["value"] == "Brenner"
    assert check("S", 9, "NAME1", 40, True, "Brenner") is None
    import datetime as dt

    assert sap_text(dt.date(2024, 3, 4)) == "20240304" and sap_text(Decimal("1.50")) == "1.50"


def test_templates_cosy_cannot_fill_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<Workbook><unclosed></Workbook>")
    with pytest.raises(TemplateError, match="not well-formed XML"):
        read_template(bad)
    bad.write_text('<?xml version="1.0"?><html/>')
    with pytest.raises(TemplateError, match="not an Excel XML Spreadsheet 2003"):
        read_template(bad)
    text = template("Supplier", [("General Data", "S_SUPPL_GEN", True,
                                  [("LIFNR", "Supplier", True, "Text", 10)])])
    bad.write_text(text.replace('ss:Name="Field List"', 'ss:Name="Felder"'))
    with pytest.raises(TemplateError, match="no 'Field List' sheet"):
        read_template(bad)
    listed = text.replace(">LIFNR<", ">LIFNR_X<", 1).replace(">Supplier*<", ">Lieferant*<", 1)
    bad.write_text(listed)  # the Field List names a field the sheet has no column for
    with pytest.raises(TemplateError, match="has no column for field LIFNR_X"):
        read_template(bad)
    good = tmp_path / "good.xml"
    good.write_text(text)
    t = read_template(good)
    assert t.properties["OBJECT_NAME"] == "Supplier"
    [sheet] = t.sheets
    assert (sheet.name, sheet.structure, sheet.mandatory, sheet.rows) == (
        "General Data", "S_SUPPL_GEN", True, 8)
    assert [(f.name, f.column, f.length, f.mandatory) for f in sheet.fields] == [
        ("LIFNR", 1, 10, True)]


def test_rows_go_right_after_the_headers_before_empty_formatted_rows(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    from cosy.batch.sap.template import fill
    from cosy.batch.sap.values import Value

    text = template("Supplier", [("General Data", "S_SUPPL_GEN", True,
                                  [("LIFNR", "Supplier", True, "Text", 10),
                                   ("NAME1", "Name", True, "Text", 40)])])
    empty = '<Row ss:StyleID="TEXT"/><Row><Cell ss:StyleID="TEXT"/></Row>'
    head, tail = text.rsplit("</Table>", 1)  # the data sheet is the last one
    path = tmp_path / "t.xml"
    path.write_text(f"{head}{empty}</Table>{tail}")
    t = read_template(path)
    filled, problems = fill(t, {"S_SUPPL_GEN": [{"LIFNR": Value("S1"), "NAME1": Value("A")},
                                                {"LIFNR": Value("S2")}]}, {})
    assert problems == [{"sheet": "General Data", "description": "Name", "structure":
                         "S_SUPPL_GEN", "row": 10, "field": "NAME1",
                         "kind": "mandatory_missing",
                         "message": "a mandatory field without a value"}]
    ss = "{urn:schemas-microsoft-com:office:spreadsheet}"
    sheet = ET.fromstring(filled.encode())[-1]
    table = sheet.find(f"{ss}Table")
    rows = table.findall(f"{ss}Row")
    assert ["".join(r.itertext()) for r in rows[8:]] == ["S1A", "S2", "", ""]
    assert table.get(f"{ss}ExpandedRowCount") == "12"
