"""Identifier families stage by stage: candidates, normalise, validate, context, select."""

from __future__ import annotations

import pytest

from cosy.domain import Line, Word
from cosy.steps.fields.ids import bank as ids_bank
from cosy.steps.fields.ids import register as ids_register
from cosy.steps.fields.ids import tax as ids_tax
from cosy.steps.fields.ids.common import field_value, rule_roles
from cosy.steps.fields.ids.features import identifier_features, identifier_spec
from cosy.steps.fields.ids.labels import find_labels
from cosy.steps.layout import lines as layout_lines
from tests.stages import identifier_context, identifier_labels, selected
from tests.unit.test_fields_normalize import make_lines


def test_label_lexicons_per_language() -> None:
    lines = make_lines([["USt-IdNr.:", "DE 136 695 976"], "VAT Reg. No. GB232042011",
                        "N° TVA intracom. FR69881962237 | N° SIRET 937 646 754 62094"])
    assert [(h.line, h.kind) for h in find_labels(lines, "de")] == [(0, "vat_id")]
    assert [(h.text, h.kind) for h in find_labels(lines, "en")] == [("VAT Reg. No.", "vat_id")]
    assert [h.kind for h in find_labels(lines, "fr")] == ["vat_id", "tax_number"]


def test_iban_run_on_and_misprint() -> None:
    lines = make_lines(["IBAN DE88 2008 0000 0970 3757 00 BIC COBADEFFXXX",
                        "IBAN DE12 1234 4321 9876 00", "Ref DE12123456781234567890"])
    found = ids_bank.iban_validate(ids_bank.iban_normalise(ids_bank.iban_candidates(lines, 1)))
    assert [(m.value, m.confidence) for m in found] == [
        ("DE88200800000970375700", 0.95), ("DE1212344321987600", 0.3)]


def test_bic_after_label_in_lower_case() -> None:
    lines = make_lines([["BIC:", "cobadeff xxx"], "Order ABCDEFGH"])
    hits = identifier_labels(lines)
    labelled = ids_bank.labelled_values(lines, hits, "bic", 1, "fields.ids.candidates.bic.labelled",
                                        ids_bank.BIC_AFTER_LABEL)
    pattern = ids_bank.bic_candidates_pattern(lines, 1)
    found = ids_bank.bic_validate(ids_bank.bic_normalise(pattern, labelled), lines)
    assert [m.value for m in found] == ["COBADEFFXXX"]  # 'ABCDEFGH' has no BIC evidence


@pytest.mark.parametrize(("raw", "value"), [
    ("HRB 76227", "HRB 76227"), ("HRB76227 B", "HRB 76227 B"), ("FN 123456a", "FN 123456a"),
    ("Company No. 1234567", "Company No. 01234567"),
    ("Registered in England 07654321", "Company No. 07654321"),
    ("RCS Saint Denis B 794 730 027", "RCS Saint Denis B 794 730 027"),
    ("SIREN 794730027", "SIREN 794 730 027"),
])
def test_register_print_forms(raw: str, value: str) -> None:
    assert ids_register.register_value(raw) == value


def test_register_needs_evidence_for_rare_schemes_and_court_is_beside_it() -> None:
    lines = make_lines(["Registergericht: Amtsgericht Hannoversch Münden HRB 61466",
                        "Seite PR 2 von 3"])
    cands = [f(lines, 1) for f in (ids_register.register_candidates_de,
                                   ids_register.register_candidates_en,
                                   ids_register.register_candidates_fr)]
    found = ids_register.register_validate(ids_register.register_normalise(*cands), lines)
    assert [m.value for m in found] == ["HRB 61466"]
    contexts = identifier_context("register_number", lines)
    register = ids_register.select_register(contexts, None, "invoice")
    assert register["seller_register"].value == "HRB 61466"
    court = ids_register.select_court(ids_register.court_candidates(lines, 1), register)
    assert court["seller_register_court"].value == "Amtsgericht Hannoversch Münden"


def test_ag_is_a_court_only_before_a_register_number() -> None:
    lines = make_lines(["Müller AG Berlin", "AG Köln HRB 1234"])
    assert [c.value for c in ids_register.court_candidates(lines, 1)] == ["Amtsgericht Köln"]


