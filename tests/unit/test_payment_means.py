"""Payment means, SEPA creditor identifier and mandate reference, stage by stage; the check that
ties them to the accounts; and two real documents that print them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cosy.domain import FieldValue
from cosy.steps.consistency_payment import payment_means_check
from cosy.steps.fields.ids import mandate as sepa_mandate
from cosy.steps.fields.ids import sepa
from cosy.steps.fields.ids.common import build_contexts, page_zones
from cosy.steps.fields.payment import means as pm
from tests.conftest import Extract
from tests.stages import GEOMETRY, identifier_labels
from tests.unit.test_fields_normalize import make_lines


def means(rows: list[str | list[str]], fields: dict[str, Any] | None = None,
          title: str | None = "invoice") -> dict[str, str]:
    """The payment means fields a page of ``rows`` gives, beside the document's other fields."""
    lines = make_lines(rows)
    hits = [pm.coded_means(lines), pm.labelled_means(lines), pm.german_means(lines),
            pm.english_means(lines), pm.french_means(lines)]
    valid = pm.means_validate(pm.means_normalise(*hits, lines))
    context = pm.means_context(valid, lines, 1, GEOMETRY)
    other = {k: FieldValue(k, v, 0.9) for k, v in (fields or {}).items()}
    return {k: v.value for k, v in pm.select_means(context, other, title).items()}


IBAN = {"iban": "DE88200800000970375700"}


@pytest.mark.parametrize(("rows", "fields", "code"), [
    (["Bitte überweisen Sie den Betrag auf unser Konto."], {}, "30"),
    (["Zahlung per SEPA-Überweisung bis zum 30.05.2017."], IBAN, "58"),
    (["Der Betrag wird am 20.03.2018 von Ihrem Konto per SEPA-Lastschrift",
      "eingezogen."], {}, "59"),
    (["Der Rechnungsbetrag wird über Ihre MasterCard-Kreditkarte abgebucht."], {}, "54"),
    (["Please pay by bank transfer to the account below."], {}, "30"),
    (["The amount will be collected by SEPA direct debit from your account."], {}, "59"),
    (["Paid by credit card (Visa)."], {}, "54"),
    (["Règlement par virement bancaire sur notre compte."], {}, "30"),
    (["Le montant sera prélevé sur votre compte par prélèvement SEPA."], {}, "59"),
    (["Paiement en espèces à la livraison."], {}, "10"),
    (["Paiement par chèque à l'ordre de Dupont SARL."], {}, "20"),
    (["Bezahlt mit PayPal am 03.10.2018."], {}, "68"),
    (["Zahlbar innerhalb von 30 Tagen netto auf unser Konto."], {}, "42"),
    (["Der Betrag wird mit der nächsten Rechnung verrechnet."], {}, "97"),
])
def test_means_in_each_language(rows: list[str], fields: dict[str, str], code: str) -> None:
    assert means(rows, fields)["payment_means"] == code


def test_coded_form_and_its_name() -> None:
    found = means(["Zahlungsart", ["Zahlungstyp (codiert):", "30 - per Überweisung (SEPA)"]],
                  IBAN)
    assert found == {"payment_means": "30", "payment_means_name": "Credit transfer"}
    assert means([["Zahlungstyp (codiert):", "59"]])["payment_means"] == "59"
    assert means(["Payment Means (58): SEPA credit transfer"])["payment_means_name"] == \
        "SEPA credit transfer"
    assert means([["Zahlungstyp (codiert):", "77"]]) == {}  # not a code of the list


def test_short_value_behind_a_label() -> None:
    assert means([["Zahlungsart:", "Bar"]])["payment_means"] == "10"
    assert means([["Order No.", "Payment Method"], ["123456789", "Card"]])["payment_means"] == "48"
    assert means([["Payment Method"], ["101628"]]) == {}  # an empty column
    assert means(["Die Bar am Bahnhof ist geöffnet."]) == {}  # 'Bar' needs the label