def test_tax_number_shapes() -> None:
    lines = make_lines([["Steuernummer:", "201/113/40209"], "Aktenzeichen 12/3456/7",
                        ["Tax ID:", "SELLER_TAX_ID"], "ohne Label 22/815/0815/4"])
    found = ids_tax.tax_number_validate(ids_tax.tax_number_normalise(
        ids_tax.tax_number_candidates_labelled(lines, 1),
        ids_tax.tax_number_candidates_shape(lines, 1)))
    assert [(m.value, m.confidence) for m in found] == [
        ("201/113/40209", 0.85), ("SELLER_TAX_ID", 0.85), ("22/815/0815/4", 0.5)]


def test_your_vat_id_belongs_to_the_addressee() -> None:
    lines = make_lines([["Ihre USt-IdNr.:", "DE136695976"], ["USt-IdNr.:", "DE123456789"]])
    vats = identifier_context("vat_id", lines)

    def by_rule(title: str) -> dict[str, str]:  # the select steps with the rules' roles
        found = selected(("seller_vat_id", "buyer_vat_id"),
                         {"page.vat_id.context": vats,
                          "page.vat_id.roles": [rule_roles(c, title) for c in vats]},
                         {"doc.title_kind": title})
        return {k: v.value for k, v in found.items()}

    on_invoice, on_order = by_rule("invoice"), by_rule("order")
    assert on_invoice == {"buyer_vat_id": "DE136695976", "seller_vat_id": "DE123456789"}
    assert on_order == {"seller_vat_id": "DE136695976", "buyer_vat_id": "DE123456789"}


def test_debtor_iban_and_payee_iban() -> None:
    lines = make_lines(["IBAN DE88 2008 0000 0970 3757 00",
                        ["Lastschrift von Käufer-IBAN:", "DE21860000000086001055"]])
    ibans = identifier_context("iban", lines)
    assert ids_bank.select_iban(ibans, None, "invoice")["iban"].value == "DE88200800000970375700"
    debtor = ids_bank.select_debtor_iban(ibans, None, "invoice")["debtor_iban"]
    assert debtor.value == "DE21860000000086001055"


def test_model_probabilities_decide_where_no_label_does() -> None:
    lines = make_lines(["DE 136 695 976"])
    vats = identifier_context("vat_id", lines)
    probs = [{"seller": 0.1, "buyer": 0.85, "other": 0.05}]
    found = ids_tax.select_vat_ids(vats, probs, "invoice", "buyer", set())
    assert found["buyer_vat_id"].model == "identifier_role@1.0"
    assert found["buyer_vat_id"].confidence == pytest.approx(0.9 * 0.85)
    assert ids_tax.select_vat_ids(vats, probs, "invoice", "seller", set()) == {}
    assert rule_roles(vats[0], "invoice") == {"seller": 1.0, "buyer": 0.0, "other": 0.0}


def test_bank_name_beside_the_account() -> None:
    lines = make_lines(["Postbank", "IBAN DE75 5251 0016 6872 7569 64", "Geschäftsführung: X",
                        ["Bankverbindung:", "Sparkasse Köln · IBAN DE88 2008 0000 0970 3757 00"]])
    hits = identifier_labels(lines)
    ibans = ids_bank.iban_validate(ids_bank.iban_normalise(ids_bank.iban_candidates(lines, 1)))
    names = ids_bank.bank_name_normalise(
        ids_bank.labelled_values(lines, hits, "bank", 1, "label", ids_bank.BANK_AFTER_LABEL),
        ids_bank.bank_name_candidates_lexicon(lines, 1))
    assert sorted(m.value for m in names) == ["Postbank", "Sparkasse Köln"]
    context = ids_bank.bank_name_context(names, ibans, [])
    first = {"iban": field_value("iban", ibans[0], 0.95, "x")}
    second = {"iban": field_value("iban", ibans[1], 0.95, "x")}
    assert ids_bank.select_bank_name(context, first)["bank_name"].value == "Postbank"
    assert ids_bank.select_bank_name(context, second)["bank_name"].value == "Sparkasse Köln"


def test_features_follow_the_spec() -> None:
    lines = make_lines([["USt-IdNr.:", "DE136695976"]])
    vats = identifier_context("vat_id", lines)
    spec = identifier_spec()
    x = identifier_features(vats, "order", 1, 1, spec)
    y = identifier_features(vats, "invoice", 1, 1, spec)
    assert x.shape == (1, spec["dim"]) and (x != y).any()  # who wrote it is a feature
    with pytest.raises(ValueError, match="unsupported feature spec"):
        identifier_features(vats, None, 1, 1, {**spec, "version": "0"})