def test_a_mandate_offer_is_not_the_means() -> None:
    rows = ["Einen zu zahlenden Beitrag überweisen Sie bitte auf folgende Bankverbindung: IBAN",
            "Einfacher für Sie ist es, wenn Sie uns ein SEPA-Lastschriftmandat erteilen. Wir",
            "würden dann zu der Fälligkeit den Beitrag von Ihrem Konto abbuchen.",
            "Beitragsgutschriften aus Ihrem Vertrag erstatten wir per Scheck."]
    assert means(rows)["payment_means"] == "30"
    assert means(["If you grant us a direct debit mandate, we collect the amount."]) == {}
    # the refund's cheque is the means of a credit note, not of an invoice
    refund = ["Den Betrag erstatten wir Ihnen per Scheck."]
    assert means(refund) == {}
    assert means(refund, title="credit_note")["payment_means"] == "20"


def test_an_account_means_needs_the_account() -> None:
    assert means(["Bitte überweisen Sie bis zum 30.05.2017."]) == {}
    assert means(["Bitte überweisen Sie bis zum 30.05.2017."], IBAN)["payment_means"] == "30"
    assert means(["Lastschrift"]) == {}
    assert means(["Lastschrift"], {"mandate_reference": "REF A-123"})["payment_means"] == "49"


def test_generic_words_take_the_specific_code_of_their_kind() -> None:
    rows = ["Invoice to pay by wire transfer to the following bank account:",
            ["SEPA Wire transfer", "11/17/2017", "623.00"]]
    assert means(rows, IBAN)["payment_means"] == "58"


def creditor_ids(rows: list[str | list[str]], title: str = "invoice") -> dict[str, Any]:
    lines = make_lines(rows)
    found = sepa.creditor_id_validate(sepa.creditor_id_normalise(
        sepa.creditor_id_de(lines, 1), sepa.creditor_id_en(lines, 1),
        sepa.creditor_id_fr(lines, 1), sepa.creditor_id_pattern(lines, 1)))
    contexts = build_contexts(found, lines, page_zones(lines, GEOMETRY), identifier_labels(lines))
    picked = sepa.select_creditor_id(contexts, title).get("creditor_id")
    return {"all": [(m.value, m.confidence) for m in found],
            "creditor_id": picked.value if picked else None}


def test_creditor_id_check_digits() -> None:
    assert sepa.creditor_id_valid("DE98ZZZ09999999999")
    assert not sepa.creditor_id_valid("DE97ZZZ09999999999")  # a check digit off
    assert sepa.creditor_id_valid("DE98ABC09999999999")  # the business code is not checked
    assert not sepa.creditor_id_valid("XX98ZZZ09999999999")  # no SEPA country


@pytest.mark.parametrize("rows", [
    [["Gläubiger ID bei Lastschrift :", "DE98ZZZ09999999999"]],
    ["Gläubiger-Identifikationsnummer: DE98 ZZZ 09999999999"],
    ["SEPA Creditor Identifier: DE98ZZZ09999999999, Mandate reference: M-1"],
    ["Identifiant créancier SEPA : DE98ZZZ09999999999"],
    ["Unsere Bankverbindung DE98ZZZ09999999999 (unlabelled)"],
])
def test_creditor_id_by_label_and_by_shape(rows: list[str | list[str]]) -> None:
    assert creditor_ids(rows)["creditor_id"] == "DE98ZZZ09999999999"


def test_creditor_id_invalid_and_iban_are_told_apart() -> None:
    assert creditor_ids(["Gläubiger-ID: DE97ZZZ09999999999"])["all"] == [
        ("DE97ZZZ09999999999", 0.4)]  # a misprint behind its label, less trusted
    assert creditor_ids(["Ref DE97ZZZ09999999999"])["all"] == []  # bare and failing: none
    assert creditor_ids(["IBAN DE88200800000970375700"])["all"] == []
    assert creditor_ids(["Ihre Gläubiger-ID: DE98ZZZ09999999999"])["creditor_id"] is None