def test_a_wrapped_iban_is_no_vat_id() -> None:
    lines = make_lines([["044 025 50", "DE67 1004 8392 7221", "888-9999"], "8882 72",
                        ["USt-IdNr.", "DE 136 695 976"]])
    found = ids_tax.vat_id_validate(ids_tax.vat_id_normalise(
        ids_tax.vat_id_candidates(lines, 1)), lines)
    assert [m.value for m in found] == ["DE136695976"]


@pytest.mark.parametrize(("row", "value"), [
    ("GST Reg No. :001637511168", "001637511168"), ("GST ID: 001609584640", "001609584640"),
    ("GST No: 0010 9010 5344", "001090105344"), ("(GSTREGNO000243941376)", "000243941376"),
    ("ABN 51 824 753 556", "51824753556"), ("GSTIN: 27AAPFU0939F1ZV", "27AAPFU0939F1ZV"),
])
def test_tax_registrations_of_other_countries_behind_their_label(row: str, value: str) -> None:
    vats = identifier_context("vat_id", make_lines([row]))
    assert [c.value for c in vats] == [value]
    # the role model never saw them: whose they are, the page's writer is (the seller)
    probs = [{"seller": 0.0, "buyer": 0.0, "other": 1.0}] * len(vats)
    assert ids_tax.select_vat_ids(vats, probs, "invoice", "seller", set())[
        "seller_vat_id"].value == value


def test_eu_vat_ids_keep_their_own_source() -> None:
    vats = identifier_context("vat_id", make_lines(["N° TVA intracommunautaire : FR 03 552081317"]))
    assert [(c.value, c.mention.step) for c in vats] == [
        ("FR03552081317", "fields.ids.candidates.vat_id")]


def test_numbers_without_a_registration_label_are_no_vat_id() -> None:
    lines = make_lines(["Tel 03-3362 4395", "VAT 20% 1234.00", "Company Reg No. 001637511168",
                        "Table 000136577024"])
    assert identifier_context("vat_id", lines) == []


def test_abn_check_digits() -> None:
    assert ids_tax.abn_is_valid("51824753556")
    assert not ids_tax.abn_is_valid("51824753557")
    assert not ids_tax.abn_is_valid("5182475355")


def _page(rows: list[tuple[float, str]]) -> list[Line]:
    """Lines at given heights of an A4 page (letterhead, body, footer)."""
    words = []
    for top, text in rows:
        x = 50.0
        for token in text.split():
            words.append(Word(token, x, top, x + 6.0 * len(token), top + 9.0, 9.0))
            x += 6.0 * len(token) + 4.0
    return layout_lines(words)


def test_the_one_other_vat_id_in_the_body_is_the_addressees() -> None:
    lines = _page([(210.0, "Kundennummer: K0100077603"), (225.0, "USt-IdNr.: DE199952957"),
                   (239.0, "Rechnungsnummer: R0005532486"), (795.0, "USt-IdNr. DE812871812")])
    vats = identifier_context("vat_id", lines)
    probs = [{"seller": 0.49, "buyer": 0.13, "other": 0.38},
             {"seller": 0.99, "buyer": 0.0, "other": 0.01}]
    seller = ids_tax.select_vat_ids(vats, probs, "invoice", "seller", set())
    assert seller["seller_vat_id"].value == "DE812871812"
    buyer = ids_tax.select_vat_ids(vats, probs, "invoice", "buyer", {"DE812871812"})
    assert buyer["buyer_vat_id"].value == "DE199952957"
    assert buyer["buyer_vat_id"].confidence < vats[0].confidence
    # a seller registered in several countries lists them together: nothing is the buyer's
    footer = _page([(780.0, "USt-IdNr. DE812871812"), (795.0, "VAT No. ATU13585627")])
    vats = identifier_context("vat_id", footer)
    assert ids_tax.select_vat_ids(vats, None, "invoice", "buyer", {"DE812871812"}) == {}


def test_taxpayer_identification_number_is_a_tax_number() -> None:
    lines = make_lines(["TIN: 123-456-789-000", "Tinte 12345678"])
    assert [c.value for c in identifier_context("tax_number", lines)] == ["123-456-789-000"]