def mandates(rows: list[str | list[str]]) -> str | None:
    lines = make_lines(rows)
    found = sepa_mandate.mandate_reference_validate(sepa_mandate.mandate_reference_normalise(
        sepa_mandate.mandate_reference_de(lines, 1), sepa_mandate.mandate_reference_en(lines, 1),
        sepa_mandate.mandate_reference_fr(lines, 1)))
    picked = sepa_mandate.mandate_reference_select([found]).get("mandate_reference")
    return picked.value if picked else None


@pytest.mark.parametrize(("rows", "value"), [
    ([["Mandatsreferenz d. Lastschrift:", "REF A-123"]], "REF A-123"),
    (["Mandatsreferenz: MR-2024/0042, Gläubiger-ID: DE98ZZZ09999999999"], "MR-2024/0042"),
    (["Mandate reference: 000123-ABC"], "000123-ABC"),
    (["Référence unique de mandat (RUM) : ++R123456"], "++R123456"),
    (["RUM : FR-2023-77 ICS : FR72ZZZ123456"], "FR-2023-77"),
    (["Mandatsreferenz wird Ihnen gesondert mitgeteilt"], None),  # prose, no reference
    (["Mandate reference: " + "A1" * 20], None),  # longer than 35 characters
])
def test_mandate_reference(rows: list[str | list[str]], value: str | None) -> None:
    assert mandates(rows) == value


def _fields(**values: str) -> dict[str, FieldValue]:
    return {k: FieldValue(k, v, 0.7) for k, v in values.items()}


def test_check_means_against_accounts() -> None:
    debit = payment_means_check(_fields(payment_means="59", debtor_iban="DE21860000000086001055",
                                        mandate_reference="REF A-123"))
    assert debit.ok and {"payment_means", "debtor_iban"} <= set(debit.fields)
    assert payment_means_check(_fields(payment_means="49", creditor_id="DE98ZZZ09999999999")
                               ).ok is None  # no mandate, no debtor account: unconfirmed
    transfer = payment_means_check(_fields(payment_means="58", iban="DE88200800000970375700"))
    assert transfer.ok and transfer.fields == ("payment_means", "payment_means_name", "iban")
    assert payment_means_check(_fields(payment_means="30", mandate_reference="M-1")).ok is False
    assert payment_means_check(_fields(payment_means="54")).ok is None
    assert payment_means_check({}).ok is None


# --- real documents ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extract(extract_result: Extract) -> Any:
    def run(path: Path) -> dict[str, Any]:
        result = extract_result(path.read_bytes(), path.name)
        return {"fields": {k: f["value"] for k, f in result["fields"].items()},
                "checks": {c["name"]: c for c in result.get("checks", [])}}

    return run


def test_real_sepa_prenotification(real_corpus: Path, extract: Any) -> None:
    got = extract(real_corpus / "docs" / "zf22_EN16931_SEPA_Prenotification.pdf")
    fields = got["fields"]
    assert (fields["payment_means"], fields["payment_means_name"]) == ("59", "SEPA direct debit")
    assert fields["creditor_id"] == "DE98ZZZ09999999999"
    assert fields["mandate_reference"] == "REF A-123"
    assert got["checks"]["payment_means"]["ok"] is True


def test_real_coded_sepa_transfer(real_corpus: Path, extract: Any) -> None:
    got = extract(real_corpus / "docs" / "zf22_XRECHNUNG_Einfach.pdf")
    assert got["fields"]["payment_means"] == "58"
    assert "creditor_id" not in got["fields"] and "mandate_reference" not in got["fields"]
    truth = {json.loads(t)["file"]: json.loads(t) for t in
             (real_corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines()}
    if truth["docs/zf22_XRECHNUNG_Einfach.pdf"]["fields"].get("iban"):
        assert got["checks"]["payment_means"]["ok"] is True
